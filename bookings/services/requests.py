"""A unit's request, and its end before delivery: rejected by a coordinator or cancelled."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import money
from bookings.models import Assignment, Booking, Gig, Membership, Occurrence, Unit
from bookings.models.bookings import MAX_EXPERTS
from bookings.selectors.schedule import buffer_minutes, times_clash
from bookings.services import notify
from bookings.services.common import (
    BookingError,
    change_status,
    lock_assignments,
    lock_booking,
    lock_gigs,
    record,
    require,
)
from bookings.services.terms import freeze_terms
from expertbank.models import User
from expertbank.roles import Role, has_role
from experts.models import ExperienceArea, Language, WorkKind

MAX_OCCURRENCES = 200
Status = Booking.Status


def may_book_for(user: User, unit: Unit) -> bool:
    return (
        has_role(user, Role.COORDINATOR) or Membership.objects.filter(user=user, unit=unit).exists()
    )


def check_times(times: Sequence[tuple[datetime, datetime]], *, kind: str) -> None:
    """The times of a request: in the future, each ending after it starts, none clashing."""
    if not times:
        raise BookingError(_("Give at least one date and time."))
    if len(times) > MAX_OCCURRENCES:
        raise BookingError(
            _("A booking can have at most %(max)s times. Split it into several bookings.")
            % {"max": MAX_OCCURRENCES}
        )
    if kind == Booking.Kind.ONE_OFF and len(times) != 1:
        raise BookingError(_("A one-off booking has exactly one time."))
    now = timezone.now()
    for start, end in times:
        if end <= start:
            raise BookingError(_("Each time must end after it starts."))
        if start <= now:
            raise BookingError(_("Each time must be in the future."))
    if times_clash(times):
        raise BookingError(
            _(
                "Two of the times overlap or are closer than %(minutes)s minutes to each other. "
                "Join them into one time or move one of them."
            )
            % {"minutes": buffer_minutes()}
        )


@transaction.atomic(durable=True)
def booking_request(
    *,
    unit: Unit,
    by: User,
    title: str,
    work_kind: WorkKind,
    times: Sequence[tuple[datetime, datetime]],
    kind: str = Booking.Kind.ONE_OFF,
    areas: Iterable[ExperienceArea] = (),
    language: Language | None = None,
    place: str = "",
    remote_link: str = "",
    audience: str = Booking.Audience.ADULTS,
    audience_size: int | None = None,
    experts_wanted: int = 1,
    own_reference: str = "",
    cost_centre: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    notes: str = "",
    purpose: str = "",
    share_topics: str = "",
    co_presenter: str = "",
    preparation_minutes: int | None = None,
    expenses_paid: str = "",
    what_to_bring: str = "",
) -> Booking:
    """A unit asks for experts: the booking starts as ``requested`` with its times, and the price
    row in force on its first date is frozen on it as its terms."""
    if not may_book_for(by, unit):
        raise BookingError(_("You can request experts only for your own unit."))
    if not unit.can_request:
        raise BookingError(
            _("This unit is no longer in use: it cannot request new bookings. Ask the coordinator.")
        )
    if not title.strip():
        raise BookingError(_("Give the booking a title."))
    if not (place.strip() or remote_link.strip()):
        raise BookingError(_("Give the place, or the link of a remote meeting."))
    if not 1 <= experts_wanted <= MAX_EXPERTS:
        raise BookingError(_("Ask for 1 to %(max)s experts in one booking.") % {"max": MAX_EXPERTS})
    times = sorted(times)
    check_times(times, kind=kind)
    booking = Booking.objects.create(
        title=title.strip(),
        unit=unit,
        requested_by=by,
        work_kind=work_kind,
        language=language,
        kind=kind,
        place=place.strip(),
        remote_link=remote_link.strip(),
        audience=audience,
        audience_size=audience_size,
        experts_wanted=experts_wanted,
        own_reference=own_reference,
        cost_centre=cost_centre or unit.cost_centre,
        contact_name=contact_name,
        contact_phone=contact_phone,
        notes=notes,
        purpose=purpose.strip(),
        share_topics=share_topics.strip(),
        co_presenter=co_presenter.strip(),
        preparation_minutes=preparation_minutes,
        expenses_paid=expenses_paid.strip(),
        what_to_bring=what_to_bring.strip(),
        first_start=times[0][0],
        last_end=max(end for _start, end in times),
    )
    booking.areas.set(list(areas))
    row = money.price_row_for(
        organisation_id=unit.organisation_id,
        work_kind_id=work_kind.pk,
        day=money.terms_day(booking.first_start),
    )
    booking.terms = freeze_terms(booking, source=row, row=row, by=by)
    booking.save(update_fields=["terms"])
    occurrences = Occurrence.objects.bulk_create(
        Occurrence(booking=booking, start=start, end=end) for start, end in times
    )
    record(booking, booking=booking, by=by, from_status="", to_status=Status.REQUESTED)
    notify.received(booking, occurrences)
    return booking


@transaction.atomic(durable=True)
def booking_reject(*, booking: Booking, by: User, reason: str) -> Booking:
    """A coordinator turns a new request down, saying why; the unit is told."""
    booking = lock_booking(booking.pk)
    require(
        booking,
        {Status.REQUESTED},
        _("Only a new request can be rejected; this booking is %(status)s. Cancel it instead."),
    )
    reason = reason.strip()
    if not reason:
        raise BookingError(_("Tell the unit why the request is rejected."))
    change_status(booking, Status.REJECTED, booking=booking, by=by, note=reason)
    notify.rejected(booking, reason)
    return booking


def booking_can_cancel(booking: Booking) -> bool:
    """A booking can be cancelled at any stage before it is delivered."""
    return booking.status in Booking.OPEN


@transaction.atomic(durable=True)
def booking_cancel(
    *, booking: Booking, by: User, reason: str = "", charge_client: bool = True
) -> Booking:
    """Cancel a booking at any stage before delivery (by its unit or a coordinator).

    Planned gigs that have not begun are cancelled and open offers closed. Cancelling later than
    the notice period before the next time is late: each expert with a planned gig gets the
    expert cancellation fee (on their first cancelled gig) and, with ``charge_client``, the unit
    is charged the client fee. Gigs that have already begun stay to be reported.
    """
    booking = lock_booking(booking.pk)
    if booking.status == Status.CANCELLED:
        raise BookingError(_("This booking is already cancelled."))
    if not booking_can_cancel(booking):
        raise BookingError(
            _("A booking can be cancelled only before it is delivered; this one is %(status)s.")
            % {"status": booking.get_status_display()}
        )
    now = timezone.now()
    assignments = lock_assignments(booking)
    gigs = lock_gigs(Gig.objects.filter(booking=booking, status=Gig.Status.PLANNED, start__gt=now))
    terms = money.cancellation_terms(booking, now=now)
    fees = money.expert_cancellation_fees(gigs, terms=booking.terms, late=terms.late)
    reason = reason.strip()
    by_expert: dict[int, list[Gig]] = defaultdict(list)
    for gig in sorted(gigs, key=lambda g: (g.start, g.pk)):
        gig.late_cancelled = terms.late
        gig.fee_amount = fees[gig.pk]
        change_status(
            gig,
            Gig.Status.CANCELLED,
            booking=booking,
            by=by,
            note=reason,
            fields=["late_cancelled", "fee_amount"],
        )
        by_expert[gig.expert_id].append(gig)
    closed = _("The booking was cancelled.")
    for assignment in assignments:
        if assignment.status == Assignment.Status.OFFERED:
            change_status(
                assignment, Assignment.Status.EXPIRED, booking=booking, by=by, note=closed
            )
            notify.offer_closed(assignment, closed)
    booking.cancelled_late = terms.late
    booking.cancellation_fee = terms.client_fee if terms.late and charge_client else None
    change_status(
        booking,
        Status.CANCELLED,
        booking=booking,
        by=by,
        note=reason,
        fields=["cancelled_late", "cancellation_fee"],
    )
    for expert_gigs in by_expert.values():
        notify.cancelled_expert(booking, expert_gigs, reason)
    notify.cancelled_unit(booking, reason)
    if not has_role(by, Role.COORDINATOR) and assignments:
        notify.cancelled_by_unit(booking, assignments, reason)
    return booking
