"""Settings read from the environment: embedded defaults, production values, loud failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

ENV_NAMES = [
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "REDIS_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "SITE_URL",
    "FAIL_ON_SKIP",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_HASH_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_PARALLEL_WORKERS",
    "DATABASE_JIT",
]


def _run(code_or_args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRINT_SETTINGS = """
import json, django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expertbank.settings")
django.setup()
from django.conf import settings as s
print(json.dumps({
    "debug": s.DEBUG,
    "engine": s.DATABASES["default"]["ENGINE"],
    "db_name": str(s.DATABASES["default"]["NAME"]),
    "sqlite_options": s.DATABASES["default"].get("OPTIONS", {}),
    "db_options": s.DATABASES["default"].get("OPTIONS", {}),
    "broker": s.CELERY_BROKER_URL,
    "backend": s.CELERY_RESULT_BACKEND,
    "email": s.EMAIL_BACKEND,
    "cache": s.CACHES["default"]["BACKEND"],
    "language": s.LANGUAGE_CODE,
    "languages": [code for code, _ in s.LANGUAGES],
    "tz": s.TIME_ZONE,
    "use_tz": s.USE_TZ,
    "queue_dir": getattr(s, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("data_folder_in"),
    "broker_options": getattr(s, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    "weasyprint_loaded": __import__("sys").modules.get("weasyprint") is not None,
}))
"""


def test_with_no_environment_it_runs_on_embedded_defaults():
    result = _run(["-c", PRINT_SETTINGS])
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("var/expertbank.sqlite3")
    assert values["sqlite_options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in values["sqlite_options"]["init_command"]
    assert "busy_timeout" in values["sqlite_options"]["init_command"]
    assert values["broker"] == "filesystem://"
    assert values["backend"].startswith("file://")
    assert os.path.isdir(values["queue_dir"])
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["language"] == "fi"
    assert values["languages"] == ["fi", "sv", "en"]
    assert values["tz"] == "Europe/Helsinki"
    assert values["use_tz"] is True
    assert values["weasyprint_loaded"] is False


def test_environment_values_switch_to_production_parts():
    result = _run(
        ["-c", PRINT_SETTINGS],
        DATABASE_URL="postgres://bank:secret@db.internal:5432/bank",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
        CELERY_RESULT_BACKEND="redis://redis.internal:6379/1",
        REDIS_URL="redis://redis.internal:6379/2",
        EMAIL_URL="smtp://mail.internal:25",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["broker"] == "redis://redis.internal:6379/0"
    # Queueing is best effort: a broker that is down must not hold the user's request.
    assert values["broker_options"]["socket_connect_timeout"] <= 2
    assert values["broker_options"]["max_retries"] == 0
    assert values["backend"] == "redis://redis.internal:6379/1"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    # No parallel query and no JIT for the pages' small reads (the workers' start-up and the
    # compiling cost more than the reads at national scale), unless asked.
    assert values["db_options"]["options"] == "-c max_parallel_workers_per_gather=0 -c jit=off"


@pytest.mark.parametrize(
    ("given", "options"),
    [
        ({"DATABASE_PARALLEL_WORKERS": "2"}, "-c max_parallel_workers_per_gather=2 -c jit=off"),
        ({"DATABASE_JIT": "true"}, "-c max_parallel_workers_per_gather=0 -c jit=on"),
        ({"DATABASE_PARALLEL_WORKERS": "-1", "DATABASE_JIT": "true"}, None),
    ],
)
def test_parallel_query_and_jit_are_given_back_or_left_to_the_server_on_request(given, options):
    url = "postgres://bank:secret@db.internal:5432/bank"
    result = _run(["-c", PRINT_SETTINGS], DATABASE_URL=url, **given)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["db_options"].get("options") == options


def test_without_debug_a_missing_secret_key_stops_start_up_and_names_it():
    result = _run(["manage.py", "check"], DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_without_debug_missing_encryption_keys_stop_start_up_and_are_named():
    result = _run(["manage.py", "check"], DEBUG="false", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_a_bad_debug_value_stops_start_up_and_names_it():
    result = _run(["manage.py", "check"], DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_a_production_like_environment_passes_the_deploy_check():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY="k9#Vq2!mZ7@pL4$wX8^nR1&tY6*uB3(eD5)hJ0_fG-sA+cQ=oI",
        ALLOWED_HOSTS="kokemuspankki.example.fi",
        SITE_URL="https://kokemuspankki.example.fi",
        FIELD_ENCRYPTION_KEYS="pVQ3yq7MRaqB2ac6mtxAd1wY5dfb0vA9kWMsEcYHbNk=",
        FIELD_HASH_KEY="7s0Kk2cE9yq1bA3W5dF8gH2jK4lM6nP8qR0tU2vX4zA=",
    )
    assert result.returncode == 0, result.stdout + result.stderr
