"""Time after staffing: rescheduling an occurrence, delivery and closing."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.models import Booking, BookingChange, Gig, Occurrence
from bookings.selectors.schedule import buffer_minutes, clashing_gigs, times_clash
from bookings.services import notify
from bookings.services.common import (
    BookingError,
    Kind,
    change_status,
    entry,
    is_overlap_violation,
    lock_booking,
    lock_gigs,
    overlap_error,
    plan_gig,
    record,
    refresh_span,
    require,
)
from expertbank.formatting import time_range
from expertbank.models import User

Status = Booking.Status


def occurrence_reschedule(
    *,
    occurrence: Occurrence,
    start: datetime,
    end: datetime,
    by: User,
    place: str | None = None,
    note: str = "",
) -> Occurrence:
    """Move one time of a booking. Its planned gigs follow and each expert re-confirms.

    The old gigs become ``rescheduled`` and new planned gigs at the new time wait for the
    expert's confirmation. Refused when the time has begun, the new time clashes with another
    time of the booking, or an expert on it already has a gig at the new time (withdraw them
    first, or choose another time).
    """
    try:
        return _occurrence_reschedule(
            occurrence_id=occurrence.pk, start=start, end=end, by=by, place=place, note=note
        )
    except IntegrityError as exc:
        if is_overlap_violation(exc):
            raise overlap_error(own=False) from exc
        raise


@transaction.atomic(durable=True)
def _occurrence_reschedule(
    *,
    occurrence_id: int,
    start: datetime,
    end: datetime,
    by: User,
    place: str | None,
    note: str,
) -> Occurrence:
    booking_id = Occurrence.objects.values_list("booking_id", flat=True).get(pk=occurrence_id)
    booking = lock_booking(booking_id)
    require(
        booking,
        Booking.OPEN,
        _("Only a booking that has not been delivered can be rescheduled; this one is %(status)s."),
    )
    occurrence = Occurrence.objects.select_for_update(of=("self",)).get(pk=occurrence_id)
    now = timezone.now()
    if occurrence.start <= now:
        raise BookingError(_("This time has already begun, so it can no longer be moved."))
    if end <= start:
        raise BookingError(_("The new time must end after it starts."))
    if start <= now:
        raise BookingError(_("The new time must be in the future."))
    new_place = occurrence.place if place is None else place.strip()
    if (start, end, new_place) == (occurrence.start, occurrence.end, occurrence.place):
        raise BookingError(_("Nothing changed: the new time and place are the same as before."))
    others = list(booking.occurrences.exclude(pk=occurrence.pk).values_list("start", "end"))
    if times_clash([*others, (start, end)]):
        raise BookingError(
            _(
                "The new time overlaps another time of this booking or comes closer to it than "
                "%(minutes)s minutes."
            )
            % {"minutes": buffer_minutes()}
        )
    gigs = lock_gigs(occurrence.gigs.filter(status=Gig.Status.PLANNED))
    busy = [
        gig.expert.name
        for gig in gigs
        if clashing_gigs(
            expert_id=gig.expert_id, times=[(start, end)], exclude_ids=[gig.pk]
        ).exists()
    ]
    if busy:
        raise BookingError(
            _(
                "%(names)s already has another gig at the new time (with %(minutes)s minutes for "
                "travel). Withdraw them from this booking first, or choose another time."
            )
            % {"names": ", ".join(busy), "minutes": buffer_minutes()}
        )
    old_time = time_range(occurrence.start, occurrence.end)
    occurrence.start, occurrence.end, occurrence.place = start, end, new_place
    occurrence.save(update_fields=["start", "end", "place"])
    refresh_span(booking)
    new_time = time_range(start, end)
    moved = _("Moved from %(old)s to %(new)s.") % {"old": old_time, "new": new_time}
    change = record(
        booking,
        booking=booking,
        by=by,
        kind=Kind.RESCHEDULED,
        note=f"{moved} {note.strip()}".strip(),
    )
    for gig in gigs:
        change_status(gig, Gig.Status.RESCHEDULED, booking=booking, by=by, note=moved)
        gig.assignment.booking = booking
        new_gig = plan_gig(
            assignment=gig.assignment,
            occurrence=occurrence,
            by=by,
            time_confirmed=False,
            previous=gig,
            note=moved,
        )
        notify.rescheduled_expert(new_gig, old_time)
    notify.rescheduled_unit(booking, old_time, new_time, change.pk)
    return occurrence


@transaction.atomic(durable=True)
def gig_time_confirm(*, gig: Gig, by: User) -> Gig:
    """The expert confirms they can come at the new time of a rescheduled gig."""
    booking = lock_booking(gig.assignment.booking_id)
    gig = lock_gigs(Gig.objects.filter(pk=gig.pk))[0]
    require(gig, {Gig.Status.PLANNED}, _("This gig is %(status)s; there is nothing to confirm."))
    if gig.time_confirmed:
        raise BookingError(_("You have already confirmed this time."))
    gig.time_confirmed = True
    gig.save(update_fields=["time_confirmed"])
    record(
        gig,
        booking=booking,
        by=by,
        kind=Kind.TIME_CONFIRMED,
        note=_("The expert confirmed the new time."),
    )
    return gig


def booking_can_deliver(booking: Booking, *, now: datetime | None = None) -> bool:
    """A confirmed booking is delivered once its last time has ended."""
    return (
        booking.status == Status.CONFIRMED
        and booking.last_end is not None
        and booking.last_end <= (now or timezone.now())
    )


@transaction.atomic(durable=True)
def booking_deliver(*, booking: Booking, by: User | None = None) -> Booking:
    """A confirmed booking is delivered once its last time has ended."""
    booking = lock_booking(booking.pk)
    require(
        booking,
        {Status.CONFIRMED},
        _("Only a confirmed booking can be delivered; this one is %(status)s."),
    )
    if not booking_can_deliver(booking):
        raise BookingError(_("The booking's last time has not ended yet."))
    change_status(booking, Status.DELIVERED, booking=booking, by=by)
    return booking


def bookings_deliver_due() -> int:
    """Deliver every confirmed booking whose last time has ended (the periodic sweep)."""
    due = Booking.objects.filter(status=Status.CONFIRMED, last_end__lte=timezone.now())
    delivered = 0
    for booking in due.order_by("pk").only("pk")[:1000]:
        try:
            booking_deliver(booking=booking)
        except BookingError:
            continue  # changed meanwhile; the next sweep looks again
        delivered += 1
    return delivered


# Gigs that keep a delivered booking open: not yet through reporting and approval, or carrying
# money (an approved gig, a late-cancelled one with the expert's fee or with amounts still to fix)
# that is neither paid nor written off.
UNSETTLED = Q(status__in=[Gig.Status.PLANNED, Gig.Status.REPORTED]) | (
    Q(paid_on__isnull=True, written_off=False)
    & (
        Q(status=Gig.Status.APPROVED)
        | Q(status=Gig.Status.CANCELLED, late_cancelled=True, fee_amount__gt=0)
        | Q(status=Gig.Status.CANCELLED, late_cancelled=True, billable_amount__isnull=True)
    )
)


def unsettled_gigs(booking: Booking) -> int:
    """How many gigs keep ``booking`` from closing (see ``UNSETTLED``)."""
    return Gig.objects.filter(UNSETTLED, booking=booking).count()


def booking_can_close(booking: Booking) -> bool:
    """A delivered booking closes when every gig that carries money is paid or written off."""
    return booking.status == Status.DELIVERED and unsettled_gigs(booking) == 0


def close_if_settled(booking: Booking, *, by: User | None) -> bool:
    """Inside a service's transaction, with ``booking`` locked: close it if it can be."""
    return bool(close_settled([booking], by=by))


