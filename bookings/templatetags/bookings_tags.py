"""Booking pages' status badges. (Amounts, numbers and times: ``{% load formatting %}``.)"""

from __future__ import annotations

from django import template

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
