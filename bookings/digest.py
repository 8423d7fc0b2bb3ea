"""What changed on the booking side for the coordinator's daily digest (``expertbank.digest``):
counts of the day's events, read from the bookings' history, with a few titles each."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from bookings.models import Booking, BookingChange
from expertbank.digest import DigestLine

NAMES = 5
STATUS = BookingChange.Kind.STATUS

# (label, which history rows): each a status change of a booking or an assignment, or an event.
EVENTS = (
    (gettext_lazy("New booking requests"), Q(kind=STATUS, to_status="requested", gig=None)),
    (
        gettext_lazy("Offers accepted"),
        Q(kind=STATUS, to_status="accepted", assignment__isnull=False, gig=None),
    ),
    (
        gettext_lazy("Offers declined"),
        Q(kind=STATUS, to_status="declined", assignment__isnull=False, gig=None),
    ),
    (
        gettext_lazy("Offers expired without an answer"),
        Q(kind=STATUS, to_status="expired", assignment__isnull=False, gig=None),
    ),
    (
        gettext_lazy("Experts who withdrew"),
        Q(kind=STATUS, to_status="withdrawn", assignment__isnull=False, gig=None),
    ),
    (
        gettext_lazy("Bookings cancelled"),
        Q(kind=STATUS, to_status="cancelled", assignment=None, gig=None),
    ),
    (gettext_lazy("Times moved"), Q(kind=BookingChange.Kind.RESCHEDULED)),
)


def _titles(changes: QuerySet[BookingChange]) -> list[str]:
    ids = list(changes.order_by("at", "pk").values_list("booking_id", flat=True)[:50])
    titles = dict(Booking.objects.filter(pk__in=ids).values_list("pk", "title"))
    seen: list[str] = []
    for booking_id in ids:
        if titles[booking_id] not in seen:
            seen.append(titles[booking_id])
    return seen[:NAMES]


def booking_digest_changes(*, since: datetime, until: datetime) -> list[DigestLine]:
    """The day's booking events: a count and the first few booking titles of each."""
    window = BookingChange.objects.filter(at__gte=since, at__lt=until)
    lines = []
    for label, rows in EVENTS:
        changes = window.filter(rows)
        count = changes.count()
        lines.append(DigestLine(label, count, _titles(changes) if count else []))
    return lines
