"""Rates that change by law or decision, kept as data with the day each takes effect: the
penalty interest on late payment. (The kilometre allowance is a booking's travel price:
``bookings.models.MileageRate``.)"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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
