"""The terms of a booking: price lists with rows per kind of work, and funding sources.

All rates are data with validity dates, never constants in code. The row in force on a booking's
first date applies (``bookings.selectors.price_row_for``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models.organisations import Organisation
from experts.models import WorkKind

MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = Decimal("0.01")
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


def money(value: Decimal | int | str) -> Decimal:
    """Euros with two decimals, rounded half up (the rule at line level)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class PriceUnit(models.TextChoices):
    PER_GIG = "gig", pgettext_lazy("price unit", "per gig")
    PER_HOUR = "hour", pgettext_lazy("price unit", "per hour")


class PriceList(models.Model):
    """A set of prices; one without an organisation applies to everyone else."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="price_lists",
        verbose_name=_("only for organisation"),
        help_text=_("Leave empty for the general price list."),
    )
    active = models.BooleanField(_("in use"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return self.name


class PriceRow(models.Model):
    """The price, fee and cancellation terms of one kind of work for a period."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="rows", verbose_name=_("price list")
    )
    work_kind = models.ForeignKey(
        WorkKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of work")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    client_price = models.DecimalField(
        _("price to the client (€, VAT 0 %)"), validators=NOT_NEGATIVE, **MONEY
    )
    client_unit = models.CharField(
        _("client price unit"), max_length=10, choices=PriceUnit.choices, default=PriceUnit.PER_GIG
    )
    minimum_hours = models.DecimalField(
        _("minimum billable hours"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
        help_text=_("For an hourly price: a shorter gig is billed as this many hours."),
    )
    expert_fee = models.DecimalField(_("expert's fee (€)"), validators=NOT_NEGATIVE, **MONEY)
    fee_unit = models.CharField(
        _("fee unit"), max_length=10, choices=PriceUnit.choices, default=PriceUnit.PER_GIG
    )
    preparation_hours = models.DecimalField(
        _("paid preparation hours"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
        help_text=_("For an hourly fee: hours of preparation paid on top of the gig."),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("notice period (days)"),
        default=7,
        validators=[MaxValueValidator(365)],
        help_text=_("A unit that cancels later than this before the first time pays the fee."),
    )
    client_cancellation_fee = models.DecimalField(
        _("late cancellation fee for the client (€, VAT 0 %)"),
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
        **MONEY,
    )
    expert_cancellation_fee = models.DecimalField(
        _("late cancellation fee for each expert (€)"),
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
        **MONEY,
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    vat_exemption_text = models.CharField(
        _("VAT exemption text"),
        max_length=300,
        blank=True,
        help_text=_("Printed on invoices when the VAT rate is 0 %, e.g. the legal basis."),
    )

    class Meta:
        verbose_name = _("price row")
        verbose_name_plural = _("price rows")
        ordering = ["work_kind__order", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="pricerow_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__gt=0) | ~Q(vat_exemption_text=""),
                name="pricerow_exemption_text_when_no_vat",
            ),
            models.UniqueConstraint(
                fields=["price_list", "work_kind", "valid_from"], name="pricerow_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_list} / {self.work_kind}"

    def clean(self) -> None:
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end cannot be before the start.")})
        if self.vat_rate == 0 and not self.vat_exemption_text:
            raise ValidationError(
                {"vat_exemption_text": _("Without VAT the invoice must say why: add the text.")}
            )
        if not (self.price_list_id and self.work_kind_id and self.valid_from):
            return
        overlapping = PriceRow.objects.filter(
            price_list_id=self.price_list_id, work_kind_id=self.work_kind_id
        ).exclude(pk=self.pk)
        overlapping = overlapping.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from)
        )
        if self.valid_until:
            overlapping = overlapping.filter(valid_from__lte=self.valid_until)
        if overlapping.exists():
            raise ValidationError(
                _(
                    "Another row of this price list for the same kind of work is valid at the "
                    "same time. End the earlier row first."
                )
            )

    @property
    def vat_free(self) -> bool:
        return self.vat_rate == 0


class FundingSource(models.Model):
    """A funded project that pays the fee costs of the bookings charged to it."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("project code"), max_length=40, blank=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    budget = models.DecimalField(_("budget (€)"), validators=NOT_NEGATIVE, **MONEY)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="funding_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name
