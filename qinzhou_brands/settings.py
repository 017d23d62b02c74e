"""Settings for the 钦州 "八桂系列" labour-brand back office.

One file, driven by environment variables with safe local defaults: a fresh checkout runs
with no configuration (SQLite, eager Celery, local-memory cache). Production sets
DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from qinzhou_brands.storage import default_storage

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY 未设置：关闭调试模式（DJANGO_DEBUG=0）时必须提供密钥。")
    SECRET_KEY = "django-insecure-local-development-only-not-for-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "qinzhou_brands.apps.LockoutConfig",  # django-axes, named in Chinese
    "simple_history",
    # REST API v1 (qinzhou_brands/api.py): token and session auth, filters, OpenAPI schema with local assets.
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Project apps, bottom layer first (see DESIGN.md for the import direction).
    "core",
    "brands",
    "accounts",
    "notices",  # messages sent (SMS, e-mail) and their log; used by the apps above
    "training",
    "employment",
    "followups",  # 跟踪服务: follow-up after placement (reads employment)
    "subsidies",
    "plans",
    "plantasks",  # 任务分工: the plan's tasks, departments' quarterly reports (the board is dashboard's)
    "dashboard",
    "inbox",  # 待办: reads every app's selectors, nothing imports it
    "demo",  # load_demo and its --scale generator: tooling, nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (the other security headers come from the line above).
    "qinzhou_brands.middleware.SecurityHeadersMiddleware",
    # Control characters, impossible date filters and over-large bodies: a Chinese 400/413 before any view
    # (and before CSRF and axes read the body).
    "qinzhou_brands.robustness.RequestInputMiddleware",
    # The database not answering (PostgreSQL restarting): a Chinese 503 page instead of a 500 (issue 20).
    "qinzhou_brands.faults.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-simple-history: records the request's user as history_user of admin and view changes.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qinzhou_brands.urls"
WSGI_APPLICATION = "qinzhou_brands.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.staff_scope",
                "inbox.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# No JIT compilation on PostgreSQL: the pages' queries with correlated subqueries are estimated expensive
# enough to trigger it, and compiling took longer than running them (the referral worklist's count at
# 200,000 scale enrolments: 1.4 s with JIT, 1.1 s without). DJANGO_PG_JIT=1 turns it back on.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env_bool("DJANGO_PG_JIT", False):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# SQLite: every transaction takes the write lock when it begins (BEGIN IMMEDIATE), and a second one waits up to
# 20 s for it. With the default deferred transactions, two approvals racing for the last money both read, and
# the second to write failed at once with "database is locked" (500) instead of waiting for the first and
# being refused with the budget's message, as on PostgreSQL where the budget row is locked.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# The cache belongs on a Redis database of its own (e.g. …/1 when the broker is on …/0): clearing the
# cache empties its whole database, and the Celery broker's queued tasks must not be in it.
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", REDIS_URL)
if REDIS_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Authentication: axes first so that a locked-out username never reaches the model backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# New and changed passwords are stored with Argon2id (accounts/hashers.py); hashes made before with Django's
# PBKDF2 default still verify and are rewritten at their owner's next login.
PASSWORD_HASHERS = [
    "accounts.hashers.CityArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.NotCurrentPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: a county office shares one public IP address, so lock the username, not the address.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# axes.W006 asks for the IP address among the lockout parameters; a county office's staff share
# one public address, so an IP lock would let one mistyped password lock out a whole bureau.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions end after 30 minutes without activity (personal data on screen in shared county offices):
# every request moves the expiry on. DJANGO_SESSION_IDLE_MINUTES sets it; DJANGO_SESSION_AGE (seconds),
# the older name, still counts when the new one is absent.
SESSION_COOKIE_AGE = 60 * int(os.environ.get("DJANGO_SESSION_IDLE_MINUTES") or 0) or int(
    os.environ.get("DJANGO_SESSION_AGE") or 30 * 60
)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
# Thousands separators in amounts (qinzhou_brands/formats/zh_Hans/formats.py).
FORMAT_MODULE_PATH = ["qinzhou_brands.formats"]
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded files: this host's MEDIA_ROOT, or an S3-compatible store for several hosts (DJANGO_FILE_STORAGE=s3
# and S3_*; qinzhou_brands/storage.py).
STORAGES = {
    "default": default_storage(os.environ),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Upload limits: an uploaded file is at most UPLOAD_MAX_BYTES, the one figure every message states (rosters and
# referral sheets read it as core.spreadsheets.MAX_UPLOAD_BYTES, evidence as subsidies' EVIDENCE_MAX_BYTES; both are
# held to it by qinzhou_brands/tests/test_robustness.py); anything larger is refused with a Chinese message.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 2 * 1024 * 1024  # the file and the form around it
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: with no REDIS_URL tasks run in-process, so `make run` needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Broker outages (issue 20): a request gives up on an unreachable broker within a few seconds instead of
# hanging ~20 s and answering 500. CELERY_BROKER_TIMEOUT seconds to connect, one quick retry; no task's result
# is read, so the result store is never contacted on publish. An import the broker did not take waits as its
# record (the outbox, core/imports/dispatch.py) and the sweep below sends it when the broker answers again.
BROKER_TIMEOUT = float(os.environ.get("CELERY_BROKER_TIMEOUT", "2"))
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT,
    "socket_timeout": 2 * BROKER_TIMEOUT,
    # An unacknowledged task (its worker was killed) goes back to the queue after this long, well before
    # IMPORT_STALE_MINUTES marks its import failed.
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_TASK_IGNORE_RESULT = True
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = 2 * BROKER_TIMEOUT
# Celery beat (`make beat`; deploy/systemd/qinzhou-beat.service): the outbox sweep below, and a worker heartbeat every
# minute: /healthz (core.health) reports the worker down when the last one is older than HEALTH_HEARTBEAT_MAX_AGE_SECONDS.
CELERY_BEAT_SCHEDULE = {
    "import-outbox-sweep": {"task": "core.imports.tasks.import_sweep_task", "schedule": 60.0},
    "worker-heartbeat": {"task": "core.tasks.worker_heartbeat", "schedule": 60.0},
    # Each staff user's inbox by e-mail every morning (inbox/tasks.py), unless they turned it off.
    "inbox-daily-digest": {
        "task": "inbox.tasks.daily_digest",
        "schedule": crontab(hour=int(os.environ.get("INBOX_DIGEST_HOUR", "7")), minute=30),
    },
}
# The cache usually shares the broker's Redis: the same few seconds, not the operating system's TCP timeout,
# when it is unreachable (the import pages answer without their progress figures then).
if REDIS_CACHE_URL:
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": 2 * BROKER_TIMEOUT}
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = int(os.environ.get("HEALTH_HEARTBEAT_MAX_AGE_SECONDS", "300"))
# /healthz reports the upload disk (MEDIA_ROOT's file system) "low" below this many MB free.
HEALTH_MIN_FREE_DISK_MB = int(os.environ.get("HEALTH_MIN_FREE_DISK_MB", "1024"))

# HTTPS-only settings whenever debug is off, unless DJANGO_SECURE=0 (plain HTTP on a trusted network, tests).
SECURE = env_bool("DJANGO_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No script reads the CSRF cookie: forms carry the token, and so do Swagger UI and DRF's browsable API.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "qinzhou_brands.views.csrf_failure"
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Errors reach the bureau: every ERROR record (a 500, a failed task) is e-mailed to DJANGO_ADMINS
# ("姓名 <地址>, 地址2") when debug is off, without form values, variables or query strings
# (qinzhou_brands.log_filters); the mail goes through DJANGO_EMAIL_HOST.
ADMINS = [(name or address, address) for name, address in getaddresses(env_list("DJANGO_ADMINS")) if address]
SERVER_EMAIL = DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "root@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_SUBJECT_PREFIX = "[八桂劳务品牌] "
# The daily digest goes through the same mail server; the backend may be swapped (console, file) for a trial.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# The address staff open the system at: the links in e-mails (no request to take it from in a Celery task).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
# The inbox (待办) is cached per user this long: the navigation badge reads it on every page.
INBOX_CACHE_SECONDS = int(os.environ.get("INBOX_CACHE_SECONDS", "60"))

# SMS to trainees (notices/sms.py): the backend by dotted path; empty sends nothing. The console backend (the
# default) only writes to the log; the HTTP gateway backend needs the URL and key, and adds the signature (短信签名).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notices.sms.ConsoleBackend")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = os.environ.get("SMS_GATEWAY_KEY", "")
SMS_GATEWAY_SIGNATURE = os.environ.get("SMS_GATEWAY_SIGNATURE", "【钦州人社】")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "5"))
DEFAULT_EXCEPTION_REPORTER = "qinzhou_brands.log_filters.PersonalDataExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "qinzhou_brands.log_filters.PersonalDataReporterFilter"
# Log lines: one JSON object each (for a log collector) or plain text; JSON by default with debug off.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r}：只能是 plain 或 json。")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "qinzhou_brands.log_filters.JsonFormatter"},
    },
    # ID and mobile numbers are masked in every line a handler writes (error details, tracebacks).
    "filters": {
        "personal_data": {"()": "qinzhou_brands.middleware.PersonalDataLogFilter"},
        "client_errors_one_line": {"()": "qinzhou_brands.log_filters.ClientErrorsOneLine"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["personal_data"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "personal_data"],
        },
    },
    "root": {"handlers": ["console", "mail_admins"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's own console handler (debug only) on top of the root's wrote each line twice.
        "django": {"handlers": [], "level": "INFO"},
        # A 403/404 is one line, without the traceback of the PermissionDenied/Http404 behind it.
        "django.request": {"filters": ["client_errors_one_line"]},
    },
}

# Programme rules that are settings rather than data.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Bagui@2025demo")
# A trainee's age at the batch's start date must be within these bounds (roster import, forms).
TRAINEE_MIN_AGE = int(os.environ.get("TRAINEE_MIN_AGE", "16"))
TRAINEE_MAX_AGE = int(os.environ.get("TRAINEE_MAX_AGE", "75"))
# Every spreadsheet import (core/imports): files over this many rows are checked and written on a Celery
# worker; a check or commit still running IMPORT_STALE_MINUTES after the upload has lost its worker.
# ROSTER_INLINE_MAX_ROWS is its name before every import ran on one pipeline: still read, so a deployment keeps it.
IMPORT_INLINE_MAX_ROWS = int(os.environ.get("IMPORT_INLINE_MAX_ROWS", os.environ.get("ROSTER_INLINE_MAX_ROWS", "2000")))
IMPORT_STALE_MINUTES = int(os.environ.get("IMPORT_STALE_MINUTES", "120"))
# A roster whose ID numbers match this many people registered through other areas is flagged in the
# 个人信息操作记录 (each match is recorded either way): a list of numbers is how the registry would be probed.
ROSTER_ELSEWHERE_ALERT = int(os.environ.get("ROSTER_ELSEWHERE_ALERT", "20"))
# The 推荐编号 of a worklist export (employment/referral_keys.py) is accepted by the referral import this long.
REFERRAL_KEY_MAX_AGE_DAYS = int(os.environ.get("REFERRAL_KEY_MAX_AGE_DAYS", "180"))
# 跟踪服务: months after an employment or flexible-employment outcome's start date at which a follow-up falls
# due, and how many days after its due date an unrecorded follow-up counts as overdue (followups/schedule.py).
FOLLOW_UP_MONTHS = sorted({int(m) for m in env_list("FOLLOW_UP_MONTHS", "1,3,6,12")})
FOLLOW_UP_GRACE_DAYS = int(os.environ.get("FOLLOW_UP_GRACE_DAYS", "30"))
# Subsidy limits: a person's training subsidy once per occupation and level, at most N times a year.
SUBSIDY_TRAINING_ONCE_PER_OCCUPATION_LEVEL = env_bool("SUBSIDY_TRAINING_ONCE_PER_OCCUPATION_LEVEL", True)
SUBSIDY_TRAINING_MAX_PER_YEAR = int(os.environ.get("SUBSIDY_TRAINING_MAX_PER_YEAR", "3"))
# Whether the people start-ups employ (带动就业, an entrepreneurship outcome's 带动就业人数) count in the
# 带动就业创业人次 against the jobs targets. They are always shown beside it; the city decides whether they
# count, so off until it has.
JOBS_COUNT_STARTUP_EMPLOYEES = env_bool("JOBS_COUNT_STARTUP_EMPLOYEES", False)
# A county's monthly report (月报) is on time when first submitted by this day of the following month.
MONTHLY_REPORT_DEADLINE_DAY = int(os.environ.get("MONTHLY_REPORT_DEADLINE_DAY", "10"))

# --- REST API v1 (/api/v1/, schema at /api/schema/, Swagger UI at /api/docs/) ------------------------------
# Token first (DRF's, ending after API_TOKEN_TTL_DAYS): a request without credentials is answered 401
# with `WWW-Authenticate: Token`.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.ExpiringTokenAuthentication",
        "qinzhou_brands.authentication.SessionAuthentication",  # its CSRF refusal in Chinese
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.RolePermissions"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["core.api.FilterBackend"],  # django-filter's, refusing empty values
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Uploads (the roster) declare their own parser; everything else is JSON.
    "DEFAULT_PARSER_CLASSES": ["core.api.JSONParser"],  # DRF's, refusing deep nesting with a 400
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "qinzhou_brands.api.exception_handler",
    # OPTIONS is not part of the API (the schema at /api/schema/ describes it): 405.
    "DEFAULT_METADATA_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "钦州市“八桂系列”劳务品牌管理系统 API",
    "DESCRIPTION": (
        "钦州市“八桂系列”劳务品牌工作（钦政办〔2022〕22号）后台的 REST 接口：培训班期、学员、参训记录、花名册导入、"
        "岗位推荐、就业创业结果、补贴申请及其办理流程、工作进度。\n\n"
        "认证：请求头 `Authorization: Token <令牌>`（令牌由管理员用 `python manage.py drf_create_token 用户名` 生成），"
        "或已登录的浏览器会话。权限与页面一致：县区用户只能看到本县区的记录，其他县区的记录返回 404。"
        '身份证号码一律脱敏显示。出错时返回 JSON：`{"detail": 说明, "errors": {字段: [说明]}}`。'
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents its error answers in the shared format (qinzhou_brands/api.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "qinzhou_brands.api.document_errors"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AreaKindEnum": "brands.models.Area.Kind",
        "BatchStatusEnum": "training.models.TrainingBatch.Status",
        "BatchModeEnum": "training.models.TrainingBatch.Mode",
        "OutcomeKindEnum": "employment.models.EmploymentOutcome.Kind",
        "SubsidyKindEnum": "subsidies.models.SubsidyKind",
        "ApplicationStatusEnum": "subsidies.models.SubsidyApplication.Status",
        "TaskAssessmentEnum": "plantasks.models.TaskReport.Assessment",
        "AssessmentEnum": "training.models.Enrolment.Assessment",  # its name before the tasks API had one too
    },
    "TAGS": [
        {"name": "areas", "description": "地区（区划代码）"},
        {"name": "brands", "description": "劳务品牌"},
        {"name": "occupations", "description": "培训工种清单"},
        {"name": "batches", "description": "培训班期、花名册导入、结业与证书"},
        {"name": "trainees", "description": "学员（身份证号码脱敏）"},
        {"name": "enrolments", "description": "参训记录"},
        {"name": "referrals", "description": "岗位推荐"},
        {"name": "outcomes", "description": "就业创业结果"},
        {"name": "applications", "description": "补贴申请及其办理流程"},
        {"name": "progress", "description": "工作进度（对照目标）"},
    ],
}
# How many records naming a person (trainee, enrolment, referral, outcome, application) one user may read by
# id through the API, in DRF's "N/second|minute|hour|day" (accounts.api.PersonDetailThrottle; counted in the
# default cache, so Redis in production). Lists are not throttled: each page is an audited export.
API_PERSON_DETAIL_RATE = os.environ.get("API_PERSON_DETAIL_RATE", "120/hour")
# Days an API token (`manage.py drf_create_token USERNAME`) stays valid after it was made; a password change or
# deactivation of its user deletes it at once.
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "90"))

# Optional error reporting to Sentry (or a compatible server such as GlitchTip): events carry no personal
# data (qinzhou_brands.error_reporting scrubs them). SENTRY_ENVIRONMENT names the installation.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from qinzhou_brands.error_reporting import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"))
