"""Documents and tax cards: what a coordinator has seen or recorded for an expert, some with
an expiry, and the tax cards fees are withheld by."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class TaxCard(models.Model):
    """A tax card for fees: base rate up to the income limit, additional rate above it.

    A wage card (*palkkaverokortti*) is for lecture and meeting fees (210, 214); a card for
    compensation for work (*työkorvaus*, 336) is its own kind: a wage card cannot be used for it.
    The card sent at the turn of the year prints a yearly limit and one for February–December.
    """

    class Kind(models.TextChoices):
        WAGE = "wage", _("wage tax card (lecture and meeting fees)")
        WORK_COMPENSATION = "work", _("tax card for compensation for work (työkorvaus)")

    expert = models.ForeignKey(
        "experts.Expert",
        on_delete=models.CASCADE,
        related_name="tax_cards",
        verbose_name=_("expert"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WAGE)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    base_rate = models.DecimalField(
        _("base withholding rate (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **PERCENT,
    )
    additional_rate = models.DecimalField(
        _("additional rate (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **PERCENT,
    )
    income_limit = models.DecimalField(
        _("yearly income limit (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    income_limit_feb_dec = models.DecimalField(
        _("income limit for February–December (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Used when the card has no yearly limit: income from 1 February counts."),
        **MONEY,
    )
    prepayment_register = models.BooleanField(
        _("in the prepayment register"),
        default=False,
        help_text=_("No withholding for a payee in the prepayment register."),
    )

    class Meta:
        verbose_name = _("tax card")
        verbose_name_plural = _("tax cards")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="taxcard_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(prepayment_register=True) | Q(base_rate__isnull=False),
                name="taxcard_rate_or_prepayment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from:%d.%m.%Y}–{self.valid_until:%d.%m.%Y}"


class ExpertDocumentQuerySet(models.QuerySet):
    def valid_on(self, day: date) -> ExpertDocumentQuerySet:
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day), dated__lte=day)

    def latest_of_kind(self) -> ExpertDocumentQuerySet:
        """Documents not superseded by a later-expiring one of the same kind for the expert."""
        later = ExpertDocument.objects.filter(
            expert=OuterRef("expert"), kind=OuterRef("kind")
        ).filter(
            Q(valid_until__isnull=True)
            | Q(valid_until__gt=OuterRef("valid_until"))
            | Q(valid_until=OuterRef("valid_until"), pk__gt=OuterRef("pk"))
        )
        return self.exclude(Exists(later))

    def expiring(self, today: date) -> ExpertDocumentQuerySet:
        """Each expert's newest document of a kind that has expired or expires within the
        warning period: what a coordinator must renew."""
        limit = today + timedelta(days=ExpertDocument.EXPIRY_WARNING_DAYS)
        return self.filter(valid_until__isnull=False, valid_until__lte=limit).latest_of_kind()


class ExpertDocument(models.Model):
    """A document seen or signed, some with an expiry: coordinators follow what expires soon."""

    class Kind(models.TextChoices):
        CRIMINAL_RECORD = "criminal_record", _("criminal-record extract seen")
        CONFIDENTIALITY = "confidentiality", _("confidentiality pledge signed")
        AGREEMENT = "agreement", _("assignment agreement signed")

    expert = models.ForeignKey(
        "experts.Expert",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("expert"),
    )
    kind = models.CharField(_("document"), max_length=30, choices=Kind.choices)
    dated = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    EXPIRY_WARNING_DAYS = 60

    objects = ExpertDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-dated"]
        indexes = [models.Index(fields=["kind", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("dated")),
                name="document_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.dated:%d.%m.%Y}"

    def is_valid_on(self, day: date) -> bool:
        return self.dated <= day and (self.valid_until is None or self.valid_until >= day)

    @property
    def expires_soon(self) -> bool:
        if self.valid_until is None:
            return False
        today = timezone.localdate()
        return today <= self.valid_until <= today + timedelta(days=self.EXPIRY_WARNING_DAYS)

    @property
    def expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()
