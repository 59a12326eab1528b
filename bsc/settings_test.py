"""Test settings: only what differs from ``bsc.settings``."""

from __future__ import annotations

from bsc.settings import *  # noqa: F403
from bsc.settings import DATABASES, REST_FRAMEWORK

SECRET_KEY = "test-secret-key-that-is-long-enough-for-the-checks-0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests call tasks eagerly; the worker tests switch this off for their own run.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
DATABASES["default"]["CONN_MAX_AGE"] = 0
REST_FRAMEWORK = {**REST_FRAMEWORK, "TEST_REQUEST_DEFAULT_FORMAT": "json"}
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]
# Serve static files through the finders: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
