"""The reminders of the booking side, found by sweeps and sent once each (issue 15): the expert's
offer about to expire, 48 h and 2 h before each gig; the unit's reminder 48 h before and its
feedback request the day after. Moved gigs are reminded of their new time, cancelled ones of
nothing, a reminder whose moment passed is skipped, a pile goes out in batches, and the hours
around both daylight-saving changes neither lose nor double one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bookings import services, tasks
from bookings.models import Booking, Gig
from bookings.services.reminders import (
    feedback_requests_send,
    gig_reminders_send,
    offer_expiring_send,
    unit_reminders_send,
)
from expertbank.models import Message, NotificationPreference
from expertbank.reminders import stamp_of
from tests.bookings.factories import at, bookable_expert, confirmed, offer, request_booking
from tests.bookings.reports_factories import ended_gig
from tests.factories import CoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def _expert(language: str = "en", **kwargs):
    return bookable_expert(user=UserFactory(language=language), **kwargs)


def _gig(booking) -> Gig:
    return Gig.objects.get(booking=booking, status=Gig.Status.PLANNED)


def _sent(kind: str):
    return Message.objects.filter(kind=kind).exclude(status=Message.Status.SKIPPED)


# --- 48 h and 2 h before a gig --------------------------------------------------------------------


def test_the_expert_is_reminded_48_hours_before_once(terms):
    expert = _expert()
    booking = confirmed(
        experts=[expert], times=[(at(20, 10), at(20, 12))], contact_name="Leena Virta"
    )
    gig = _gig(booking)
    assert gig_reminders_send(now=gig.start - timedelta(hours=48, minutes=1)).sent == 0
    assert gig_reminders_send(now=gig.start - timedelta(hours=48)).sent == 1
    assert gig_reminders_send(now=gig.start - timedelta(hours=47)).sent == 0
    message = _sent("gig_reminder_48h").get()
    assert message.recipient == expert.user
    assert message.key == f"gig:{gig.pk}:reminder-48h:v{stamp_of(gig.start)}"
    assert "Leena Virta" in message.body
    assert "Kielotie 13, Vantaa" in message.body
    assert settings.SITE_URL + reverse("bookings_expert:offer", args=[gig.assignment_id]) in (
        message.body
    )
    assert booking.title not in message.subject  # no detail of the work in a subject line


def test_and_2_hours_before_once(terms):
    booking = confirmed(times=[(at(20, 10), at(20, 12))])
    gig = _gig(booking)
    gig_reminders_send(now=gig.start - timedelta(hours=48))
    for minutes in (120, 115, 60, 1):
        gig_reminders_send(now=gig.start - timedelta(minutes=minutes))
    assert _sent("gig_reminder_48h").count() == 1
    assert _sent("gig_reminder_2h").get().key == f"gig:{gig.pk}:reminder-2h:v{stamp_of(gig.start)}"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_reminder_is_in_the_experts_language(terms, language):
    booking = confirmed(experts=[_expert(language)], times=[(at(20, 13), at(20, 15))])
    gig = _gig(booking)
    gig_reminders_send(now=gig.start - timedelta(hours=47))
    message = _sent("gig_reminder_48h").get()
    assert message.language == language
    local = timezone.localtime(gig.start)
    assert f"{local.day}.{local.month}." in message.body


def test_the_brief_and_what_to_bring_are_in_the_reminder(terms):
    booking = confirmed(times=[(at(20, 10), at(20, 12))])
    booking.what_to_bring = "Oma vesipullo"
    booking.save(update_fields=["what_to_bring"])
    gig_reminders_send(now=at(18, 11))
    assert "Oma vesipullo" in _sent("gig_reminder_48h").get().body


def test_a_reminder_whose_moment_passed_is_skipped_not_sent_late(terms):
    booking = confirmed(times=[(at(20, 10), at(20, 12))])
    gig = _gig(booking)
    result = gig_reminders_send(now=gig.start + timedelta(minutes=5))  # after an outage
    assert (result.sent, result.skipped) == (0, 2)
    skipped = Message.objects.filter(status=Message.Status.SKIPPED)
    assert sorted(skipped.values_list("key", flat=True)) == [
        f"gig:{gig.pk}:reminder-2h:v{stamp_of(gig.start)}",
        f"gig:{gig.pk}:reminder-48h:v{stamp_of(gig.start)}",
    ]
    reminders = Message.objects.filter(kind__startswith="gig_reminder")
    assert not reminders.exclude(status=Message.Status.SKIPPED).exists()
    assert gig_reminders_send(now=gig.start + timedelta(minutes=10)).skipped == 0


def test_the_48_hour_reminder_gives_way_to_the_2_hour_one(terms):
    booking = confirmed(times=[(at(20, 10), at(20, 12))])
    gig = _gig(booking)
    result = gig_reminders_send(now=gig.start - timedelta(minutes=90))
    assert (result.sent, result.skipped) == (1, 1)
    assert _sent("gig_reminder_2h").count() == 1
    assert not _sent("gig_reminder_48h").exists()


def _confirmed_soon(start: datetime) -> Booking:
    """A booking confirmed now for a time less than 48 hours away (a short answer deadline)."""
    booking = request_booking(times=[(start, start + timedelta(hours=1))])
    (assignment,) = offer(booking, [_expert()], answer_by=timezone.now() + timedelta(hours=1))
    services.assignment_accept(assignment=assignment, by=assignment.expert.user)
    return services.booking_confirm(booking=booking, by=CoordinatorFactory())


def test_a_gig_accepted_at_short_notice_gets_only_the_reminders_ahead_of_it(terms):
    booking = _confirmed_soon(timezone.now() + timedelta(hours=30))
    gig = _gig(booking)
    assert gig_reminders_send(now=gig.start - timedelta(hours=3)).sent == 0
    assert gig_reminders_send(now=gig.start - timedelta(hours=2)).sent == 1
    assert not Message.objects.filter(kind="gig_reminder_48h").exists()


def test_a_moved_gig_is_reminded_of_its_new_time(terms, coordinator):
    booking = confirmed(times=[(at(20, 10), at(20, 12))], coordinator=coordinator)
    old = _gig(booking)
    gig_reminders_send(now=old.start - timedelta(hours=47))
    services.occurrence_reschedule(
        occurrence=old.occurrence, start=at(21, 14), end=at(21, 16), by=coordinator
    )
    new = _gig(booking)
    assert new.pk != old.pk
    # An hour before the old time: nothing of the old gig, the new one's 48-hour reminder.
    assert gig_reminders_send(now=old.start - timedelta(hours=1)).sent == 1
    assert not Message.objects.filter(key__startswith=f"gig:{old.pk}:reminder-2h").exists()
    assert gig_reminders_send(now=new.start - timedelta(hours=47)).sent == 0
    keys = list(_sent("gig_reminder_48h").order_by("pk").values_list("key", flat=True))
    assert keys == [
        f"gig:{old.pk}:reminder-48h:v{stamp_of(old.start)}",
        f"gig:{new.pk}:reminder-48h:v{stamp_of(new.start)}",
    ]
    body = _sent("gig_reminder_48h").get(key=keys[1]).body
    assert "14.00" in body
    assert "please confirm" in body  # the expert has not confirmed the new time yet


def test_a_cancelled_gig_is_reminded_of_nothing(terms, booker):
    booking = confirmed(by=booker, times=[(at(20, 10), at(20, 12))])
    gig = _gig(booking)
    services.booking_cancel(booking=booking, by=booker, reason="Sairastuminen")
    for hours in (48, 47, 2, 1):
        gig_reminders_send(now=gig.start - timedelta(hours=hours))
        unit_reminders_send(now=gig.start - timedelta(hours=hours))
    assert not Message.objects.filter(kind__in=["gig_reminder_48h", "gig_reminder_2h"]).exists()
    assert not Message.objects.filter(kind="unit_reminder_48h").exists()


def test_a_pile_goes_out_in_batches(terms, settings):
    settings.REMINDER_BATCH_SIZE = 2
    start = at(20, 8)
    for hour in range(3):
        confirmed(
            times=[(start + timedelta(hours=3 * hour), start + timedelta(hours=3 * hour + 1))]
        )
    now = start + timedelta(hours=6) - timedelta(hours=47)  # all three due, none within 2 h
    assert gig_reminders_send(now=now).sent == 2
    assert gig_reminders_send(now=now).sent == 1
    assert gig_reminders_send(now=now).sent == 0
    assert _sent("gig_reminder_48h").count() == 3


def test_the_task_runs_every_booking_reminder(terms):
    booking = _confirmed_soon(timezone.now() + timedelta(hours=47))
    Gig.objects.update(created_at=timezone.now() - timedelta(days=3))  # planned days ago
    assert tasks.booking_reminders_task() == {"sent": 2, "skipped": 0}  # expert and unit
    assert tasks.booking_reminders_task() == {"sent": 0, "skipped": 0}
    assert _sent("gig_reminder_48h").get().recipient == _gig(booking).expert.user


# --- Daylight saving time -------------------------------------------------------------------------


def _local(*args, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=HELSINKI, fold=fold)


def _sweep_every_five_minutes(start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """Run the gig sweep every five minutes of real time from ``start`` to ``end``: when it sent."""
    runs, now = [], start.astimezone(UTC)
    while now <= end.astimezone(UTC):
        sent = gig_reminders_send(now=now).sent
        if sent:
            runs.append((now, sent))
        now += timedelta(minutes=5)
    return runs


@pytest.mark.parametrize(
    ("start", "due_48h", "due_2h"),
    [
        # Spring forward: Sunday 28 March 2027, 3.00 → 4.00. The hour that disappears.
        (_local(2027, 3, 28, 10), _local(2027, 3, 26, 9), _local(2027, 3, 28, 8)),
        (_local(2027, 3, 28, 4, 30), _local(2027, 3, 26, 3, 30), _local(2027, 3, 28, 1, 30)),
        # Fall back: Sunday 31 October 2027, 4.00 → 3.00. The hour that repeats.
        (_local(2027, 10, 31, 10), _local(2027, 10, 29, 11), _local(2027, 10, 31, 8)),
        (
            _local(2027, 10, 31, 4, 30),
            _local(2027, 10, 29, 5, 30),
            _local(2027, 10, 31, 3, 30, fold=0),  # the first 3.30, summer time
        ),
    ],
    ids=["march-10.00", "march-4.30", "october-10.00", "october-4.30"],
)
def test_daylight_saving_changes_lose_or_double_no_reminder(terms, start, due_48h, due_2h):
    """48 h and 2 h are real elapsed hours (the times are kept in UTC): the reminder comes that
    many hours before, which on the changing weekend is an hour more or less on the wall clock."""
    booking = confirmed(times=[(start, start + timedelta(hours=1))])
    gig = _gig(booking)
    assert gig.start - timedelta(hours=48) == due_48h.astimezone(UTC)
    assert gig.start - timedelta(hours=2) == due_2h.astimezone(UTC)
    half = timedelta(minutes=30)
    runs = _sweep_every_five_minutes(due_48h - half, due_48h + half)
    runs += _sweep_every_five_minutes(due_2h - half, due_2h + half)
    runs += _sweep_every_five_minutes(gig.start - half, gig.start + half)
    assert runs == [(due_48h.astimezone(UTC), 1), (due_2h.astimezone(UTC), 1)]
    assert _sent("gig_reminder_48h").count() == _sent("gig_reminder_2h").count() == 1
    assert not Message.objects.filter(status=Message.Status.SKIPPED).exists()


# --- The offer about to expire -------------------------------------------------------------------


def test_an_open_offer_is_reminded_of_24_hours_before_it_closes(terms):
    booking = request_booking(times=[(at(20, 10), at(20, 12))])
    expert = _expert("sv")
    (assignment,) = offer(booking, [expert], answer_by=timezone.now() + timedelta(days=3))
    assert offer_expiring_send(now=assignment.answer_by - timedelta(hours=25)).sent == 0
    assert offer_expiring_send(now=assignment.answer_by - timedelta(hours=24)).sent == 1
    assert offer_expiring_send(now=assignment.answer_by - timedelta(hours=23)).sent == 0
    message = _sent("offer_expiring").get()
    assert (message.recipient, message.language) == (expert.user, "sv")
    assert message.key == f"offer:{assignment.pk}:expiring:v{stamp_of(assignment.answer_by)}"
    assert reverse("bookings_expert:offer", args=[assignment.pk]) in message.body


def test_no_expiry_reminder_for_a_short_offer_or_an_answered_one(terms):
    booking = request_booking(times=[(at(20, 10), at(20, 12))], experts=2)
    _short, answered = offer(
        booking, [_expert(), _expert()], answer_by=timezone.now() + timedelta(hours=20)
    )
    services.assignment_accept(assignment=answered, by=answered.expert.user)
    assert offer_expiring_send(now=timezone.now() + timedelta(hours=1)).sent == 0
    assert not Message.objects.filter(kind="offer_expiring").exists()


# --- The booking unit ----------------------------------------------------------------------------


def test_the_unit_is_reminded_48_hours_before_with_the_experts_shown_names(terms, booker):
    anna = bookable_expert(public_alias="Anna K.", shown_as="alias")
    booking = confirmed(by=booker, experts=[anna], times=[(at(20, 10), at(20, 12))])
    occurrence = booking.occurrences.get()
    assert unit_reminders_send(now=occurrence.start - timedelta(hours=49)).sent == 0
    assert unit_reminders_send(now=occurrence.start - timedelta(hours=48)).sent == 1
    assert unit_reminders_send(now=occurrence.start - timedelta(hours=47)).sent == 0
    message = _sent("unit_reminder_48h").get()
    assert message.recipient == booker
    assert message.key == (
        f"occurrence:{occurrence.pk}:unit-reminder-48h:v{stamp_of(occurrence.start)}:u{booker.pk}"
    )
    assert "Anna K." in message.body
    assert anna.name not in message.body


def test_a_moved_time_is_reminded_to_the_unit_again(terms, booker, coordinator):
    booking = confirmed(by=booker, coordinator=coordinator, times=[(at(20, 10), at(20, 12))])
    occurrence = booking.occurrences.get()
    unit_reminders_send(now=occurrence.start - timedelta(hours=47))
    services.occurrence_reschedule(
        occurrence=occurrence, start=at(22, 10), end=at(22, 12), by=coordinator
    )
    assert unit_reminders_send(now=at(20, 11)).sent == 1
    assert _sent("unit_reminder_48h").count() == 2


def test_the_unit_is_asked_for_feedback_the_day_after(terms, booker):
    gig = ended_gig(by=booker, ended_ago=timedelta(days=1))
    booking = gig.booking
    nine = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    nine += timedelta(hours=9)
    assert feedback_requests_send(now=nine - timedelta(minutes=1)).sent == 0
    assert feedback_requests_send(now=nine).sent == 1
    assert feedback_requests_send(now=nine + timedelta(hours=3)).sent == 0
    message = _sent("feedback_request").get()
    assert message.recipient == booker
    assert message.key == f"booking:{booking.pk}:feedback-request:u{booker.pk}"
    assert reverse("bookings:feedback", args=[booking.pk]) in message.body


def test_no_feedback_request_once_feedback_is_given(terms, booker):
    gig = ended_gig(by=booker, ended_ago=timedelta(days=1))
    services.feedback_give(booking=gig.booking, by=booker, rating=5)
    nine = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    assert feedback_requests_send(now=nine + timedelta(hours=10)).sent == 0


# --- The person's channels ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "rows"),
    [
        ("sms", {("sms", ":sms", Message.Status.PENDING)}),
        (
            "both",
            {("email", "", Message.Status.PENDING), ("sms", ":sms", Message.Status.PENDING)},
        ),
        ("none", {("email", "", Message.Status.SKIPPED)}),
    ],
)
def test_the_reminder_goes_by_the_chosen_channels_and_still_once(terms, choice, rows):
    """A text message only (its key ends in ``:sms``) or nothing at all counts as sent: the next
    sweep does not write the reminder again."""
    expert = _expert()
    expert.user.phone = "+358401234567"
    expert.user.save(update_fields=["phone"])
    NotificationPreference.objects.create(
        user=expert.user, category="gig_reminders", channel=choice
    )
    booking = confirmed(experts=[expert], times=[(at(20, 10), at(20, 12))])
    gig = _gig(booking)
    key = f"gig:{gig.pk}:reminder-48h:v{stamp_of(gig.start)}"
    for minutes in (0, 5, 10):
        gig_reminders_send(now=gig.start - timedelta(hours=48) + timedelta(minutes=minutes))
    written = Message.objects.filter(kind="gig_reminder_48h")
    assert {(m.channel, m.key.removeprefix(key), m.status) for m in written} == rows
