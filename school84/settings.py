"""Settings of the School 84 e-journal, driven by the environment.

Every value comes from an environment variable read by a small function that fails loudly
on a bad value. Unset variables give a working demo: SQLite in the project and Celery tasks
run in-process. Only the test settings (``school84.settings_test``) differ from this module.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str | None) -> dict:
    """``DATABASE_URL`` → a ``DATABASES["default"]`` entry; unset means SQLite in the project."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL must name a database: postgres://user@host:5432/name")
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": envint("CONN_MAX_AGE", "60"),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    if parsed.scheme == "sqlite":
        # As in SQLAlchemy and dj-database-url: sqlite:///relative.sqlite3, sqlite:////absolute/path.sqlite3
        path = unquote(parsed.path)[1:]
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": (BASE_DIR / path) if path and not path.startswith("/") else (path or BASE_DIR / "db.sqlite3"),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    raise ImproperlyConfigured(f"DATABASE_URL must start with postgres:// or sqlite://, got {parsed.scheme!r}")


DEBUG = envbool("DEBUG", "true")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-school84-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "journal",
    "onboarding",
    "diary",
    "audit",
    "demo",  # the demo school generator: above every other app, imported by nothing but bench/
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "journal.middleware.LoginRequiredMiddleware",
    # A one-time password from a credential slip must be changed at the first login.
    "onboarding.middleware.PasswordChangeRequiredMiddleware",
    "journal.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the Russian lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "school84.urls"

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
                "journal.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "school84.wsgi.application"

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "journal.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "journal.backends.RoleAwareBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Staff (teachers, the administration) hold minors' personal data (152-ФЗ): longer passwords.
    {"NAME": "journal.passwords.StaffPasswordValidator", "OPTIONS": {"min_length": 10}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes): at most 10 failed logins per account and, separately, per address, then an hour's
# pause with a Russian explanation. Successful logins and failures are kept for the audit.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "10")
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
# Behind nginx: the number of proxies that append to X-Forwarded-For, so the lockout counts the real client
# (school84.proxy); 0 when the app is reached directly.
TRUSTED_PROXY_COUNT = envint("AXES_PROXY_COUNT", "0")
AXES_CLIENT_IP_CALLABLE = "school84.proxy.client_ip"

# django-guardian: no anonymous user row; parents' rights are per student object.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Homework attachments: at most this many bytes; larger uploads are refused by the form.
HOMEWORK_FILE_MAX_BYTES = envint("HOMEWORK_FILE_MAX_BYTES", str(10 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Redis: broker, result backend and cache when REDIS_URL is set; otherwise in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis://, got {REDIS_URL!r}")


def caches_for(redis_url: str) -> dict:
    """``CACHES`` for a Redis URL (or in-process without one). A Redis outage is a cache miss, not a 500."""
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "school84.cache.TolerantRedisCache",
            "LOCATION": redis_url,
            # A Redis that does not answer costs each request at most these seconds, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


CACHES = caches_for(REDIS_URL)
# Rendered pages kept between changes (journal.pagecache) need a cache that every process shares: with the
# in-process cache of a configuration without Redis, one gunicorn worker would go on serving a page that a
# write in another worker has retired. So it is on with Redis, off without it (the demo: one process, small).
PAGE_CACHE = envbool("PAGE_CACHE", "true" if REDIS_URL else "false")

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Every periodic task is declared here, and only here (times are school time, CELERY_TIMEZONE).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE: dict = {
    # п. 3.3: КТП, timetable, cards, topics, homework, attendance, marks in 10 days, period marks.
    "compliance-deadline-checks": {"task": "audit.compliance.deadline_checks", "schedule": crontab(hour=3, minute=0)},
    # п. 3.3: receipts of accounts, parents' weekly and students' two-day diary visits.
    "compliance-visit-checks": {"task": "audit.compliance.visit_checks", "schedule": crontab(hour=3, minute=30)},
    # The page cache's superseded versions (journal.pagecache).
    "journal-pagecache-prune": {"task": "journal.pagecache_prune", "schedule": crontab(hour=4, minute=0)},
    # Teachers: entries whose window closes tomorrow.
    "compliance-deadline-reminders": {
        "task": "audit.compliance.deadline_reminders",
        "schedule": crontab(hour=15, minute=0),
    },
}


def email_backend_for(environ, debug: bool) -> str:
    """Where the letters go: the backend named in EMAIL_BACKEND; with EMAIL_HOST an SMTP server, whatever DEBUG
    says (a demo told to send must not pretend to); otherwise, in the demo, files under var/mail (the sysadmin
    reads them) and in production the local SMTP server."""
    if environ.get("EMAIL_BACKEND"):
        return environ["EMAIL_BACKEND"]
    if environ.get("EMAIL_HOST") or not debug:
        return "django.core.mail.backends.smtp.EmailBackend"
    return "django.core.mail.backends.filebased.EmailBackend"


EMAIL_BACKEND = email_backend_for(os.environ, DEBUG)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "journal@school84.local")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Sessions are read from the cache (Redis in production) and kept in the database, so a page costs no
# session query while "end my other sessions" can still find them.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(12 * 60 * 60))
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false" if DEBUG else "true")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 30))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
