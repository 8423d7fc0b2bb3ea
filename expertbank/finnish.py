"""Finnish money and identity algorithms: pure functions, no Django models.

- ``reference_number``: the national reference (*viitenumero*), base + 7-3-1 check digit.
- ``rf_reference``: its international form (ISO 11649, ``RF`` + two check digits).
- ``virtual_barcode``: the 54-digit *virtuaaliviivakoodi* (bank barcode guide, versions 4 and 5).
- validators for Y-tunnus, henkilötunnus (with the 2023 century signs) and IBAN/BIC, for forms.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import holidays
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import iso11649
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import hetu, ytunnus
from stdnum.iso7064 import mod_97_10
from virtuaaliviivakoodi import virtuaaliviivakoodi

from expertbank.amounts import cents

_WEIGHTS = (7, 3, 1)
_MAX_BARCODE_AMOUNT = Decimal("999999.99")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_ASCII_ALNUM = re.compile(r"[0-9A-Z]+")


def _digits(value: str, what: str) -> str:
    compact = re.sub(r"\s+", "", str(value))
    if not _ASCII_DIGITS.fullmatch(compact):
        raise ValueError(f"{what} may contain only digits, not {value!r}.")
    return compact


def _check_digit(base: str) -> str:
    total = sum(int(digit) * _WEIGHTS[i % 3] for i, digit in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def reference_number(base: str) -> str:
    """The Finnish reference number for ``base`` (3–19 digits): base + 7-3-1 check digit.

    >>> reference_number("1234561")
    '12345614'
    """
    base = _digits(base, "A reference number base")
    if not 3 <= len(base) <= 19:
        raise ValueError(f"A reference number base must have 3–19 digits, not {len(base)}.")
    if base.startswith("0"):
        raise ValueError("A reference number base must not start with zero.")
    return base + _check_digit(base)


def is_valid_reference(reference: str) -> bool:
    """True for a whole Finnish reference number (4–20 digits, check digit right)."""
    try:
        reference = _digits(reference, "A reference number")
        return 4 <= len(reference) <= 20 and reference_number(reference[:-1]) == reference
    except ValueError:
        return False


def format_reference(reference: str) -> str:
    """Print a Finnish reference in groups of five from the right: ``1 23456 78901``."""
    reference = _digits(reference, "A reference number")
    head = len(reference) % 5
    groups = [reference[:head]] if head else []
    groups += [reference[i : i + 5] for i in range(head, len(reference), 5)]
    return " ".join(groups)


def rf_reference(reference: str) -> str:
    """The ISO 11649 creditor reference for a reference: ``2348236`` → ``RF332348236``."""
    body = re.sub(r"\s+", "", str(reference)).upper()
    if not _ASCII_ALNUM.fullmatch(body) or not 1 <= len(body) <= 21:
        raise ValueError(f"An RF reference body must be 1–21 letters or digits, not {reference!r}.")
    check = mod_97_10.calc_check_digits(body + "RF")
    result = f"RF{check}{body}"
    iso11649.validate(result)
    return result


def format_rf_reference(reference: str) -> str:
    return iso11649.format(reference)


def virtual_barcode(iban: str, amount: Decimal, reference: str, due: date | None) -> str:
    """The 54-digit virtual barcode: version 4 for a Finnish reference, 5 for an RF reference.

    ``amount`` is in euros (0–999 999.99, rounded to cents); ``due`` None prints zeros.
    """
    compact_iban = re.sub(r"\s+", "", str(iban)).upper()
    if not compact_iban.startswith("FI"):
        raise ValueError(f"The virtual barcode needs a Finnish IBAN, not {iban!r}.")
    try:
        IBAN(compact_iban)
    except SchwiftyException as exc:
        raise ValueError(f"{iban!r} is not a valid IBAN.") from exc
    try:
        euros = cents(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"{amount!r} is not an amount of money.") from exc
    if not euros.is_finite():
        raise ValueError(f"{amount!r} is not an amount of money.")
    if euros < 0:
        raise ValueError("The virtual barcode cannot carry a negative amount.")
    if euros > _MAX_BARCODE_AMOUNT:
        raise ValueError("The virtual barcode can carry at most 999 999.99 €.")
    if due is not None and not isinstance(due, date):
        raise ValueError(f"The due date must be a date, not {due!r}.")
    ref = re.sub(r"\s+", "", str(reference)).upper()
    if ref.startswith("RF"):
        if not _ASCII_DIGITS.fullmatch(ref[2:]) or not iso11649.is_valid(ref):
            raise ValueError(f"{reference!r} is not a valid numeric RF reference.")
    elif not is_valid_reference(ref):
        raise ValueError(f"{reference!r} is not a valid Finnish reference number.")
    return virtuaaliviivakoodi(compact_iban, ref, euros, due)


# --- Form validators -------------------------------------------------------------------------


def validate_business_id(value: str) -> None:
    """Y-tunnus: seven digits, a hyphen and a check digit (e.g. 0737546-2)."""
    try:
        ytunnus.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("Enter a valid business ID (Y-tunnus), for example 0737546-2."),
            code="invalid_business_id",
        ) from exc


def validate_personal_identity_code(value: str) -> None:
    """Henkilötunnus, including the century signs introduced in 2023 (Y, X, W, V, U, B–F)."""
    try:
        hetu.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("Enter a valid personal identity code, for example 131052-308T."),
            code="invalid_identity_code",
        ) from exc


def validate_iban(value: str) -> None:
    try:
        IBAN(value)
    except SchwiftyException as exc:
        raise ValidationError(
            _("Enter a valid IBAN, for example FI49 5000 9420 0287 30."), code="invalid_iban"
        ) from exc


def validate_bic(value: str) -> None:
    try:
        BIC(value)
    except SchwiftyException as exc:
        raise ValidationError(
            _("Enter a valid BIC, for example OKOYFIHH."), code="invalid_bic"
        ) from exc


def normalise_business_id(value: str) -> str:
    return ytunnus.format(value)


def normalise_personal_identity_code(value: str) -> str:
    return hetu.compact(value)


def normalise_iban(value: str) -> str:
    return IBAN(value).compact


# --- Fees: withholding and the Incomes Register ---------------------------------------------


def withholding(
    *,
    gross: Decimal,
    base_rate: Decimal,
    additional_rate: Decimal,
    income_limit: Decimal | None,
    income_before: Decimal,
) -> Decimal:
    """The tax withheld from one payment of ``gross`` under a tax card (rates in percent, e.g.
    ``Decimal("20.5")``).

    The base rate applies to income up to the card's limit and the additional rate to the part
    above it, counted from the income paid before this payment in the period the limit covers
    (``income_before``), also within one payment: ``below = clamp(limit - before, 0, gross)``,
    ``withheld = below x base % + (gross - below) x additional %``, rounded half up to the cent.
    ``income_limit=None``: the card has no limit (or a flat rate), the base rate applies to all.
    """
    gross, before = Decimal(gross), Decimal(income_before)
    if gross < 0 or before < 0:
        raise ValueError("Income cannot be negative.")
    for rate in (base_rate, additional_rate):
        if not Decimal(0) <= Decimal(rate) <= Decimal(100):
            raise ValueError(f"A withholding rate is between 0 and 100 %, not {rate}.")
    if income_limit is None:
        below = gross
    else:
        below = min(max(Decimal(income_limit) - before, Decimal(0)), gross)
    withheld = (below * Decimal(base_rate) + (gross - below) * Decimal(additional_rate)) / 100
    return cents(withheld)


def incomes_register_deadline(payment_date: date) -> date:
    """The day an earnings payment report is due: five calendar days after the payment date,
    moved to the next weekday when it falls on a Saturday, a Sunday or a Finnish public holiday
    (Midsummer Eve and Christmas Eve included)."""
    day = payment_date + timedelta(days=5)
    closed = holidays.Finland(years=range(day.year, day.year + 2))
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day
