"""Shared fixtures, and the rules of a run: ``postgres`` tests need PostgreSQL, CI allows no skips."""

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


@pytest.fixture(autouse=True)
def _eager_celery_and_test_sms(settings):
    """Tasks run in-process unless a test starts a real worker; SMS go to a list."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.SMS_BACKEND = "expertbank.sms.LocmemSMSBackend"
    sms.outbox.clear()
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
