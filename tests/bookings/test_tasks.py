"""The periodic sweeps: offers that expire, bookings that are delivered."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from bookings import services, tasks
from bookings.models import Assignment, Booking
from expertbank.models import Message
from tests.bookings.factories import offer, request_booking, staffed

pytestmark = pytest.mark.django_db


def test_unanswered_offers_expire_once_and_wait_for_the_coordinators_digest(coordinator, anna):
    booking = request_booking()
    (waiting,) = offer(booking, [anna], by=coordinator)
    Assignment.objects.filter(pk=waiting.pk).update(answer_by=timezone.now() - timedelta(minutes=1))
    assert tasks.offers_expire_task.delay().get() == 1
    waiting.refresh_from_db()
    assert waiting.status == Assignment.Status.EXPIRED
    assert tasks.offers_expire_task.delay().get() == 0
    # No mail per event: the coordinators read it in their daily digest (tests/test_digest.py).
    assert not Message.objects.filter(recipient=coordinator).exists()


def test_offers_still_in_time_stay_open(coordinator, anna):
    booking = request_booking()
    (waiting,) = offer(booking, [anna], by=coordinator)
    assert services.offers_expire() == 0
    waiting.refresh_from_db()
    assert waiting.status == Assignment.Status.OFFERED


def test_confirmed_bookings_whose_last_time_ended_are_delivered(coordinator, anna):
    booking = request_booking()
    staffed(booking, [anna], by=coordinator)
    services.booking_confirm(booking=booking, by=coordinator)
    assert tasks.bookings_deliver_due_task.delay().get() == 0
    Booking.objects.filter(pk=booking.pk).update(last_end=timezone.now() - timedelta(minutes=1))
    assert tasks.bookings_deliver_due_task.delay().get() == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DELIVERED


def test_both_sweeps_are_on_the_beat_schedule():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"bookings.tasks.offers_expire_task", "bookings.tasks.bookings_deliver_due_task"} <= (
        tasks_scheduled
    )
