"""Django settings. Everything a deployment changes comes from ``WSIS_*`` environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from wsis.paths import data_home

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_home()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """From WSIS_SECRET_KEY, else one generated once per data folder (never a key shipped in the code)."""
    if key := os.environ.get("WSIS_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("WSIS_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("WSIS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "wsis.apps.reference",
    "wsis.apps.warehouse",
    "wsis.apps.accounts",
    "wsis.apps.registry",
    "wsis.apps.measure",
    "wsis.apps.prizes",
    "wsis.apps.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed on the way out (static files are pre-compressed by whitenoise); ETag/304 from the
    # uncompressed body, so a revisit that changed nothing costs a few hundred bytes.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "wsis.site.urls"
WSGI_APPLICATION = "wsis.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wsis.site.context.site",
            ],
        },
    }
]


def _database() -> dict:
    url = os.environ.get("WSIS_DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "wsis.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while a writer imports; IMMEDIATE avoids "database is locked" upgrades.
        config.setdefault("OPTIONS", {}).update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            }
        )
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# In-process caches. "pages" holds whole public pages keyed by the data state (wsis.apps.public.caching),
# so new data invalidate them without a shared cache server between workers.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
# How long a process may reuse its reading of the data state that keys the page cache (seconds; 0 = read
# it on every request, so new data show at once). One second halves the cost of a cached page under load
# (bench/site) while new data still show within a second.
WSIS_PAGE_STATE_SECONDS = float(os.environ.get("WSIS_PAGE_STATE_SECONDS", "1"))

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "home"

# E-mail: SMTP when WSIS_SMTP_HOST is set, else messages are written as files under the data folder.
DEFAULT_FROM_EMAIL = os.environ.get("WSIS_FROM_EMAIL", "noreply@localhost")
if os.environ.get("WSIS_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["WSIS_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("WSIS_SMTP_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("WSIS_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("WSIS_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("WSIS_SMTP_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox"

# Stocktaking registry: re-verification lights and silence, attachments (stored outside the web root).
WSIS_REGISTRY_YELLOW_AFTER_DAYS = int(os.environ.get("WSIS_REGISTRY_YELLOW_AFTER_DAYS", "365"))
WSIS_REGISTRY_RED_AFTER_DAYS = int(os.environ.get("WSIS_REGISTRY_RED_AFTER_DAYS", "455"))
WSIS_REGISTRY_INACTIVE_AFTER_DAYS = int(os.environ.get("WSIS_REGISTRY_INACTIVE_AFTER_DAYS", "730"))
WSIS_REGISTRY_ATTACHMENT_DIR = DATA_DIR / "attachments"
WSIS_REGISTRY_ATTACHMENT_MAX_BYTES = int(os.environ.get("WSIS_REGISTRY_ATTACHMENT_MAX_BYTES", str(5 * 2**20)))
WSIS_REGISTRY_DUMP_DIR = DATA_DIR / "dumps"
WSIS_PUBLIC_URL = os.environ.get("WSIS_PUBLIC_URL", "http://localhost:8000")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# The six official languages of the United Nations, each named in itself for the switcher.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WSIS_LOG_LEVEL", "WARNING")},
}
