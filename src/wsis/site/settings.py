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
    "wsis.apps.publishing",
    "wsis.apps.reports",
    "wsis.apps.forum",
    "wsis.apps.workspaces",
    "wsis.apps.operations",
    "wsis.apps.sdmx",
    "wsis.apps.federation",
    "django_tasks",
    "django_tasks_db",
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
    # A write waits up to WSIS_DB_LOCK_WAIT_SECONDS for a lock another writer holds (an import's
    # transaction), after which a page or API request answers 503 with Retry-After
    # (wsis.apps.operations.middleware) and a command says the database is busy: never a hang, never a 500.
    wait = float(os.environ.get("WSIS_DB_LOCK_WAIT_SECONDS", "20"))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while a writer imports; IMMEDIATE avoids "database is locked" upgrades.
        config.setdefault("OPTIONS", {}).update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": wait,
            }
        )
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})["options"] = f"-c lock_timeout={int(wait * 1000)}"
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches shared by every server process and the background worker: without a server on the embedded
# default (files under the data folder), Redis in production (WSIS_REDIS_URL, e.g. redis://127.0.0.1:6379/0,
# through Django's own RedisCache, with one client per process: wsis.site.redis_cache). "pages" holds whole
# public pages keyed by what each page depends on (wsis.apps.public.caching), "charts" the rendered SVG
# charts, "default" everything else.
WSIS_REDIS_URL = os.environ.get("WSIS_REDIS_URL", "")


# How long a process may reuse its reading of the data state that keys the page cache (seconds; 0 = read
# it on every request, so new data show at once). One second halves the cost of a cached page under load
# (bench/site) while new data still show within a second.
WSIS_PAGE_STATE_SECONDS = float(os.environ.get("WSIS_PAGE_STATE_SECONDS", "1"))
# With Redis, how much of the rendered pages each server process also keeps itself (MiB; 0 = none).
WSIS_PAGE_PROCESS_CACHE_MB = int(os.environ.get("WSIS_PAGE_PROCESS_CACHE_MB", "64"))


def _cache(name: str, max_entries: int) -> dict:
    if WSIS_REDIS_URL:
        # Redis evicts by its own maxmemory policy; the prefix keeps the three caches apart in one database.
        redis = {"LOCATION": WSIS_REDIS_URL, "KEY_PREFIX": f"wsis-{name}"}
        if name == "pages" and WSIS_PAGE_PROCESS_CACHE_MB > 0:
            # A cached page's key names its content (wsis.apps.public.caching.page_key): each process keeps
            # the pages it served, and forgets them within WSIS_PAGE_STATE_SECONDS of a clear.
            return redis | {
                "BACKEND": "wsis.site.redis_cache.ProcessCopyRedisCache",
                "OPTIONS": {
                    "PREFIXES": ("public-page:",),
                    "MAX_BYTES": WSIS_PAGE_PROCESS_CACHE_MB * 2**20,
                    "CHECK_SECONDS": WSIS_PAGE_STATE_SECONDS,
                },
            }
        return redis | {"BACKEND": "wsis.site.redis_cache.ReusedClientRedisCache"}
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / name),
        "OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 4},
    }


CACHES = {
    "default": _cache("default", 5000),
    # Every economy, group and indicator page in six languages is about 3,000 pages, plus downloads.
    "pages": _cache("pages", 20000),
    "charts": _cache("charts", 20000),
}
# For how long after its data changed a cached public page is still served as it was, while the background
# warm-up renders it again (seconds; 0 = the first visitor renders it). Past that, one visitor renders it and
# the others keep the previous rendering until it is ready (wsis.apps.public.caching).
WSIS_PAGE_STALE_SECONDS = float(os.environ.get("WSIS_PAGE_STALE_SECONDS", "15"))

# Background work (refreshing the published figures, warming the page cache after a publication) goes
# through Django's tasks API (the django-tasks backport) into a queue kept in the database, so the
# embedded default needs no queue server: `wsis worker` (scripts/run.sh starts one) runs the tasks.
# WSIS_TASKS_IMMEDIATE=1 runs each task at once in the process that enqueues it (no worker needed).
# After each publication, queue the re-rendering of the most visited pages (wsis.apps.public.warmup).
WSIS_WARM_PAGES = os.environ.get("WSIS_WARM_PAGES", "1") == "1"
# How much `wsis worker` lowers its scheduling priority (nice), so that background work on the machine the
# web server runs on never makes visitors wait; 0 keeps the priority it was started with.
WSIS_WORKER_NICE = int(os.environ.get("WSIS_WORKER_NICE", "10"))
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("WSIS_TASKS_IMMEDIATE", "") == "1"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

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
# The whole warehouse as open data (`wsis dump` writes it; the bulk download page lists and serves it).
WSIS_WAREHOUSE_DUMP_DIR = DATA_DIR / "warehouse-dump"
# Federation (wsis.apps.federation): pulls from SDMX sources retry transient failures this many times,
# waiting BACKOFF, 2xBACKOFF, 4xBACKOFF... seconds; each request waits TIMEOUT seconds; a message over
# MAX_BYTES is refused.
WSIS_FEDERATION_RETRIES = int(os.environ.get("WSIS_FEDERATION_RETRIES", "3"))
WSIS_FEDERATION_BACKOFF_SECONDS = float(os.environ.get("WSIS_FEDERATION_BACKOFF_SECONDS", "2"))
WSIS_FEDERATION_TIMEOUT_SECONDS = float(os.environ.get("WSIS_FEDERATION_TIMEOUT_SECONDS", "30"))
WSIS_FEDERATION_MAX_BYTES = int(os.environ.get("WSIS_FEDERATION_MAX_BYTES", str(64 * 2**20)))
# Country case studies (para 100a): a document published here or pulled from a source is at most this big.
WSIS_CASE_STUDY_MAX_BYTES = int(os.environ.get("WSIS_CASE_STUDY_MAX_BYTES", str(20 * 2**20)))
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

# ---- Production security (issue 14): HTTPS, proxy headers, Content-Security-Policy, sign-in throttle ----
# WSIS_HTTPS=1 when the site is served over HTTPS: HSTS, Secure cookies and the HTTP -> HTTPS redirect, each
# of which WSIS_HSTS_SECONDS, WSIS_HSTS_SUBDOMAINS, WSIS_HSTS_PRELOAD and WSIS_HTTPS_REDIRECT can change.
# WSIS_BEHIND_PROXY=1 behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto and
# X-Forwarded-For (WSIS_PROXY_COUNT proxies in front, default 1): trust those two headers, and no others.


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0") == "1"


WSIS_HTTPS = _flag("WSIS_HTTPS")
SECURE_SSL_REDIRECT = _flag("WSIS_HTTPS_REDIRECT", WSIS_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's health check may speak plain HTTP
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = WSIS_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("WSIS_HSTS_SECONDS", "31536000" if WSIS_HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("WSIS_HSTS_SUBDOMAINS", WSIS_HTTPS)
SECURE_HSTS_PRELOAD = _flag("WSIS_HSTS_PRELOAD", WSIS_HTTPS)
if _flag("WSIS_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = int(os.environ.get("WSIS_PROXY_COUNT", "1"))
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content-Security-Policy on every response (django-csp): scripts, styles and fonts only from our own
# static files (no inline script or style anywhere; charts are inline SVG, which the policy does not
# restrict, and the interactive charts run Vega's CSP-safe expression interpreter). No nonces: whole
# pages are cached and shared between visitors. WSIS_CSP_REPORT_URI collects violation reports.
_SELF, _NONE = "'self'", "'none'"
_CSP_REPORTS = os.environ.get("WSIS_CSP_REPORT_URI", "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
        **({"upgrade-insecure-requests": True} if WSIS_HTTPS else {}),
        **({"report-uri": [_CSP_REPORTS]} if _CSP_REPORTS else {}),
    }
}
INSTALLED_APPS += ["csp", "axes"]
_AFTER_SECURITY = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
# The site-wide policy is built once per process (wsis.site.security_policy), not for every response.
MIDDLEWARE.insert(_AFTER_SECURITY, "wsis.site.security_policy.PrebuiltCSPMiddleware")
# Sign-in throttle (django-axes, kept in the database so every server process sees every failure): after
# WSIS_LOGIN_FAILURE_LIMIT failures for one user name from one address, sign-in (and API tokens, which
# report their failures the same way) is refused with a 429 for WSIS_LOGIN_COOLOFF_MINUTES.
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
# A write that meets another writer's lock (SQLite busy, PostgreSQL deadlock or lock timeout) answers 503
# with Retry-After, never a 500; data writers (imports, refreshes) take turns through one lock and wait
# for it up to WSIS_WRITER_WAIT_SECONDS (wsis.apps.operations).
MIDDLEWARE += [
    "wsis.apps.operations.middleware.BusyDatabaseMiddleware",
    # The signed-in user is the actor of the staff actions the audit log records.
    "wsis.apps.operations.middleware.AuditActorMiddleware",
]
WSIS_WRITER_WAIT_SECONDS = float(os.environ.get("WSIS_WRITER_WAIT_SECONDS", "900"))
WSIS_BUSY_RETRY_AFTER = 5
AUTHENTICATION_BACKENDS.insert(0, "axes.backends.AxesStandaloneBackend")
AXES_FAILURE_LIMIT = int(os.environ.get("WSIS_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = float(os.environ.get("WSIS_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wsis.apps.accounts.throttle.locked_out"
# Registry bulk imports larger than this are refused from their declared size, before the body is read.
WSIS_REGISTRY_IMPORT_MAX_BYTES = int(os.environ.get("WSIS_REGISTRY_IMPORT_MAX_BYTES", str(20 * 2**20)))
# ---- end of production security ----

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WSIS_LOG_LEVEL", "WARNING")},
}
