"""Demo: the reminders in the message log. The gigs of the last two weeks show their 48-hour and
2-hour reminders (and their units' 48-hour one) as sent at their moments, what is due now waits
to be sent (the sweep, as the beat runs it), and each coordinator has the morning's digest.
Idempotent: the keys are the sweep's own, so a second run writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from bookings.models import Gig
from bookings.selectors.after import TOOK_PLACE
from bookings.services.notify import unit_recipients
from bookings.services.reminders import (
    GIG_REMINDERS,
    UNIT_REMINDER_BEFORE,
    booking_reminders_send,
    gig_context,
)
from expertbank.digest import DIGEST_AT, digests_send
from expertbank.models import Message
from expertbank.reminders import stamp_of
from expertbank.services.notifications import message_send

HISTORY = timedelta(days=14)


def _sent_at(key: str, moment: datetime) -> None:
    """The message of ``key`` (and its text twin) as sent at ``moment``."""
    Message.objects.filter(key__in=[key, f"{key}:sms"]).exclude(
        status=Message.Status.SKIPPED
    ).update(status=Message.Status.SENT, created_at=moment, sent_at=moment, next_attempt_at=None)


def _planned_when_accepted() -> None:
    """A demo gig was planned when its expert accepted, days before it (not when seeded)."""
    gigs = Gig.objects.filter(
        assignment__answered_at__isnull=False, created_at__gt=F("assignment__answered_at")
    ).select_related("assignment")
    for gig in gigs:
        Gig.objects.filter(pk=gig.pk).update(created_at=gig.assignment.answered_at)


def _history(now: datetime, log: Callable[[str], None]) -> None:
    gigs = (
        Gig.objects.filter(status__in=TOOK_PLACE, start__lt=now, start__gte=now - HISTORY)
        .select_related("booking", "occurrence__booking", "expert__user", "assignment")
        .order_by("start", "pk")
    )
    for gig in gigs:
        for name, before in GIG_REMINDERS.items():
            due = gig.start - before
            key = f"gig:{gig.pk}:reminder-{name}:v{stamp_of(gig.start)}"
            if gig.created_at > due or Message.objects.filter(key=key).exists():
                continue
            message_send(
                kind=f"gig_reminder_{name}",
                key=key,
                to_user=gig.expert.user,
                context=gig_context(gig),
            )
            _sent_at(key, due)
            log(f"reminder {key} sent")
        _unit_history(gig)


def _unit_history(gig: Gig) -> None:
    """The unit's reminder 48 hours before the gig's time, once per time and recipient."""
    occurrence = gig.occurrence
    due = occurrence.start - UNIT_REMINDER_BEFORE
    prefix = f"occurrence:{occurrence.pk}:unit-reminder-48h:v{stamp_of(occurrence.start)}:"
    if gig.created_at > due or Message.objects.filter(key__startswith=prefix).exists():
        return
    names = [
        g.expert.shown_name
        for g in occurrence.gigs.filter(status__in=TOOK_PLACE).select_related("expert__user")
    ]
    context = {
        "booking": gig.booking,
        "occurrence": occurrence,
        "names": names,
        "url": settings.SITE_URL + reverse("bookings:detail", args=[gig.booking_id]),
    }
    for user in unit_recipients(gig.booking):
        key = f"{prefix}u{user.pk}"
        message_send(kind="unit_reminder_48h", key=key, to_user=user, context=context)
        _sent_at(key, due)


def _digest(now: datetime, log: Callable[[str], None]) -> None:
    local = timezone.localtime(now)
    day = local.date() if local.time() >= DIGEST_AT else local.date() - timedelta(days=1)
    morning = timezone.make_aware(datetime.combine(day, DIGEST_AT))
    if digests_send(now=morning).sent:
        for message in Message.objects.filter(
            kind="coordinator_digest", key__endswith=f":{day.isoformat()}"
        ):
            _sent_at(message.key, morning + timedelta(minutes=1))
        log(f"digest of {day} sent")


def seed(*, log: Callable[[str], None]) -> None:
    now = timezone.now()
    _planned_when_accepted()
    _history(now, log)
    result = booking_reminders_send(now=now)
    log(f"reminders due now: {result}")
    _digest(now, log)


__all__ = ["seed"]
