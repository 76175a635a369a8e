"""Harbour's one settings file, read from the environment.

HARBOUR_ENV selects the profile: `production` turns on every transport and
cookie protection and refuses to start without real secrets; `development`
and `test` keep HTTP on localhost working. Everything else is a variable
documented in docs/configuration.md.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from harbour.core.crypto import parse_field_keys, parse_index_key
from harbour.core.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_str,
)
from harbour.core.logging import log_handlers
from harbour.core.site import PUBLIC_MIDDLEWARE as PUBLIC_MIDDLEWARE
from harbour.core.site import SITES, middleware_for, urlconf_for

BASE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = env_choice("HARBOUR_ENV", "development", ("development", "test", "production"))
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(env_str("HARBOUR_DATA_DIR", str(Path.cwd() / "data"))).resolve()
KEY_DIR = DATA_DIR / "keys"

# Demo mode loads fictional data and lets demo accounts in without a second
# factor. It is refused in production so that it can never guard real data.
DEMO_MODE = env_bool("HARBOUR_DEMO", False)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("HARBOUR_DEMO cannot be true when HARBOUR_ENV=production.")
REQUIRE_MFA = env_bool("HARBOUR_REQUIRE_MFA", not DEMO_MODE)

SECRET_KEY = env_secret("HARBOUR_SECRET_KEY", None if PRODUCTION else KEY_DIR / "secret.key")
# Field keys are separate from SECRET_KEY: rotating the session-signing key must
# never make case files unreadable, and leaking one must not expose the other.
FIELD_ENCRYPTION_KEYS = env_secret(
    "HARBOUR_FIELD_ENCRYPTION_KEYS", None if PRODUCTION else KEY_DIR / "field-encryption.keys"
).replace("\n", ",")
INDEX_KEY = env_secret("HARBOUR_INDEX_KEY", None if PRODUCTION else KEY_DIR / "index.key")
# Malformed keys stop the process now, not at the first request that needs them.
parse_field_keys(FIELD_ENCRYPTION_KEYS)
parse_index_key(INDEX_KEY)

DEBUG = env_bool("HARBOUR_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("HARBOUR_DEBUG cannot be true when HARBOUR_ENV=production.")

ALLOWED_HOSTS = env_list(
    "HARBOUR_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("HARBOUR_ALLOWED_HOSTS is required when HARBOUR_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("HARBOUR_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "harbour.core",
    "harbour.accounts",
    "harbour.audit",
    "harbour.cases",
    "harbour.screening",
    "harbour.pathways",
    "harbour.directory",
    "harbour.imports",
    "harbour.networks",
    "harbour.reports",
    "harbour.public",
    "django_tasks",
    "django_tasks_db",
    "harbour.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "harbour.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, the first reader of a POST's body: a body past the
    # upload limit answers 413, never 500 (harbour/core/upload_limit.py).
    "harbour.core.upload_limit.OversizedUploadMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "harbour.accounts.middleware.SessionTimeoutMiddleware",
    "harbour.accounts.middleware.MembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "harbour.core.middleware.NoStoreForStaffMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Which site this process serves: `public` (only /help/), `staff` (everything
# but /help/) or `both`. The public site always runs on its own lean stack,
# PUBLIC_MIDDLEWARE (no session, authentication, messages, axes or CSRF
# cookie); see harbour/core/site.py and docs/configuration.md.
HARBOUR_SITE = env_choice("HARBOUR_SITE", "both", SITES)
MIDDLEWARE = middleware_for(HARBOUR_SITE, MIDDLEWARE)
ROOT_URLCONF = urlconf_for(HARBOUR_SITE)
# Public pages remembered per worker process (harbour/core/page_memo.py); 0: off.
HARBOUR_PUBLIC_PAGE_MEMO = env_int("HARBOUR_PUBLIC_PAGE_MEMO", 512, minimum=0)
if HARBOUR_SITE == "public":
    # No sign-in on a public-only host, so no login throttling to install.
    SILENCED_SYSTEM_CHECKS = ["axes.W002"]
WSGI_APPLICATION = "harbour.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:dashboard"

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
                "csp.context_processors.nonce",
                "harbour.core.context_processors.harbour",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'harbour.sqlite3'}"),
        conn_max_age=env_int("HARBOUR_DB_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue instead of failing half-way.
    # secure_delete overwrites deleted rows, so shredded cases leave no bytes
    # behind in free pages of the file (docs/retention.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA secure_delete=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords and login -----------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock the (username, address) pair, never the username alone: otherwise anyone
# could lock a caseworker out by guessing from elsewhere (ASVS 6.1.1).
AXES_FAILURE_LIMIT = env_int("HARBOUR_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HARBOUR_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "harbour.accounts.views.lockout_response"
AXES_VERBOSE = False
HARBOUR_PROXY_COUNT = env_int("HARBOUR_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "harbour.core.net.client_ip"
OTP_TOTP_ISSUER = "Harbour"

# --- Sessions ------------------------------------------------------------------
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("HARBOUR_SESSION_IDLE_MINUTES", 30, minimum=1))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("HARBOUR_SESSION_MAX_HOURS", 12, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Transport and headers ---------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for the whole host, with
    # no Domain attribute: a sibling subdomain cannot plant or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("HARBOUR_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("HARBOUR_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["harbour.formats"]
USE_I18N = True
TIME_ZONE = env_str("HARBOUR_TIME_ZONE", "America/Toronto")
USE_TZ = True

# --- Static files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production the app serves its own static files straight from the
# source tree, so `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Logging ------------------------------------------------------------------------
# Logs carry event names and ids only; request bodies and field values are
# never logged (see docs/data-classification.md).
# The console, and with HARBOUR_LOG_FILE a file rotated at HARBOUR_LOG_MAX_MB
# keeping HARBOUR_LOG_FILES old ones (docs/configuration.md).
_log_handlers = log_handlers(
    log_file=env_str("HARBOUR_LOG_FILE", ""),
    max_mb=env_int("HARBOUR_LOG_MAX_MB", 10, minimum=1),
    files=env_int("HARBOUR_LOG_FILES", 5, minimum=1),
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No path, address or exception text of a public-site (/help/) request is
    # logged, and a refusal (4xx) is one line without traceback or path values
    # (harbour/core/logging.py); log_handlers puts both, in order, on every handler.
    "filters": {
        "one_line_refusals": {"()": "harbour.core.logging.OneLineRefusals"},
        "hide_public_requests": {"()": "harbour.core.logging.HidePublicRequests"},
    },
    "handlers": _log_handlers,
    "root": {"handlers": list(_log_handlers), "level": env_str("HARBOUR_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

PAGE_SIZE = 25

# --- Email (task reminders) and the site's own address ---------------------------
# Reminder emails carry a count and a sign-in link only (docs/tasks-and-deadlines.md).
HARBOUR_SITE_URL = env_str("HARBOUR_SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env_str("HARBOUR_EMAIL_FROM", "Harbour <harbour@localhost>")
if _raw_email_host := env_str("HARBOUR_EMAIL_HOST", ""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _raw_email_host
    EMAIL_PORT = env_int("HARBOUR_EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("HARBOUR_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_str("HARBOUR_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("HARBOUR_EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 30
elif PRODUCTION:
    # No mail server named: reminders are not sent (the command says so) rather
    # than printed into a production log.
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Case documents, exports and retention (docs/documents.md, docs/retention.md) ---
# Uploaded files are stored encrypted here, under random names.
DOCUMENT_ROOT = Path(env_str("HARBOUR_DOCUMENT_DIR", str(DATA_DIR / "documents"))).resolve()
UPLOAD_MAX_MB = env_int("HARBOUR_UPLOAD_MAX_MB", 20, minimum=1)
# Years a closed case is kept before `harbour shred` removes it; organisations
# may set their own. Seven outlasts the limitation periods for civil claims
# and the record-keeping duties funders and regulators commonly impose.
RETENTION_YEARS = env_int("HARBOUR_RETENTION_YEARS", 7, minimum=1)
EXPORT_MIN_PASSWORD_LENGTH = env_int("HARBOUR_EXPORT_MIN_PASSWORD_LENGTH", 14, minimum=10)
# Uploads are kept in memory, never in a temporary file (plaintext on disk).
FILE_UPLOAD_HANDLERS = ["harbour.cases.uploads.LimitedMemoryUploadHandler"]

# --- Spreadsheet imports: what one file may hold (docs/imports.md) ----------------
# Checked before the heavy work (harbour/core/spreadsheets.py): an .xlsx's ZIP
# sizes from its central directory before it is parsed, columns and cells row by
# row as they are read. Excel's own cell limit is 32,767 characters; Python's CSV
# reader stops at 131,072, so a cell limit above that could never be reached.
HARBOUR_IMPORT_MAX_ROWS = env_int("HARBOUR_IMPORT_MAX_ROWS", 100_000, minimum=1)
HARBOUR_IMPORT_MAX_COLUMNS = env_int("HARBOUR_IMPORT_MAX_COLUMNS", 500, minimum=1)
HARBOUR_IMPORT_MAX_CELL_CHARS = env_int("HARBOUR_IMPORT_MAX_CELL_CHARS", 32_767, minimum=1)
if HARBOUR_IMPORT_MAX_CELL_CHARS > 131_072:
    raise ImproperlyConfigured(
        "HARBOUR_IMPORT_MAX_CELL_CHARS must be at most 131072 (the CSV reader's own limit), "
        f"not {HARBOUR_IMPORT_MAX_CELL_CHARS}."
    )
HARBOUR_IMPORT_MAX_UNZIPPED_MB = env_int("HARBOUR_IMPORT_MAX_UNZIPPED_MB", 100, minimum=1)
HARBOUR_IMPORT_MAX_ZIP_RATIO = env_int("HARBOUR_IMPORT_MAX_ZIP_RATIO", 100, minimum=2)

# --- Background jobs (django-tasks) -------------------------------------------
# Long work (spreadsheet imports, full re-linkage) runs as django-tasks tasks in
# the database backend (django-tasks-db): the job survives a closed browser tab
# and reports progress. `harbour serve` starts one worker beside the web server;
# in production run `harbour db_worker` as its own service. The test profile
# runs tasks at once in the test's process; tests/imports run the real worker.
TASKS = {
    "default": {
        "BACKEND": env_str(
            "HARBOUR_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if ENVIRONMENT == "test"
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}
