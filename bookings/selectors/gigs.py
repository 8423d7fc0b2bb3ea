"""The expert's side: open offers, upcoming and past gigs, and what the calendar feed shows."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bookings.models import Assignment, Booking, Gig, Occurrence
from experts.models import Expert


def expert_open_offers(expert: Expert) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            expert=expert,
            status=Assignment.Status.OFFERED,
            answer_by__gt=timezone.now(),
            booking__status__in=[Booking.Status.STAFFING, Booking.Status.CONFIRMED],
        )
        .select_related("booking__unit__organisation", "booking__work_kind", "booking__terms")
        .prefetch_related(
            Prefetch("booking__occurrences", queryset=Occurrence.objects.order_by("start"))
        )
        .order_by("answer_by", "pk")
    )


def expert_gigs(expert: Expert) -> QuerySet[Gig]:
    return Gig.objects.filter(expert=expert).select_related(
        "occurrence", "assignment__booking__unit__organisation", "assignment__booking__work_kind"
    )


def expert_upcoming_gigs(expert: Expert) -> QuerySet[Gig]:
    return expert_gigs(expert).filter(status=Gig.Status.PLANNED, end__gt=timezone.now())


def expert_past_gigs(expert: Expert) -> QuerySet[Gig]:
    return (
        expert_gigs(expert)
        .filter(end__lte=timezone.now())
        .exclude(status=Gig.Status.RESCHEDULED)
        .order_by("-start", "-pk")
    )


def calendar_gigs(expert: Expert) -> QuerySet[Gig]:
    """The planned gigs a calendar feed shows: from 90 days back on."""
    since = timezone.now() - timedelta(days=90)
    return expert_gigs(expert).filter(status=Gig.Status.PLANNED, end__gte=since).order_by("start")
