"""Personas shared by every app's tests.

The organisation:

    ACME (root)
    ├── Sales            managed by `manager`
    │   └── Sales North  (`employee` works here; `manager` sees them)
    └── Finance          (`outsider` works here; `manager` does not see them)

`hr` is in the HR admins group, `author` in the content authors group; `anonymous`
is the client with nobody signed in. Every persona has an Employee profile. `hr` and
`author` (and pytest-django's `admin_user`) have an authenticator app with the secret
`ambassador.tests.mfa.PERSONA_TOTP_SECRET`, as their roles must (MFA_REQUIRED_ROLES).
"""

import os
import threading
from typing import NamedTuple

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from ambassador.tests.mfa import enrol_totp
from people.roles import AUTHORS_GROUP, HR_GROUP
from people.tests.factories import DepartmentFactory, EmployeeFactory, UserFactory


@pytest.fixture
def org(db):
    root = DepartmentFactory(code="ACME", name="Acme")
    sales = DepartmentFactory(code="SALES", name="Sales", parent=root)
    root.refresh_from_db()
    north = DepartmentFactory(code="SALES-N", name="Sales North", parent=sales)
    root.refresh_from_db()
    finance = DepartmentFactory(code="FIN", name="Finance", parent=root)
    return {"root": root, "sales": sales, "north": north, "finance": finance}


def _persona(email, department, **kwargs):
    user = UserFactory(email=email, first_name=email.split("@")[0].title(), last_name="Persona")
    return EmployeeFactory(user=user, department=department, **kwargs)


@pytest.fixture
def manager(org):
    employee = _persona("manager@example.com", org["sales"], job_title="Head of Sales")
    org["sales"].managers.add(employee.user)
    return employee


@pytest.fixture
def employee(org, manager):
    return _persona("employee@example.com", org["north"], line_manager=manager)


@pytest.fixture
def outsider(org):
    return _persona("outsider@example.com", org["finance"])


@pytest.fixture
def hr(org):
    employee = _persona("hr@example.com", org["root"], job_title="HR partner")
    employee.user.groups.add(Group.objects.get(name=HR_GROUP))
    enrol_totp(employee.user)
    return employee


@pytest.fixture
def author(org):
    employee = _persona("author@example.com", org["root"], job_title="Learning designer")
    employee.user.groups.add(Group.objects.get(name=AUTHORS_GROUP))
    enrol_totp(employee.user)
    return employee


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the second factor its role must have."""
    enrol_totp(admin_user)
    return admin_user


@pytest.fixture
def personas(employee, manager, outsider, hr, author):
    return {
        "employee": employee,
        "manager": manager,
        "outsider": outsider,
        "hr": hr,
        "author": author,
    }


@pytest.fixture
def client_for(client):
    """`client_for(persona)` signs the test client in as that persona (None: anonymous)."""

    def sign_in(persona):
        client.logout()
        if persona is not None:
            client.force_login(persona.user)
        return client

    return sign_in


@pytest.fixture(autouse=True, scope="session")
def _own_celery_queue():
    """Under xdist, each test process sends its tasks to, and runs its real workers on,
    a queue of its own: each process has its own test database, so a worker started by
    one must never take a task queued by the other (it would look for rows that are not
    in its database). Set before anything is sent (kombu builds the queues lazily)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        from ambassador.celery import app

        app.conf.task_default_queue = f"celery-test-{worker}"
    yield


