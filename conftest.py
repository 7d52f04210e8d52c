"""Personas shared by every app's tests.

The organisation:

    ACME (root)
    ├── Sales            managed by `manager`
    │   └── Sales North  (`employee` works here; `manager` sees them)
    └── Finance          (`outsider` works here; `manager` does not see them)

`hr` is in the HR admins group, `author` in the content authors group; `anonymous`
is the client with nobody signed in. Every persona has an Employee profile.
"""

import threading
from typing import NamedTuple

import pytest
from django.contrib.auth.models import Group
from django.db import connection

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
    return employee


@pytest.fixture
def author(org):
    employee = _persona("author@example.com", org["root"], job_title="Learning designer")
    employee.user.groups.add(Group.objects.get(name=AUTHORS_GROUP))
    return employee


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


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Run tasks in-process, except in tests that use a real worker (`celery_worker` mark).

    With CELERY_BROKER_URL set (the PostgreSQL/Redis CI run), settings would send every
    task to the broker; the unit tests still want eager execution.
    """
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
    caching.forget_local()
    yield


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL: they run when DATABASE_URL points at it
    (CI's second pass) and are skipped on the default SQLite run."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL to run it)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


pytest_plugins = ["ambassador.tests.browser"]


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
