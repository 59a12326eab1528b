"""Settings for the BSC platform, read from the environment.

With nothing set, the app runs on SQLite with eager tasks and e-mail printed to
the console: the embedded default that ``make run`` uses. ``DATABASE_URL``,
``REDIS_URL``, ``EMAIL_URL``, ``SECRET_KEY`` and ``SITE_URL`` switch it to a
production set-up. ``.env.example`` lists every variable with its default.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from bsc.env import env_bool, env_int, env_list, env_secret, env_str, parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------

PLACEHOLDER_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_secret("SECRET_KEY", PLACEHOLDER_SECRET_KEY)
if not DEBUG and (SECRET_KEY == PLACEHOLDER_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is unset or too short: set SECRET_KEY to a random "
        "string of at least 50 characters."
    )

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "BSC Platform")
_site_host = urlsplit(SITE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [_site_host, "localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "bootstrap",
    "axes",
    "csp",
    "bsc",
    "accounts",
    "collaboratives",
    "teams",
    "measures",
    "pdsa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bsc.middleware.TenantMiddleware",
    # Axes must come last: it turns a locked-out sign-in into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bsc.urls"
WSGI_APPLICATION = "bsc.wsgi.application"

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
                "bsc.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
# A view either commits all of its writes or none of them.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker --------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker (the embedded default) tasks run in the web process.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "bsc")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Report reminders and Monday digests: the sweep finds what is due, sends each once.
    "measures-reminders-sweep": {
        "task": "measures.reminders_sweep",
        "schedule": crontab(minute="*/15"),
    },
    # The feed's daily digests: hourly, each organization's from its 7 o'clock on, sent once.
    "collaboratives-feed-digests": {
        "task": "collaboratives.feed_digests_sweep",
        "schedule": crontab(minute=5),
    },
    # Chart snapshots: recompute any series whose inputs changed outside the save hooks.
    "measures-charts-sweep": {"task": "measures.charts_sweep", "schedule": crontab(minute=35)},
}

# --- Authentication ---------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Brute-force protection: lock sign-in out after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Lock an e-mail address out from the address that kept failing, not everywhere:
# locking it everywhere would let anyone lock a colleague out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# How many reverse proxies of ours stand in front of gunicorn (0: none). See bsc/client_ip.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "bsc.client_ip.client_ip"

INVITATION_MAX_AGE = timedelta(days=env_int("INVITATION_MAX_AGE_DAYS", 14))

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "measures.staticfiles.PlotlyFinder",  # plotly/plotly.min.js from the plotly package
]
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
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# The largest file a team may upload (pre-work storyboards); checked in collaboratives/uploads.py.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 10) * 1024 * 1024

# --- E-mail -----------------------------------------------------------------

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BSC Platform <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email = parse_email_url(env_secret("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
globals().update(_email)

# --- Security ---------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # gunicorn sits behind a TLS-terminating proxy that sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# No inline scripts anywhere; Plotly and Swagger UI set inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Forms and front end ----------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_TAGS = {40: "danger"}

# --- REST API ---------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # In this order: anonymous callers get 401 before the membership check can answer 404.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "bsc.api.OrganizationPermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "bsc.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "bsc.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BSC Platform API",
    "DESCRIPTION": (
        "Read and write the data of Breakthrough Series Collaboratives. Authenticate with "
        "a personal API token (`Authorization: Bearer <token>`); a token acts as its user "
        "within the one organization it was created for."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field names (role, status, kind) recur across apps get names of their
    # own, instead of drf-spectacular's hashed ones ("Role13fEnum").
    "ENUM_NAME_OVERRIDES": {
        "TeamRoleEnum": "teams.roles.TeamRole",
        "TeamStatusEnum": "teams.models.teams.TeamStatus",
        "CollaborativeKindEnum": "collaboratives.models.core.Kind",
        "CollaborativeStatusEnum": "collaboratives.models.core.Status",
        "LeadershipRoleEnum": "collaboratives.models.core.LeadershipRole",
        "MembershipRoleEnum": "accounts.models.Role",
        "CallKindEnum": "collaboratives.models.schedule.CallKind",
        "AssignmentKindEnum": "collaboratives.models.prework.AssignmentKind",
        "PDSACycleStatusEnum": "pdsa.models.CycleStatus",
        "PostKindEnum": "collaboratives.models.sharing.PostKind",
        "ResourceKindEnum": "collaboratives.models.sharing.ResourceKind",
        "AssessmentKindEnum": "teams.models.assessments.AssessmentKind",
    },
}

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
