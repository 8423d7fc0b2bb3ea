"""A unit's request, and its end before delivery: rejected by a coordinator or cancelled."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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
    Kind,
    booking_is_panel,
    change_status,
    lock_assignments,
    lock_booking,
    lock_gigs,
    record,
    refresh_span,
    require,
)
from bookings.services.terms import apply_details, freeze_terms, reprice_in_force
from expertbank.formatting import time_range
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


def entered_on_behalf_note(by: User) -> str:
    """The history's words for a request a coordinator entered for the unit."""
    return _("Entered by the coordinator %(name)s on the unit's behalf.") % {
        "name": by.full_name or by.email
    }


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
    on_behalf: bool = False,
) -> Booking:
    """A unit asks for experts: the booking starts as ``requested`` with its times, and the price
    row in force on its first date is frozen on it as its terms.

    ``on_behalf``: a coordinator enters the request for the unit (it came by phone or e-mail).
    Nobody of the unit is its requester, so every booker of the unit hears of it (the request
    received now, and every later message), and the history says who entered it."""
    if on_behalf and not has_role(by, Role.COORDINATOR):
        raise BookingError(_("Only a coordinator can request experts on a unit's behalf."))
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
        requested_by=None if on_behalf else by,
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
    note = entered_on_behalf_note(by) if on_behalf else ""
    record(booking, booking=booking, by=by, from_status="", to_status=Status.REQUESTED, note=note)
    notify.received(booking, occurrences)
    return booking


# What ``booking_edit`` sets as given (the request form's plain fields); the unit, kind of work,
# audience and seats go through ``services.terms.apply_details`` and its checks.
EDITABLE_FIELDS = (
    "title",
    "language",
    "kind",
    "place",
    "remote_link",
    "audience_size",
    "own_reference",
    "cost_centre",
    "contact_name",
    "contact_phone",
    "notes",
    *Booking.BRIEF_FIELDS,
)
EDITABLE = (Status.REQUESTED, Status.STAFFING)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value)


def _times_text(times: Sequence[tuple[datetime, datetime]]) -> str:
    return "; ".join(time_range(start, end) for start, end in times)


def booking_can_edit(booking: Booking) -> bool:
    """A coordinator can change the request's details until the booking is confirmed; after
    that its times are moved one by one and it is cancelled through their own flows."""
    return booking.status in EDITABLE


@transaction.atomic(durable=True)
def booking_edit(
    *,
    booking: Booking,
    by: User,
    values: Mapping[str, object],
    areas: Iterable[ExperienceArea] | None = None,
    times: Sequence[tuple[datetime, datetime]] | None = None,
    reason: str = "",
) -> Booking:
    """A coordinator changes a request's details before it is confirmed: the fields of the
    request form (``EDITABLE_FIELDS``; ``work_kind``, ``audience`` and ``experts_wanted`` in
    ``values`` with the checks of ``services.terms.booking_change``), its experience areas and
    its times. The terms stay frozen (another kind of work takes the row in force for it);
    the history records every changed field, before and after.

    The times can change only while nobody is asked or on the booking (a booking with offers or
    gigs has its times moved one by one, so the experts confirm them). Refused for a confirmed
    or later booking, with bad values, or when nothing changes; a refusal changes nothing.
    """
    booking = lock_booking(booking.pk)
    if not booking_can_edit(booking):
        raise BookingError(
            _(
                "The details can be changed only before the booking is confirmed; this booking "
                "is %(status)s. Move a time or cancel the booking instead."
            )
            % {"status": booking.get_status_display()}
        )
    if not has_role(by, Role.COORDINATOR):
        raise BookingError(_("Only a coordinator can change a booking's details."))
    values = dict(values)
    if "title" in values and not _text(values["title"]).strip():
        raise BookingError(_("Give the booking a title."))
    if values.get("kind", booking.kind) not in Booking.Kind.values:
        raise BookingError(_("Choose the kind of booking from the list."))
    changes: dict[str, list[str]] = {}
    for name in EDITABLE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = value.strip()
        before = getattr(booking, name)
        if before != value:
            if name == "kind":  # as the page says it, not the stored code
                kinds = dict(Booking.Kind.choices)
                changes[name] = [str(kinds.get(before, before)), str(kinds.get(value, value))]
            else:
                changes[name] = [_text(before), _text(value)]
            setattr(booking, name, value)
    if not (booking.place or booking.remote_link):
        raise BookingError(_("Give the place, or the link of a remote meeting."))
    details, repriced = apply_details(
        booking,
        work_kind=values.get("work_kind"),
        audience=values.get("audience"),
        experts_wanted=values.get("experts_wanted"),
    )
    changes.update(details)
    if areas is not None:
        old_areas = sorted(booking.areas.all(), key=lambda a: a.pk)
        new_areas = sorted(set(areas), key=lambda a: a.pk)
        if old_areas != new_areas:
            changes["areas"] = [
                ", ".join(str(a) for a in old_areas),
                ", ".join(str(a) for a in new_areas),
            ]
            booking.areas.set(new_areas)
    current = [(o.start, o.end) for o in booking.occurrences.order_by("start", "pk")]
    new_times = sorted(times) if times is not None else current
    if new_times != current:
        if booking.assignments.filter(status__in=Assignment.LIVE).exists() or (
            Gig.objects.filter(booking=booking).exists()
        ):
            raise BookingError(
                _(
                    "Experts have already been asked for these times, so the times are not "
                    "changed here: move each time with 'Move' on the booking's page, and the "
                    "experts confirm the new time."
                )
            )
        check_times(new_times, kind=booking.kind)
        changes["times"] = [_times_text(current), _times_text(new_times)]
    elif "kind" in changes:
        check_times(current, kind=booking.kind)
    if not changes:
        raise BookingError(_("Nothing changed."))
    booking.save()
    if "times" in changes:
        booking.occurrences.all().delete()
        Occurrence.objects.bulk_create(
            Occurrence(booking=booking, start=start, end=end) for start, end in new_times
        )
        refresh_span(booking)
    reason = reason.strip() or _("The coordinator changed the request's details.")
    record(booking, booking=booking, by=by, kind=Kind.DETAILS, note=reason, changes=changes)
    if repriced:
        reprice_in_force(booking, by=by, reason=reason)
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


def booking_panel_refusal() -> str:
    """Why a panel's meetings booking is not cancelled as a booking: its organiser changes the
    panel's meetings and members on the panel's pages."""
    return _(
        "This booking holds a customer panel's meetings. It is not cancelled as a booking: "
        "the panel's organiser changes its meetings and members on the panel's page."
    )


def booking_can_cancel(booking: Booking) -> bool:
    """A booking can be cancelled at any stage before it is delivered, except a customer
    panel's meetings booking (the panel's pages own its meetings)."""
    return booking.status in Booking.OPEN and not booking_is_panel(booking)


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
    if booking_is_panel(booking):
        raise BookingError(booking_panel_refusal())
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
