"""docker-compose.yml and the Dockerfile stay in step with the settings (no Docker needed)."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS_SOURCE = ROOT / "expertbank" / "settings.py"

APP_SERVICES = ["web", "worker", "beat", "migrate"]
LONG_RUNNING_APP_SERVICES = ["web", "worker", "beat"]
# What the settings must be given in production: without these a DEBUG-off container either
# refuses to start or quietly falls back to the embedded SQLite, filesystem broker or console mail.
PRODUCTION_VARIABLES = [
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "EMAIL_URL",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_HASH_KEY",
]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def environment(service: dict) -> dict[str, str]:
    """A service's environment as a mapping, whether written as a mapping or as KEY=value items."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {key: "" if value is None else str(value) for key, value in raw.items()}


def command(service: dict) -> list[str]:
    raw = service.get("command") or []
    return raw.split() if isinstance(raw, str) else [str(part) for part in raw]


def dependencies(service: dict) -> dict[str, str | None]:
    """Direct dependencies, each with its condition (None for the short list form)."""
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return dict.fromkeys(raw)
    return {name: (options or {}).get("condition") for name, options in raw.items()}


def all_dependencies(services: dict, name: str) -> set[str]:
    seen: set[str] = set()
    pending = [name]
    while pending:
        for dependency in dependencies(services[pending.pop()]):
            if dependency not in seen:
                seen.add(dependency)
                pending.append(dependency)
    return seen


def test_it_starts_every_service_the_settings_need(services):
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(services)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_app_container_gets_the_production_environment(services, name):
    missing = [var for var in PRODUCTION_VARIABLES if not environment(services[name]).get(var)]
    assert not missing, f"{name} lacks {missing}"


def test_every_app_container_gets_the_same_environment(services):
    web = environment(services["web"])
    for name in APP_SERVICES:
        assert environment(services[name]) == web, name


def test_debug_is_off(services):
    for name in APP_SERVICES:
        assert environment(services[name])["DEBUG"].strip().lower() in {"false", "0", "no", "off"}


def test_it_refuses_to_start_without_a_secret_key(services):
    # ${VAR:?message} makes `docker compose` stop with the message when VAR is unset or empty.
    assert re.fullmatch(r"\$\{SECRET_KEY:\?.+\}", environment(services["web"])["SECRET_KEY"])


def test_the_database_is_the_postgres_service(services):
    url = urlsplit(environment(services["web"])["DATABASE_URL"])
    assert url.scheme in {"postgres", "postgresql", "pgsql"}
    assert url.hostname == "postgres"

    postgres = environment(services["postgres"])
    assert url.username == postgres["POSTGRES_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == postgres["POSTGRES_DB"]


@pytest.mark.parametrize("var", ["CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REDIS_URL"])
def test_the_broker_results_and_cache_are_the_redis_service(services, var):
    url = urlsplit(environment(services["web"])[var])
    assert url.scheme == "redis"
    assert url.hostname == "redis"


def test_the_broker_results_and_cache_use_separate_redis_databases(services):
    env = environment(services["web"])
    urls = [env["CELERY_BROKER_URL"], env["CELERY_RESULT_BACKEND"], env["REDIS_URL"]]
    assert len(set(urls)) == len(urls)


def test_the_web_server_is_gunicorn_on_the_wsgi_application(services):
    web = command(services["web"])
    assert web[0] == "gunicorn"
    assert "expertbank.wsgi:application" in web


def test_the_worker_runs_celery_worker_on_the_expertbank_app(services):
    worker = command(services["worker"])
    assert worker[0] == "celery"
    assert worker[worker.index("-A") + 1] == "expertbank"
    assert "worker" in worker


def test_beat_schedules_from_the_database(services):
    beat = " ".join(command(services["beat"]))
    assert beat.startswith("celery ")
    assert "-A expertbank" in beat
    assert " beat " in f"{beat} "
    assert re.search(
        r"(--scheduler[ =]|-S )django_celery_beat\.schedulers:DatabaseScheduler", beat
    ), beat


def test_migrations_run_once_before_the_app_starts(services):
    assert command(services["migrate"])[-3:] == ["manage.py", "migrate", "--noinput"]
    assert services["migrate"].get("restart", "no") == "no"
    for name in LONG_RUNNING_APP_SERVICES:
        assert dependencies(services[name]).get("migrate") == "service_completed_successfully"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_containers_wait_for_postgres_and_redis(services, name):
    needed = {"postgres"} if name == "migrate" else {"postgres", "redis"}
    assert needed <= all_dependencies(services, name)


def test_postgres_and_redis_report_when_they_are_ready(services):
    # service_healthy conditions need a healthcheck to wait for.
    for name in ("postgres", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), name


def test_postgres_keeps_its_data_on_a_named_volume(compose, services):
    volumes = [str(volume) for volume in services["postgres"].get("volumes", [])]
    data = [v for v in volumes if v.endswith(":/var/lib/postgresql/data")]
    assert data, volumes
    assert data[0].split(":", 1)[0] in (compose.get("volumes") or {})


def test_web_and_worker_share_the_uploads_volume(compose, services):
    media_root = environment(services["web"])["MEDIA_ROOT"]
    mounts = {}
    for name in ("web", "worker"):
        for volume in services[name].get("volumes", []):
            source, _, target = str(volume).partition(":")
            if target.split(":", 1)[0] == media_root:
                mounts[name] = source
    assert set(mounts) == {"web", "worker"}, mounts
    assert mounts["web"] == mounts["worker"]
    assert mounts["web"] in (compose.get("volumes") or {})


def test_every_variable_the_compose_file_sets_is_read_by_the_settings(services):
    settings_source = SETTINGS_SOURCE.read_text(encoding="utf-8")
    unread = sorted(
        var
        for name in APP_SERVICES
        for var in environment(services[name])
        if f'"{var}"' not in settings_source
    )
    assert not unread, f"set in docker-compose.yml but never read by settings.py: {unread}"


def test_the_image_runs_as_an_unprivileged_user():
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert users, "the Dockerfile never switches user"
    assert users[-1] not in {"root", "0", "0:0"}


def test_the_image_collects_static_files_for_the_production_storage():
    # With DEBUG on the settings pick the plain storage, whose output lacks the manifest that
    # WhiteNoise's manifest storage needs at run time.
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    collect = [line for line in dockerfile.splitlines() if "collectstatic" in line]
    assert collect
    assert any("DEBUG=false" in line for line in collect), collect