def close_settled(bookings: list[Booking], *, by: User | None) -> list[Booking]:
    """Inside a service's transaction, with ``bookings`` locked: close every delivered one
    without unsettled gigs (``booking_can_close``, for many at once: one query to find them, one
    update and one insert of their history rows). Returns the closed ones."""
    delivered = [booking for booking in bookings if booking.status == Status.DELIVERED]
    if not delivered:
        return []
    held = set(
        Gig.objects.filter(UNSETTLED, booking__in=delivered)
        .values_list("booking_id", flat=True)
        .distinct()
    )
    closing = [booking for booking in delivered if booking.pk not in held]
    if not closing:
        return []
    now = timezone.now()
    Booking.objects.filter(pk__in=[booking.pk for booking in closing]).update(
        status=Status.CLOSED, updated_at=now
    )
    for booking in closing:
        booking.status, booking.updated_at = Status.CLOSED, now
    BookingChange.objects.bulk_create(
        (
            entry(
                booking,
                booking=booking,
                by=by,
                from_status=Status.DELIVERED,
                to_status=Status.CLOSED,
            )
            for booking in closing
        ),
        batch_size=1000,
    )
    return closing


@transaction.atomic(durable=True)
def booking_close(*, booking: Booking, by: User | None = None) -> Booking:
    """Close a delivered booking whose every gig that carries money is paid or written off."""
    booking = lock_booking(booking.pk)
    require(
        booking,
        {Status.DELIVERED},
        _("Only a delivered booking can be closed; this one is %(status)s."),
    )
    open_gigs = unsettled_gigs(booking)
    if open_gigs:
        raise BookingError(
            ngettext(
                "%(count)s gig of this booking is not settled yet: it must be reported, "
                "approved and paid (or written off).",
                "%(count)s gigs of this booking are not settled yet: each must be reported, "
                "approved and paid (or written off).",
                open_gigs,
            )
            % {"count": open_gigs}
        )
    change_status(booking, Status.CLOSED, booking=booking, by=by)
    return booking
