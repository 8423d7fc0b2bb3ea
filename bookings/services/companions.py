"""Who comes along with an expert (issue 17): the companion or support person of an assignment.

A companion is a person of the pool whose role is *support person* (``Expert.Role``): never
offered gigs, paid the booking's companion fee for each gig of the assignment by the fee run
(``invoicing.fees.gig_lines``). The coordinator chooses them on the booking's page; until then
the expert's usual companion from their support profile is proposed and paid
(``bookings.money.companion_of``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from bookings.models import Assignment
from bookings.services.common import BookingError, lock_assignment, lock_booking, record
from expertbank.models import User
from experts.models import Expert


def assignment_can_set_companion(assignment: Assignment) -> bool:
    """A companion is chosen for an offered or accepted expert."""
    return assignment.status in Assignment.LIVE


def companion_check(*, assignment: Assignment, companion: Expert | None) -> None:
    """Only an active support person of the pool, not the expert themselves."""
    if companion is None:
        return
    if companion.pk == assignment.expert_id:
        raise BookingError(_("An expert cannot be their own companion."))
    if companion.role != Expert.Role.SUPPORT_PERSON:
        raise BookingError(
            _(
                "%(name)s is not a support person of the pool, so they cannot come as a "
                "companion. Choose a support person, or change their role on their page first."
            )
            % {"name": companion.name}
        )
    if companion.status != Expert.Status.ACTIVE:
        raise BookingError(
            _("%(name)s is not active in the pool: choose an active support person.")
            % {"name": companion.name}
        )


@transaction.atomic(durable=True)
def assignment_companion_set(
    *, assignment: Assignment, companion: Expert | None, by: User
) -> Assignment:
    """Name the support person who comes with the expert on ``assignment`` (``None``: nobody
    named; the profile's usual companion, if any, is then paid). The booking's history keeps the
    change."""
    booking = lock_booking(assignment.booking_id)
    assignment = lock_assignment(assignment.pk)
    if not assignment_can_set_companion(assignment):
        raise BookingError(
            _(
                "A companion can be chosen only for an offered or accepted expert; this offer "
                "is %(status)s."
            )
            % {"status": assignment.get_status_display()}
        )
    companion_check(assignment=assignment, companion=companion)
    before = assignment.companion
    if (before.pk if before else None) == (companion.pk if companion else None):
        return assignment
    assignment.companion = companion
    assignment.save(update_fields=["companion"])
    record(
        assignment,
        booking=booking,
        by=by,
        kind="details",
        changes={"companion": [before.name if before else "", companion.name if companion else ""]},
    )
    return assignment
