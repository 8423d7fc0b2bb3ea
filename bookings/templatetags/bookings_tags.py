"""Small helpers for booking pages: status colours, time ranges and euros the Finnish way."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from bookings.services.common import format_time_range

register = template.Library()

STATUS_CLASSES = {
    # booking
    "requested": "text-bg-info",
    "staffing": "text-bg-warning",
    "confirmed": "text-bg-success",
    "delivered": "text-bg-secondary",
    "closed": "text-bg-light border",
    "rejected": "text-bg-danger",
    "cancelled": "text-bg-dark",
    # assignment
    "offered": "text-bg-warning",
    "accepted": "text-bg-success",
    "declined": "text-bg-secondary",
    "expired": "text-bg-light border",
    "withdrawn": "text-bg-dark",
    # gig
    "planned": "text-bg-success",
    "reported": "text-bg-info",
    "approved": "text-bg-primary",
    "paid": "text-bg-secondary",
    "rescheduled": "text-bg-light border",
}


@register.filter
def status_class(value: str) -> str:
    return STATUS_CLASSES.get(value, "text-bg-secondary")


@register.simple_tag
def time_range(start, end) -> str:
    return format_time_range(start, end)


@register.filter
def euros(value) -> str:
    if value is None or value == "":
        return "–"
    return f"{number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)}\xa0€"


@register.filter
def plain_number(value) -> str:
    """25.50 → 25,5 and 2.00 → 2 (in the active language): rates and hours without zeros."""
    if value is None or value == "":
        return ""
    number = Decimal(value).normalize()
    places = max(-number.as_tuple().exponent, 0)
    return number_format(number, places, use_l10n=True)
