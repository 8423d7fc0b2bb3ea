"""Time: the travel buffer between an expert's gigs, clashes, and the next time of a booking."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from bookings.models import Booking, Gig, Occurrence


def travel_buffer() -> timedelta:
    """The time an expert needs between two gigs (setting GIG_TRAVEL_BUFFER_MINUTES)."""
    return timedelta(minutes=settings.GIG_TRAVEL_BUFFER_MINUTES)


def buffer_minutes() -> int:
    return int(travel_buffer().total_seconds() // 60)


def clash_q(start: datetime, end: datetime, buffer: timedelta | None = None) -> Q:
    """Gigs whose busy range ``[start, busy_until)`` meets ``[start, end + buffer)``.

    Each live gig keeps the buffer after its end, so two gigs clash exactly when the gap between
    them is shorter than the buffer, whichever comes first.
    """
    buffer = travel_buffer() if buffer is None else buffer
    return Q(start__lt=end + buffer, busy_until__gt=start)


def clashing_gigs(
    *, expert_id: int, times: Iterable[tuple[datetime, datetime]], exclude_ids: Iterable[int] = ()
) -> QuerySet[Gig]:
    """The expert's live gigs that clash with any of ``times``."""
    condition = Q()
    for start, end in times:
        condition |= clash_q(start, end)
    if not condition:
        return Gig.objects.none()
    return (
        Gig.objects.filter(condition, expert_id=expert_id, status__in=Gig.LIVE)
        .exclude(pk__in=list(exclude_ids))
        .order_by("start")
    )


def times_clash(times: Sequence[tuple[datetime, datetime]]) -> bool:
    """True if two of ``times`` overlap or come closer than the travel buffer."""
    buffer = travel_buffer()
    latest_end: datetime | None = None
    for start, end in sorted(times):
        if latest_end is not None and start < latest_end + buffer:
            return True
        latest_end = end if latest_end is None else max(latest_end, end)
    return False


def next_start(booking: Booking, *, now: datetime | None = None) -> datetime | None:
    """The start of the first time that has not begun yet."""
    now = now or timezone.now()
    return (
        booking.occurrences.filter(start__gt=now).order_by("start").values_list("start", flat=True)
    ).first()


def upcoming_occurrences(booking: Booking, *, now: datetime | None = None) -> list[Occurrence]:
    """The booking's times that have not begun, in order."""
    now = now or timezone.now()
    return [o for o in booking.occurrences.all() if o.start > now]


# The latest "until" of a weekly time (people enter minutes): the end of the day.
END_OF_DAY = time(23, 59)


def _minute(moment: datetime) -> time:
    """The time of day to the minute, as weekly times are kept: a time ending at 23:59:30 is
    within a weekly time "until 23:59", the end of the day there."""
    return moment.time().replace(second=0, microsecond=0)


def slot_needs(occurrences: Iterable[Occurrence]) -> set[tuple[int, time, time]]:
    """(weekday, from, until) a weekly availability slot must cover for each time."""
    needs: set[tuple[int, time, time]] = set()
    for occurrence in occurrences:
        start, end = timezone.localtime(occurrence.start), timezone.localtime(occurrence.end)
        # A time ending at midnight ends with its own day, not at 00:00 of the next.
        last_day = (end - timedelta(minutes=1)).date() if _minute(end) == time(0) else end.date()
        if start.date() == last_day:
            until = END_OF_DAY if last_day != end.date() else _minute(end)
            needs.add((start.weekday(), _minute(start), until))
        else:  # past midnight: the evening of one day and the small hours of the next
            needs.add((start.weekday(), _minute(start), END_OF_DAY))
            needs.add((end.weekday(), time(0, 0), _minute(end)))
    return needs