@pytest.fixture(autouse=True)
def _celery_eager(request, settings):
    """Run tasks in-process, except in tests that use a real worker (`celery_worker` mark).

    With CELERY_BROKER_URL set (the PostgreSQL/Redis CI run), settings would send every
    task to the broker; the unit tests still want eager execution, and the assignment
    sync after an import at commit, not delayed for the sweep (a test of the delay sets
    ASSIGNMENT_SYNC_DELAY_SECONDS itself).
    """
    settings.ASSIGNMENT_SYNC_DELAY_SECONDS = 0
    from ambassador.celery import app

    eager = request.node.get_closest_marker("celery_worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rows are rolled back between tests and their
    ids reused (SQLite), so a cached outline, note or role of an earlier test must not
    answer for a later one. Only the per-process cache the tests use is cleared."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from courses import caching

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
        # The site forgot the TOTP codes it accepted: a test may type them again.
        from ambassador.tests.mfa import used_codes

        used_codes.clear()
    caching.forget_local()
    yield


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL: they run when DATABASE_URL points at it
    (CI's second pass) and are skipped on the default SQLite run. Tests marked
    `celery_worker` need a broker: they run when CELERY_BROKER_URL is set."""
    from django.conf import settings

    postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    broker = bool(os.environ.get("CELERY_BROKER_URL"))
    no_postgres = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL to run it)")
    no_broker = pytest.mark.skip(reason="needs a broker (set CELERY_BROKER_URL to run it)")
    for item in items:
        if not postgres and item.get_closest_marker("postgres"):
            item.add_marker(no_postgres)
        if not broker and item.get_closest_marker("celery_worker"):
            item.add_marker(no_broker)


# --- Asked-for services must run (CI strictness) ------------------------------------------
#
# A test marked with one of these needs a service. When the service is asked for (the
# variable is set: CI's PostgreSQL/Redis pass sets DATABASE_URL and CELERY_BROKER_URL, and
# CI=true asks for the browser tests), such a test must run: skipping it is a failure,
# and an unreachable database or broker stops the whole run at once with one clear
# message, before any test. Without the variable they skip, as on a developer's machine.
STRICT_MARKERS = {
    "postgres": ("DATABASE_URL", "PostgreSQL"),
    "celery_worker": ("CELERY_BROKER_URL", "a real Celery worker on the broker"),
    "browser": ("CI", "Chromium"),
}


def _unreachable_services() -> list[str]:
    from django.conf import settings

    problems = []
    if os.environ.get("DATABASE_URL"):
        database = settings.DATABASES["default"]
        if database["ENGINE"] == "django.db.backends.postgresql":
            import psycopg

            try:
                psycopg.connect(
                    dbname="postgres",
                    host=database["HOST"] or None,
                    port=database["PORT"] or None,
                    user=database["USER"] or None,
                    password=database["PASSWORD"] or None,
                    connect_timeout=5,
                ).close()
            except psycopg.Error as error:
                problems.append(f"DATABASE_URL is set but PostgreSQL does not answer: {error}")
    if os.environ.get("CELERY_BROKER_URL"):
        from kombu import Connection

        try:
            with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as broker:
                broker.ensure_connection(max_retries=1, interval_start=0, timeout=5)
        except Exception as error:  # noqa: BLE001 - any failure means "unreachable"
            problems.append(f"CELERY_BROKER_URL is set but the broker does not answer: {error}")
    return problems


def pytest_sessionstart(session):
    problems = _unreachable_services()
    if problems:
        pytest.exit("\n".join(problems), returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        for marker, (variable, service) in STRICT_MARKERS.items():
            if item.get_closest_marker(marker) and os.environ.get(variable):
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
                report.outcome = "failed"
                report.longrepr = (
                    f"{item.nodeid} was skipped ({reason}), but {variable} is set: "
                    f"the tests that need {service} must run."
                )
    return report


pytest_plugins = ["ambassador.tests.browser", "ambassador.tests.faults"]


def pytest_configure(config):
    """Tests see the current translations: compile each catalogue whose .po is newer than
    its .mo (the make targets do it too; this covers pytest run by hand after a .po
    changed). Once, in the controller, before the xdist workers start."""
    if not hasattr(config, "workerinput"):
        from ambassador.catalogues import compile_stale

        compile_stale()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request served in French (the test
    client runs LocaleMiddleware) leaves French active in the thread, which would leak
    into the next test of the same worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Real hashers take ~0.3 s a password; tests need none of that strength. The one place
    it is set: session-wide, so module and session fixtures hash fast too."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


class RaceOutcome(NamedTuple):
    results: list  # what each runner's call returned, in the order they finished
    errors: list  # what the others raised


@pytest.fixture
def race():
    """`race(action, runners=2)` calls `action()` in `runners` threads released at the same
    instant (a barrier) and waits for them all: the harness of the concurrency tests.
    Each thread closes its own database connection. Use it with
    `@pytest.mark.django_db(transaction=True)`, so the threads see the test's rows."""

    def run(action, *, runners: int = 2, timeout: float = 30) -> RaceOutcome:
        barrier = threading.Barrier(runners)
        results, errors = [], []

        def runner():
            try:
                barrier.wait(timeout=timeout)
                results.append(action())
            except Exception as error:  # noqa: BLE001 - returned to the test
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=runner) for _ in range(runners)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout)
        errors.extend(
            TimeoutError(f"{thread.name} still running after {timeout}s")
            for thread in threads
            if thread.is_alive()
        )
        return RaceOutcome(results, errors)

    return run
