"""A small OpenID Connect provider for the tests: django-oauth-toolkit in a project of
its own, started as a separate process (`identity.tests.peers.OIDCProvider`).

Its people come from a JSON "directory" the test writes (`IDP_DIRECTORY`): each entry has a
password and the claims the provider states about that person (email, `amr`, an
employee number...). Its database is a SQLite file of its own (`IDP_DATABASE`) and it signs
ID tokens with the RSA key in `IDP_RSA_KEY_FILE`. Nothing here is read by Ambassador.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "oidc-provider-of-the-tests-only"  # noqa: S105 - a throw-away test peer
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "identity.tests.oidc_provider.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["IDP_DATABASE"]}
}
AUTHENTICATION_BACKENDS = ["identity.tests.oidc_provider.directory.DirectoryBackend"]
LOGIN_URL = "/login/"
# Its own cookie names: the browser may hold Ambassador's cookies for the same host.
SESSION_COOKIE_NAME = "idp_session"
CSRF_COOKIE_NAME = "idp_csrftoken"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": Path(os.environ["IDP_RSA_KEY_FILE"]).read_text(),
    "OAUTH2_VALIDATOR_CLASS": "identity.tests.oidc_provider.directory.DirectoryValidator",
    "SCOPES": {"openid": "OpenID Connect", "email": "Email address", "profile": "Profile"},
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http"],
}
LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
