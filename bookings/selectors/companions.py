"""Who comes along (issue 17): the companion choice of each live assignment of a booking, for
the coordinator's booking page, in three queries whatever the number of experts."""

from __future__ import annotations

from dataclasses import dataclass

from bookings.models import Assignment, Booking
from experts.models import Expert, SupportProfile


@dataclass(frozen=True)
class CompanionChoice:
    current: Expert | None  # named on the assignment
    usual: Expert | None  # the expert's usual companion from their profile
    needs: bool  # the profile says a companion comes along
    persons: list[Expert]  # the support persons to choose from

    @property
    def paid(self) -> Expert | None:
        """Who the fee run pays (``bookings.money.companion_of``)."""
        return self.current or (self.usual if self.needs else None)


def support_persons() -> list[Expert]:
    """The active support persons of the pool, by name."""
    return list(
        Expert.objects.filter(role=Expert.Role.SUPPORT_PERSON, status=Expert.Status.ACTIVE)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def companion_choices(booking: Booking) -> dict[int, CompanionChoice]:
    """By assignment id: the live assignments whose expert needs a companion or has one named."""
    assignments = list(
        booking.assignments.filter(status__in=Assignment.LIVE).select_related("companion__user")
    )
    profiles = {
        profile.expert_id: profile
        for profile in SupportProfile.objects.filter(
            expert_id__in=[a.expert_id for a in assignments]
        ).select_related("companion_person__user")
    }
    persons: list[Expert] | None = None
    found = {}
    for assignment in assignments:
        profile = profiles.get(assignment.expert_id)
        needs = bool(profile and profile.companion)
        if not needs and assignment.companion_id is None:
            continue
        if persons is None:
            persons = support_persons()
        found[assignment.pk] = CompanionChoice(
            current=assignment.companion,
            usual=profile.companion_person if profile else None,
            needs=needs,
            persons=persons,
        )
    return found
