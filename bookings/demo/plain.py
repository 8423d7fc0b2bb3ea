"""Demo of plain language (issue 17): Pekka Nieminen (``experts.demo.profiles.PLAIN_EXPERT``)
chose plain language and gets offers by e-mail and text. He has an offer waiting, sent an hour
ago, so his start page shows "You have a gig offer. Answer yes or no." with one big button, and
the message log holds the offer's plain e-mail and text. Idempotent: once he has an offer
waiting, nothing more is made."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from bookings.models import Assignment, Booking
from bookings.services import notify
from expertbank.models import NotificationPreference, User
from experts.demo.profiles import PLAIN_EXPERT


def seed(builder, *, log: Callable[[str], None]) -> None:
    user = User.objects.filter(email=PLAIN_EXPERT, plain_language=True).first()
    expert = getattr(user, "expert", None) if user is not None else None
    if expert is None:
        return
    if Assignment.objects.filter(expert=expert, status=Assignment.Status.OFFERED).exists():
        return
    NotificationPreference.objects.update_or_create(
        user=user, category="bookings", defaults={"channel": "both"}
    )
    now = timezone.now()
    bookings = Booking.objects.filter(
        status=Booking.Status.STAFFING, first_start__gt=now + timedelta(days=3)
    ).order_by("first_start", "pk")
    for booking in bookings:
        if booking.assignments.filter(expert=expert).exists():
            continue
        times = [(o.start, o.end) for o in booking.occurrences.all()]
        if not builder.free(expert, times):
            continue
        assignment = builder.offer(
            booking, expert, now - timedelta(hours=1), now + timedelta(days=2)
        )
        notify.offer(assignment)
        log(f"offered {booking.title} to {PLAIN_EXPERT} (plain language)")
        return
