"""Fault tests of the sending path on a real worker, PostgreSQL, Redis and an SMTP server:
a worker killed between its claim and the send, a mail server that keeps failing, a broker that
is down when the user acts. Every message is sent, none twice."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.db import transaction
from django.utils import timezone

from expertbank.celery import app as celery_app
from expertbank.models import Message
from expertbank.services.notifications import message_id_header, message_send, messages_retry_stale
from tests.expertbank.smtp_sink import SMTPSink
from tests.factories import UserFactory
from tests.worker import start_worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REDIS_DB = 8
BROKER = f"redis://127.0.0.1:6379/{REDIS_DB}"
CLAIM_EXPIRY = 3


def _context():
    return {"url": "https://example.com/x", "inviter": "Sanna", "expires_at": timezone.now()}


@contextmanager
def _broker(url: str):
    """The test process publishes to ``url`` (not eagerly) for the block."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options, conf.task_always_eager)
    # Celery reads CELERY_BROKER_URL from the environment before its settings (as CI sets it).
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    conf.broker_url = url
    conf.broker_transport_options = {"socket_connect_timeout": 1, "max_retries": 0}
    conf.task_always_eager = False
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        kombu.pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env


@contextmanager
def _worker(sink: SMTPSink, log_path: Path):
    env = {
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "EMAIL_TIMEOUT": "30",
        "MESSAGE_CLAIM_EXPIRY_SECONDS": str(CLAIM_EXPIRY),
        "MESSAGE_RETRY_BUDGET_HOURS": "1",
    }
    worker = start_worker(log_path, env=env)
    try:
        yield worker.process
    finally:
        worker.stop(signal.SIGQUIT, timeout=10)


def _wait_for(condition, what: str, log_path: Path, timeout: float = 45) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen; the worker's log:\n{log_path.read_text()[-4000:]}")


def _statuses(keys) -> Counter:
    return Counter(Message.objects.filter(key__in=keys).values_list("status", flat=True))


@pytest.fixture
def clean_broker():
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    client.flushdb()
    yield
    client.flushdb()


def test_a_worker_killed_after_its_claim_leaves_nothing_unsent_and_nothing_twice(
    tmp_path, settings, clean_broker
):
    settings.MESSAGE_CLAIM_EXPIRY_SECONDS = CLAIM_EXPIRY
    log_path = tmp_path / "worker.log"
    user = UserFactory()
    keys = [f"kill-{i}" for i in range(5)]
    with SMTPSink() as sink, _broker(BROKER):
        sink.mode = "hang"  # the first send waits for a greeting that never comes
        with transaction.atomic():
            for key in keys:
                message_send(kind="invitation", key=key, to_user=user, context=_context())
        with _worker(sink, log_path) as worker:
            _wait_for(sink.hung.is_set, "a claimed send", log_path)
            assert _statuses(keys)[Message.Status.SENDING] == 1
            worker.kill()  # SIGKILL between the claim and the send
            worker.wait()
        sink.mode = "ok"
        with _worker(sink, log_path):
            # The four never taken are still queued; the killed claim expires and the sweep
            # retakes it.
            _wait_for(lambda: _statuses(keys)[Message.Status.SENT] == 4, "four sent", log_path)
            time.sleep(CLAIM_EXPIRY + 0.5)
            assert messages_retry_stale() == 1
            _wait_for(lambda: _statuses(keys)[Message.Status.SENT] == 5, "all sent", log_path)
            assert messages_retry_stale() == 0
    assert sorted(sink.received) == sorted(message_id_header(key) for key in keys)


def test_a_failing_mail_server_is_retried_then_failed_and_nothing_sent_is_sent_again(
    tmp_path, clean_broker
):
    log_path = tmp_path / "worker.log"
    user = UserFactory()
    with SMTPSink() as sink, _broker(BROKER), _worker(sink, log_path):
        with transaction.atomic():
            message_send(kind="invitation", key="fine", to_user=user, context=_context())
        _wait_for(lambda: len(sink.received) == 1, "the first message sent", log_path)
        sink.mode = "down"
        with transaction.atomic():
            failing = message_send(kind="invitation", key="down", to_user=user, context=_context())

        def attempts_reach(n):
            row = Message.objects.get(pk=failing.pk)
            return row.attempts == n and row.status != Message.Status.SENDING

        _wait_for(lambda: attempts_reach(1), "the first attempt", log_path)
        row = Message.objects.get(pk=failing.pk)
        assert row.status == Message.Status.PENDING
        assert "421" in row.error
        assert timedelta(seconds=50) < row.next_attempt_at - timezone.now() < timedelta(minutes=1)
        # Its time comes: the sweep takes it (and nothing else).
        Message.objects.filter(pk=failing.pk).update(next_attempt_at=timezone.now())
        assert messages_retry_stale() == 1
        _wait_for(lambda: attempts_reach(2), "the second attempt", log_path)
        assert Message.objects.get(pk=failing.pk).status == Message.Status.PENDING
        # The budget (an hour) is almost spent: the next failure is the last.
        Message.objects.filter(pk=failing.pk).update(
            next_attempt_at=timezone.now(), created_at=timezone.now() - timedelta(minutes=59)
        )
        assert messages_retry_stale() == 1
        _wait_for(lambda: attempts_reach(3), "the third attempt", log_path)
        row = Message.objects.get(pk=failing.pk)
        assert row.status == Message.Status.FAILED
        assert "421" in row.error
        assert messages_retry_stale() == 0
    assert sink.received == [message_id_header("fine")]


def test_a_broker_that_is_down_does_not_break_the_users_action(tmp_path, clean_broker):
    log_path = tmp_path / "worker.log"
    user = UserFactory()
    with _broker("redis://127.0.0.1:1/0"):  # nothing listens there
        started = time.monotonic()
        with transaction.atomic():
            row = message_send(kind="invitation", key="no-broker", to_user=user, context=_context())
        took = time.monotonic() - started
    assert took < 2, f"the action took {took:.1f} s"
    row.refresh_from_db()
    assert row.status == Message.Status.PENDING
    with SMTPSink() as sink, _broker(BROKER), _worker(sink, log_path):
        Message.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert messages_retry_stale() == 1
        _wait_for(lambda: len(sink.received) == 1, "the sweep's send", log_path)
        _wait_for(
            lambda: Message.objects.get(pk=row.pk).status == Message.Status.SENT, "sent", log_path
        )
        assert messages_retry_stale() == 0
        time.sleep(0.5)
    assert sink.received == [message_id_header("no-broker")]
