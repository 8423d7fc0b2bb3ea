"""Organisations, their units and members. The booking lifecycle issue grows this module."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from expertbank.finnish import validate_business_id
from experts.models import BookerKind


class Organisation(models.Model):
    Kind = BookerKind  # what an expert's disclosure choices are keyed by

    name = models.CharField(_("name"), max_length=200)
    business_id = models.CharField(
        _("business ID"), max_length=9, blank=True, validators=[validate_business_id]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITY)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.name}"


class Membership(models.Model):
    """A user's place in a booking unit."""

    class Role(models.TextChoices):
        BOOKER = "booker", _("booker")
        APPROVER = "approver", _("approver")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.BOOKER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"
