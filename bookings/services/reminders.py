"""The reminders of the booking side, each found by a periodic sweep (``expertbank.reminders``).

- ``offer_expiring``: the expert, 24 h before an open offer's answer deadline, once per offer
  (only for offers that were open longer than that).
- ``gig_reminder_48h`` / ``gig_reminder_2h``: the expert, 48 and 2 hours before each planned gig.
- ``unit_reminder_48h``: the booking unit, 48 hours before each time that has experts coming.
- ``feedback_request``: the booking unit, from 9.00 on the day after the booking's last time.

Hours before a moment are real elapsed hours (the times are kept in UTC): a reminder 48 h before
a gig on the Sunday the clocks change comes 48 hours before, at 9.00 on Friday for a gig at 10.00
on the Sunday in March. A day is a local calendar day (Europe/Helsinki).

Each key carries the version of the time it reminds of (``v`` + the start in UTC, to the minute):
a moved gig is a new gig with a new key, a moved time a new version, so the new time is reminded
of; a cancelled gig or time is no longer planned and finds nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from bookings.models import Assignment, Booking, Feedback, Gig, Occurrence
from bookings.selectors.after import TOOK_PLACE
from bookings.services.notify import unit_recipients
from expertbank.reminders import SweepResult, key_expression, stamp, sweep
from expertbank.services.notifications import message_send

OFFER_EXPIRING_BEFORE = timedelta(hours=24)
GIG_REMINDERS = {"48h": timedelta(hours=48), "2h": timedelta(hours=2)}
UNIT_REMINDER_BEFORE = timedelta(hours=48)
# Reminders due longer ago than this are neither sent nor skipped: the sweep looks no further.
LOOKBACK = timedelta(days=7)
FEEDBACK_HOUR = 9
FEEDBACK_WINDOW = timedelta(days=14)
FEEDBACK_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.DELIVERED, Booking.Status.CLOSED)


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# --- The expert ----------------------------------------------------------------------------------


def offer_expiring_send(*, now: datetime | None = None) -> SweepResult:
    """Remind the expert of an offer whose answer deadline is 24 h away, once per offer."""
    now = _now(now)
    due = Assignment.objects.filter(
        status=Assignment.Status.OFFERED,
        answer_by__lte=now + OFFER_EXPIRING_BEFORE,
        answer_by__gt=now - LOOKBACK,
        offered_at__lte=F("answer_by") - OFFER_EXPIRING_BEFORE,
    ).select_related("booking", "expert__user")

    def send(assignment: Assignment, key: str) -> None:
        if not assignment.expert.user.is_active:
            return
        message_send(
            kind="offer_expiring",
            key=key,
            to_user=assignment.expert.user,
            context={
                "booking": assignment.booking,
                "assignment": assignment,
                "occurrences": list(assignment.booking.occurrences.all()),
                "url": _url("bookings_expert:offer", assignment.pk),
            },
        )

    return sweep(
        due,
        kind="offer_expiring",
        key=key_expression("offer:", F("pk"), ":expiring:v", stamp("answer_by")),
        send=send,
        late=lambda assignment: assignment.answer_by <= now,
    )


def gig_context(gig: Gig) -> dict:
    booking = gig.booking
    return {
        "booking": booking,
        "gig": gig,
        "occurrence": gig.occurrence,
        "where": gig.occurrence.where,
        "url": _url("bookings_expert:gig", gig.pk),
        "withdraw_url": _url("bookings_expert:offer", gig.assignment_id),
    }


def gig_reminders_send(*, now: datetime | None = None) -> SweepResult:
    """Remind each expert 48 h and 2 h before each planned gig, once per gig and time.

    A gig planned after a reminder's moment (accepted or moved at short notice) gets only the
    reminders still ahead of it. The 48-hour one is skipped once the 2-hour one is due, the 2-hour
    one once the gig has begun.
    """
    now = _now(now)
    result = SweepResult()
    for name, before in GIG_REMINDERS.items():
        due = Gig.objects.filter(
            status=Gig.Status.PLANNED,
            start__lte=now + before,
            start__gt=now - LOOKBACK,
            created_at__lte=F("start") - before,
            booking__status__in=Booking.OPEN,
        ).select_related("booking", "occurrence__booking", "expert__user", "assignment")
        kind = f"gig_reminder_{name}"
        late_at = GIG_REMINDERS["2h"] if name == "48h" else timedelta(0)

        def send(gig: Gig, key: str, kind=kind) -> None:
            if gig.expert.user.is_active:
                message_send(kind=kind, key=key, to_user=gig.expert.user, context=gig_context(gig))

        result += sweep(
            due,
            kind=kind,
            key=key_expression("gig:", F("pk"), f":reminder-{name}:v", stamp("start")),
            send=send,
            late=lambda gig, late_at=late_at: gig.start - late_at <= now,
            order_by=("start", "pk"),
        )
    return result


# --- The booking unit ----------------------------------------------------------------------------


def unit_reminders_send(*, now: datetime | None = None) -> SweepResult:
    """Remind the booking unit 48 h before each time that has experts coming, with the names the
    experts consented to show; once per time and its version, to each unit recipient."""
    now = _now(now)
    coming = Gig.objects.filter(occurrence=OuterRef("pk"), status=Gig.Status.PLANNED)
    due = (
        Occurrence.objects.filter(
            start__lte=now + UNIT_REMINDER_BEFORE,
            start__gt=now - LOOKBACK,
            booking__status__in=Booking.OPEN,
        )
        .filter(Exists(coming))
        .select_related("booking")
    )

    def send(occurrence: Occurrence, key: str) -> None:
        booking = occurrence.booking
        gigs = (
            occurrence.gigs.filter(status=Gig.Status.PLANNED)
            .select_related("expert__user")
            .order_by("pk")
        )
        context = {
            "booking": booking,
            "occurrence": occurrence,
            "names": [gig.expert.shown_name for gig in gigs],
            "url": _url("bookings:detail", booking.pk),
        }
        for user in unit_recipients(booking):
            message_send(
                kind="unit_reminder_48h", key=f"{key}u{user.pk}", to_user=user, context=context
            )

    return sweep(
        due,
        kind="unit_reminder_48h",
        key=key_expression("occurrence:", F("pk"), ":unit-reminder-48h:v", stamp("start"), ":"),
        send=send,
        late=lambda occurrence: occurrence.start <= now,
        prefix=True,
        order_by=("start", "pk"),
    )


def feedback_requests_send(*, now: datetime | None = None) -> SweepResult:
    """Ask the booking unit for feedback from 9.00 on the day after the booking's last time, once
    per booking and recipient; not when the unit has already given feedback."""
    now = timezone.localtime(_now(now))
    if now.hour < FEEDBACK_HOUR:
        return SweepResult()
    today = timezone.make_aware(datetime.combine(now.date(), time(0)))
    took_place = Gig.objects.filter(booking=OuterRef("pk"), status__in=TOOK_PLACE)
    given = Feedback.objects.filter(booking=OuterRef("pk"))
    due = (
        Booking.objects.filter(
            Q(
                status__in=[
                    Booking.Status.CONFIRMED,
                    Booking.Status.DELIVERED,
                    Booking.Status.CLOSED,
                ]
            ),
            last_end__lt=today,
            last_end__gte=today - FEEDBACK_WINDOW,
        )
        .filter(Exists(took_place), ~Exists(given))
        .select_related("unit")
    )

    def send(booking: Booking, key: str) -> None:
        context = {"booking": booking, "url": _url("bookings:feedback", booking.pk)}
        for user in unit_recipients(booking):
            message_send(
                kind="feedback_request", key=f"{key}u{user.pk}", to_user=user, context=context
            )

    return sweep(
        due,
        kind="feedback_request",
        key=key_expression("booking:", F("pk"), ":feedback-request:"),
        send=send,
        late=lambda booking: False,
        prefix=True,
    )


def booking_reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Every booking reminder that is due (the sweep every few minutes)."""
    result = (
        offer_expiring_send(now=now)
        + gig_reminders_send(now=now)
        + unit_reminders_send(now=now)
        + feedback_requests_send(now=now)
    )
    return result.as_dict()


__all__ = [
    "booking_reminders_send",
    "feedback_requests_send",
    "gig_context",
    "gig_reminders_send",
    "offer_expiring_send",
    "unit_reminders_send",
]
