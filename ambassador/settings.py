"""Settings for Ambassador, read from the environment (django-environ).

Every variable is documented in README.md and listed in .env.example. Development
defaults (a SQLite file, a throw-away secret key, the console email backend, Celery
running eagerly) apply only when DEBUG is on; with DEBUG off every secret and host
must be given, and `manage.py check --deploy` is clean.
"""

import os
import re
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from pythonjsonlogger.core import RESERVED_ATTRS as RESERVED_LOG_ATTRS

from ambassador import sso_settings as sso_config
from ambassador.languages import language_choices, languages_in

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")


def env_secret(name, *, default=None):
    """A secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    value = env.str(name, default="")
    if value:
        return value
    if default is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable (or {name}_FILE).")
    return default


DEBUG = env.bool("DEBUG", default=False)

# --- Core -----------------------------------------------------------------------------

SECRET_KEY = env_secret(
    "SECRET_KEY", default="django-insecure-development-only-key" if DEBUG else None
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names).")
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
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "treebeard",
    "parler",
    "core",
    "people",
    "courses",
    "quizzes",
    "certificates",
    "reports",
    "assignments",
    "privacy",
    "identity",
    "demo",
]

MIDDLEWARE = [
    # First: every response (redirects and errors included) carries the request id, and
    # the latency metric times the whole stack.
    "core.middleware.request_id",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "people.middleware.EmployeeLocaleMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication and allauth: a role that must use a second factor reaches only
    # the enrolment pages until it has one (identity.mfa.middleware).
    "identity.mfa.middleware.MandatoryMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "identity.sso.middleware.sso_form_action",
    # Last: it runs report views itself, after every check above (core.dbrouting).
    "core.dbrouting.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "ambassador.urls"
WSGI_APPLICATION = "ambassador.wsgi.application"

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
                "people.context_processors.roles",
                "ambassador.context_processors.branding",
                "ambassador.navigation.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------

DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}" if DEBUG else environ.Env.NOTSET,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Writers queue instead of failing with "database is locked".
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A read replica (PostgreSQL streaming replication) for report and export reads: see
# core.dbrouting. Reports fall back to the primary while the replica is unreachable or
# more than REPLICA_MAX_LAG_SECONDS behind (measured at most every REPLICA_CHECK_SECONDS
# by each process); writes and every other read always use the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # A replica that does not answer must not hold a report for long.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.dbrouting.ReplicaRouter"]
REPLICA_READ_NAMESPACES = ["reports"]
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=5.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Fast timeouts, and each process's memory while Redis is down (core.cache).
    CACHES["default"]["BACKEND"] = "core.cache.FallbackRedisCache"
# Rate limits (sign-in, certificate look-ups) count in the cache: a per-process cache
# lets each web process count on its own. With DEBUG off that is an error unless chosen.
if (
    not DEBUG
    and CACHES["default"]["BACKEND"]
    in {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
    and not env.bool("CACHE_PER_PROCESS", default=False)
):
    raise ImproperlyConfigured(
        "Set CACHE_URL to a shared cache (e.g. redis://127.0.0.1:6379/1) so rate limits hold "
        "across web processes, or CACHE_PER_PROCESS=1 to accept a per-process cache."
    )

# --- Authentication (django-allauth; signup is closed, people come from the HR import) --

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "identity.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None


def env_rate(name: str, default: str) -> str:
    """A rate like `5/5m` (count / period: s, m, h or d, optionally with a number)."""
    value = env.str(name, default=default).strip()
    if not re.fullmatch(r"[1-9]\d*/\d*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must look like 5/5m or 600/m, not {value!r}.")
    return value


# Sign-in limits (allauth, counted in the shared cache). Failures count per address and
# per (account, address) pair (`people.adapters.AccountAdapter`): knowing a colleague's
# email does not lock them out elsewhere, and a whole office behind one NAT address
# signs in at 9 o'clock. The pair is locked for the rest of its period when exceeded.
LOGIN_RATE_PER_ADDRESS = env_rate("LOGIN_RATE_PER_ADDRESS", "600/m")
LOGIN_FAILURES_PER_ADDRESS = env_rate("LOGIN_FAILURES_PER_ADDRESS", "100/m")
LOGIN_FAILURES_PER_ACCOUNT_ADDRESS = env_rate("LOGIN_FAILURES_PER_ACCOUNT_ADDRESS", "5/5m")
ACCOUNT_RATE_LIMITS = {
    "login": f"{LOGIN_RATE_PER_ADDRESS}/ip",
    "login_failed": f"{LOGIN_FAILURES_PER_ADDRESS}/ip,{LOGIN_FAILURES_PER_ACCOUNT_ADDRESS}/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

# --- SCIM provisioning (identity/scim, docs/scim.md) ---------------------------------------

# People created by SCIM get the HR import's invitation email (choose a password) only
# when this is on: with SSO they sign in with their company account and need none.
SCIM_SEND_INVITATIONS = env.bool("SCIM_SEND_INVITATIONS", default=False)
# --- Company sign-in: SSO (allauth's OpenID Connect and SAML providers; docs/sso.md) ------

# The identity providers, a JSON list (or SSO_PROVIDERS_FILE naming a file holding it):
# each {"id", "protocol": "oidc"|"saml", "name", "domains": [...], ...}. Providers added
# in the admin (Social applications) count too. Signup stays closed: a provider signs in
# only an employee HR provisioned (identity.sso.adapter).
SSO_PROVIDERS = env_secret("SSO_PROVIDERS", default="")
SOCIALACCOUNT_PROVIDERS = sso_config.socialaccount_providers(SSO_PROVIDERS)
SOCIALACCOUNT_ADAPTER = "identity.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # the adapter links by its own rule
SOCIALACCOUNT_STORE_TOKENS = False  # the site calls no provider API after sign-in
SOCIALACCOUNT_LOGIN_ON_GET = False  # a provider is left for by a POST only (login CSRF)
# 1: no password sign-in nor reset for the addresses of the providers' domains.
SSO_PASSWORD_LOGIN_DISABLED = env.bool("SSO_PASSWORD_LOGIN_DISABLED", default=False)
# Whom an employee without an account contacts, shown on the "not set up" page.
SSO_HR_CONTACT = env.str("SSO_HR_CONTACT", default="") or _("your HR contact")
ACCOUNT_FORMS = {
    "login": "identity.sso.forms.CompanyLoginForm",
    "reset_password": "identity.sso.forms.CompanyResetPasswordForm",
}

# --- Second factors (allauth.mfa; docs/mfa.md) ---------------------------------------------

# Authenticator apps (TOTP), passkeys and security keys (WebAuthn), recovery codes. A
# passkey signs in on its own (it holds the person's verification: PIN or biometrics).
MFA_ADAPTER = "identity.mfa.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
# allauth refuses a second factor while an address is unverified (against someone signing
# up with another person's address and locking them out). Signup is closed here: every
# address comes from HR, and a person the gate sends to enrolment must be able to enrol.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Browsers allow WebAuthn on http://localhost only; the check of the origin's scheme is
# relaxed in development so `make run` can try passkeys at http://localhost:8000.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# The roles that must use a second factor (people.roles: hr, author, staff = may open the
# Django admin, manager). Such a person without one is taken to enrolment after signing
# in and reaches nothing else until enrolled (identity.mfa.middleware).
_MFA_ROLES = ("hr", "author", "staff", "manager")
MFA_REQUIRED_ROLES = [
    role.strip().lower()
    for role in env.list("MFA_REQUIRED_ROLES", default=["hr", "author", "staff"])
    if role.strip()
]
if set(MFA_REQUIRED_ROLES) - set(_MFA_ROLES):
    raise ImproperlyConfigured(
        f"MFA_REQUIRED_ROLES takes a comma-separated list of {', '.join(_MFA_ROLES)} "
        f"(or nothing), not {', '.join(sorted(set(MFA_REQUIRED_ROLES) - set(_MFA_ROLES)))}."
    )

# --- Internationalisation ---------------------------------------------------------------

LANGUAGE_CODE = "en"
LOCALE_PATHS = [BASE_DIR / "locale"]
# English plus every language with a catalogue in LOCALE_PATHS (`ambassador/languages.py`):
# a language is added with files, no code (docs/decisions.md).
LANGUAGES = language_choices(languages_in(LOCALE_PATHS))
FORMAT_MODULE_PATH = ["ambassador.formats"]
# Content translations (django-parler): one row per language; a missing language falls
# back to English, the language every course is written in first. No shared cache of
# translations: pages prefetch the rows they show, so query counts stay fixed.
PARLER_DEFAULT_LANGUAGE_CODE = LANGUAGE_CODE
PARLER_LANGUAGES = {
    None: tuple({"code": code} for code, _name in LANGUAGES),
    "default": {"fallbacks": [LANGUAGE_CODE], "hide_untranslated": False},
}
PARLER_ENABLE_CACHING = False
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages installed from the npm registry by the make targets.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Email ------------------------------------------------------------------------------

vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Ambassador <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process (make run, the default test run). With DEBUG off
# that would run every task inside the web request: an error unless chosen by name.
if not DEBUG and not CELERY_BROKER_URL and not env.bool("TASKS_IN_PROCESS", default=False):
    raise ImproperlyConfigured(
        "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and run a worker, or "
        "TASKS_IN_PROCESS=1 to run tasks inside the web process."
    )
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# The assignment sync after an import (a file, or SCIM) waits this long, so that a burst
# of imports runs it once (core.outbox.enqueue_coalesced). With tasks run eagerly (no
# broker: development) it runs at commit.
ASSIGNMENT_SYNC_DELAY_SECONDS = env.int(
    "ASSIGNMENT_SYNC_DELAY_SECONDS", default=0 if CELERY_TASK_ALWAYS_EAGER else 30
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang on a broker that is down (the outbox keeps the task):
# connecting gives up after 2 s. A message a worker took and never acknowledged (the
# worker died) goes back to the queue after the visibility timeout (Redis), above the
# longest task and retry countdown (600 s).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": 3600,
}
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs; each also has a management command that calls the same service.
CELERY_BEAT_SCHEDULE = {
    # Filled in as the periodic jobs arrive (reminders, digests, certificate expiry).
    # The outbox sweep: tasks still unsent after a broker outage, lost, or due a retry.
    "core-outbox-relay-pending-every-minute": {
        "task": "core.outbox.relay_pending",
        "schedule": env.float("OUTBOX_RELAY_EVERY_SECONDS", default=60.0),
    },
    # Missing certificates, expiry warnings (30 days ahead), recertification cycles.
    "certificates-daily-expiry-warnings-and-renewals": {
        "task": "certificates.tasks.certificates_daily",
        "schedule": crontab(hour=4, minute=30),
    },
    # Assignment sync (new hires, transfers), recurrence cycles, reminders and escalations.
    "assignments-daily-sync-recurrence-reminders": {
        "task": "assignments.tasks.assignments_daily",
        "schedule": crontab(hour=5, minute=0),
    },
    # The managers' weekly digest of overdue and due-soon people.
    "assignments-weekly-manager-digests": {
        "task": "assignments.tasks.manager_digests",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
    },
    # Leavers past the retention period are pseudonymised (docs/privacy.md).
    "privacy-daily-pseudonymise-leavers": {
        "task": "privacy.tasks.leavers_pseudonymise",
        "schedule": crontab(hour=3, minute=30),
    },
    # Audit events past AUDIT_RETENTION_DAYS are deleted.
    "identity-daily-audit-purge": {
        "task": "identity.tasks.audit_events_purge",
        "schedule": crontab(hour=3, minute=45),
    },
}

# The transactional outbox (core.outbox): a relayed task that has not run after this
# long is relayed again (its message was lost); failed runs retry with exponential
# backoff from OUTBOX_RETRY_BASE_SECONDS, OUTBOX_MAX_ATTEMPTS times; done rows are kept
# OUTBOX_KEEP_DAYS days.
OUTBOX_REDELIVER_SECONDS = env.int("OUTBOX_REDELIVER_SECONDS", default=15 * 60)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)

# Privacy (docs/privacy.md): a leaver's personal data is pseudonymised this many months
# after they left (the HR import deactivated them); their training record stays.
PRIVACY_RETENTION_MONTHS = env.int("PRIVACY_RETENTION_MONTHS", default=24)
if PRIVACY_RETENTION_MONTHS < 1:
    raise ImproperlyConfigured(
        "PRIVACY_RETENTION_MONTHS must be a whole number of months, 1 or more."
    )

# Identity (docs/privacy.md): sign-in, second-factor and provisioning events are kept
# this many days in the audit trail, then deleted by a daily job.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
if AUDIT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be a whole number of days, 1 or more.")

# --- Front end and branding ---------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
COMPANY_NAME = env.str("COMPANY_NAME", default="Example Corp")
COMPANY_PRIMARY_COLOR = env.str("COMPANY_PRIMARY_COLOR", default="#0b5cad")
# It is written into the page's one inline <style>: a hex colour and nothing else.
if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", COMPANY_PRIMARY_COLOR):
    raise ImproperlyConfigured("COMPANY_PRIMARY_COLOR must be a hex colour such as #0b5cad.")
COMPANY_LOGO_URL = env.str("COMPANY_LOGO_URL", default="")
# Hosts that lesson and quiz Markdown may load images from (https only), besides the
# site's own media; any other image is removed when the content is saved.
LESSON_IMAGE_HOSTS = env.list("LESSON_IMAGE_HOSTS", default=[])
# Public certificate look-ups (`/verify/…`) allowed per client address and minute.
CERTIFICATES_VERIFY_RATE_LIMIT = env.int("CERTIFICATES_VERIFY_RATE_LIMIT", default=30)
# Who employees contact about social media, shown in the lessons where the course says
# "{{social_team}}", "{{social_email}}", "{{out_of_hours}}" and "{{whistleblowing}}"
# (see courses.rendering.fill_contacts). Fill them in for your company.
# Unset, each defaults to a phrase in the reader's language (a translated string).
SOCIAL_MEDIA_TEAM = env.str("SOCIAL_MEDIA_TEAM", default="") or _("the Social Media team")
SOCIAL_MEDIA_EMAIL = env.str("SOCIAL_MEDIA_EMAIL", default="social@example.com")
SOCIAL_MEDIA_OUT_OF_HOURS = env.str("SOCIAL_MEDIA_OUT_OF_HOURS", default="") or _(
    "the security desk, on +1 555 0100, at any hour"
)
WHISTLEBLOWING_CHANNEL = env.str("WHISTLEBLOWING_CHANNEL", default="") or _(
    "the ethics line described on the intranet's Speak Up page"
)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else environ.Env.NOTSET)

# --- Security (production) -----------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Probes from a load balancer or systemd on the host may speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Content-Security-Policy (django-csp): scripts only from this site, never inline; the one
# inline <style> (the brand colour in base.html) carries the request's nonce. Images may
# also come from the logo's host and LESSON_IMAGE_HOSTS; `data:` images are Bootstrap's form icons.
_CSP_IMAGES = [SELF, "data:"]
if COMPANY_LOGO_URL.startswith("https://"):
    _CSP_IMAGES.append("https://" + COMPANY_LOGO_URL.removeprefix("https://").split("/")[0])
_CSP_IMAGES += [f"https://{host}" for host in LESSON_IMAGE_HOSTS]  # lesson Markdown images
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": _CSP_IMAGES,
        "font-src": [SELF],
        "media-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features the site never uses, switched off (core.middleware.permissions_policy).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # check --deploy W021 wants preload; it is a deliberate, documented opt-in here.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Logs, errors and metrics (core/observability.py, core/metrics.py) ----------------------

# One JSON object per line on stderr (python-json-logger), each with the request id that
# follows a request into its tasks; LOG_FORMAT=text for people reading a terminal (the
# default with DEBUG=1). The Celery worker logs through this configuration too.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message", "request_id"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
            # Django's request log lines carry the request object: not a log field.
            "reserved_attrs": [*RESERVED_LOG_ATTRS, "request", "server_time"],
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Prometheus metrics at /metrics, for the bearer of METRICS_TOKEN only (404 when unset).
# With several processes, set PROMETHEUS_MULTIPROC_DIR (see core/metrics.py).
METRICS_TOKEN = env_secret("METRICS_TOKEN", default="")
# prometheus_client reads PROMETHEUS_MULTIPROC_DIR itself when it is imported (after the
# settings): an empty value (a copied .env) means off, a missing directory is an error.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR", "x"):
    del os.environ["PROMETHEUS_MULTIPROC_DIR"]
if (
    os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    and not Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).is_dir()
):
    raise ImproperlyConfigured("PROMETHEUS_MULTIPROC_DIR must name an existing directory.")

# Sentry, only when SENTRY_DSN is set: errors of web requests and Celery tasks, without
# personal data (no cookies, headers, user, request bodies).
SENTRY_DSN = env_secret("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
