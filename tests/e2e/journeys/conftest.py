"""The ground of the browser journeys (issue 20): a live server on the test database, one real
Celery worker per module sending e-mail into a folder the test reads, a browser context per
person, and a screenshot and a Playwright trace of every page of a failed journey.

Fixtures
    ``journey_worker`` (module): the worker (tests/worker.py) on a queue of its own, with
        ``EMAIL_URL=filemail://<folder>``, the live server's ``SITE_URL`` and a shared
        ``MEDIA_ROOT``; this process publishes to that queue during each journey (not eagerly).
    ``open_page(user=None, *, name, language=None, width=390)``: a new browser context (a
        person), logged in as ``user`` (its session cookie, as a login would leave it), at a
        phone's width unless told; its ``base_url`` is the live server, so ``visit(page, "/x/")``.
    ``ground``: the people and terms every journey starts from (``tests/e2e/journeys/ground.py``).

Failures: ``E2E_ARTIFACTS`` (default ``var/e2e-artifacts/``) gets, per failed journey, a PNG of
each person's page as it was, their trace (``npx playwright show-trace <file>.zip`` or
trace.playwright.dev) and the worker's log.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.e2e.journeys.ground import Ground, build_ground
from tests.e2e.journeys.helpers import with_axe
from tests.worker import queue_for_tests, start_worker, unique_queue


def artifacts_dir() -> Path:
    return Path(
        os.environ.get("E2E_ARTIFACTS") or Path(django_settings.BASE_DIR) / "var" / "e2e-artifacts"
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the test item, for the fixtures' teardown to see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(node) -> bool:
    return any(
        getattr(getattr(node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")[:120]


@pytest.fixture(scope="module")
def journey_dirs(tmp_path_factory):
    base = tmp_path_factory.mktemp("journey")
    dirs = {name: base / name for name in ("mail", "media")}
    for folder in dirs.values():
        folder.mkdir()
    dirs["log"] = base / "worker.log"
    return dirs


@pytest.fixture(scope="module")
def journey_worker(django_db_setup, live_server, journey_dirs):
    queue = unique_queue()
    worker = start_worker(
        journey_dirs["log"],
        queue=queue,
        env={
            # django-environ drops the path's first "/": four slashes for an absolute folder.
            "EMAIL_URL": f"filemail:///{journey_dirs['mail']}",
            "SITE_URL": live_server.url,
            "MEDIA_ROOT": str(journey_dirs["media"]),
        },
    )
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture(autouse=True)
def journey(_eager_celery_and_test_sms, settings, live_server, journey_worker, journey_dirs):
    """Each journey: the live server's links in messages, one media folder with the worker, the
    tasks to the worker's queue, the mail folder emptied."""
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(journey_dirs["media"])
    for old in journey_dirs["mail"].iterdir():
        old.unlink()
    os.environ["JOURNEY_MAIL_DIR"] = str(journey_dirs["mail"])
    with queue_for_tests(journey_worker.queue):
        yield journey_worker
    os.environ.pop("JOURNEY_MAIL_DIR", None)
    assert journey_worker.running(), f"the worker died; its log:\n{journey_worker.log()}"


@pytest.fixture
def ground(db) -> Ground:
    return build_ground()


def session_cookie(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": live_server.url}


@pytest.fixture
def open_page(request, browser, live_server, journey_worker):
    opened: list[tuple[str, object, object]] = []

    def open_page(user=None, *, name: str = "", language: str | None = None, width: int = 390):
        locale = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}[language or "fi"]
        context = browser.new_context(
            viewport={"width": width, "height": 844},
            locale=locale,
            base_url=live_server.url,
        )
        context.tracing.start(screenshots=True, snapshots=True)
        with_axe(context)
        if user is not None:
            if language and user.language != language:
                user.language = language
                user.save(update_fields=["language"])
            context.add_cookies([session_cookie(live_server, user)])
        page = context.new_page()
        page.set_default_timeout(15_000)
        opened.append((name or (user.email if user else "anonymous"), context, page))
        return page

    yield open_page

    failed = _failed(request.node)
    folder = artifacts_dir() / _safe(request.node.nodeid) if failed else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(journey_worker.log_path, folder / "worker.log")
    for name, context, page in opened:
        try:
            if folder:
                if not page.is_closed():
                    page.screenshot(path=str(folder / f"{_safe(name)}.png"), full_page=True)
                context.tracing.stop(path=str(folder / f"{_safe(name)}-trace.zip"))
            else:
                context.tracing.stop()
        finally:
            context.close()
    if folder:
        print(f"\nThe failed journey's screenshots and traces: {folder}")
