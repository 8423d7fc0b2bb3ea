"""The booking messages, all through the core sending path with idempotency keys.

Called inside the service's transaction: the message row commits with the change (or not at
all) and delivery is queued on commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bookings.models import Assignment, Booking, Gig, Membership
from bookings.selectors.pairs import pair_of
from bookings.selectors.staffing import coordinators
from bookings.services.links import answer_url
from expertbank.models import User
from expertbank.services.notifications import message_send


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def unit_recipients(booking: Booking) -> list[User]:
    """Who hears about the booking in the unit: the requester, else every member of the unit."""
    if booking.requested_by is not None and booking.requested_by.is_active:
        return [booking.requested_by]
    return list(
        User.objects.filter(
            memberships__unit=booking.unit,
            is_active=True,
            memberships__role__in=[Membership.Role.BOOKER, Membership.Role.APPROVER],
        )
        .distinct()
        .order_by("pk")
    )


def coordinators_of(assignments: Iterable[Assignment]) -> list[User]:
    """The coordinators who sent these offers, else every coordinator."""
    everyone = list(coordinators())
    ids = {user.pk for user in everyone}
    senders = {a.offered_by for a in assignments if a.offered_by and a.offered_by.pk in ids}
    return sorted(senders, key=lambda user: user.pk) or everyone


def _to_unit(booking: Booking, *, kind: str, key: str, context: dict) -> None:
    context = {"booking": booking, "url": _url("bookings:detail", booking.pk), **context}
    for user in unit_recipients(booking):
        message_send(kind=kind, key=f"{key}:u{user.pk}", to_user=user, context=context)


def received(booking: Booking, occurrences) -> None:
    _to_unit(
        booking,
        kind="booking_received",
        key=f"booking-received:{booking.pk}",
        context={"occurrences": occurrences},
    )


def rejected(booking: Booking, reason: str) -> None:
    _to_unit(
        booking,
        kind="booking_rejected",
        key=f"booking-rejected:{booking.pk}",
        context={"reason": reason},
    )


def offer(assignment: Assignment) -> None:
    booking = assignment.booking
    message_send(
        kind="booking_offer",
        key=f"booking-offer:{assignment.pk}",
        to_user=assignment.expert.user,
        context={
            "booking": booking,
            "assignment": assignment,
            "occurrences": list(booking.occurrences.all()),
            "accept_url": answer_url(assignment, "accept"),
            "decline_url": answer_url(assignment, "decline"),
            "url": _url("bookings_expert:offer", assignment.pk),
            "pair": pair_of(assignment),  # issue 17: the other of a pair, named in the offer
        },
    )


def offer_closed(assignment: Assignment, reason: str) -> None:
    message_send(
        kind="booking_offer_closed",
        key=f"booking-offer-closed:{assignment.pk}",
        to_user=assignment.expert.user,
        context={"booking": assignment.booking, "reason": reason},
    )


def confirmed_expert(booking: Booking, assignment: Assignment) -> None:
    gigs = list(assignment.gigs.filter(status=Gig.Status.PLANNED).select_related("occurrence"))
    message_send(
        kind="booking_confirmed_expert",
        key=f"booking-confirmed-expert:{assignment.pk}",
        to_user=assignment.expert.user,
        context={
            "booking": booking,
            "gigs": gigs,
            "url": _url("bookings_expert:home"),
        },
    )


def confirmed_unit(booking: Booking, names: list[str]) -> None:
    _to_unit(
        booking,
        kind="booking_confirmed_unit",
        key=f"booking-confirmed-unit:{booking.pk}",
        context={"names": names, "occurrences": list(booking.occurrences.all())},
    )


def experts_changed(booking: Booking, names: list[str], assignment: Assignment) -> None:
    _to_unit(
        booking,
        kind="booking_experts_changed",
        key=f"booking-experts-changed:{assignment.pk}",
        context={"names": names},
    )


def cancelled_expert(booking: Booking, expert_gigs: list[Gig], reason: str) -> None:
    gig = expert_gigs[0]
    fee = sum((g.fee_amount for g in expert_gigs if g.late_cancelled), start=0)
    message_send(
        kind="booking_cancelled_expert",
        key=f"booking-cancelled-expert:{booking.pk}:{gig.expert_id}",
        to_user=gig.expert.user,
        context={"booking": booking, "gigs": expert_gigs, "reason": reason, "fee": fee},
    )


def cancelled_unit(booking: Booking, reason: str) -> None:
    _to_unit(
        booking,
        kind="booking_cancelled_unit",
        key=f"booking-cancelled-unit:{booking.pk}",
        context={"reason": reason},
    )


def cancelled_by_unit(booking: Booking, assignments: list[Assignment], reason: str) -> None:
    """A unit cancelled: the experts and the unit are told at once; the coordinators read it in
    their daily digest (``bookings.digest``), so nothing is sent to them here."""


def rescheduled_expert(gig: Gig, old_time: str) -> None:
    booking = gig.assignment.booking
    message_send(
        kind="booking_rescheduled_expert",
        key=f"booking-rescheduled-expert:{gig.pk}",
        to_user=gig.expert.user,
        context={
            "booking": booking,
            "gig": gig,
            "old_time": old_time,
            "url": _url("bookings_expert:gig", gig.pk),
        },
    )


def rescheduled_unit(booking: Booking, old_time: str, new_time: str, change_id: int) -> None:
    _to_unit(
        booking,
        kind="booking_rescheduled_unit",
        key=f"booking-rescheduled-unit:{change_id}",
        context={"old_time": old_time, "new_time": new_time},
    )


def offers_expired(booking: Booking, assignments: list[Assignment]) -> None:
    """Offers expired without an answer: the coordinators read it in their daily digest
    (``bookings.digest``) and the work queue's "short of experts"; nothing is sent here."""


