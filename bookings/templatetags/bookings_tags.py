"""Booking pages' status badges and the brief's length. (Amounts, numbers and times:
``{% load formatting %}``.)"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.money import booking_support_costs
from bookings.selectors import support_on_booking as support_needs
from bookings.selectors.companions import companion_choices

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
def status_badge(value: str, label: str) -> str:
    """A status as a badge (``bookings/includes/status.html`` writes it with this): a tag, not
    an include, in long lists, where an include a row cost ~0.2 ms (issue 19, fifth pass)."""
    return format_html('<span class="badge {}">{}</span>', status_class(value), capfirst(label))


def minutes_text(minutes: int | None) -> str:
    """A length in plain words: "45 min", "2 h", "1 h 30 min"."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


@register.simple_tag
def brief_length(booking, occurrences) -> str:
    """How long the booking asks of an expert: each time's length (the first time's, or the
    range when they differ) and the preparation on top. ``occurrences`` are already loaded."""
    lengths = sorted({int((o.end - o.start).total_seconds() // 60) for o in occurrences})
    if not lengths:
        text = ""
    elif len(lengths) == 1:
        text = minutes_text(lengths[0])
    else:
        text = f"{minutes_text(lengths[0])}–{minutes_text(lengths[-1])}"
    count = len(occurrences)
    if count > 1:
        text = ngettext("%(length)s, %(count)s time", "%(length)s each, %(count)s times", count) % {
            "length": text,
            "count": count,
        }
    if booking.preparation_minutes:
        preparation = _("%(length)s of preparation") % {
            "length": minutes_text(booking.preparation_minutes)
        }
        text = _("%(length)s, plus %(preparation)s") % {
            "length": text,
            "preparation": preparation,
        }
    return text


@register.simple_tag
def support_on_booking(booking, *, for_unit: bool = True) -> list[tuple[str, list[str]]]:
    """The experts' access and support needs on ``booking``: for the unit only what each shares
    (``bookings.selectors.support_on_booking``)."""
    return support_needs(booking, for_unit=for_unit)


@register.simple_tag
def support_costs(booking):
    """The companion and interpreter costs of the booking's accepted experts, or ``None``."""
    return booking_support_costs(booking)


@register.simple_tag(takes_context=True)
def companion_choice(context, assignment):
    """The companion choice of ``assignment`` on the coordinator's booking page (None: nothing to
    choose); the booking's choices are read once per request."""
    request = context.get("request")
    cache = getattr(request, "_companion_choices", None) if request is not None else None
    if cache is None or cache[0] != assignment.booking_id:
        cache = (assignment.booking_id, companion_choices(assignment.booking))
        if request is not None:
            request._companion_choices = cache
    return cache[1].get(assignment.pk)
