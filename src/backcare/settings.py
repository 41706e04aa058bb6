"""Django settings, read from the environment (see the README's configuration table)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import platformdirs
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from backcare.lib.env import (
    ensure_writable_dir,
    envbool,
    envint,
    envlist,
    envstr,
    load_or_create_secret,
)

BASE_DIR = Path(__file__).resolve().parent

_data_dir_raw = envstr("BACKCARE_DATA_DIR", "") or platformdirs.user_data_dir("backcare")
DATA_DIR = ensure_writable_dir(Path(_data_dir_raw).expanduser().resolve(), "BACKCARE_DATA_DIR")

SECRET_KEY = envstr("BACKCARE_SECRET_KEY", "") or load_or_create_secret(DATA_DIR / "secret_key")
DEBUG = envbool("BACKCARE_DEBUG", False)

# "local": one owner on this computer, signed in by a one-time link printed by
# `backcare serve`. "multi": accounts with email and password.
MODE = envstr("BACKCARE_MODE", "local").strip().lower()
if MODE not in {"local", "multi"}:
    raise ImproperlyConfigured(f"BACKCARE_MODE={MODE!r}: use local or multi.")
LOCAL_MODE = MODE == "local"

ALLOWED_HOSTS = envlist("BACKCARE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("BACKCARE_CSRF_TRUSTED_ORIGINS", [])
EMERGENCY_NUMBER = envstr("BACKCARE_EMERGENCY_NUMBER", "112")
# `backcare serve`: processes (0 = one in local mode, one per core otherwise)
# and threads per process.
SERVER_WORKERS = envint("BACKCARE_WORKERS", 0)
SERVER_THREADS = envint("BACKCARE_THREADS", 2)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "csp",
    # Serves the API docs' Swagger UI from ninja's own static files, not a CDN.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "backcare.accounts",
    "backcare.library",
    "backcare.safety",
    "backcare.practice",
    "backcare.plans",
    "backcare.reminders",
    "backcare.checkins",
    "backcare.teams",
    "backcare.front",
]

MIDDLEWARE = [
    "backcare.front.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "backcare.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "backcare.accounts.middleware.RequireLoginMiddleware",
]

ROOT_URLCONF = "backcare.urls"
WSGI_APPLICATION = "backcare.wsgi.application"

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
                "backcare.front.context_processors.backcare",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = envstr("BACKCARE_DATABASE_URL", "") or f"sqlite:///{DATA_DIR / 'backcare.sqlite3'}"
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
except ValueError as exc:
    raise ImproperlyConfigured(f"BACKCARE_DATABASE_URL is not a database URL: {exc}") from None

if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db_path = Path(str(_db["NAME"]))
    if str(_db_path) != ":memory:":
        ensure_writable_dir(_db_path.parent, "BACKCARE_DATABASE_URL or BACKCARE_DATA_DIR")
        if _db_path.exists() and not _db_path.stat().st_mode & 0o200:
            raise ImproperlyConfigured(
                f"The database file {_db_path} is read-only. "
                "Set BACKCARE_DATABASE_URL or BACKCARE_DATA_DIR to a writable location."
            )
    # WAL lets readers and one writer work at once; IMMEDIATE transactions and a
    # busy timeout make concurrent writers wait instead of failing at once.
    _db["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every app process, so rate limits hold across servers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "backcare_cache",
    }
}

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "locked" if LOCAL_MODE else "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = envstr("BACKCARE_EMAIL_VERIFICATION", "none")
ACCOUNT_LOGOUT_ON_GET = False
# Five failed logins a minute per address, ten per five minutes per account.
ACCOUNT_RATE_LIMITS = {"login_failed": "5/m/ip,10/5m/key"}
ACCOUNT_ALLOW_SIGNUPS = envbool("BACKCARE_ALLOW_SIGNUPS", not LOCAL_MODE)
ACCOUNT_ADAPTER = "backcare.accounts.adapter.AccountAdapter"
EMAIL_BACKEND = envstr("BACKCARE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("BACKCARE_DEFAULT_FROM_EMAIL", "backcare@localhost")
LOGIN_TOKEN_TTL_S = envint("BACKCARE_LOGIN_TOKEN_TTL", 15 * 60)

# --- Security -------------------------------------------------------------------
SECURE_COOKIES = envbool("BACKCARE_SECURE_COOKIES", not LOCAL_MODE)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent only on HTTPS responses, so it is safe to leave on for plain-HTTP local use.
SECURE_HSTS_SECONDS = envint("BACKCARE_HSTS_SECONDS", 60 * 60 * 24 * 365)
if envbool("BACKCARE_TRUST_PROXY_HEADERS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "font-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

NINJA_PAGINATION_PER_PAGE = 20
# A page is at most this long; a limit above it gets a 422, not a huge query.
NINJA_PAGINATION_MAX_LIMIT = 500

# --- Background work and reminders ---------------------------------------------------
# Tasks are rows in the app's own database; `backcare worker` runs them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Web Push: the contact a push service may write to about this install's pushes.
PUSH_CONTACT = envstr("BACKCARE_PUSH_CONTACT", "mailto:admin@localhost")
# Real push services are https; tests run one on plain http on localhost.
PUSH_ALLOW_HTTP = envbool("BACKCARE_PUSH_ALLOW_HTTP", False)
# How often the worker looks for due reminders and refreshes subscribed calendars.
WORKER_TICK_S = envint("BACKCARE_WORKER_TICK", 15)
CALENDAR_REFRESH_S = envint("BACKCARE_CALENDAR_REFRESH", 30 * 60)

# --- Static files, language, time --------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Serve straight from the package: `backcare serve` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("da", "Dansk")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("BACKCARE_LOG_LEVEL", "WARNING")},
}
