"""What every booking service shares: the domain error, row locks, status-change rows, and the
rule that an expert's gigs never clash."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from django.db import IntegrityError
from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from bookings.models import Assignment, Booking, Gig, Occurrence, PriceRow, StatusChange
from bookings.selectors import clashing_gigs, gig_fee, travel_buffer
from expertbank.models import User
from experts.models import Expert

# The PostgreSQL exclusion constraint (migration 0004) that keeps an expert's live gigs apart.
OVERLAP_CONSTRAINT = "gig_no_overlap"


class BookingError(Exception):
    """A booking change cannot be made; the message says why and what to do next."""


def format_time_range(start: datetime, end: datetime) -> str:
    """24.11.2026 klo 14.00–16.00, in the active language."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    text = date_format(start, "DATETIME_FORMAT")
    if start.date() == end.date():
        return f"{text}–{time_format(end, 'TIME_FORMAT')}"
    return f"{text} – {date_format(end, 'DATETIME_FORMAT')}"


def lock_booking(pk: int) -> Booking:
    """The booking row, locked: every service on one booking runs one at a time."""
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "work_kind", "requested_by")
        .get(pk=pk)
    )


def lock_assignment(pk: int) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("expert__user", "offered_by")
        .get(pk=pk)
    )


def lock_assignments(booking: Booking) -> list[Assignment]:
    return list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(booking=booking)
        .select_related("expert__user", "offered_by")
        .order_by("pk")
    )


def lock_gigs(gigs: QuerySet[Gig]) -> list[Gig]:
    return list(
        gigs.select_for_update(of=("self",))
        .select_related("expert__user", "occurrence")
        .order_by("pk")
    )


def require(obj: Booking | Assignment | Gig, allowed: Collection[str], message: str) -> None:
    """Refuse the transition unless ``obj`` is in one of the ``allowed`` source states."""
    if obj.status not in allowed:
        raise BookingError(message % {"status": obj.get_status_display()})


def change_status(
    obj: Booking | Assignment | Gig,
    to: str,
    *,
    booking: Booking,
    by: User | None,
    note: str = "",
    fields: Iterable[str] = (),
) -> StatusChange:
    """Move ``obj`` to ``to`` and write the status-change row (who, when, from, to, note)."""
    from_status = obj.status
    obj.status = to
    update = ["status", *fields]
    if isinstance(obj, Booking):
        update.append("updated_at")
    obj.save(update_fields=update)
    return record(obj, booking=booking, by=by, from_status=from_status, to_status=to, note=note)


def record(
    obj: Booking | Assignment | Gig,
    *,
    booking: Booking,
    by: User | None,
    from_status: str,
    to_status: str,
    note: str = "",
) -> StatusChange:
    links: dict = {}
    if isinstance(obj, Assignment):
        links = {"assignment": obj}
    elif isinstance(obj, Gig):
        links = {"gig": obj, "assignment_id": obj.assignment_id}
    return StatusChange.objects.create(
        booking=booking,
        by=by if by is not None and by.is_authenticated else None,
        from_status=from_status,
        to_status=to_status,
        note=note,
        **links,
    )


def refresh_span(booking: Booking) -> None:
    """Keep the booking's first start and last end in step with its occurrences."""
    span = booking.occurrences.aggregate(first=Min("start"), last=Max("end"))
    booking.first_start, booking.last_end = span["first"], span["last"]
    booking.save(update_fields=["first_start", "last_end", "updated_at"])


def buffer_minutes() -> int:
    return int(travel_buffer().total_seconds() // 60)


def ensure_free(
    *,
    expert: Expert,
    times: Iterable[tuple[datetime, datetime]],
    exclude_ids: Iterable[int] = (),
    own: bool,
) -> None:
    """Refuse when the expert already holds a gig that clashes with ``times``."""
    clash = clashing_gigs(expert_id=expert.pk, times=times, exclude_ids=exclude_ids).first()
    if clash is None:
        return
    values = {
        "name": expert.name,
        "when": format_time_range(clash.start, clash.end),
        "minutes": buffer_minutes(),
    }
    if own:
        message = _(
            "You already have a gig on %(when)s. Gigs need at least %(minutes)s minutes between "
            "them for travel, so you cannot take this one. Ask the coordinator if you want to "
            "change your gigs."
        )
    else:
        message = _(
            "%(name)s already has a gig on %(when)s. Gigs need at least %(minutes)s minutes "
            "between them for travel."
        )
    raise BookingError(message % values)


def is_overlap_violation(exc: IntegrityError) -> bool:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == OVERLAP_CONSTRAINT or (
        OVERLAP_CONSTRAINT in str(exc)
    )


def overlap_error(*, own: bool) -> BookingError:
    """The clear message for a clash the database caught (two answers at the same moment)."""
    if own:
        return BookingError(
            _(
                "You already have a gig at the same time, or too close to it for travel, so you "
                "cannot take this one. Ask the coordinator if you want to change your gigs."
            )
        )
    return BookingError(
        _(
            "An expert already has a gig at the same time, or too close to it for travel. "
            "Reload the page and try again."
        )
    )


def plan_gig(
    *,
    assignment: Assignment,
    occurrence: Occurrence,
    row: PriceRow | None,
    by: User | None,
    time_confirmed: bool = True,
    previous: Gig | None = None,
    note: str = "",
) -> Gig:
    """A planned gig for one expert at one occurrence, with its fee under the booking's terms."""
    expert = assignment.expert
    gig = Gig.objects.create(
        booking_id=assignment.booking_id,
        assignment=assignment,
        occurrence=occurrence,
        expert=expert,
        start=occurrence.start,
        end=occurrence.end,
        busy_until=occurrence.end + travel_buffer(),
        fee_amount=gig_fee(row, start=occurrence.start, end=occurrence.end, expert=expert),
        time_confirmed=time_confirmed,
        previous=previous,
    )
    record(
        gig,
        booking=assignment.booking,
        by=by,
        from_status="",
        to_status=Gig.Status.PLANNED,
        note=note,
    )
    return gig
