"""`.env.example` works when copied: with only the secret key filled in (the one value
nobody may ship), the production settings load from it alone, and on PostgreSQL (CI's
second pass) the role its DATABASE_URL names exists."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

EXAMPLE = Path(settings.BASE_DIR) / ".env.example"


def example_variables():
    pairs = (
        line.split("=", 1)
        for line in EXAMPLE.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    return {name.strip(): value for name, value in pairs}


def test_the_settings_load_from_the_example_alone(tmp_path):
    variables = {**example_variables(), "SECRET_KEY": "filled-in-" + "k" * 50}
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **variables}
    loaded = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [
            sys.executable,
            "-c",
            "from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.MEDIA_ROOT)",
        ],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "ambassador.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    engine, media_root = loaded.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert Path(media_root).is_absolute()


@pytest.mark.django_db
def test_the_example_database_role_exists():
    if connection.vendor != "postgresql":
        pytest.skip("The role is checked in the PostgreSQL pass (CI runs it)")
    role = urlsplit(example_variables()["DATABASE_URL"]).username
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        assert cursor.fetchone() == (1,), f"The role {role!r} of .env.example does not exist"


def test_the_example_passes_the_deployment_checks(tmp_path):
    """Copied as it is (only the secret filled in), the example is a clean production
    configuration: `manage.py check --deploy` has nothing to say."""
    variables = {**example_variables(), "SECRET_KEY": "filled-in-" + "k" * 50}
    checked = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), **variables},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout
