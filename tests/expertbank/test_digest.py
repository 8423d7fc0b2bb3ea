"""The coordinator's daily digest (once per coordinator per local day, from 7.30 Helsinki time,
with the work queue's counts and what changed since yesterday) and the urgent notice when an
expert withdraws from a gig that starts within 36 hours (issue 15)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Assignment
from bookings.services import notify
from expertbank.digest import digests_send
from expertbank.models import Message
from expertbank.tasks import coordinator_digests_task
from tests.bookings.factories import (
    PriceRowFactory,
    bookable_expert,
    confirmed,
    offer,
    request_booking,
)
from tests.factories import CoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def _today_at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_each_coordinator_gets_one_digest_a_day_from_half_past_seven():
    anna = CoordinatorFactory(language="sv")
    ville = CoordinatorFactory(language="fi")
    UserFactory()  # not a coordinator
    assert digests_send(now=_today_at(7, 29)).sent == 0
    assert digests_send(now=_today_at(7, 30)).sent == 2
    assert digests_send(now=_today_at(8)).sent == 0
    assert digests_send(now=_today_at(11, 30)).sent == 0
    digests = Message.objects.filter(kind="coordinator_digest")
    day = timezone.localdate().isoformat()
    assert {(m.recipient, m.key, m.language) for m in digests} == {
        (anna, f"digest:{anna.pk}:{day}", "sv"),
        (ville, f"digest:{ville.pk}:{day}", "fi"),
    }
    assert digests_send(now=_today_at(7, 30, days=1)).sent == 2  # the next day: a new one


def test_the_digest_holds_the_queue_and_what_changed_since_yesterday():
    PriceRowFactory()
    coordinator = CoordinatorFactory(language="en")
    request_booking(title="Vertaistuen ilta")  # a new request waits in the queue
    digests_send(now=_next_digest())
    body = Message.objects.get(kind="coordinator_digest", recipient=coordinator).body
    assert "New booking requests: 1" in body
    assert "Vertaistuen ilta" in body


def _early_morning() -> bool:
    return timezone.localtime().time() < time(7, 30)


def _next_digest() -> datetime:
    """The next 7.30: its digest's window (from the 7.30 before) holds what happens now."""
    return _today_at(7, 30, days=0 if _early_morning() else 1)


def test_the_task_sends_the_digest_once():
    CoordinatorFactory()
    first = coordinator_digests_task()
    assert coordinator_digests_task() == {"sent": 0, "skipped": 0}
    expected = 0 if _early_morning() else 1
    assert first == {"sent": expected, "skipped": 0}


def test_a_withdrawal_from_a_gig_within_36_hours_is_urgent(run_on_commit):
    PriceRowFactory()
    coordinator = CoordinatorFactory(language="en")
    expert = bookable_expert()
    soon = timezone.now() + timedelta(hours=30)
    booking = request_booking(times=[(soon, soon + timedelta(hours=2))])
    answer_by = timezone.now() + timedelta(hours=1)
    (assignment,) = offer(booking, [expert], by=coordinator, answer_by=answer_by)
    services.assignment_accept(assignment=assignment, by=expert.user)
    with run_on_commit():
        services.assignment_withdraw(assignment=assignment, by=expert.user, reason="Flunssa")
    urgent = Message.objects.get(kind="coordinator_urgent")
    assert urgent.recipient == coordinator
    assert urgent.key == f"urgent:withdrawn:{assignment.pk}:u{coordinator.pk}"
    assert "Flunssa" in urgent.body
    assert "Flunssa" not in urgent.subject


def test_a_withdrawal_from_a_later_gig_is_told_at_once_too_and_is_in_the_digest(run_on_commit):
    """Cover without blame (issue 17): "the coordinator is told at once", whenever the gig."""
    PriceRowFactory()
    coordinator = CoordinatorFactory(language="en")
    expert = bookable_expert()
    later = timezone.now() + timedelta(days=5)
    booking = confirmed(
        experts=[expert], coordinator=coordinator, times=[(later, later + timedelta(hours=2))]
    )
    assignment = booking.assignments.get()
    with run_on_commit():
        services.assignment_withdraw(assignment=assignment, by=expert.user, reason="Flunssa")
    (told,) = Message.objects.filter(recipient=coordinator)
    assert told.kind == "coordinator_withdrawn" and told.channel == "email"
    assert told.key == f"withdrawn:{assignment.pk}:u{coordinator.pk}"
    assert told.subject.startswith("An expert withdrew from a gig on")
    assert "Urgent" not in told.subject and "Flunssa" not in told.subject
    assert f'{expert.name} withdrew from "{booking.title}".' in told.body
    assert "Flunssa" in told.body and "reserve list" in told.body
    assert told.status == Message.Status.SENT
    # Exactly once per withdrawal: the same notice again finds its row.
    notify.withdrawn(assignment, "Flunssa")
    assert Message.objects.filter(recipient=coordinator).count() == 1
    digests_send(now=_next_digest())
    body = Message.objects.get(kind="coordinator_digest").body
    assert "Experts who withdrew: 1" in body


def test_expired_offers_and_a_units_cancellation_are_read_in_the_digest(run_on_commit):
    PriceRowFactory()
    coordinator = CoordinatorFactory(language="en")
    waiting = request_booking(title="Asiakasraati")
    (assignment,) = offer(waiting, [bookable_expert()], by=coordinator)
    Assignment.objects.filter(pk=assignment.pk).update(
        answer_by=timezone.now() - timedelta(minutes=1)
    )
    cancelled = confirmed(coordinator=coordinator, title="Puheenvuoro johtoryhmälle")
    with run_on_commit():
        assert services.offers_expire() == 1
        services.booking_cancel(
            booking=cancelled, by=cancelled.requested_by, reason="Aikataulu muuttui"
        )
    assert not Message.objects.filter(recipient=coordinator).exists()  # no mail per event
    digests_send(now=_next_digest())
    body = Message.objects.get(kind="coordinator_digest", recipient=coordinator).body
    assert "Offers expired without an answer: 1 (Asiakasraati)" in body
    assert "Bookings cancelled: 1 (Puheenvuoro johtoryhmälle)" in body
