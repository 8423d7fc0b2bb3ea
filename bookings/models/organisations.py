"""Booking organisations, their units (who is billed, where the gigs happen) and members."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.fi import ytunnus

from expertbank.finnish import validate_business_id
from experts.models import BookerKind

OVT_PATTERN = re.compile(r"^0037(\d{8})[0-9A-Z]{0,5}$")


def validate_ovt(value: str) -> None:
    """An OVT e-invoice address: 0037, the eight digits of a business ID, up to five more."""
    compact = value.replace(" ", "").replace("-", "").upper()
    found = OVT_PATTERN.match(compact)
    if found is None or not ytunnus.is_valid(found.group(1)):
        raise ValidationError(
            _(
                "Enter an e-invoice address (OVT) such as 003712846134: 0037 and the business ID "
                "without the hyphen, optionally followed by up to five characters."
            ),
            code="invalid_ovt",
        )


class Organisation(models.Model):
    Kind = BookerKind  # what an expert's disclosure choices are keyed by

    name = models.CharField(_("name"), max_length=200)
    business_id = models.CharField(
        _("business ID"),
        max_length=9,
        blank=True,
        validators=[validate_business_id],
        help_text=_("Y-tunnus, for example 0737546-2."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "A deactivated organisation's units cannot request new bookings; its history stays."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet):
    def can_request(self) -> UnitQuerySet:
        """Units that may request new bookings: active, of an active organisation (the pickers)."""
        return self.filter(active=True, organisation__active=True)


class Unit(models.Model):
    """The part of an organisation that books experts and is invoiced."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    visiting_address = models.CharField(
        _("visiting address"),
        max_length=300,
        blank=True,
        help_text=_("Where gigs usually take place; offered as the place of a new request."),
    )
    billing_address = models.TextField(_("billing address"), blank=True)
    e_invoice_address = models.CharField(
        _("e-invoice address (OVT)"), max_length=17, blank=True, validators=[validate_ovt]
    )
    e_invoice_operator = models.CharField(
        _("e-invoice operator"),
        max_length=35,
        blank=True,
        help_text=_("The operator's identifier, for example 003721291126 or a bank's BIC."),
    )
    cost_centre = models.CharField(_("cost centre"), max_length=40, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days net)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_("Empty: the bank's usual terms (14 days net)."),
    )
    invoice_language = models.CharField(
        _("language of invoices"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="fi",
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("A deactivated unit cannot request new bookings; its history stays."),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.name}"

    @property
    def can_request(self) -> bool:
        """A unit requests new bookings while it and its organisation are active."""
        return self.active and self.organisation.active

    def clean(self) -> None:
        if self.e_invoice_address:
            self.e_invoice_address = self.e_invoice_address.replace(" ", "").upper()
        if self.e_invoice_address and not self.e_invoice_operator:
            raise ValidationError(
                {"e_invoice_operator": _("An e-invoice address needs its operator.")}
            )


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
