"""Tomorrow's training session, work supervision and the trainer's reminder with the attendance
link: found by the sweep from 9.00 the day before (the local calendar day, across both clock
changes), once each; a moved session is reminded of again, a cancelled one not (issue 15)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from expertbank.models import Message
from expertbank.reminders import stamp_of
from tests.factories import TrainerFactory, UserFactory
from tests.training.factories import CohortFactory, EnrollmentFactory, SessionFactory, programme
from training.models import Enrollment
from training.services.reminders import training_reminders_send

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def _local(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def group():
    """A cohort with a trainer, two participants (fi, sv) and one who dropped out."""
    trainer = TrainerFactory(language="en")
    cohort = CohortFactory(trainers=[trainer])
    fi = EnrollmentFactory(cohort=cohort, expert__user=UserFactory(language="fi"))
    sv = EnrollmentFactory(cohort=cohort, expert__user=UserFactory(language="sv"))
    EnrollmentFactory(cohort=cohort, status=Enrollment.Status.DROPPED)
    return cohort, trainer, fi.expert.user, sv.expert.user


def test_participants_and_trainer_are_reminded_the_day_before_once(group):
    cohort, trainer, fi, sv = group
    tomorrow = timezone.localdate() + timedelta(days=1)
    session = SessionFactory(cohort=cohort, starts_at=_local(tomorrow, 10))
    today = timezone.localdate()
    assert training_reminders_send(now=_local(today, 8, 59)) == {"sent": 0, "skipped": 0}
    assert training_reminders_send(now=_local(today, 9)) == {"sent": 2, "skipped": 0}
    assert training_reminders_send(now=_local(today, 15)) == {"sent": 0, "skipped": 0}
    participants = Message.objects.filter(kind="training_session_tomorrow")
    version = stamp_of(session.starts_at)
    assert {(m.recipient, m.language, m.key) for m in participants} == {
        (fi, "fi", f"session:{session.pk}:tomorrow:v{version}:u{fi.pk}"),
        (sv, "sv", f"session:{session.pk}:tomorrow:v{version}:u{sv.pk}"),
    }
    to_trainer = Message.objects.get(kind="trainer_session_tomorrow")
    assert to_trainer.recipient == trainer
    assert reverse("training:session_detail", args=[session.pk]) in to_trainer.body


def test_a_supervision_group_gets_the_supervision_reminder(group):
    cohort, *_ = group
    cohort.programme = programme("supervision")
    cohort.save(update_fields=["programme"])
    SessionFactory(cohort=cohort, starts_at=_local(timezone.localdate() + timedelta(days=1), 17))
    training_reminders_send(now=_local(timezone.localdate(), 12))
    assert Message.objects.filter(kind="supervision_session").count() == 2
    assert not Message.objects.filter(kind="training_session_tomorrow").exists()


def test_a_moved_session_is_reminded_again_and_a_cancelled_one_not(group):
    cohort, *_ = group
    tomorrow = timezone.localdate() + timedelta(days=1)
    moved = SessionFactory(cohort=cohort, starts_at=_local(tomorrow, 10))
    cancelled = SessionFactory(cohort=cohort, starts_at=_local(tomorrow, 15), cancelled=True)
    training_reminders_send(now=_local(timezone.localdate(), 9))
    moved.starts_at = _local(tomorrow, 12)
    moved.ends_at = _local(tomorrow, 14)
    moved.save()
    assert training_reminders_send(now=_local(timezone.localdate(), 10))["sent"] == 2
    keys = set(Message.objects.values_list("key", flat=True))
    assert not any(f"session:{cancelled.pk}:" in key for key in keys)
    assert {key.split(":")[3] for key in keys} == {
        f"v{stamp_of(_local(tomorrow, 10))}",
        f"v{stamp_of(_local(tomorrow, 12))}",
    }


def test_a_reminder_found_after_the_session_began_is_skipped(group):
    cohort, *_ = group
    session = SessionFactory(cohort=cohort, starts_at=timezone.now() - timedelta(minutes=10))
    result = training_reminders_send(now=timezone.now())
    assert result == {"sent": 0, "skipped": 2}
    statuses = set(
        Message.objects.filter(key__startswith=f"session:{session.pk}:").values_list(
            "status", flat=True
        )
    )
    assert statuses == {Message.Status.SKIPPED}


@pytest.mark.parametrize(
    ("saturday", "sunday_late", "monday_early"),
    [
        # Spring forward on Sunday 28 March 2027: Sunday has 23 hours.
        (datetime(2027, 3, 27, 9), datetime(2027, 3, 28, 23, 30), datetime(2027, 3, 29, 0, 30)),
        # Fall back on Sunday 31 October 2027: Sunday has 25 hours.
        (datetime(2027, 10, 30, 9), datetime(2027, 10, 31, 23, 30), datetime(2027, 11, 1, 0, 15)),
    ],
    ids=["march", "october"],
)
def test_tomorrow_is_the_local_calendar_day_across_the_clock_change(
    group, saturday, sunday_late, monday_early
):
    """On Saturday at 9.00 every session of Sunday's local date is reminded of, and none of
    Monday's, although Sunday is an hour shorter or longer than 24 hours."""
    cohort, *_ = group
    late = SessionFactory(cohort=cohort, starts_at=sunday_late.replace(tzinfo=HELSINKI))
    early = SessionFactory(cohort=cohort, starts_at=monday_early.replace(tzinfo=HELSINKI))
    on_saturday = saturday.replace(tzinfo=HELSINKI)
    assert training_reminders_send(now=on_saturday - timedelta(minutes=1))["sent"] == 0
    assert training_reminders_send(now=on_saturday)["sent"] == 2
    keys = list(Message.objects.values_list("key", flat=True))
    assert all(key.startswith(f"session:{late.pk}:") for key in keys)
    assert len(keys) == 3  # two participants and the trainer
    on_sunday = on_saturday + timedelta(days=1)
    assert training_reminders_send(now=on_sunday)["sent"] == 2
    assert Message.objects.filter(key__startswith=f"session:{early.pk}:").count() == 3
