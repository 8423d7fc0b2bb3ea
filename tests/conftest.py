"""Shared fixtures and the rules of a run: `postgres` tests need PostgreSQL; CI allows no skips."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from expertbank import sms
from expertbank.celery import app as celery_app
from tests.factories import CoordinatorFactory, ExpertFactory, MembershipFactory, UserFactory

_deselected_postgres = 0


def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))


def pytest_collection_modifyitems(config, items):
    global _deselected_postgres
    if _on_postgres():
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        _deselected_postgres = len(drop)
        if hasattr(config, "workeroutput"):  # an xdist worker tells the controller
            config.workeroutput["postgres_deselected"] = len(drop)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    global _deselected_postgres
    # Every xdist worker collects every test, so the count is the same on each.
    reported = getattr(node, "workeroutput", {}).get("postgres_deselected", 0)
    _deselected_postgres = max(_deselected_postgres, reported)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _deselected_postgres:
        terminalreporter.write_line(
            f"{_deselected_postgres} tests marked postgres were deselected: the database is "
            "SQLite. Set DATABASE_URL to PostgreSQL (as .ci/run does) to run them."
        )


def pytest_sessionfinish(session, exitstatus):
    # CI proves every test: a skip there is a failure, not a shrug.
    if os.environ.get("FAIL_ON_SKIP"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
        if skipped:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _per_worker_redis_cache(caches: dict) -> dict:
    """Each xdist worker gets its own Redis database, so clearing the cache (login rate limits)
    in one worker's test never empties another's in the middle of a test."""
    default = caches["default"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not default["BACKEND"].endswith("RedisCache") or not worker.startswith("gw"):
        return caches
    base, _, db = default["LOCATION"].rpartition("/")
    number = (int(db or 0) + 1 + int(worker[2:])) % 16
    return {"default": {**default, "LOCATION": f"{base}/{number}"}}


@pytest.fixture(autouse=True)
def _eager_celery_and_test_sms(settings):
    """Tasks run in-process unless a test starts a real worker; SMS go to a list."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.SMS_BACKEND = "expertbank.sms.LocmemSMSBackend"
    sms.outbox.clear()
    settings.CACHES = _per_worker_redis_cache(settings.CACHES)
    cache.clear()  # login rate limits live in the cache
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the code under test and then its on-commit callbacks, as a committed request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def expert(db):
    return ExpertFactory()


@pytest.fixture
def unit_member(db):
    return MembershipFactory().user


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"