# An expert who withdraws from a gig starting within this long is urgent news: the notice says
# so ("coordinator_urgent"); further away it is a plain notice ("coordinator_withdrawn").
URGENT_WITHIN = timedelta(hours=36)


def withdrawn(assignment: Assignment, reason: str) -> None:
    """The expert withdrew (cover without blame, issue 17): the booking's coordinators are told
    at once, once per withdrawal (key ``urgent:withdrawn:<assignment>:u<user>`` when a gig they
    left starts within 36 hours, ``coordinator_urgent``; else ``withdrawn:<assignment>:u<user>``,
    ``coordinator_withdrawn``). The booking stays in the work queue until the seat is filled."""
    now = timezone.now()
    left = list(
        assignment.gigs.filter(status=Gig.Status.CANCELLED, start__gt=now).order_by("start")
    )
    booking = assignment.booking
    soon = [gig for gig in left if gig.start <= now + URGENT_WITHIN]
    if soon:
        kind, prefix = "coordinator_urgent", "urgent:withdrawn"
    else:
        kind, prefix = "coordinator_withdrawn", "withdrawn"
    gigs = soon or left
    for user in coordinators_of([assignment]):
        message_send(
            kind=kind,
            key=f"{prefix}:{assignment.pk}:u{user.pk}",
            to_user=user,
            context={
                "booking": booking,
                "name": assignment.expert.name,
                "reason": reason,
                "gigs": gigs,
                "start": gigs[0].start if gigs else booking.first_start,
                # The next on the reserve list is offered the seat by the bank (not for a pair).
                "covering": booking.cover_automatically and assignment.partner_of_id is None,
                "url": _url("bookings_coordinator:detail", booking.pk),
            },
        )


def cover_none(booking: Booking, withdrawn: Assignment) -> None:
    """No replacement was found in time for an expert who withdrew: the unit hears it now (and
    only now: the withdrawal itself was not news to them), and so do the coordinators."""
    gigs = list(
        withdrawn.gigs.filter(status=Gig.Status.CANCELLED, start__gt=timezone.now()).order_by(
            "start"
        )
    )
    _to_unit(
        booking,
        kind="booking_cover_none_unit",
        key=f"booking-cover-none:{withdrawn.pk}",
        context={"gigs": gigs},
    )
    for user in coordinators_of([withdrawn]):
        message_send(
            kind="coordinator_cover_none",
            key=f"cover-none:{withdrawn.pk}:u{user.pk}",
            to_user=user,
            context={
                "booking": booking,
                "gigs": gigs,
                "start": gigs[0].start if gigs else booking.first_start,
                "url": _url("bookings_coordinator:detail", booking.pk),
            },
        )


def released(assignment: Assignment, reason: str) -> None:
    """A coordinator took the expert off the booking."""
    message_send(
        kind="booking_released",
        key=f"booking-released:{assignment.pk}",
        to_user=assignment.expert.user,
        context={"booking": assignment.booking, "reason": reason},
    )


def consent_withdrawn(expert, result, *, at) -> None:
    """An expert withdrew consent: which offers closed, which bookings they left, and which
    confirmed gigs wait for the coordinator's decision (``services.consent``)."""

    def rows(assignments: list[Assignment]) -> list[dict]:
        return [
            {
                "booking": a.booking,
                "url": _url("bookings_coordinator:detail", a.booking_id),
                "gigs": list(
                    a.gigs.filter(status=Gig.Status.PLANNED).order_by("start")
                    if a.status == Assignment.Status.ACCEPTED
                    else []
                ),
            }
            for a in assignments
        ]

    context = {
        "name": expert.name,
        "closed": rows(result.closed),
        "taken_off": rows(result.taken_off),
        "flagged": rows(result.flagged),
        "url": _url("experts_coordinator:detail", expert.pk),
    }
    stamp = at.strftime("%Y%m%d%H%M%S%f")
    for user in coordinators_of(result.assignments):
        message_send(
            kind="booking_consent_withdrawn",
            key=f"booking-consent-withdrawn:{expert.pk}:{stamp}:u{user.pk}",
            to_user=user,
            context=context,
        )


def member_added(membership: Membership) -> None:
    message_send(
        kind="booking_member_added",
        key=f"booking-member-added:{membership.pk}",
        to_user=membership.user,
        context={"unit": membership.unit, "url": _url("bookings:unit_home")},
    )
