"""Settings for gzplan, read from the environment.

Every setting that differs between a laptop and production comes from an
environment variable, parsed by the small helpers below; a malformed value
raises ImproperlyConfigured at start-up rather than misbehaving later.

DATABASE_URL  PostgreSQL (postgres://user:pass@host:5432/name, through psycopg 3);
              unset: an embedded SQLite file under var/, so a checkout runs at once
SECRET_KEY    required unless DEBUG is on
DEBUG         off unless set to a true value
ALLOWED_HOSTS comma-separated; defaults to localhost only
SECURE_SSL    on in production (DEBUG off) unless set to false: secure cookies, HSTS,
              redirect to HTTPS
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_days(name: str, default: list[int]) -> list[int]:
    """Whole days above 0, comma-separated, in order."""
    days = env_list(name, [str(d) for d in default])
    if not all(d.isdigit() and int(d) > 0 for d in days):
        raise ImproperlyConfigured(f"{name} must list whole days above 0, comma-separated, not {days!r}")
    return sorted({int(d) for d in days})


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "health_check",
    "gzplan",
    "accounts",
    "districts",
    "indicators",
    "reporting",
    "following",
    "reports",
]
# Synthetic data, benchmarks and the load test (bench/): a development tool, left out of the
# production image, so the app is installed only where the package is there.
if importlib.util.find_spec("bench") is not None:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    # First: the client's address and scheme, from TRUSTED_PROXIES' forwarding headers only.
    "gzplan.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp): scripts only from this site's own files, no inline script.
    "csp.middleware.CSPMiddleware",
    "gzplan.middleware.PermissionsPolicyMiddleware",
    "gzplan.middleware.JsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language is the address's: no Vary: Accept-Language (gzplan.middleware).
    "gzplan.middleware.AddressLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every page and API read; If-None-Match answers 304 when nothing changed.
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous reads answered from the cache until what they show changes (gzplan.lib.freshness).
    "gzplan.middleware.CachedReadsMiddleware",
    # Cache-Control (public a minute for anonymous reads, private else) and Vary (Accept where it chooses).
    "gzplan.middleware.CacheHeadersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view hook (CSRF's reads the body): bodies too large, anonymous uploads refused unread.
    "gzplan.middleware.UploadGateMiddleware",
    # A control character (NUL…) in the address, the query or a JSON body: a 400, before any view.
    "gzplan.middleware.RefuseControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A database that does not answer: a 503 with Retry-After, not a 500.
    "gzplan.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

# What pages may load (django-csp). Scripts: this site's files only, never inline or eval'd; the data
# a chart needs comes in <script type="application/json"> blocks, which are not run. Styles: this
# site's files plus style attributes (the charts set sizes inline).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The browser features no page uses are switched off.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Logins go through django-axes first, which refuses a user name or address after
# AXES_FAILURE_LIMIT failed attempts, for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address is REMOTE_ADDR, which ClientAddressMiddleware set from trusted proxies only.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# Sign-in attempts per client address, whatever the user name (unknown ones too), in the shared
# cache: more than LOGIN_ATTEMPTS_PER_ADDRESS in LOGIN_ATTEMPTS_MINUTES is a 429.
LOGIN_ATTEMPTS_PER_ADDRESS = env_int("LOGIN_ATTEMPTS_PER_ADDRESS", 30)
LOGIN_ATTEMPTS_MINUTES = env_int("LOGIN_ATTEMPTS_MINUTES", 10)
# Addresses or networks of the reverse proxies in front of the app (comma-separated, e.g.
# "127.0.0.1,172.28.0.0/16"): only their X-Forwarded-For and X-Forwarded-Proto are believed.
TRUSTED_PROXIES = [net.strip() for net in os.environ.get("TRUSTED_PROXIES", "").split(",") if net.strip()]
for _net in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_net, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_net!r} is not an address or network") from None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
LOGIN_URL = "login"
# The largest request body taken (gzplan.middleware.UploadGateMiddleware answers 413 without reading a
# larger one): a spreadsheet of up to 50 MB (indicators.spreadsheets.reading.MAX_BYTES) and its form.
GZPLAN_MAX_UPLOAD_BYTES = env_int("GZPLAN_MAX_UPLOAD_BYTES", 51 * 1024 * 1024)
LOGIN_REDIRECT_URL = "entry"

ROOT_URLCONF = "gzplan.urls"

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
                "gzplan.context_processors.languages",
                "reporting.context_processors.data_status",
                # A signed-in analyst's notice of figures owed in open rounds (lazy: no query for visitors).
                "reporting.context_processors.reminder_notices",
            ],
        },
    },
]

WSGI_APPLICATION = "gzplan.wsgi.application"

# The embedded database lives under var/ so that a fresh checkout runs without a server.
SQLITE_PATH = BASE_DIR / "var" / "gzplan.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer is a quick 503 (gzplan.middleware), not a worker held for
        # minutes: connecting gives up after DATABASE_CONNECT_TIMEOUT seconds, and PostgreSQL cancels a
        # statement running longer than DATABASE_STATEMENT_TIMEOUT seconds (0: no limit).
        DATABASES["default"].setdefault("OPTIONS", {})
        DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
        statement_ms = env_int("DATABASE_STATEMENT_TIMEOUT", 30) * 1000
        DATABASES["default"]["OPTIONS"]["options"] = (
            DATABASES["default"]["OPTIONS"].get("options", "") + f" -c statement_timeout={statement_ms}"
        ).strip()
else:
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            # The web server and the task worker share the file: write-ahead logging lets pages read
            # while an import writes, and a writer waits for the other rather than failing at once.
            # Transactions take the write lock when they begin (IMMEDIATE): two that would both read,
            # then write, queue instead of the second failing with "database is locked".
            "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# Production hardening: on by default whenever DEBUG is off. SECURE_SSL=false serves
# plain HTTP (behind a TLS-terminating proxy that does not set X-Forwarded-Proto, or locally).
SECURE_SSL = env_bool("SECURE_SSL", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
# The health check is asked over plain HTTP from inside the deployment (compose, a load balancer).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Why a figure or target changed is free text (an analyst's note can be long), not 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# History is read per object (by its id, then in date order): an index on the date alone served no
# query and cost 0.3 s of a 50,000-row import, whose versions all share one date.
SIMPLE_HISTORY_DATE_INDEX = False

# The REST API (gzplan.api). Reads are public unless API_PRIVATE_READS is on; rates limit
# requests per client address without a token ("anon") and per user with one ("token"),
# as "<number>/<s|m|h|d>"; an empty value turns a limit off.
API_PRIVATE_READS = env_bool("API_PRIVATE_READS", False)
API_THROTTLE_RATES = {
    "anon": os.environ.get("API_THROTTLE_ANON", "1200/m"),
    "token": os.environ.get("API_THROTTLE_TOKEN", "2400/m"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every page it lays out at INFO, and CSS it skips as errors: keep its warnings.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# The entry grid and imports ask for a confirming note when a figure moves by more than this
# share of last year's (0.5: by more than half), like DHIS2's outlier follow-up.
GZPLAN_JUMP_THRESHOLD = float(os.environ.get("GZPLAN_JUMP_THRESHOLD", "0.5"))

# Background work (spreadsheet imports; later reports and reminders) through Django's Tasks API
# (the django-tasks backport of Django 6's django.tasks): a worker process runs it, never a web
# process. GZPLAN_TASKS_BACKEND: "database" (default: a queue in the application's own database,
# SQLite or PostgreSQL, worked by `manage.py db_worker`), "rq" (RQ on REDIS_URL, worked by
# `manage.py rqworker --job-class django_tasks_rq.Job`) or "immediate" (in the request: tests).
TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
GZPLAN_TASKS_BACKEND = os.environ.get("GZPLAN_TASKS_BACKEND", "database")
if GZPLAN_TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"GZPLAN_TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}")
TASKS = {"default": TASK_BACKENDS[GZPLAN_TASKS_BACKEND]}
if GZPLAN_TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
# A job whose progress has not moved for this long is taken for dead (its worker was killed or lost):
# the import is marked failed, nothing of it written, and the user may try again.
GZPLAN_JOB_STALE_SECONDS = env_int("GZPLAN_JOB_STALE_SECONDS", 120)
# Review reports (reports/): a plan with up to this many targets has its report made in the request
# (a 30-target report takes about 3 s); a larger one is made by the worker, with progress. A report
# still unmade after GZPLAN_REPORT_STALE_SECONDS lost its worker and is queued again when next asked for.
GZPLAN_REPORT_IN_REQUEST_TARGETS = env_int("GZPLAN_REPORT_IN_REQUEST_TARGETS", 120)
GZPLAN_REPORT_STALE_SECONDS = env_int("GZPLAN_REPORT_STALE_SECONDS", 900)
# /health/ reports the queue unhealthy when a ready job has waited this long (no worker takes jobs).
GZPLAN_QUEUE_WAIT_SECONDS = env_int("GZPLAN_QUEUE_WAIT_SECONDS", 300)
# REDIS_URL (redis://host:6379/0): the caches that must be the same for every web process and the
# worker live in Redis, through Django's own Redis backend: the API's rate limits (per user and per
# client address, not per process) and the progress of imports. Without it, one machine: the rate
# limits per process, the progress on the local disk.
REDIS_URL = os.environ.get("REDIS_URL", "")
SHARED_CACHE: dict[str, Any] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "gzplan"}
    if REDIS_URL
    else {}
)
CACHES = {
    "default": SHARED_CACHE or {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered pages and API reads, with the generations that end them (gzplan.lib.freshness): shared
    # by every web process in Redis; without REDIS_URL, each process keeps its own.
    "reads": {**SHARED_CACHE, "KEY_PREFIX": "gzplan-reads"}
    if SHARED_CACHE
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "reads",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("GZPLAN_READ_CACHE_ENTRIES", "300"))},
    },
    "progress": SHARED_CACHE
    or {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": BASE_DIR / "var" / "cache" / "progress",
    },
}
GZPLAN_READ_CACHE = "reads"
# How long a cached read may live at most (0: no cache); changes through the application end it at once.
GZPLAN_READ_CACHE_SECONDS = int(os.environ.get("GZPLAN_READ_CACHE_SECONDS", "3600"))
GZPLAN_READ_CACHE_MAX_BYTES = 1_000_000  # larger answers are rendered each time
# How long browsers and proxies may keep an anonymous read (Cache-Control: public, max-age): a minute,
# so a corrected figure reaches every reader soon; the server's own read cache knows when it changed.
GZPLAN_PUBLIC_MAX_AGE = int(os.environ.get("GZPLAN_PUBLIC_MAX_AGE", "60"))
# Anonymous reads the cache does not hold are rendered at most this many at a time per process; one
# that waits longer than GZPLAN_COLD_RENDER_WAIT_SECONDS for its turn is a 503 with Retry-After.
GZPLAN_COLD_RENDERS_PER_PROCESS = env_int("GZPLAN_COLD_RENDERS_PER_PROCESS", 1)
GZPLAN_COLD_RENDER_WAIT_SECONDS = env_int("GZPLAN_COLD_RENDER_WAIT_SECONDS", 1)
AXES_VERBOSE = False
LOGOUT_REDIRECT_URL = "scorecard"

# E-mail (reminders of reporting rounds) through Django's SMTP backend. EMAIL_HOST unset: messages are
# printed to the console instead, so a laptop never needs a mail server. EMAIL_USE_TLS (the default):
# STARTTLS on port 587; EMAIL_USE_SSL: TLS from the start, port 465; both false: plain SMTP on port 25.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set one of them")
EMAIL_PORT = env_int("EMAIL_PORT", 465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# A mail server that does not answer fails the send (the next run tries again), not the whole run.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gzplan <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Reminders of a reporting round (reporting.reminders), to the analysts of each area that still owes
# figures: so many days before the due day and after it (comma-separated). A reminder day the daily run
# missed is caught up for GZPLAN_REMINDER_CATCH_UP_DAYS days, unless a later one has come by then.
GZPLAN_REMINDER_DAYS_BEFORE = env_days("GZPLAN_REMINDER_DAYS_BEFORE", [7, 1])
GZPLAN_REMINDER_DAYS_AFTER = env_days("GZPLAN_REMINDER_DAYS_AFTER", [1, 7])
GZPLAN_REMINDER_CATCH_UP_DAYS = env_int("GZPLAN_REMINDER_CATCH_UP_DAYS", 3)
# The address of the site as its users reach it, for the links in e-mails (no trailing slash).
GZPLAN_BASE_URL = os.environ.get("GZPLAN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
