"""The reminder to report: found by a periodic sweep the day after a gig, sent once per gig in the
expert's language, with a link to the report page."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bookings import tasks
from bookings.models import Gig
from bookings.services.reports import report_reminders_send, report_submit
from expertbank.models import Message
from tests.bookings.factories import bookable_expert
from tests.bookings.reports_factories import ended_gig

pytestmark = pytest.mark.django_db


def _local(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _gig_ending(moment: datetime, *, language: str = "en", **kwargs) -> Gig:
    expert = bookable_expert()
    expert.user.language = language
    expert.user.save()
    return ended_gig(expert=expert, ended_ago=timezone.now() - moment, **kwargs)


@pytest.fixture
def morning():
    """Ten o'clock today: the sweep's clock."""
    return _local(0, 10)


def test_a_gig_that_ended_yesterday_gets_one_reminder(terms, morning):
    gig = _gig_ending(_local(-1, 15))
    assert report_reminders_send(now=morning) == 1
    message = Message.objects.get(kind="report_reminder")
    assert (message.recipient, message.key) == (gig.expert.user, f"report-reminder:{gig.pk}")
    assert settings.SITE_URL + reverse("bookings_expert:report", args=[gig.pk]) in message.body
    assert gig.booking.title in message.subject
    assert report_reminders_send(now=morning) == 0
    assert report_reminders_send(now=morning + timedelta(hours=5)) == 0
    assert Message.objects.filter(kind="report_reminder").count() == 1


@pytest.mark.parametrize(
    ("language", "greeting", "when"),
    [("fi", "Hei ", "klo 13.00"), ("sv", "Hej ", "kl. 13.00"), ("en", "Hello ", "13.00")],
)
def test_the_reminder_is_in_the_experts_language(terms, morning, language, greeting, when):
    _gig_ending(_local(-1, 15), language=language)
    report_reminders_send(now=morning)
    message = Message.objects.get(kind="report_reminder")
    assert message.language == language
    assert message.body.startswith(greeting)
    assert when in message.body


def test_no_reminder_before_nine_in_the_morning(terms):
    _gig_ending(_local(-1, 15))
    assert report_reminders_send(now=_local(0, 8, 59)) == 0
    assert report_reminders_send(now=_local(0, 9)) == 1


def test_no_reminder_on_the_day_of_the_gig(terms):
    _gig_ending(_local(0, 0, 30))
    assert report_reminders_send(now=_local(0, 23, 30)) == 0
    assert report_reminders_send(now=_local(1, 9)) == 1


def test_no_reminder_for_a_gig_already_reported(terms, morning):
    gig = _gig_ending(_local(-1, 15))
    report_submit(gig=gig, by=gig.expert.user, hours=Decimal("2"))
    assert report_reminders_send(now=morning) == 0


def test_no_reminder_for_old_or_cancelled_gigs_or_inactive_experts(terms, morning):
    _gig_ending(_local(-9, 12))
    cancelled = _gig_ending(_local(-2, 12))
    Gig.objects.filter(pk=cancelled.pk).update(status=Gig.Status.CANCELLED)
    gone = _gig_ending(_local(-3, 12))
    gone.expert.user.is_active = False
    gone.expert.user.save()
    assert report_reminders_send(now=morning) == 0


def test_each_gig_of_the_day_gets_its_own_reminder(terms, morning):
    first = _gig_ending(_local(-1, 10))
    second = _gig_ending(_local(-2, 14))
    assert report_reminders_send(now=morning) == 2
    keys = set(Message.objects.filter(kind="report_reminder").values_list("key", flat=True))
    assert keys == {f"report-reminder:{first.pk}", f"report-reminder:{second.pk}"}


def test_the_sweep_runs_as_a_task_on_the_beat_schedule(terms, morning):
    _gig_ending(_local(-1, 15))
    entry = settings.CELERY_BEAT_SCHEDULE["bookings-report-reminders"]
    assert entry["task"] == "bookings.tasks.report_reminders_task"
    assert entry["schedule"] <= 60 * 60
    sent = tasks.report_reminders_task.delay().get()
    local = timezone.localtime()
    assert sent == (1 if local.hour >= 9 else 0)
