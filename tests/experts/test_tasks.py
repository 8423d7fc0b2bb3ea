"""Periodic tasks of the pool run their services."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from expertbank.models import Message
from experts.models import ExpertImport
from experts.tasks import consent_requests_send_task, expert_imports_purge_task
from tests.factories import CoordinatorFactory, ExpertFactory

pytestmark = pytest.mark.django_db


def test_the_tasks_are_scheduled():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "experts.tasks.expert_imports_purge_task" in tasks
    assert "experts.tasks.consent_requests_send_task" in tasks


def test_the_purge_task_empties_old_uploads():
    upload = ExpertImport.objects.create(
        uploaded_by=CoordinatorFactory(),
        file_name="old.csv",
        file_format="csv",
        content="c2VjcmV0",
        uploaded_at=timezone.now() - timedelta(days=3),
    )
    assert expert_imports_purge_task.delay().get() == 1
    upload.refresh_from_db()
    assert upload.content == ""


def test_the_consent_request_task_asks_once(run_on_commit):
    ExpertFactory()
    with run_on_commit():
        assert consent_requests_send_task.delay().get() == 1
    assert consent_requests_send_task.delay().get() == 0
    assert Message.objects.filter(kind="consent_request").count() == 1
