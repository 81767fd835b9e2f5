"""Settings for every way of running, from environment variables.

With nothing set, the embedded default runs: SQLite, Celery tasks eagerly in-process,
e-mail to the console. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY,
ALLOWED_HOSTS and DEBUG=0 (see README, "Environment variables").
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_database,
    env_float,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for the embedded default on a laptop; never used once DEBUG is off.
    SECRET_KEY = "embedded-default-not-secret-" + "x" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "alliance",
    "grants",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history tables (rule 16).
    "simple_history.middleware.HistoryRequestMiddleware",
]

if not DEBUG:
    # In production static files (admin, API docs) are served by WhiteNoise from STATIC_ROOT.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "alliance.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite connections are cheap; persistent ones only get in the way of tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
else:
    DATABASES["default"]["ATOMIC_REQUESTS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})
    # A request never waits more than a few seconds for a connection or a lock.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
    # PostgreSQL's default random_page_cost (4.0) prices an index lookup as a spinning
    # disk's seek. On SSD or a cached database that made one council's grants page walk the
    # whole list-order index past every other council's newer grants (EXPLAIN ANALYZE: 61 ms
    # against 3.4 ms with 1.1; bench/RESULTS.md). 1.1 is the usual value for SSD; an
    # operator on spinning disks sets PG_RANDOM_PAGE_COST=4.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options",
        f"-c random_page_cost={env_float('PG_RANDOM_PAGE_COST', 1.1, minimum=0.1)}",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker and Celery ------------------------------------------------------------------
REDIS_URL = env_redis_url("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker, jobs run in-process: the embedded default needs no server.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A job whose worker dies is delivered again (so every job is idempotent), and a long
# compile never holds short jobs hostage on one worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 1800, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)
if CELERY_TASK_TIME_LIMIT >= _visibility_timeout:
    raise ImproperlyConfigured(
        "CELERY_TASK_TIME_LIMIT must be below CELERY_VISIBILITY_TIMEOUT, or Redis would hand "
        "a job that is still running to a second worker."
    )
# Bounded connect and publish timeouts: a web request never hangs because Redis is down.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# JSON only: nothing unpickled from the network.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
# No result backend: a job's state lives in our own tables, readable through the API.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/London"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Beat's schedule: each area adds its entries in its own block below. Run exactly one beat.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}

# --- Auth and passwords -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploads live outside the web root and are only ever served through a permission check.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "uploads")))
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

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "alliance@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Security (production) --------------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # The load balancer's health probe speaks plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous request is told 401 with how to authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_RATES": {"auth": env_str("AUTH_THROTTLE_RATE", "30/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Alliance commissioning and grants API",
    "DESCRIPTION": (
        "Alliance contracts, quarterly returns, micro-grants and the figures compiled from "
        "them. Errors share one shape (`ErrorResponse`): a sentence for a person, the rule "
        "broken and, where a field was wrong, the field's own messages."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}

# --- The installation --------------------------------------------------------------------
# The publisher's 360Giving prefix: unregistered groups get org-ids under it (DESIGN §5).
ORG_ID_PREFIX = env_str("ORG_ID_PREFIX", "360G-wirral")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Alliance contracts and returns -----------------------------------------------------
# The longest an Alliance contract may run, extensions included (rule 3).
ALLIANCE_MAX_CONTRACT_YEARS = env_int("ALLIANCE_MAX_CONTRACT_YEARS", 9, minimum=1)
# A quarterly return is due this many working days after its quarter ends.
ALLIANCE_RETURN_DUE_WORKING_DAYS = env_int("ALLIANCE_RETURN_DUE_WORKING_DAYS", 20, minimum=0)
# A risk's likelihood and impact share one scale: one name for it in the schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["RiskLevelEnum"] = "alliance.models.returns.Level"

# --- Reporting: background jobs and small-number suppression -----------------------------
# Counts from 1 to this are published as "c" (DESIGN §3 rule 10).
SUPPRESSION_THRESHOLD = env_int("SUPPRESSION_THRESHOLD", 5, minimum=1)
# A job hitting a transient error is tried this many times in all, waiting
# JOBS_RETRY_BACKOFF seconds, then twice that, and so on (at most an hour).
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3, minimum=1)
JOBS_RETRY_BACKOFF = env_int("JOBS_RETRY_BACKOFF", 30, minimum=1)
# A queued job sent this long ago but never started is sent again (its message was lost).
JOBS_REDISPATCH_AFTER = env_int("JOBS_REDISPATCH_AFTER", 600, minimum=60)
# A job still running this long after it started has lost its worker: the hard time
# limit has killed it by then.
JOBS_STALE_AFTER = CELERY_TASK_TIME_LIMIT + 60
CELERY_BEAT_SCHEDULE["reporting-dispatch-pending-jobs"] = {
    "task": "reporting.tasks.dispatch_pending_jobs",
    "schedule": 60.0,
    # A tick that waited out a broker outage is stale: the next one does the same work.
    "options": {"expires": 55},
}

# --- grants ---------------------------------------------------------------------------------
# Largest supporting document a group may upload (rule 17).
GRANTS_MAX_UPLOAD_BYTES = env_int("GRANTS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)
# One name per choice set in the OpenAPI schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "LegalFormEnum": "alliance.models.people.LegalForm",
        "AttachmentKindEnum": "grants.models.applications.AttachmentKind",
        "ReportTierEnum": "grants.models.awards.ReportTier",
        "DecisionMethodEnum": "grants.models.programmes.DecisionMethod",
    }
)

# --- Scale, load and faults ------------------------------------------------------------
# A return's state appears in the list and on the return itself: one name in the schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ReturnStatusEnum"] = (
    "alliance.models.returns.ReturnStatus"
)

# --- collective impact and compiled reports ---------------------------------------------------
from celery.schedules import crontab as _crontab  # noqa: E402

# Every active contract's current period compiled again each night (a safety net: events
# compile as soon as a return is accepted or reopened).
CELERY_BEAT_SCHEDULE["reporting-compile-collective-impact"] = {
    "task": "reporting.tasks.compile_collective_impact_nightly",
    "schedule": _crontab(hour=2, minute=15),
    "options": {"expires": 6 * 60 * 60},
}

# --- open data --------------------------------------------------------------------------
# Who publishes the 360Giving file, under which licence (DESIGN §5).
OPEN_DATA_TITLE = env_str("OPEN_DATA_TITLE", "Wirral Family Alliance micro-grants")
OPEN_DATA_PUBLISHER_NAME = env_str(
    "OPEN_DATA_PUBLISHER_NAME", "Wirral Metropolitan Borough Council"
)
OPEN_DATA_PUBLISHER_ID = env_str("OPEN_DATA_PUBLISHER_ID", "GB-LAE-WRL")
OPEN_DATA_PUBLISHER_WEBSITE = env_str("OPEN_DATA_PUBLISHER_WEBSITE", "https://www.wirral.gov.uk")
OPEN_DATA_LICENSE = env_str("OPEN_DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
# OCDS ocid prefix. `ocds-xxxxxx` is a placeholder: register a real prefix with the Open
# Contracting Partnership before publishing contracts for real.
OCDS_PREFIX = env_str("OCDS_PREFIX", "ocds-xxxxxx-wirral")
# The open-data files under MEDIA_ROOT/open-data/ are rewritten nightly.
CELERY_BEAT_SCHEDULE["reporting-open-data-files"] = {
    "task": "reporting.opendata.publish_files",
    "schedule": 24 * 60 * 60,
}

# --- shared learning digest ---------------------------------------------------------------
# Each active contract's most recent ended period compiled again each night; a new version
# (a return accepted that day, a group's end-of-grant report) is e-mailed to the Alliance.
CELERY_BEAT_SCHEDULE["reporting-compile-shared-learning"] = {
    "task": "reporting.learning.compile_nightly",
    "schedule": _crontab(hour=2, minute=45),
    "options": {"expires": 6 * 60 * 60},
}

# --- reminders --------------------------------------------------------------------------
# Returns and end-of-grant reports are listed in the daily reminder from this many days
# before they are due, and every day after until they are sent.
REMINDERS_DAYS_BEFORE = env_int("REMINDERS_DAYS_BEFORE", 7, minimum=0)
# One daily job (it also covers end-of-grant reports), early in the council's morning
# (CELERY_TIMEZONE is Europe/London). A run that waited out a long broker outage still
# goes the same day; later than that, the next morning's run lists everything anyway.
CELERY_BEAT_SCHEDULE["reporting-send-reminders"] = {
    "task": "reporting.tasks.send_reminders",
    "schedule": _crontab(hour=7, minute=30),
    "options": {"expires": 12 * 60 * 60},
}

# --- fund utilisation ---
# Every programme's fund utilisation compiled again each night (a safety net: awards and
# payments compile it as soon as they commit; an unchanged programme stores no version).
CELERY_BEAT_SCHEDULE["reporting-compile-fund-utilisation"] = {
    "task": "reporting.utilisation.compile_nightly",
    "schedule": _crontab(hour=3, minute=0),
    "options": {"expires": 6 * 60 * 60},
}

# --- Lists: lean list rows ---------------------------------------------------------------
# A list row and the whole object share their `status` choices: one name for each in the
# schema (ApplicationList and Application, GrantList and Grant).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ApplicationStatusEnum"] = (
    "grants.models.ApplicationStatus"
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["GrantStatusEnum"] = "grants.models.GrantStatus"
