"""Feedback: when a unit may give it, and who may read it (experts once a coordinator released
it, on the bookings where they had a gig that took place)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from bookings.models import Booking, Feedback, Gig
from bookings.selectors.after import TOOK_PLACE, gig_has_ended
from bookings.selectors.requests import bookings_for_member
from expertbank.models import User
from experts.models import Expert

# --- The expert ----------------------------------------------------------------------------------


def expert_released_feedback(expert: Expert) -> QuerySet[Feedback]:
    """Released feedback on the bookings where the expert had a gig that took place."""
    took_part = Gig.objects.filter(
        booking=OuterRef("booking"),
        expert=expert,
        status__in=TOOK_PLACE,
        end__lte=timezone.now(),
    )
    return (
        Feedback.objects.filter(Exists(took_part), released_at__isnull=False)
        .select_related("booking__unit__organisation", "booking__work_kind")
        .order_by("-booking__first_start", "-pk")
    )


def released_feedback_for_gig(gig: Gig) -> list[Feedback]:
    """What the expert may read about one of their gigs: released feedback once it took place."""
    if gig.status not in TOOK_PLACE or not gig_has_ended(gig):
        return []
    return list(
        Feedback.objects.filter(booking_id=gig.booking_id, released_at__isnull=False)
        .select_related("booking__unit__organisation")
        .order_by("created_at", "pk")
    )


# --- The unit ------------------------------------------------------------------------------------


def feedback_open(booking: Booking, *, now: datetime | None = None) -> bool:
    """Feedback can be given once the booking is delivered or one of its gigs took place."""
    if booking.status in (Booking.Status.DELIVERED, Booking.Status.CLOSED):
        return True
    return Gig.objects.filter(
        booking=booking, status__in=TOOK_PLACE, end__lte=now or timezone.now()
    ).exists()


def member_feedback(booking: Booking, user: User) -> Feedback | None:
    return Feedback.objects.filter(booking=booking, given_by=user).first()


def may_give_feedback(booking: Booking, user: User) -> bool:
    """The user is a member of the booking's organisation and the booking's feedback is open."""
    return (
        bookings_for_member(user).filter(pk=booking.pk).exists()
        and feedback_open(booking)
        and member_feedback(booking, user) is None
    )


# --- The coordinator -----------------------------------------------------------------------------


def coordinator_feedback() -> QuerySet[Feedback]:
    return Feedback.objects.select_related(
        "booking__unit__organisation", "booking__work_kind", "given_by", "released_by"
    )


def feedback_waiting() -> QuerySet[Feedback]:
    """Feedback not yet shown to the experts, oldest first."""
    return coordinator_feedback().filter(released_at__isnull=True).order_by("created_at", "pk")
