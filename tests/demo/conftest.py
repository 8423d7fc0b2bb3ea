"""One seeded demo for the demo's tests (``tests/demo/``): ``seed_demo`` takes tens of seconds,
and each of these tests used to run it on its own, some twice. Here it runs once per test
process, committed; each test then reads it inside its own transaction, rolled back as usual,
and the package's end puts the database back as the migrations left it (as a
``serialized_rollback`` test would), so the tests after see an empty database again."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from expertbank.celery import app as celery_app
from tests.conftest import _per_worker_redis_cache


@pytest.fixture(scope="package")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="package")
def seeded_demo(django_db_setup, django_db_blocker, demo_media):
    from django.conf import settings

    with (
        django_db_blocker.unblock(),
        override_settings(
            SMS_BACKEND="expertbank.sms.LocmemSMSBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=demo_media,
            CACHES=_per_worker_redis_cache(settings.CACHES),
        ),
    ):
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            with transaction.atomic():
                call_command("seed_demo", verbosity=0)
                # As in a test's transaction: what the seeding left for after its commit
                # (queued sending) does not run; the demo sends what it shows itself.
                connection.run_on_commit.clear()
        finally:
            celery_app.conf.task_always_eager = eager
        yield
        call_command(
            "flush", verbosity=0, interactive=False, inhibit_post_migrate=True, database="default"
        )
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def _demo(seeded_demo, db, django_db_serialized_rollback, settings, demo_media):
    """Every test here starts on the seeded demo, its files in the demo's media folder.
    (Asking for ``django_db_serialized_rollback`` makes the test setup keep the migrated
    database's contents, which the package's end puts back.)"""
    settings.MEDIA_ROOT = demo_media
