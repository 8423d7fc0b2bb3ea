"""How numbers, amounts and times read on pages, in e-mails, in PDFs and in service messages.

One home for the formats that services and templates share (the template filters in
``expertbank.templatetags.formatting`` call these). Finnish style in every language: 1 234,50 €,
24.11.2026 klo 14.00–16.00 (the locale formats under ``expertbank/formats``).
"""

from __future__ import annotations

import html
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format, time_format


def euros(value) -> str:
    """1 234,50 € in the active language; a dash for no amount."""
    if value is None or value == "":
        return "–"
    return f"{number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)}\xa0€"


def plain_number(value) -> str:
    """25.50 → 25,5 and 2.00 → 2 (in the active language): rates and hours without zeros."""
    if value is None or value == "":
        return ""
    number = Decimal(value).normalize()
    places = max(-number.as_tuple().exponent, 0)
    return number_format(number, places, use_l10n=True)


def at_most(count: int, cap: int) -> str:
    """A count read only up to ``cap`` (``counts_at_once(…, cap=…)``): 10 000+ above it."""
    if count > cap:
        return f"{number_format(cap, use_l10n=True, force_grouping=True)}+"
    return number_format(count, use_l10n=True, force_grouping=True)


def time_range(start: datetime, end: datetime) -> str:
    """24.11.2026 klo 14.00–16.00, in the active language."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    text = date_format(start, "DATETIME_FORMAT")
    if start.date() == end.date():
        return f"{text}–{time_format(end, 'TIME_FORMAT')}"
    return f"{text} – {date_format(end, 'DATETIME_FORMAT')}"


def moment(value: datetime) -> str:
    """24.11.2026 klo 14.00 in the active language."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def escaped(value) -> str:
    """``conditional_escape`` without its lazy wrapper and the ``SafeString`` it makes: safe
    strings as they are, the rest through the standard library's ``html.escape`` (what Django's
    ``escape`` calls). For markup written in Python a cell or an option at a time, where the
    wrapper was most of the time (issue 19: 300 organisations' options and table rows)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
