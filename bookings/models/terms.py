"""The terms of a booking: price lists with dated rows per kind of work, the terms frozen on each
booking, and funding sources.

All rates are data with validity dates, never constants in code. When a unit requests a booking,
the row in force on its first date is copied onto the booking as its ``BookingTerms``; from then
on only those frozen terms count for what the booking pays and bills (``bookings.money``). A row
that a booking's terms came from can no longer be changed, only ended and followed by a new one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models.organisations import Organisation
from expertbank.amounts import MONEY
from expertbank.models import History
from experts.models import WorkKind

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


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


class PriceTerms(models.Model):
    """What one kind of work costs the client and pays the expert, and the cancellation terms.

    The same fields on a price list's row and on a booking's frozen terms, so that a booking's
    terms are a copy of a row (``TERMS_FIELDS``) and every money rule reads either alike.
    """

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
    rebill_travel = models.BooleanField(
        _("travel costs billed to the client"),
        default=True,
        help_text=_(
            "The experts' kilometres (at the tax-free rate of the trip's year) and receipted "
            "expenses are billed on the invoice."
        ),
    )
    vat_exemption_text = models.CharField(
        _("VAT exemption text"),
        max_length=300,
        blank=True,
        help_text=_("Printed on invoices when the VAT rate is 0 %, e.g. the legal basis."),
    )
    # Support that travels with the expert (``experts.SupportProfile``): per hour of the gig.
    # Empty in a form means 0 (``clean`` and ``save``), so older forms and imports keep working.
    companion_price = models.DecimalField(
        _("companion: price to the client per hour (€, VAT 0 %)"),
        default=Decimal("0"),
        blank=True,
        validators=NOT_NEGATIVE,
        help_text=_("Billed for each expert who comes with a companion or support person."),
        **MONEY,
    )
    companion_fee = models.DecimalField(
        _("companion: fee per hour (€)"),
        default=Decimal("0"),
        blank=True,
        validators=NOT_NEGATIVE,
        help_text=_("Paid to the companion or support person, like an expert's fee."),
        **MONEY,
    )
    interpreter_price = models.DecimalField(
        _("interpreter: price to the client per hour (€, VAT 0 %)"),
        default=Decimal("0"),
        blank=True,
        validators=NOT_NEGATIVE,
        help_text=_(
            "Billed for each expert who needs an interpreter; 0 when the interpreting comes "
            "from Kela's interpretation service."
        ),
        **MONEY,
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(vat_rate__gt=0) | ~Q(vat_exemption_text=""),
                name="%(class)s_exemption_text_when_no_vat",
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        self._support_zeros()
        super().save(*args, **kwargs)

    @property
    def vat_free(self) -> bool:
        return self.vat_rate == 0

    def clean(self) -> None:
        self._support_zeros()
        if self.vat_rate == 0 and not self.vat_exemption_text:
            raise ValidationError(
                {"vat_exemption_text": _("Without VAT the invoice must say why: add the text.")}
            )

    def _support_zeros(self) -> None:
        for name in SUPPORT_TERMS_FIELDS:
            if getattr(self, name) is None:
                setattr(self, name, Decimal("0"))


TERMS_FIELDS = (
    "client_price",
    "client_unit",
    "minimum_hours",
    "expert_fee",
    "fee_unit",
    "preparation_hours",
    "notice_days",
    "client_cancellation_fee",
    "expert_cancellation_fee",
    "vat_rate",
    "vat_exemption_text",
    "rebill_travel",
    "companion_price",
    "companion_fee",
    "interpreter_price",
)
# The terms of support travelling with an expert (companion, interpreter), per hour.
SUPPORT_TERMS_FIELDS = ("companion_price", "companion_fee", "interpreter_price")


class PriceRow(PriceTerms):
    """The price, fee and cancellation terms of one kind of work for a period."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="rows", verbose_name=_("price list")
    )
    work_kind = models.ForeignKey(
        WorkKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of work")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("price row")
        verbose_name_plural = _("price rows")
        ordering = ["work_kind__order", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="pricerow_valid_range",
            ),
            *PriceTerms.Meta.constraints,
            models.UniqueConstraint(
                fields=["price_list", "work_kind", "valid_from"], name="pricerow_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_list} / {self.work_kind}"

    def clean(self) -> None:
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end cannot be before the start.")})
        super().clean()
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

    def in_use(self) -> bool:
        """A booking's terms were copied from this row: its terms can no longer change."""
        return self.booking_terms.exists()


class BookingTerms(PriceTerms):
    """The terms of one booking, copied from the price row in force when it was requested.

    Never changed: a coordinator who re-prices a booking (``services.booking_reprice``) makes a
    new version and the booking points at it; the old version stays for the history.
    """

    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.CASCADE,
        related_name="terms_versions",
        verbose_name=_("booking"),
    )
    source_row = models.ForeignKey(
        PriceRow,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="booking_terms",
        verbose_name=_("copied from price row"),
        help_text=_("Empty when a coordinator set the terms by hand."),
    )
    created_at = models.DateTimeField(_("fixed"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fixed by"),
    )

    class Meta:
        verbose_name = _("terms of a booking")
        verbose_name_plural = _("terms of bookings")
        ordering = ["booking", "created_at", "pk"]
        constraints = [*PriceTerms.Meta.constraints]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.client_price} / {self.expert_fee}"


class MileageRate(models.Model):
    """The tax-free kilometre allowance (income type 311) from ``valid_from`` until the next: what
    an expert is paid for driving to a gig, and what a unit is billed for it."""

    valid_from = models.DateField(_("valid from"), unique=True)
    per_km = models.DecimalField(
        _("euros per kilometre"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
    )
    source = models.CharField(_("decision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("kilometre allowance")
        verbose_name_plural = _("kilometre allowances")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.per_km} €/km ({self.valid_from:%d.%m.%Y})"


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


class TermsChange(History):
    """The history of price lists and funding sources (the same convention as a booking's):
    rows added or ended, budgets changed."""

    class Kind(models.TextChoices):
        ROW_ADDED = "row_added", _("price row added")
        ROW_CHANGED = "row_changed", _("price row changed")
        ROW_REMOVED = "row_removed", _("price row removed")
        LIST_CHANGED = "list_changed", _("price list changed")
        FUNDING_CHANGED = "funding_changed", _("funding source changed")

    price_list = models.ForeignKey(
        PriceList,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="history",
        verbose_name=_("price list"),
    )
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="history",
        verbose_name=_("funding source"),
    )

    class Meta(History.Meta):
        verbose_name = _("change of terms")
        verbose_name_plural = _("changes of terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(price_list__isnull=False) | Q(funding_source__isnull=False),
                name="termschange_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"

    def get_kind_display(self) -> str:
        return str(dict(self.Kind.choices).get(self.kind, self.kind))
