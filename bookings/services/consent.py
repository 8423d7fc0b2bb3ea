"""What a withdrawn consent means for the expert's bookings.

``experts.services.consent_withdraw`` calls ``BookingsConfig.consent_withdrawn`` inside its own
transaction (the expert pool cannot import bookings), so the consent and the bookings change
together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Assignment, Booking, Gig
from bookings.services import notify
from bookings.services.common import change_status, lock_booking
from bookings.services.staffing import take_off
from expertbank.models import User
from experts.models import Expert

Status = Booking.Status
Offer = Assignment.Status


@dataclass
class ConsentWithdrawal:
    """What happened to the expert's bookings."""

    closed: list[Assignment] = field(default_factory=list)  # open offers, now expired
    taken_off: list[Assignment] = field(default_factory=list)  # accepted, booking not confirmed
    flagged: list[Assignment] = field(default_factory=list)  # confirmed, coming gigs kept

    @property
    def assignments(self) -> list[Assignment]:
        return self.closed + self.taken_off + self.flagged


def _lock_live(booking: Booking, expert: Expert) -> list[Assignment]:
    return list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(booking=booking, expert=expert, status__in=Assignment.LIVE)
        .select_related("expert__user", "offered_by")
        .order_by("pk")
    )


def consent_withdrawn_impl(*, expert: Expert, by: User | None, at: datetime) -> ConsentWithdrawal:
    """Without consent the expert can no longer be booked, so in the withdrawal's transaction:

    - every open offer closes (*expired*, with the reason in its history): it can no longer be
      accepted;
    - on a booking still looking for experts (not confirmed to the unit) an accepted expert is
      taken off as ``assignment_withdraw`` does: coming gigs cancelled without a fee;
    - on a confirmed booking the expert stays: the unit has been told who comes, and whether the
      expert still comes is for the coordinator to settle with them (take them off and find a
      replacement, or record consent again), so the coordinators are told which gigs wait.

    The coordinators who sent the offers (else every coordinator) get one message listing all
    three. Each booking is locked before its assignments, as every booking service does, and the
    assignments are read again under the lock: an answer that got in first is seen as accepted.
    """
    reason = _("Consent to the privacy notice was withdrawn.")
    now = timezone.now()
    booking_ids = sorted(
        set(
            Assignment.objects.filter(
                expert=expert,
                status__in=Assignment.LIVE,
                booking__status__in=[Status.STAFFING, Status.CONFIRMED],
            ).values_list("booking_id", flat=True)
        )
    )
    result = ConsentWithdrawal()
    for booking_id in booking_ids:
        booking = lock_booking(booking_id)
        if booking.status not in (Status.STAFFING, Status.CONFIRMED):
            continue
        for assignment in _lock_live(booking, expert):
            assignment.booking = booking
            if assignment.status == Offer.OFFERED:
                change_status(assignment, Offer.EXPIRED, booking=booking, by=by, note=reason)
                result.closed.append(assignment)
            elif booking.status == Status.STAFFING:
                take_off(assignment, booking=booking, by=by, reason=reason)
                result.taken_off.append(assignment)
            elif assignment.gigs.filter(status=Gig.Status.PLANNED, start__gt=now).exists():
                result.flagged.append(assignment)
    if result.assignments:
        notify.consent_withdrawn(expert, result, at=at)
    return result
