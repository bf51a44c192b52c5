"""TicketFlower settings: one module, everything configurable from the environment.

Every variable read here is documented in `.env.example`. Defaults are safe for
production (DEBUG off, secure cookies when not debugging); `make run` writes a
development `.env` that turns DEBUG on. Nothing here looks for a test runner:
the test suite runs `ticketflower.settings_test`, which lists its overrides.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Production-grade transport security unless we are developing.
SECURE_BY_DEFAULT = not DEBUG
SECRET_KEY = env(
    "SECRET_KEY",
    default="insecure-dev-key-change-me" if not SECURE_BY_DEFAULT else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if SECURE_BY_DEFAULT else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_q",
    "axes",
    "csp",
    "users",
    "workflow_design",
    "workflow_ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "users.tenancy.CompanyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must be last so it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ticketflower.urls"
WSGI_APPLICATION = "ticketflower.wsgi.application"

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
                "csp.context_processors.nonce",
                "users.context_processors.tenancy",
                "workflow_ops.context_processors.work_counts",
            ],
            # {% partialdef %} everywhere without a {% load %} line.
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite is the embedded default so `make run` needs nothing else installed;
# production and CI use PostgreSQL through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE transactions + a busy timeout let the web process and the
    # qcluster worker write to one file without "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("PG_SERVER_SIDE_BINDING", default=False):
        DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# What pages derive from a company's setup (permissions, filter choices, names) is kept here, per
# process, under the company's setup_version (users.company_cache): nothing to share between
# processes, and room for a few thousand people's permissions before the oldest are dropped.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}

# --- Authentication -----------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "users.backends.CompanyUserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock an email+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# Failures count per account *and* address. Per address alone, one office behind
# a NAT address would lock all its people out with one person's typos; per
# account alone, anyone anywhere could keep any account locked by failing on
# purpose (axes warns about that set-up too). The pair caps guesses per account
# from each address and leaves everybody else able to log in.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login form posts the email as "username" (Django's AuthenticationForm);
# axes would otherwise look for USERNAME_FIELD ("email") and key on nothing.
AXES_USERNAME_FORM_FIELD = "username"
# Login is case-insensitive, so every spelling of an email counts as one account.
AXES_USERNAME_CALLABLE = "users.throttling.normalised_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The number of reverse proxies in front of Django, each appending to
# X-Forwarded-For (AXES_PROXY_COUNT in the environment; the setting has another
# name because axes reports a setting called AXES_PROXY_COUNT as deprecated).
# 0: the client is REMOTE_ADDR and the header is ignored. See users.throttling:
# we take the trusted end of the header, not django-ipware's forgeable left end,
# so django-ipware is not installed and no AXES_IPWARE_* setting applies.
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("AXES_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front of Django")
AXES_CLIENT_IP_CALLABLE = "users.throttling.client_ip_address"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
# The product speaks English only. Without the translation machinery every string, number and
# date a page writes skips a language lookup: a queue page renders about a tenth faster.
USE_I18N = False
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if SECURE_BY_DEFAULT
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# --- Email --------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if not SECURE_BY_DEFAULT
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="TicketFlower <noreply@localhost>")

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE_BY_DEFAULT)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE_BY_DEFAULT)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_BY_DEFAULT)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_BY_DEFAULT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_BY_DEFAULT)
# Preloading is opt-in: it puts the whole domain (every subdomain; removal takes months) on the
# browsers' HTTPS-only list, which is the customer's decision, not ours. Hence
# security.W021 ("SECURE_HSTS_PRELOAD is not True") is silenced below.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# security.W021: HSTS preload is opt-in (see SECURE_HSTS_PRELOAD above), so
# `check --deploy` would warn on every correct default deployment.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (Django 5.2 has none built in). Scripts need the
# per-request nonce; styles allow inline because Mermaid writes <style> into
# its SVG diagrams.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    },
}

# --- Background work (django-q2) ----------------------------------------------
# ORM broker by default: it works on SQLite, has delivery receipts and an
# enqueue inside a transaction rolls back with it. Jobs are at-least-once and
# `retry` counts from when a worker *pulls* a job, so: timeout > every action
# timeout, retry >= 3 x timeout, and a local queue about the worker count
# (workflow_ops.checks refuses other settings). ack_failures: a failed job is not
# re-run; our retry is the WorkflowError's, explicit.
Q_WORKERS = env.int("Q_WORKERS", default=2)
Q_CLUSTER = {
    "name": "ticketflower",
    "workers": Q_WORKERS,
    "timeout": env.int("Q_TIMEOUT", default=90),
    "retry": env.int("Q_RETRY", default=300),
    "max_attempts": 3,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 500,
    "queue_limit": Q_WORKERS,
    "label": "Background jobs",
    "orm": "default",
}
Q_REDIS_URL = env("Q_REDIS_URL", default="")
if Q_REDIS_URL:
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = Q_REDIS_URL

# --- Product limits -----------------------------------------------------------
# Bundle uploads larger than this are refused before parsing.
BUNDLE_MAX_BYTES = env.int("BUNDLE_MAX_BYTES", default=1024 * 1024)
# HTTP action tasks may target private or loopback addresses only when allowed:
# `make run`'s .env allows them (the demo's action endpoints run on this machine)
# and tests opt in with the `allow_private_action_targets` fixture.
ACTIONS_ALLOW_PRIVATE_TARGETS = env.bool("ACTIONS_ALLOW_PRIVATE_TARGETS", default=False)
# Where this server answers, as the demo's action tasks call it (`make run PORT=…` sets it);
# seed_demo writes it into the reference processes that call demo actions.
DEMO_ACTION_BASE_URL = env("DEMO_ACTION_BASE_URL", default="http://127.0.0.1:8000")
# What runs HTTP action tasks (workflow_ops.actions.runner explains the interface).
ACTION_RUNNER = "workflow_ops.actions.runner.NotRunningYet"
# How long a completed task may wait to be advanced before the recovery sweep takes it over.
RECOVERY_GRACE_SECONDS = env.int("RECOVERY_GRACE_SECONDS", default=60)
# Files attached to tickets (and `file` fields of forms): the largest accepted, and the kinds
# accepted. A file's kind comes from its name's extension and must be on this list; its first
# bytes must then agree (a program or a web page renamed .pdf is refused: workflow_ops.services.attachments).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_CONTENT_TYPES = env.list(
    "ATTACHMENT_CONTENT_TYPES",
    default=[
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "text/plain",
        "text/csv",
        "application/rtf",
        "application/zip",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    ],
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
