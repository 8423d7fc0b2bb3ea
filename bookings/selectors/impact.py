"""The impact loop's reads: when a unit may answer "What changed because of it?" for a booking,
and which answers an expert may read (those the unit shared, on bookings where the expert had a
gig that took place)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from bookings.models import Booking, Gig, ImpactAnswer
from bookings.selectors.after import TOOK_PLACE
from experts.models import Expert

DAY_MARKS = (30, 90)
ASKED_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.DELIVERED, Booking.Status.CLOSED)


def took_place(booking_ref=None):
    """An ``Exists`` for "some gig of the booking took place" (``booking_ref`` defaults to the
    outer row's pk)."""
    return Exists(Gig.objects.filter(booking=booking_ref or OuterRef("pk"), status__in=TOOK_PLACE))


def impact_open_marks(booking: Booking, *, now: datetime | None = None) -> list[int]:
    """The day marks whose question is open for the booking: the work took place and that many
    days (local calendar days) have passed since the day of its last time."""
    if booking.status not in ASKED_STATUSES or booking.last_end is None:
        return []
    today = timezone.localdate(now or timezone.now())
    last_day = timezone.localdate(booking.last_end)
    marks = [mark for mark in DAY_MARKS if last_day + timedelta(days=mark) <= today]
    if not marks or not Gig.objects.filter(booking=booking, status__in=TOOK_PLACE).exists():
        return []
    return marks


def booking_impact_answers(booking: Booking) -> dict[int, ImpactAnswer]:
    """The booking's answers by day mark."""
    answers = ImpactAnswer.objects.filter(booking=booking).select_related("answered_by")
    return {answer.day_mark: answer for answer in answers}


def expert_shared_impact(expert: Expert) -> QuerySet[ImpactAnswer]:
    """The answers the units shared with the experts, on the bookings where this expert had a
    gig that took place: the expert's own record."""
    took_part = Gig.objects.filter(
        booking=OuterRef("booking"), expert=expert, status__in=TOOK_PLACE
    )
    return (
        ImpactAnswer.objects.filter(Exists(took_part), share_with_experts=True)
        .select_related("booking__unit__organisation", "booking__work_kind")
        .order_by("-answered_at", "-pk")
    )
