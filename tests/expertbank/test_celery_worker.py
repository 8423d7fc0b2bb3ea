"""A real Celery worker process, on the configured broker, reading the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from expertbank.celery import app as celery_app
from expertbank.tasks import user_email_lookup
from tests.factories import UserFactory


def _test_database_url() -> str:
    """The URL of the database this test runs on, for the worker process to use."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] or ""
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    host = f"{auth}@" if auth else ""
    host += db["HOST"] or "localhost"
    if db["PORT"]:
        host += f":{db['PORT']}"
    return f"postgres://{host}/{db['NAME']}"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_reads_the_database_and_returns_the_result(tmp_path):
    user = UserFactory(email="worker-check@example.com")
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "expertbank",
                "worker",
                "--pool=solo",
                "--queues",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    celery_app.conf.task_always_eager = False
    try:
        result = user_email_lookup.apply_async(args=[user.pk], queue=queue)
        try:
            answer = result.get(timeout=90)
        except Exception:
            pytest.fail(f"the worker did not answer; its log:\n{log_path.read_text()}")
        assert answer == "worker-check@example.com"
        assert result.successful()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
