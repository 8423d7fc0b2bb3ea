"""The pool of experience experts. The issue on the expert pool grows this module."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Expert(models.Model):
    """A trained experience expert; one per user."""

    class Status(models.TextChoices):
        IN_TRAINING = "in_training", _("in training")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        RETIRED = "retired", _("retired")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="expert",
        verbose_name=_("user"),
    )
    public_alias = models.CharField(
        _("public alias"),
        max_length=100,
        blank=True,
        help_text=_("Shown to booking units instead of the name, if the expert so chooses."),
    )
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_TRAINING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return self.user.get_full_name()
