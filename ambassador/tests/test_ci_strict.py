"""CI fails, never skips, when it is told to run the PostgreSQL, worker or browser tests
and cannot (conftest.py, "Asked-for services must run"): pytest is run in a subprocess
with a wrong DATABASE_URL, a wrong CELERY_BROKER_URL, or a DATABASE_URL that is not
PostgreSQL, and must exit non-zero with a message naming the variable."""

import os
import subprocess
import sys

from django.conf import settings

# A PostgreSQL-only test (skipped on SQLite) and a worker test (skipped without a broker).
POSTGRES_TEST = "certificates/tests/test_concurrency_completion.py"
WORKER_TEST = "people/tests/test_tasks_worker.py"
NOBODY_LISTENS = "127.0.0.1:9"  # the discard port: nothing answers on it here


def run_pytest(path, **variables):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CI"} and not key.startswith("PYTEST")
    }
    environment.update(variables)
    return subprocess.run(  # noqa: S603 - our own interpreter and tests
        [sys.executable, "-m", "pytest", path, "-q", "-n", "0", "-p", "no:cacheprovider"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_without_the_variables_the_service_tests_skip():
    """The control: on a developer's machine these tests skip and the run passes."""
    result = run_pytest(POSTGRES_TEST)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" in result.stdout


def test_a_wrong_database_url_fails_the_run():
    result = run_pytest(
        POSTGRES_TEST, DATABASE_URL=f"postgres://postgres@{NOBODY_LISTENS}/amb_ops_nowhere"
    )
    assert result.returncode != 0
    assert "DATABASE_URL is set but PostgreSQL does not answer" in result.stdout + result.stderr


def test_a_database_url_that_is_not_postgresql_fails_the_postgresql_tests(tmp_path):
    result = run_pytest(POSTGRES_TEST, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode != 0
    assert "but DATABASE_URL is set" in result.stdout


def test_a_wrong_broker_url_fails_the_run():
    result = run_pytest(WORKER_TEST, CELERY_BROKER_URL=f"redis://{NOBODY_LISTENS}/7")
    assert result.returncode != 0
    assert "CELERY_BROKER_URL is set but the broker does not answer" in (
        result.stdout + result.stderr
    )


def test_ci_without_chromium_fails_the_browser_tests():
    result = run_pytest(
        "privacy/tests/test_browser_export.py", CI="true", CHROMIUM_PATH="/nonexistent/chromium"
    )
    assert result.returncode != 0
    assert "Chromium not found" in result.stdout


def test_ci_without_xmlsec1_fails_the_saml_tests():
    result = run_pytest(
        "identity/tests/test_sso_saml.py::test_a_signed_assertion_signs_the_employee_in",
        CI="true",
        XMLSEC1_PATH="/nonexistent/xmlsec1",
    )
    assert result.returncode != 0
    assert "xmlsec1 not found" in result.stdout
