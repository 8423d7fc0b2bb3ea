"""Shared fixtures and the rules of a run: `postgres` tests need PostgreSQL; CI allows no skips."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from expertbank import sms
from expertbank.celery import app as celery_app
from tests.factories import CoordinatorFactory, ExpertFactory, MembershipFactory, UserFactory
from tests.schemas import schemas_dir

_deselected_postgres = 0
_deselected_browser = 0
_deselected_schemas = 0


def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))


def _browser_missing() -> bool:
    from tests.e2e.conftest import browser_available

    if os.environ.get("REQUIRE_BROWSER"):
        return False  # CI: a missing browser must fail, not vanish
    return not browser_available()


def _check_transactional(item) -> None:
    """A transactional test ends by emptying the database; the next one must begin from the
    migrated state (groups, kinds of work, rates) whichever ran before it, so every one of
    them restores it: ``serialized_rollback=True``."""
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    if not marker.kwargs.get("serialized_rollback"):
        raise pytest.UsageError(
            f"{item.nodeid}: mark it django_db(transaction=True, serialized_rollback=True)"
        )


def pytest_collection_modifyitems(config, items):
    global _deselected_postgres, _deselected_browser, _deselected_schemas
    postgres_missing = not _on_postgres()
    browser_missing = _browser_missing()
    schemas_missing = schemas_dir() is None
    keep, no_postgres, no_browser, no_schemas = [], [], [], []
    for item in items:
        _check_transactional(item)
        if postgres_missing and item.get_closest_marker("postgres"):
            no_postgres.append(item)
        elif browser_missing and "tests/e2e/" in item.nodeid:
            no_browser.append(item)
        elif schemas_missing and item.get_closest_marker("schemas"):
            no_schemas.append(item)
        else:
            keep.append(item)
    if no_postgres or no_browser or no_schemas:
        config.hook.pytest_deselected(items=no_postgres + no_browser + no_schemas)
        items[:] = keep
    _deselected_postgres, _deselected_browser = len(no_postgres), len(no_browser)
    _deselected_schemas = len(no_schemas)
    if hasattr(config, "workeroutput"):  # an xdist worker tells the controller
        config.workeroutput["postgres_deselected"] = _deselected_postgres
        config.workeroutput["browser_deselected"] = _deselected_browser
        config.workeroutput["schemas_deselected"] = _deselected_schemas


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    global _deselected_postgres, _deselected_browser, _deselected_schemas
    # Every xdist worker collects every test, so the counts are the same on each.
    output = getattr(node, "workeroutput", {})
    _deselected_postgres = max(_deselected_postgres, output.get("postgres_deselected", 0))
    _deselected_browser = max(_deselected_browser, output.get("browser_deselected", 0))
    _deselected_schemas = max(_deselected_schemas, output.get("schemas_deselected", 0))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _deselected_postgres:
        terminalreporter.write_line(
            f"{_deselected_postgres} tests marked postgres were deselected: the database is "
            "SQLite. Set DATABASE_URL to PostgreSQL (as .ci/run does) to run them."
        )
    if _deselected_browser:
        terminalreporter.write_line(
            f"{_deselected_browser} browser tests were deselected: no Chromium at "
            "/usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)."
        )
    if _deselected_schemas:
        terminalreporter.write_line(
            f"{_deselected_schemas} tests marked schemas were deselected: no shared/schemas "
            "folder beside the project. Set SHARED_SCHEMAS_DIR to it to run them."
        )


def pytest_sessionfinish(session, exitstatus):
    # CI proves every test: a skip there is a failure, not a shrug.
    if os.environ.get("FAIL_ON_SKIP"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
        if skipped:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _per_worker_redis_cache(
    caches: dict, *, redis_url: str | None = None, worker: str | None = None
) -> dict:
    """Each xdist worker gets its own Redis database, so clearing the cache (login rate limits)
    in one worker's test never empties another's in the middle of a test.

    The database is counted from the configured ``REDIS_URL``, never from the caches given, so
    the helper gives the same database however often it is applied: the demo tests' package
    override applies it and then every test's own fixture again. Counted from the caches given,
    worker gw0 ran the demo tests on gw1's database and cleared it at the start of each, and a
    gw1 test that logged in before the clear read its session from the database after it: one
    query more (``test_the_past_gigs_page_takes_the_same_queries_for_1_and_50``, 7 against 6).
    """
    default = caches["default"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "") if worker is None else worker
    if not default["BACKEND"].endswith("RedisCache") or not worker.startswith("gw"):
        return caches
    redis_url = redis_url or settings.REDIS_URL or default["LOCATION"]
    base, _, db = redis_url.rpartition("/")
    number = (int(db or 0) + 1 + int(worker[2:])) % 16
    return {"default": {**default, "LOCATION": f"{base}/{number}"}}


@pytest.fixture(autouse=True)
def _eager_celery_and_test_sms(settings):
    """Tasks run in-process unless a test starts a real worker; SMS go to a list."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.SMS_BACKEND = "expertbank.sms.LocmemSMSBackend"
    # A fast hasher: every factory user would otherwise cost ~0.3 s of PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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


@pytest.fixture
def english():
    """Read the English texts: messages, errors and templates in English for the test."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_pages(english, settings, monkeypatch):
    """``english``, and the pages too: English is the site's default and a logged-in user's own
    language is not switched on, so what the test client gets is in English."""
    settings.LANGUAGE_CODE = "en"
    monkeypatch.setattr(
        "expertbank.middleware.UserLanguageMiddleware.__call__",
        lambda self, request: self.get_response(request),
    )
