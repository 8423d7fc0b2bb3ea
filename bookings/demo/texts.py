"""Demo of issue 17's message features: an expert in discreet mode (``mikko.makinen``: his
calendar, texts and e-mail subjects say only "Keikka – paikka, aika"; the confirmation of his next
gig is in the message log so), and an offer answered by text message ("EI 4821") with the bank's
reply in the message log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.models import Assignment, Booking, Gig
from bookings.services import notify
from bookings.services.staffing import sms_code_new
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import Message, User
from expertbank.services.notifications import message_send

DISCREET_EXPERT = f"mikko.makinen@{DEMO_DOMAIN}"


def discreet(*, log: Callable[[str], None]) -> None:
    """Before the bookings are built, so his messages in the log are discreet too."""
    if User.objects.filter(email=DISCREET_EXPERT, discreet=False).update(discreet=True):
        log(f"{DISCREET_EXPERT} chose discreet mode")


def discreet_messages(*, log: Callable[[str], None]) -> None:
    """The confirmation of the discreet expert's next gig, in the message log as sent when he
    accepted: its subject says only "Keikka – paikka, aika". Idempotent: the key is the
    service's own."""
    gig = (
        Gig.objects.filter(
            expert__user__email=DISCREET_EXPERT,
            expert__user__discreet=True,
            status=Gig.Status.PLANNED,
            start__gt=timezone.now(),
        )
        .select_related("assignment", "booking")
        .order_by("start", "pk")
        .first()
    )
    if gig is None:
        return
    assignment, booking = gig.assignment, gig.booking
    key = f"booking-confirmed-expert:{assignment.pk}"
    if Message.objects.filter(key=key).exists():
        return
    notify.confirmed_expert(booking, assignment)
    at = assignment.answered_at or timezone.now() - timedelta(days=1)
    Message.objects.filter(key=key).update(
        status=Message.Status.SENT, created_at=at, sent_at=at, next_attempt_at=None
    )
    log(f"{DISCREET_EXPERT} was told of {booking.title} discreetly")


def _open_offer(builder, now) -> Assignment | None:
    """An offer of a booking still looking for experts, sent yesterday to a demo expert with a
    phone (not the demo login's expert, whose offers stay open to try)."""
    bookings = Booking.objects.filter(
        status=Booking.Status.STAFFING, first_start__gt=now + timedelta(days=3)
    ).order_by("first_start", "pk")
    for booking in bookings:
        times = [(o.start, o.end) for o in booking.occurrences.all()]
        taken = [a.expert for a in booking.assignments.select_related("expert")]
        for expert in builder.pick(booking, times, 3, exclude=taken):
            if expert.user.phone and expert.user.is_active:
                return builder.offer(
                    booking, expert, now - timedelta(days=1), now + timedelta(days=2)
                )
    return None


def sms_answer(builder, *, log: Callable[[str], None]) -> None:
    """An open offer declined by text message two hours ago: the offer's code, the answer in the
    history as the expert's own, and the bank's SMS reply in the message log."""
    if Message.objects.filter(kind="sms_reply", key__startswith="sms-reply:demo-").exists():
        return
    now = timezone.now()
    assignment = _open_offer(builder, now)
    if assignment is None:
        return
    user = assignment.expert.user
    booking = assignment.booking
    if not assignment.sms_code:
        assignment.sms_code = sms_code_new(assignment.expert)
        assignment.save(update_fields=["sms_code"])
    at = now - timedelta(hours=2)
    assignment.answered_at = at
    builder.change(
        assignment,
        booking,
        Assignment.Status.DECLINED,
        at,
        by=user,
        note="EI " + assignment.sms_code,
        fields=["answered_at"],
    )
    with translation.override(user.language):
        reply = _("Thank you for answering. You declined the gig offer of %(date)s.") % {
            "date": date_format(timezone.localtime(booking.first_start), "SHORT_DATETIME_FORMAT")
        }
    key = f"sms-reply:demo-{assignment.pk}"
    message_send(
        kind="sms_reply",
        key=key,
        to_user=user,
        to=user.phone,
        channel="sms",
        language=user.language,
        context={"text": reply},
    )
    Message.objects.filter(key=key).update(
        status=Message.Status.SENT, created_at=at, sent_at=at, next_attempt_at=None
    )
    log(f"{user.email} declined {booking.title} by text message")
