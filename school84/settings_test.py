"""Test settings: fast and strict. Only what must differ from ``school84.settings``."""

import os

os.environ.setdefault("DEBUG", "true")

from .settings import *  # noqa: F403
from .settings import BASE_DIR, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PAGE_CACHE = True  # one process per test run: the in-process cache is shared by everything it serves
# Tests run tasks in-process; the tests that need the real worker configure it themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
MEDIA_ROOT = BASE_DIR / ".test-media"
SECURE_COOKIES = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# SQLite: a file rather than shared in-memory, so the live server's threads (browser tests) wait for each
# other's writes instead of failing with «table is locked»; pytest-xdist gives each worker its own file.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}  # noqa: F405

# django-axes needs the request at authenticate(); tests that use Client.login() don't pass one.
# The lockout tests switch it on with the ``settings`` fixture.
AXES_ENABLED = False
