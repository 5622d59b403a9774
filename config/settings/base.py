"""Settings for the embedded run and the base of every other settings module.

Everything a deployer changes comes from the environment (see README). The defaults give a
working portal with nothing but Python: SQLite in the project folder and eager Celery tasks.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="django-insecure-embedded-only-never-use-in-production"
)
DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    # Before import_export: core's `export`/`import` commands replace the library's, which
    # would write members' personal data with no log (core/management/commands/).
    "core",
    "import_export",
    "simple_history",
    "axes",
    # TOTP second factor and recovery codes (accounts/second_factor/)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "orgs",
    # What the pages share and that knows the organisations: export log, navigation.
    "portal",
    "members",
    "funding",
    "teams",
    # The year-end party statistics, computed from the roster and the tree.
    "partystats",
    "checklists",
    "assessments",
    "reports",
    # After axes and accounts: its receivers listen to their signals (audit/receivers/).
    "audit",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Needs the session, the user and messages; before axes, which only reads the outcome.
    "accounts.middleware.IdleTimeoutMiddleware",
    # After OTPMiddleware and the idle timeout (an idle session goes to the login page).
    "accounts.middleware.SecondFactorMiddleware",
    # After the second factor: a user with an initial password reaches only the change page.
    "accounts.passwords.middleware.PasswordChangeRequiredMiddleware",
    # After CSRF and authentication: a form kept at an idle timeout is sent again once its
    # user is back on its page (accounts/pending_post.py).
    "accounts.pending_post.PendingPostMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "portal.context_processors.portal",
                "core.context_processors.notifications",
            ],
        },
    },
]

# DATABASE_URL unset -> the embedded SQLite file; postgres://... -> PostgreSQL (psycopg 3).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and an eager task share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Take the write lock when a transaction starts, so read-then-write transactions
            # wait for each other instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # AxesBackend must come first: it refuses a locked-out user before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.passwords.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): five failures lock the username+IP pair for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_AGE", default=8 * 3600)
# A signed-in session unused this long is signed out (accounts/middleware.py); 0 never.
# SESSION_COOKIE_AGE stays the absolute limit.
SESSION_IDLE_TIMEOUT = env.int("DJANGO_SESSION_IDLE_MINUTES", default=30) * 60
if SESSION_IDLE_TIMEOUT < 0:
    raise ImproperlyConfigured("DJANGO_SESSION_IDLE_MINUTES must be 0 (off) or more.")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Second factor (TOTP, accounts/second_factor/) for superusers, holders of the full-view
# permission and county staff: off for the embedded demo, on in production.
OTP_REQUIRED = env.bool("DJANGO_OTP_REQUIRED", default=False)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4). Our templates have no inline script, style block
# or style="" (tests/security/test_csp.py), so everything comes from our own origin and an
# injected <script> or style="" is refused by the browser. Bars and charts are SVG whose
# width/fill presentation attributes style-src does not govern. img-src also allows data:
# URIs (small embedded images). Two cosmetic style="" in third-party admin templates
# (import-export's export page, simple-history's paginator) are dropped by the browser.
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

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Import files are at most this large (the admin form and the command both check it).
IMPORT_MAX_FILE_SIZE = env.int("IMPORT_MAX_FILE_SIZE", default=20 * 1024 * 1024)
# An .xlsx whose members declare more than this uncompressed is refused before it is
# opened (zip bombs; core/import_limits.py).
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
# Data rows per import file; a sheet whose cells reach further is refused before it is read.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)

# django-import-export: the admin keeps an uploaded file between preview and confirm in
# MEDIA_ROOT so that several web workers (and shared media storage) all find it.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = None
# Admin uploads with more data rows than this are checked and imported by a background
# job with visible progress instead of inside the request.
IMPORT_ASYNC_ROWS = env.int("IMPORT_ASYNC_ROWS", default=2000)

# django-simple-history
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = False

# Celery: REDIS_URL unset -> tasks run eagerly in the calling process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
# The worker logs through LOGGING below (with its personal-data filter), not its own setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
# Progress bulletins (reports.bulletin_runs): built this many days after the lists' deadline
# (CHECKLIST_DEADLINE_DAYS after the quarter); attempts after the first, the first retry
# delay in seconds (doubled each time), and the task's soft and hard time limits.
BULLETIN_DELAY_DAYS = env.int("BULLETIN_DELAY_DAYS", default=5)
BULLETIN_MAX_RETRIES = env.int("BULLETIN_MAX_RETRIES", default=3)
BULLETIN_RETRY_DELAY = env.int("BULLETIN_RETRY_DELAY", default=60)
BULLETIN_SOFT_TIME_LIMIT = env.int("BULLETIN_SOFT_TIME_LIMIT", default=600)
BULLETIN_TIME_LIMIT = env.int("BULLETIN_TIME_LIMIT", default=660)
# WeasyPrint may not give memory back: a worker child is replaced above this (KiB).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=512000)
# Dashboard figures (reports.figures) are cached: the running quarter's this many seconds
# (a beat job refreshes them for the county and townships), a past quarter's longer (its
# figures are those of its last day and do not change).
REPORTS_CURRENT_CACHE_SECONDS = env.int("REPORTS_CURRENT_CACHE_SECONDS", default=900)
REPORTS_PAST_CACHE_SECONDS = env.int("REPORTS_PAST_CACHE_SECONDS", default=6 * 3600)
CELERY_BEAT_SCHEDULE = {
    # The latest due quarter's bulletins for the county and each township; daily so that a
    # missed day catches up (idempotent: finished bulletins are kept, failed ones rebuilt).
    "build-quarter-bulletins": {
        "task": "reports.tasks.build_quarter_bulletins",
        "schedule": crontab(hour=3, minute=15),
    },
    # Bulletins whose worker was killed (still "running" past BULLETIN_TIME_LIMIT): queue
    # them again (any organisation, period or trigger; idempotent).
    "requeue-stale-bulletins": {
        "task": "reports.tasks.requeue_stale_bulletins",
        "schedule": 300.0,
    },
    # The dashboard's figures, so that no visitor waits for their computation.
    "refresh-dashboard-figures": {
        "task": "reports.tasks.refresh_dashboard_figures",
        "schedule": 600.0,
    },
    # simple-history writes a row on every save(), even when nothing changed.
    "clean-duplicate-history": {
        "task": "core.tasks.clean_duplicate_history",
        "schedule": crontab(hour=2, minute=30),
    },
    # The quarter's responsibility lists, on its first day (idempotent: a rerun adds none).
    "issue-quarter-checklists": {
        "task": "checklists.tasks.issue_quarter_checklists",
        "schedule": crontab(minute=30, hour=1, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # Reminders of the responsibility lists (idempotent: each event notifies once).
    "send-checklist-reminders": {
        "task": "checklists.tasks.send_checklist_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Tasks that could not be sent while Redis was down (core.outbox).
    "drain-outbox": {
        "task": "core.tasks.drain_outbox",
        "schedule": 60.0,
    },
    # Uploaded import files hold personal data: drop those checked but never confirmed.
    "purge-unconfirmed-import-files": {
        "task": "core.tasks.purge_unconfirmed_import_files",
        "schedule": crontab(minute=15),
    },
    # Audit events older than AUDIT_RETENTION_DAYS (idempotent).
    "purge-audit-events": {
        "task": "audit.tasks.purge_audit_events",
        "schedule": crontab(hour=4, minute=10),
    },
}

# The cache carries import-job progress from the worker to the web process, so with
# Redis it must be shared; the embedded default runs jobs in-process (local memory).
# cache.clear() deletes only the portal's keys (core/cache.py), never the broker's in the same db.
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails soft (core/cache.py): with Redis down the pages still work.
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": "portal",
            "TIMEOUT": 24 * 3600,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Totals of big lists (the member roster's "共 N 名") are cached until the tables behind
# them change (core/counting.py); at most this many seconds against writes the portal does
# not see. Needs the shared cache: 0 (count every time) without Redis.
COUNT_CACHE_SECONDS = env.int("COUNT_CACHE_SECONDS", default=300 if REDIS_URL else 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Personal data never reaches a log: ID and mobile numbers are masked (core/log_filters.py).
    "filters": {"personal_data": {"()": "core.log_filters.PersonalDataFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}

# Portal
PORTAL_TITLE = "基层党建管理平台"
# The name authenticator apps show next to the user name (django-otp).
OTP_TOTP_ISSUER = PORTAL_TITLE
# Member warnings (DOMAIN.md): a mobile member out of contact this long is flagged for
# 停止党籍 review; this many consecutive months without dues is the 自行脱党 case, flagged
# to the branch (the portal never changes a member's status by itself).
MOBILE_LOST_CONTACT_MONTHS = env.int("MOBILE_LOST_CONTACT_MONTHS", default=6)
DUES_LAPSE_MONTHS = env.int("DUES_LAPSE_MONTHS", default=6)
# Dues unpaid this many months back are listed as arrears on the dues page.
DUES_ARREARS_MONTHS = env.int("DUES_ARREARS_MONTHS", default=12)
# Evidence files (images/PDF) of every upload path, checked by core.uploads.upload_errors.
ATTACHMENT_MAX_SIZE = env.int("ATTACHMENT_MAX_SIZE", default=10 * 1024 * 1024)
# Pixels an image may declare: 64-MP phone photos pass, a 65535×65535 decompression bomb
# does not (below Pillow's own 89.5 MP warning, so the message can give width × height).
ATTACHMENT_MAX_IMAGE_PIXELS = env.int("ATTACHMENT_MAX_IMAGE_PIXELS", default=80_000_000)
# Village collective economy, in 万元: 空壳村 at or below WEAK, "5 万元以上" at or above
# STRONG (以上 includes the number), both judged on ECONOMY_JUDGED_INCOME: "operating"
# (经营性收入, the default) or "total" (集体经济总收入). Strings so the Decimal is exact
# (funding.selectors.economy.thresholds).
ECONOMY_WEAK_THRESHOLD_WAN = env.str("ECONOMY_WEAK_THRESHOLD_WAN", default="0")
ECONOMY_STRONG_THRESHOLD_WAN = env.str("ECONOMY_STRONG_THRESHOLD_WAN", default="5")
ECONOMY_JUDGED_INCOME = env.str("ECONOMY_JUDGED_INCOME", default="operating")
# Money budgeted but not disbursed (funding.services.standards): (months of the budget
# year elapsed, minimum execution rate %) — 50 % once the third quarter is over, all of it
# once the year is over.
FUND_EXECUTION_CHECKPOINTS = [(9, 50), (12, 100)]
# Notifications are also e-mailed only when a mail server is configured.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
# Secretaries' quarterly lists are due this many days after the quarter ends.
CHECKLIST_DEADLINE_DAYS = env.int("CHECKLIST_DEADLINE_DAYS", default=10)
# Responsibility lists (read by checklists.issuing and checklists.reviewing.rules): an item
# scored below this share (%) of its points becomes a rectification item (整改), due this
# many days after the list was approved.
CHECKLIST_RECTIFY_BELOW_PERCENT = env.int("CHECKLIST_RECTIFY_BELOW_PERCENT", default=60)
CHECKLIST_RECTIFY_DAYS = env.int("CHECKLIST_RECTIFY_DAYS", default=30)
# Seconds to wait for the mail server (notification copies are mailed from requests).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The portal's address as users reach it (https://dangjian.example.gov.cn): links in mailed
# notifications are made absolute with it (core.checks warns when mail is on without it).
PORTAL_URL = env.str("PORTAL_URL", default="").rstrip("/")
# Audit events (audit/) are kept this many days, then purged daily; below 180 (six months,
# Cybersecurity Law art. 21) `manage.py check` fails (audit.E001) and no purge runs.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

# ID numbers and phones are stored encrypted (core/encryption.py). PERSONAL_DATA_KEYS:
# base64 keys of 64 bytes, the first encrypts, all decrypt (rotation: docs/security-notes.md).
# Without it the embedded run makes a key of its own, once, in this file (keep it with
# the database: without it the numbers cannot be read); production refuses to start.
PERSONAL_DATA_KEYS = env.list("PERSONAL_DATA_KEYS", default=[])
PERSONAL_DATA_DEV_KEY_FILE = BASE_DIR / ".personal-data-key"

# The party statistics' occupations (职业) as (label, (工作岗位 values…)) pairs; None: the
# table in partystats/categories.py, which follows the 党内统计 categories one to one.
PARTY_STATISTICS_OCCUPATIONS = None
