"""A real Celery worker process for the tests that need one (marked ``celery_worker``).

``celery_worker(log_path, ...)`` starts ``celery -A expertbank worker`` (solo pool) as a
subprocess against the database this test runs on, waits until it says it is ready, yields a
``Worker`` and stops it cleanly (a warm shutdown, then a kill if it hangs).

The broker: the worker gets the broker this process publishes to (``CELERY_BROKER_URL`` in the
environment wins over settings, as in CI), unless ``env`` names another. With ``queue`` the
worker consumes only that queue *and* publishes its own follow-up tasks there; ``queue_for_tests``
makes this process publish there too, so two test processes (xdist) on one broker never take each
other's tasks.

Run as ``python -m tests.worker QUEUE ARGS...`` it is the worker itself: Celery's worker with
``task_default_queue`` set to QUEUE (Celery reads no environment variable for it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

READY_TIMEOUT = 60


def test_database_url() -> str:
    """The URL of the database this test runs on, for a worker process to use."""
    from django.db import connection

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


test_database_url.__test__ = False  # not a test, whatever its name


def unique_queue() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path
    queue: str | None
    log_start: int = 0  # where this worker's lines begin in a log shared with earlier workers

    def log(self, last: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-last:]

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        """A warm shutdown (the running task finishes), else a cold one, else a kill."""
        for sent in (sig, signal.SIGQUIT, signal.SIGKILL):
            if not self.running():
                return
            self.process.send_signal(sent)
            try:
                self.process.wait(timeout=timeout if sent == sig else 10)
                return
            except subprocess.TimeoutExpired:
                continue


def start_worker(
    log_path: Path, *, queue: str | None = None, env: dict | None = None, wait: bool = True
) -> Worker:
    """Start a worker (see the module's doc); ``wait`` until it is ready to take tasks."""
    from django.conf import settings

    from expertbank.celery import app

    environment = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": app.conf.broker_url,
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    environment.pop("PYTEST_XDIST_WORKER", None)
    node = f"test-{uuid.uuid4().hex[:8]}@%h"
    options = [
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        f"--hostname={node}",
    ]
    if queue:
        command = [sys.executable, "-m", "tests.worker", queue, "--queues", queue, *options]
    else:
        command = [sys.executable, "-m", "celery", "-A", "expertbank", "worker", *options]
    log_start = log_path.stat().st_size if log_path.exists() else 0
    with log_path.open("a") as log:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process=process, log_path=log_path, queue=queue, log_start=log_start)
    if wait:
        _wait_ready(worker)
    return worker


def _wait_ready(worker: Worker) -> None:
    import pytest

    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if not worker.running():
            pytest.fail(f"the Celery worker stopped at start; its log:\n{worker.log()}")
        if b" ready." in worker.log_path.read_bytes()[worker.log_start :]:
            return
        time.sleep(0.2)
    worker.stop()
    pytest.fail(f"the Celery worker was not ready in {READY_TIMEOUT} s; its log:\n{worker.log()}")


@contextmanager
def celery_worker(
    log_path: Path,
    *,
    queue: str | None = None,
    env: dict | None = None,
    stop_signal: int = signal.SIGTERM,
):
    """A running worker for the block (see ``start_worker``), stopped at its end."""
    worker = start_worker(log_path, queue=queue, env=env)
    try:
        yield worker
    finally:
        worker.stop(stop_signal)


@contextmanager
def queue_for_tests(queue: str):
    """This process publishes to the broker, not eagerly, and its tasks go to ``queue``."""
    from expertbank.celery import app

    conf = app.conf
    saved = (conf.task_default_queue, conf.task_always_eager)
    conf.task_default_queue = queue
    conf.task_always_eager = False
    try:
        yield
    finally:
        conf.task_default_queue, conf.task_always_eager = saved


def _main(argv: list[str]) -> None:
    """The worker itself, publishing its own tasks to the queue it consumes."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expertbank.settings")
    import django

    django.setup()
    from expertbank.celery import app

    queue, *options = argv
    app.conf.task_default_queue = queue
    app.worker_main(["worker", *options])


if __name__ == "__main__":
    _main(sys.argv[1:])
