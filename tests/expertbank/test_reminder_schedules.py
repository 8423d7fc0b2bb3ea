"""The reminder sweeps' schedules are django-celery-beat rows made by a migration (editable in
the admin), each naming a task the worker knows, the digest at 7.30 Helsinki time (issue 15)."""

import pytest
from django_celery_beat.models import PeriodicTask

from expertbank.celery import app

pytestmark = pytest.mark.django_db

SWEEPS = {
    "reminders-bookings": ("bookings.tasks.booking_reminders_task", 5),
    "reminders-training": ("training.tasks.training_reminders_task", 15),
    "reminders-documents": ("experts.tasks.document_reminders_task", 60),
    "notices-money": ("invoicing.tasks.money_notices_task", 15),
}


def test_every_sweep_has_its_interval_and_a_known_task():
    app.loader.import_default_modules()
    for name, (task, minutes) in SWEEPS.items():
        row = PeriodicTask.objects.get(name=name)
        assert (row.task, row.enabled) == (task, True)
        assert (row.interval.every, row.interval.period) == (minutes, "minutes")
        assert task in app.tasks


def test_the_digest_runs_from_half_past_seven_helsinki_time():
    row = PeriodicTask.objects.get(name="coordinator-digest")
    assert row.task == "expertbank.tasks.coordinator_digests_task"
    assert row.task in app.tasks
    assert (row.crontab.minute, row.crontab.hour) == ("0,30", "7-11")
    assert str(row.crontab.timezone) == "Europe/Helsinki"
