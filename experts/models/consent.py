"""Consent and disclosure: privacy-notice versions, the experts' consents to them, and which
experience areas each expert lets each kind of booker see."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expertbank.translated import in_reader_language
from experts.models.reference import BookerKind, ExperienceArea


class PrivacyNotice(models.Model):
    """A version of the privacy notice experts consent to; the newest published one is current."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    published_on = models.DateField(_("published"))
    summary = models.TextField(_("summary"), blank=True, help_text=_("In Finnish."))
    summary_sv = models.TextField(_("summary in Swedish"), blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-published_on", "-pk"]
        get_latest_by = ["published_on", "pk"]

    def __str__(self) -> str:
        return self.version

    @property
    def local_summary(self) -> str:
        """The summary in the reader's language (the Finnish one when not translated)."""
        return in_reader_language(self, "summary", finnish="summary")

    @classmethod
    def current(cls) -> PrivacyNotice | None:
        return cls.objects.filter(published_on__lte=timezone.localdate()).first()


class ConsentRecord(models.Model):
    """Consent to the processing described in one privacy notice version; withdrawable."""

    expert = models.ForeignKey(
        "experts.Expert",
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("expert"),
    )
    notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, verbose_name=_("privacy notice")
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    on_paper = models.BooleanField(_("given on paper"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "notice"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_open_per_notice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} / {self.notice}"


class AreaDisclosure(models.Model):
    """The expert allows this experience area to be shown to this kind of booker."""

    expert = models.ForeignKey(
        "experts.Expert",
        on_delete=models.CASCADE,
        related_name="disclosures",
        verbose_name=_("expert"),
    )
    area = models.ForeignKey(
        ExperienceArea, on_delete=models.CASCADE, verbose_name=_("experience area")
    )
    booker_kind = models.CharField(_("kind of booker"), max_length=20, choices=BookerKind.choices)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "area", "booker_kind"], name="disclosure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} → {self.get_booker_kind_display()}"
