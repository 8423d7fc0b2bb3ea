"""One seeded demo for the demo's tests (``tests/demo/``): ``seed_demo`` takes tens of seconds,
and each of these tests used to run it on its own, some twice. Here it runs once per test
process, inside a transaction of its own that each test's transaction nests in (as the access
map's world does), and is rolled back when the package ends: the database is left exactly as it
was found."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from expertbank.celery import app as celery_app
from tests.conftest import _per_worker_redis_cache


@pytest.fixture(scope="package")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="package")
def seeded_demo(django_db_setup, django_db_blocker, demo_media):
    from django.conf import settings

    overrides = override_settings(
        SMS_BACKEND="expertbank.sms.LocmemSMSBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=demo_media,
        CACHES=_per_worker_redis_cache(settings.CACHES),
    )
    eager = celery_app.conf.task_always_eager
    with django_db_blocker.unblock(), overrides:
        outer = transaction.atomic()
        outer._from_testcase = True  # the services' durable blocks nest in it, as in a TestCase
        outer.__enter__()
        celery_app.conf.task_always_eager = True
        try:
            # As in a test's own transaction: what the seeding leaves for after a commit (the
            # queued sending) never runs; the demo sends what it shows itself.
            call_command("seed_demo", verbosity=0)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
        finally:
            celery_app.conf.task_always_eager = eager
        yield
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _demo(seeded_demo, db, settings, demo_media):
    """Every test here starts on the seeded demo, its files in the demo's media folder."""
    settings.MEDIA_ROOT = demo_media
