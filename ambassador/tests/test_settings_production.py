"""With DEBUG off, settings that would quietly weaken production are errors unless a
named variable chooses them (each case imports the settings in a fresh process)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-" + "x" * 50,
    "ALLOWED_HOSTS": "ambassador.example.com",
    "SITE_URL": "https://ambassador.example.com",
    "DATABASE_URL": "sqlite:////tmp/ambassador-settings-test.sqlite3",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def load_settings(**overrides) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION and not key.startswith(("CACHE_", "CELERY_", "TASKS_"))
    }
    environment.update(PRODUCTION)
    for key, value in overrides.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(  # noqa: S603 - our own interpreter and settings module
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "ambassador.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_complete_production_settings_load():
    result = load_settings()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("missing", "chosen_by", "message"),
    [
        ("CACHE_URL", "CACHE_PER_PROCESS", "Set CACHE_URL to a shared cache"),
        ("CELERY_BROKER_URL", "TASKS_IN_PROCESS", "Set CELERY_BROKER_URL"),
    ],
)
def test_a_per_process_fallback_is_an_error_unless_chosen_by_name(missing, chosen_by, message):
    refused = load_settings(**{missing: None})
    assert refused.returncode != 0
    assert message in refused.stderr
    accepted = load_settings(**{missing: None, chosen_by: "1"})
    assert accepted.returncode == 0, accepted.stderr


def test_a_malformed_login_rate_is_an_error():
    result = load_settings(LOGIN_FAILURES_PER_ACCOUNT_ADDRESS="five")
    assert "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS must look like" in result.stderr


def test_an_unknown_role_in_mfa_required_roles_is_an_error():
    result = load_settings(MFA_REQUIRED_ROLES="hr,admins")
    assert result.returncode != 0
    assert "MFA_REQUIRED_ROLES takes a comma-separated list" in result.stderr
    assert load_settings(MFA_REQUIRED_ROLES="hr, Manager").returncode == 0
    assert load_settings(MFA_REQUIRED_ROLES="").returncode == 0
