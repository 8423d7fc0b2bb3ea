"""Settings for the expert bank, read from the environment.

With no environment at all the site runs on embedded defaults: SQLite and a filesystem Celery
broker under ``var/``, console e-mail, DEBUG on. Production differs only by environment values
(see the configuration table in README.md); a bad or missing value stops start-up with a message
that names it.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A .env file is optional; the process environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


DEBUG = _env_bool("DEBUG", default=True)

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-expertbank-key-do-not-use"  # nosec B105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the expert bank needs a SECRET_KEY "
            "environment variable (a long random string)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

# Sensitive fields (identity codes, bank accounts) are encrypted with these, never SECRET_KEY:
# comma-separated Fernet keys, newest first. With DEBUG on and none set, keys are made in var/.
FIELD_ENCRYPTION_KEYS = env.str("FIELD_ENCRYPTION_KEYS", default="")
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default="")
if not DEBUG and not (FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set when DEBUG is off "
        "(see README.md: Configuration)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "expertbank",
    "experts",
    "training",
    "bookings",
    "invoicing",
    "reports",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "django_filters",
    "import_export",
    "crispy_bootstrap5",
    "django_celery_beat",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their caching and need no policy of their own.
    "csp.middleware.CSPMiddleware",
    "expertbank.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "expertbank.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "expertbank.idle_timeout.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "expertbank.mfa.MFARequiredMiddleware",
]

ROOT_URLCONF = "expertbank.urls"
WSGI_APPLICATION = "expertbank.wsgi.application"
ASGI_APPLICATION = "expertbank.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "expertbank.context_processors.navigation",
                "expertbank.context_processors.contact",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'expertbank.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside a writer, IMMEDIATE takes
    # the write lock at BEGIN (no lock upgrade deadlocks), and the busy timeout waits instead of
    # failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    )
    # A file, not memory, so that a Celery worker started by the tests sees the test database.
    # TEST_SQLITE_NAME lets several test runs on one machine keep apart.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("TEST_SQLITE_NAME", default=str(VAR_DIR / "test.sqlite3"))
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

# PostgreSQL's parallel query starts worker processes for a plan it expects to read many rows:
# 10-30 ms for each Gather on a small server, where a page's query reads a few thousand rows
# (at national scale the dashboard's database time was 284 ms with it, 76 ms without). Off
# for this application's connections by default; DATABASE_PARALLEL_WORKERS turns it back on,
# and -1 leaves it to the server (behind PgBouncer, which refuses a connection's own options:
# set it in postgresql.conf or with ALTER ROLE instead, docs/OPERATIONS.md).
PARALLEL_WORKERS = env.int("DATABASE_PARALLEL_WORKERS", default=0)
# PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: the work
# queue's one query of twenty counts is such a query (each count cheap, their sum not), and
# compiling it took 62 ms of its 103 at national scale. Off for this application's
# connections by default (DATABASE_JIT=true turns it back on); with
# DATABASE_PARALLEL_WORKERS=-1 both are left to the server.
JIT = env.bool("DATABASE_JIT", default=False)


def _postgres_options(database: dict) -> None:
    if database["ENGINE"] != "django.db.backends.postgresql" or PARALLEL_WORKERS < 0:
        return
    options = database.setdefault("OPTIONS", {})
    given = options.get("options", "")
    ours = f"-c max_parallel_workers_per_gather={PARALLEL_WORKERS} -c jit={'on' if JIT else 'off'}"
    options["options"] = f"{given} {ours}".strip()


_postgres_options(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login rate limits, sessions' neighbours) -----------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "expertbank",
        }
    }
    # Sessions read from Redis and written through to the database: one query less on every
    # request of a logged-in person (issue 19), none lost on a restart. Only with a cache that
    # every process shares: with each process's own, a logout in one would not reach the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users and login -------------------------------------------------------------------------
AUTH_USER_MODEL = "expertbank.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "expertbank.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""

# Two-factor authentication (expertbank.mfa): an authenticator app (TOTP) with recovery codes, or
# a security key / passkey (WebAuthn: HTTPS, or http://localhost in development). Coordinators,
# trainers and staff must set one up before anything else when this is on; the default is on
# whenever DEBUG is off, so the demo lets its logins in without.
MFA_REQUIRED_FOR_STAFF = _env_bool("MFA_REQUIRED_FOR_STAFF", default=not DEBUG)
MFA_ADAPTER = "expertbank.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# One 30-second step either side: a phone's clock a little off still works.
MFA_TOTP_TOLERANCE = 1


def _env_count(name: str, default: int) -> int:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    if not raw.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {raw!r}.")
    return int(raw)


# Proxies of our own in front of the web server, each appending to X-Forwarded-For: the login and
# application rate limits key on the address the outermost one saw (expertbank.client_ip).
# 0: no proxy, REMOTE_ADDR is the client. allauth's ALLAUTH_TRUSTED_PROXY_COUNT is left unset:
# the account adapter asks the same helper.
TRUSTED_PROXY_COUNT = _env_count("TRUSTED_PROXY_COUNT", 0)
# Coordinators, trainers and staff are logged out after this many minutes without a request
# (expertbank.idle_timeout); others keep SESSION_COOKIE_AGE.
COORDINATOR_IDLE_TIMEOUT_MINUTES = _env_count("COORDINATOR_IDLE_TIMEOUT_MINUTES", 30)
if COORDINATOR_IDLE_TIMEOUT_MINUTES < 1:
    raise ImproperlyConfigured("COORDINATOR_IDLE_TIMEOUT_MINUTES must be at least 1.")

INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=14)
# An active expert without work supervision for longer than this is flagged to coordinators.
SUPERVISION_MAX_GAP_DAYS = env.int("SUPERVISION_MAX_GAP_DAYS", default=90)

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["expertbank.formats"]

# --- Static files and uploads ----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail and SMS --------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Kokemusasiantuntijapankki <noreply@localhost>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
SMS_BACKEND = env.str("SMS_BACKEND", default="expertbank.sms.ConsoleSMSBackend")
# The SMS provider's inbound webhook /sms/inbound/ (expertbank/views_sms.py): the secret the
# provider signs each body with (X-SMS-Signature: sha256=<HMAC-SHA256 hex>; empty: the webhook
# refuses every call), whether the legacy form (the secret itself in X-SMS-Secret) is still
# taken, and the calls a minute one address may make.
SMS_INBOUND_SECRET = env.str("SMS_INBOUND_SECRET", default="")
SMS_INBOUND_LEGACY_SECRET = env.bool("SMS_INBOUND_LEGACY_SECRET", default=True)
SMS_INBOUND_RATE = env.str("SMS_INBOUND_RATE", default="60/m")
# Phone numbers without a country code are read as numbers of this country (expertbank/phones.py).
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="FI")
# The sending path (expertbank/services/notifications.py; docs/OPERATIONS.md, "Messages"):
# a message claimed for sending but never marked sent is taken again after this many seconds;
# it must be longer than the sending task's hard time limit, so a live send is never retaken.
MESSAGE_CLAIM_EXPIRY_SECONDS = env.int("MESSAGE_CLAIM_EXPIRY_SECONDS", default=90)
MESSAGE_TASK_TIME_LIMIT = env.int("MESSAGE_TASK_TIME_LIMIT", default=60)
MESSAGE_TASK_SOFT_TIME_LIMIT = env.int("MESSAGE_TASK_SOFT_TIME_LIMIT", default=45)
# A message that fails for a passing reason is retried with growing delays (the first after a
# minute, doubling up to MESSAGE_RETRY_MAX_DELAY_MINUTES) until this many hours after it was
# created; then it is failed for good, with the reason, on the coordinators' work queue.
MESSAGE_RETRY_BUDGET_HOURS = env.float("MESSAGE_RETRY_BUDGET_HOURS", default=24)
MESSAGE_RETRY_MAX_DELAY_MINUTES = env.int("MESSAGE_RETRY_MAX_DELAY_MINUTES", default=120)
# The retry sweep (every minute) queues at most this many messages a run, oldest first.
MESSAGE_SWEEP_BATCH = env.int("MESSAGE_SWEEP_BATCH", default=200)
# No SMTP conversation may hang a sending task: seconds per socket operation.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The sender's name in each language ("Name" <address of DEFAULT_FROM_EMAIL>).
BANK_SENDER_NAMES = {
    "fi": env.str("BANK_SENDER_NAME_FI", default="Kokemusasiantuntijapankki"),
    "sv": env.str("BANK_SENDER_NAME_SV", default="Erfarenhetsexpertbanken"),
    "en": env.str("BANK_SENDER_NAME_EN", default="Experience Expert Bank"),
}

# --- Celery ----------------------------------------------------------------------------------
CELERY_FS_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND", default=f"file://{CELERY_FS_DIR / 'results'}"
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = CELERY_FS_DIR / "queue"
    for _folder in (_queue_dir, CELERY_FS_DIR / "processed", CELERY_FS_DIR / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(CELERY_FS_DIR / "processed"),
        "control_folder": str(CELERY_FS_DIR / "control"),
        "store_processed": False,
    }
if CELERY_RESULT_BACKEND.startswith("file://"):
    Path(CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
# Queueing is best effort (the retry sweep sends what was not queued): a broker that is down
# must not hold the user's request, so publishing neither waits long nor retries.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_TASK_PUBLISH_RETRY = False
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": 5,
        "max_retries": 0,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "messages-retry-stale": {
        "task": "expertbank.tasks.messages_retry_stale",
        "schedule": 60,
    },
    "experts-imports-purge": {"task": "experts.tasks.expert_imports_purge_task", "schedule": 3600},
    "experts-consent-requests": {
        "task": "experts.tasks.consent_requests_send_task",
        "schedule": 24 * 3600,
    },
    "training-enrollments-start": {
        "task": "training.tasks.enrollments_start_due_task",
        "schedule": 60 * 60,
    },
    "bookings-offers-expire": {"task": "bookings.tasks.offers_expire_task", "schedule": 5 * 60},
    "bookings-deliver-due": {
        "task": "bookings.tasks.bookings_deliver_due_task",
        "schedule": 15 * 60,
    },
    "bookings-report-reminders": {
        "task": "bookings.tasks.report_reminders_task",
        "schedule": 60 * 60,
    },
    # On the 1st at 6.00 (Helsinki): invoice the month that ended.
    "invoicing-monthly-run": {
        "task": "invoicing.tasks.invoices_issue_task",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
    # On the 1st at 7.00: the fee statements of the month that ended (paid in a batch later).
    "invoicing-fee-run": {
        "task": "invoicing.tasks.fees_run_task",
        "schedule": crontab(minute=0, hour=7, day_of_month=1),
    },
    "invoicing-reminders": {"task": "invoicing.tasks.invoice_reminders_task", "schedule": 6 * 3600},
    # Daily at 3.45: the figures' change log folded to a row a month (reports.figures).
    "reports-figure-changes-collapse": {
        "task": "reports.tasks.figure_changes_collapse_task",
        "schedule": crontab(minute=45, hour=3),
    },
    # Daily at 3.30: remove what has outlived its retention period (expertbank.retention).
    "retention-run": {
        "task": "expertbank.tasks.retention_run_task",
        "schedule": crontab(minute=30, hour=3),
    },
}

# --- Bookings --------------------------------------------------------------------------------
# Minutes an expert needs between two gigs; no two of their gigs come closer than this.
GIG_TRAVEL_BUFFER_MINUTES = env.int("GIG_TRAVEL_BUFFER_MINUTES", default=30)

# --- Retention: how long personal data is kept (expertbank.retention reads these) -----------
# The page /coordinator/retention/ shows them as a table; `manage.py retention_run` and the daily
# beat task remove what has passed them. Accounting periods are the law's minimums (Kirjanpitolaki
# 2:10): vouchers 6 years, books 10 years after the end of the financial year (the calendar year).
RETENTION_APPLICATION_MONTHS = _env_count("RETENTION_APPLICATION_MONTHS", 12)
RETENTION_MESSAGE_MONTHS = _env_count("RETENTION_MESSAGE_MONTHS", 24)
RETENTION_DOCUMENT_GRACE_DAYS = _env_count("RETENTION_DOCUMENT_GRACE_DAYS", 90)
RETENTION_IMPORT_DAYS = _env_count("RETENTION_IMPORT_DAYS", 30)
ACCOUNTING_VOUCHER_YEARS = _env_count("ACCOUNTING_VOUCHER_YEARS", 6)
ACCOUNTING_BOOKS_YEARS = _env_count("ACCOUNTING_BOOKS_YEARS", 10)
for _name, _least in [
    ("RETENTION_APPLICATION_MONTHS", 1),
    ("RETENTION_MESSAGE_MONTHS", 1),
    ("RETENTION_IMPORT_DAYS", 1),
    ("ACCOUNTING_VOUCHER_YEARS", 6),
    ("ACCOUNTING_BOOKS_YEARS", 10),
]:
    if globals()[_name] < _least:
        raise ImproperlyConfigured(
            f"{_name} must be at least {_least} (the law or the site needs it)."
        )

# --- The bank as a seller and a payer ---------------------------------------------------------
# Copied onto every invoice (seller) and used as the debtor of fee payments. With DEBUG on the
# demo's values apply; in production set them all (the invoice and fee runs refuse without them).
_DEMO_BANK = DEBUG
BANK_NAME = env.str("BANK_NAME", default="Kokemusasiantuntijapankki ry" if _DEMO_BANK else "")
BANK_BUSINESS_ID = env.str("BANK_BUSINESS_ID", default="2899876-5" if _DEMO_BANK else "")
BANK_STREET = env.str("BANK_STREET", default="Asematie 6" if _DEMO_BANK else "")
BANK_POSTCODE = env.str("BANK_POSTCODE", default="01300" if _DEMO_BANK else "")
BANK_CITY = env.str("BANK_CITY", default="Vantaa" if _DEMO_BANK else "")
BANK_IBAN = env.str("BANK_IBAN", default="FI4950009420028730" if _DEMO_BANK else "")
BANK_BIC = env.str("BANK_BIC", default="OKOYFIHH" if _DEMO_BANK else "")
BANK_EINVOICE_ADDRESS = env.str(
    "BANK_EINVOICE_ADDRESS", default="003728998765" if _DEMO_BANK else ""
)
BANK_EINVOICE_OPERATOR = env.str(
    "BANK_EINVOICE_OPERATOR", default="003721291126" if _DEMO_BANK else ""
)
BANK_EMAIL = env.str("BANK_EMAIL", default="laskutus@kokemuspankki.example" if _DEMO_BANK else "")
BANK_PHONE = env.str("BANK_PHONE", default="+358 40 555 0100" if _DEMO_BANK else "")
# Where people reach the bank (every e-mail's footer, the site footer): BANK_EMAIL by default.
BANK_CONTACT_EMAIL = env.str(
    "BANK_CONTACT_EMAIL", default="toimisto@kokemuspankki.example" if _DEMO_BANK else BANK_EMAIL
)
BANK_OPENING_HOURS = env.str("BANK_OPENING_HOURS", default="") or (
    _("Mon–Fri 9–15") if _DEMO_BANK else ""
)
# Invoices fall due this many days after issue unless the unit has its own terms.
INVOICE_PAYMENT_DAYS = env.int("INVOICE_PAYMENT_DAYS", default=14)


def _check_bank() -> None:
    from schwifty import BIC, IBAN
    from schwifty.exceptions import SchwiftyException
    from stdnum.fi import ytunnus

    if BANK_BUSINESS_ID and not ytunnus.is_valid(BANK_BUSINESS_ID):
        raise ImproperlyConfigured(
            f"BANK_BUSINESS_ID {BANK_BUSINESS_ID!r} is not a valid Y-tunnus."
        )
    try:
        if BANK_IBAN:
            IBAN(BANK_IBAN)
        if BANK_BIC:
            BIC(BANK_BIC)
    except SchwiftyException as exc:
        raise ImproperlyConfigured(f"BANK_IBAN or BANK_BIC is not valid: {exc}") from exc
    if not 0 <= INVOICE_PAYMENT_DAYS <= 365:
        raise ImproperlyConfigured("INVOICE_PAYMENT_DAYS must be between 0 and 365.")


_check_bank()

# --- Security --------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# What a browser may load and run on our pages: only our own files. No inline script, no eval
# (scripts live in static/js/, data in data-* attributes or json_script); styles only from
# static/ too, so injected markup can neither run nor restyle a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Read replica for reports (issue 19; docs/OPERATIONS.md "Scale out") ----------------------
# Off by default. With REPORTS_DATABASE_URL set, the report pages below read from that database
# (a streaming replica of the primary); everything else, and every write, uses "default".
REPORTS_PATHS = env.list(
    "REPORTS_PATHS",
    default=[
        "/coordinator/dashboard/",
        "/coordinator/reports/",
        "/unit/figures/",
        "/expert/figures/",
    ],
)
if env.str("REPORTS_DATABASE_URL", default=""):
    DATABASES["reports"] = env.db_url("REPORTS_DATABASE_URL")
    DATABASES["reports"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
    _postgres_options(DATABASES["reports"])
    DATABASE_ROUTERS = ["expertbank.replica.ReportsRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "expertbank.replica.ReportsReplicaMiddleware",
    )

# --- Benchmark (make bench; issue 19) ----------------------------------------------------------
# On only in the benchmark's own server: each response tells its server time and queries in its
# headers, and /bench/bare/ serves the bare Django view measured beside the real pages.
BENCH = _env_bool("BENCH", default=False)
if BENCH:
    MIDDLEWARE.insert(0, "expertbank.bench.BenchTimingMiddleware")
    ROOT_URLCONF = "expertbank.bench"
