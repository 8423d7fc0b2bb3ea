"""Rates that change by law or decision, kept as data with the day each takes effect: the
tax-free kilometre allowance and the penalty interest on late payment."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class MileageRate(models.Model):
    """The tax-free kilometre allowance (income type 311) from ``valid_from`` until the next."""

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


class PenaltyInterestRate(models.Model):
    """The penalty interest on late payment (the reference rate + 8 points, set each half-year)
    from ``valid_from`` until the next; printed on invoices."""

    valid_from = models.DateField(_("valid from"), unique=True)
    rate = models.DecimalField(
        _("penalty interest (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
    )

    class Meta:
        verbose_name = _("penalty interest rate")
        verbose_name_plural = _("penalty interest rates")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.rate} % ({self.valid_from:%d.%m.%Y})"
