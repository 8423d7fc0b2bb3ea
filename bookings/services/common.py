"""What every booking service shares: the domain error, row locks, the history rows (the
convention of ``expertbank.models.History``), and the rule that an expert's gigs never clash."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from django.db import IntegrityError
from django.db.models import Max, Min, QuerySet
from django.utils.translation import gettext as _

from bookings.models import Assignment, Booking, BookingChange, Gig, Occurrence, Panel
from bookings.money import gig_fee
from bookings.selectors.schedule import buffer_minutes, clashing_gigs, travel_buffer
from expertbank.formatting import time_range
from expertbank.models import User
from experts.models import Expert

Kind = BookingChange.Kind

# The PostgreSQL exclusion constraint (migration 0004) that keeps an expert's live gigs apart.
OVERLAP_CONSTRAINT = "gig_no_overlap"


class BookingError(Exception):
    """A booking change cannot be made; the message says why and what to do next."""


def booking_is_panel(booking: Booking) -> bool:
    """Whether the booking is a customer panel's meetings booking (issue 17): its meetings and
    members are changed on the panel's pages, not as a booking's."""
    return Panel.objects.filter(booking_id=booking.pk).exists()


def lock_booking(pk: int) -> Booking:
    """The booking row, locked: every service on one booking runs one at a time."""
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("unit__organisation", "work_kind", "requested_by", "terms")
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
) -> BookingChange:
    """Move ``obj`` to ``to`` and write its status row (who, when, from, to, note)."""
    from_status = obj.status
    obj.status = to
    update = ["status", *fields]
    if isinstance(obj, Booking):
        update.append("updated_at")
    obj.save(update_fields=update)
    return record(obj, booking=booking, by=by, from_status=from_status, to_status=to, note=note)


def record(obj: Booking | Assignment | Gig, **fields) -> BookingChange:
    """Write one history row of ``obj`` on ``booking``: a status change (``from_status`` empty
    when ``obj`` was just created), or an event of another ``kind`` with a note and the changed
    fields (``{field: [before, after]}``); the fields are ``entry``'s."""
    row = entry(obj, **fields)
    row.save(force_insert=True)
    return row


def entry(
    obj: Booking | Assignment | Gig,
    *,
    booking: Booking,
    by: User | None,
    kind: str = Kind.STATUS,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    changes: dict | None = None,
) -> BookingChange:
    """``record``'s row, not saved yet: a service that changes many rows writes their history
    in one ``bulk_create``."""
    links: dict = {}
    if isinstance(obj, Assignment):
        links = {"assignment": obj}
    elif isinstance(obj, Gig):
        links = {"gig": obj, "assignment_id": obj.assignment_id}
    return BookingChange.entry(
        booking=booking,
        by=by,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        changes=changes,
        **links,
    )


def refresh_span(booking: Booking) -> None:
    """Keep the booking's first start and last end in step with its occurrences."""
    span = booking.occurrences.aggregate(first=Min("start"), last=Max("end"))
    booking.first_start, booking.last_end = span["first"], span["last"]
    booking.save(update_fields=["first_start", "last_end", "updated_at"])


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
        "when": time_range(clash.start, clash.end),
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
    by: User | None,
    time_confirmed: bool = True,
    previous: Gig | None = None,
    note: str = "",
) -> Gig:
    """A planned gig for one expert at one occurrence, with its fee estimated under the booking's
    frozen terms (approval fixes the final amount)."""
    expert = assignment.expert
    terms = assignment.booking.terms
    gig = Gig.objects.create(
        booking_id=assignment.booking_id,
        assignment=assignment,
        occurrence=occurrence,
        expert=expert,
        start=occurrence.start,
        end=occurrence.end,
        busy_until=occurrence.end + travel_buffer(),
        fee_amount=gig_fee(terms, start=occurrence.start, end=occurrence.end, expert=expert),
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
