"""The error pages: a database that cannot be reached gives a clean 503, anything else
a 500, both without a traceback and without touching the database."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from core.tests.urls_failing import FAILURE

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_home(settings):
    """`failing_home(error)`: the page /fail/ raises `error`."""
    settings.ROOT_URLCONF = "core.tests.urls_failing"

    def fail_with(error):
        FAILURE["error"] = error

    yield fail_with
    FAILURE.clear()


def unhandled(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "error",
    [OperationalError("the database system is shutting down"), InterfaceError("closed")],
)
def test_a_database_out_of_reach_answers_503_with_a_friendly_page(
    client_for, employee, failing_home, error, django_assert_num_queries
):
    client = unhandled(client_for(employee))
    failing_home(error)
    response = client.get("/fail/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Back in a moment" in body
    assert "Traceback" not in body and "shutting down" not in body and "closed" not in body


def test_a_session_that_cannot_be_loaded_also_gives_503(client_for, employee, monkeypatch):
    client = unhandled(client_for(employee))

    def database_gone(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(SessionStore, "load", database_gone)
    response = client.get(reverse("courses:course-list"))
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_the_503_page_needs_no_database(client_for, employee, failing_home):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = unhandled(client_for(employee))
    failing_home(OperationalError("gone"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/fail/")
    assert response.status_code == 503
    # The session and user were read before the view failed; the error page added none.
    assert not [q for q in queries if "people_employee" in q["sql"] and "course" in q["sql"]]


def test_any_other_error_answers_500_without_details(client_for, employee, failing_home):
    client = unhandled(client_for(employee))
    failing_home(ValueError("secret internals"))
    response = client.get("/fail/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "secret internals" not in body and "Traceback" not in body
    assert "Retry-After" not in response


def test_the_error_pages_are_translated(client_for, employee, failing_home):
    employee.locale = "fr"
    employee.save(update_fields=["locale"])
    client = unhandled(client_for(employee))
    failing_home(OperationalError("gone"))
    response = client.get("/fail/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    body = response.content.decode()
    assert 'lang="fr"' in body
    assert "Back in a moment" not in body
