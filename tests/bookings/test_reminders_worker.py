"""The reminder sweep task run by a real Celery worker process on the test database: each
reminder is written once, however often the task runs (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Gig
from bookings.tasks import booking_reminders_task
from expertbank.celery import app as celery_app
from expertbank.models import Message
from tests.bookings.factories import bookable_expert, offer, request_booking
from tests.factories import CoordinatorFactory
from tests.worker import celery_worker, unique_queue


def _gig_in_47_hours() -> Gig:
    start = timezone.now() + timedelta(hours=47)
    booking = request_booking(times=[(start, start + timedelta(hours=1))])
    answer_by = timezone.now() + timedelta(hours=1)
    (assignment,) = offer(booking, [bookable_expert()], answer_by=answer_by)
    services.assignment_accept(assignment=assignment, by=assignment.expert.user)
    services.booking_confirm(booking=booking, by=CoordinatorFactory())
    Gig.objects.update(created_at=timezone.now() - timedelta(days=3))  # planned days ago
    return Gig.objects.get()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_sweep_and_each_reminder_is_sent_once(tmp_path, terms):
    gig = _gig_in_47_hours()
    queue = unique_queue()
    with celery_worker(tmp_path / "worker.log", queue=queue) as worker:
        celery_app.conf.task_always_eager = False
        answers = []
        for _run in range(3):
            result = booking_reminders_task.apply_async(queue=queue)
            try:
                answers.append(result.get(timeout=90))
            except Exception:
                pytest.fail(f"the worker did not answer; its log:\n{worker.log()}")
        assert answers[0] == {"sent": 2, "skipped": 0}  # the expert's and the unit's
        assert answers[1:] == [{"sent": 0, "skipped": 0}] * 2
        reminder = Message.objects.get(kind="gig_reminder_48h")
        assert reminder.recipient == gig.expert.user
        assert Message.objects.filter(kind="unit_reminder_48h").count() == 1
