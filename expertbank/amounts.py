"""Euro amounts: ``Decimal`` with two decimals, rounded half up to the cent (the Finnish rule at
line level). The one rounding rule of the whole project: booking fees, invoices, withholding and
payouts all round through ``cents``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# The model field of every amount: DecimalField(**MONEY).
MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal | int | str) -> Decimal:
    """Euros with two decimals, rounded half up: 2.675 → 2.68, -2.675 → -2.68."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
