"""A real Celery worker process, on the configured broker, reading the test database."""

from __future__ import annotations

import pytest

from expertbank.celery import app as celery_app
from expertbank.tasks import user_email_lookup
from tests.factories import UserFactory
from tests.worker import celery_worker, unique_queue


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_reads_the_database_and_returns_the_result(tmp_path):
    user = UserFactory(email="worker-check@example.com")
    queue = unique_queue()
    with celery_worker(tmp_path / "worker.log", queue=queue) as worker:
        celery_app.conf.task_always_eager = False
        result = user_email_lookup.apply_async(args=[user.pk], queue=queue)
        try:
            answer = result.get(timeout=90)
        except Exception:
            pytest.fail(f"the worker did not answer; its log:\n{worker.log()}")
        assert answer == "worker-check@example.com"
        assert result.successful()
