"""The replica router's decisions, on any database.

The `replica` alias exists only with DATABASE_REPLICA_URL; here the router's replica is
stood in for by the primary (`REPLICA` patched to `default`) and a query hook records
which queries ran inside `replica_reads()`. The real streaming replica is exercised in
`reports/tests/test_faults_replica.py`.
"""

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection
from django.urls import reverse

from core import dbrouting
from courses.models import Enrollment
from courses.tests.factories import course_with_lessons


@pytest.fixture
def verdict():
    """A fresh per-process verdict before and after each test."""
    dbrouting._Verdict.usable, dbrouting._Verdict.checked_at = False, float("-inf")
    yield dbrouting._Verdict
    dbrouting._Verdict.usable, dbrouting._Verdict.checked_at = False, float("-inf")


@pytest.fixture
def replica_as_primary(monkeypatch, settings, verdict):
    """A configured, current replica that is in fact the primary's connection."""
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    monkeypatch.setattr(dbrouting, "_close_replica", lambda: None)
    monkeypatch.setattr(dbrouting, "REPLICA", DEFAULT_DB_ALIAS)
    monkeypatch.setattr(dbrouting, "replica_lag_seconds", lambda: 0.0)
    settings.REPLICA_CHECK_SECONDS = 0


def configured(monkeypatch):
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    monkeypatch.setattr(dbrouting, "_close_replica", lambda: None)


class QueryLog:
    """Records (sql, inside replica_reads) for every query of the block."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, dbrouting.replica_reads_active()))
        return execute(sql, params, many, context)

    def on_replica(self, fragment):
        return [inside for sql, inside in self.queries if fragment in sql]


def test_without_a_replica_every_read_goes_to_the_primary(settings, verdict):
    assert "replica" not in settings.DATABASES
    assert dbrouting.replica_available() is False
    router = dbrouting.ReplicaRouter()
    with dbrouting.replica_reads():
        assert router.db_for_read(Enrollment) is None
    assert router.db_for_write(Enrollment) == DEFAULT_DB_ALIAS
    assert router.allow_migrate("replica", "courses") is False
    assert router.allow_migrate("default", "courses") is True
    assert router.allow_relation(object(), object()) is True


def test_report_reads_go_to_a_current_replica_and_nothing_else(settings, monkeypatch, verdict):
    configured(monkeypatch)
    settings.REPLICA_MAX_LAG_SECONDS = 30
    monkeypatch.setattr(dbrouting, "replica_lag_seconds", lambda: 2.5)
    router = dbrouting.ReplicaRouter()
    assert router.db_for_read(Enrollment) is None  # outside a report
    with dbrouting.replica_reads():
        assert router.db_for_read(Enrollment) == "replica"
        assert router.db_for_write(Enrollment) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Enrollment) is None


def test_a_lagging_replica_is_left_until_it_catches_up(settings, monkeypatch, verdict):
    configured(monkeypatch)
    settings.REPLICA_MAX_LAG_SECONDS = 30
    settings.REPLICA_CHECK_SECONDS = 0
    lag = {"seconds": 31.0}
    monkeypatch.setattr(dbrouting, "replica_lag_seconds", lambda: lag["seconds"])
    assert dbrouting.replica_available() is False
    lag["seconds"] = 29.0
    assert dbrouting.replica_available() is True


def test_the_verdict_is_kept_for_the_check_interval(settings, monkeypatch, verdict):
    configured(monkeypatch)
    settings.REPLICA_CHECK_SECONDS = 60
    calls = []
    monkeypatch.setattr(dbrouting, "replica_lag_seconds", lambda: calls.append(1) or 0.0)
    assert dbrouting.replica_available() is True
    assert dbrouting.replica_available() is True
    assert len(calls) == 1
    dbrouting.replica_mark_down()
    assert dbrouting.replica_available() is False  # until the next check is due
    assert len(calls) == 1


def test_an_unreachable_replica_is_not_used(settings, monkeypatch, verdict):
    configured(monkeypatch)
    settings.REPLICA_CHECK_SECONDS = 0

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(dbrouting, "replica_lag_seconds", unreachable)
    assert dbrouting.replica_available() is False


@pytest.mark.django_db
def test_the_lag_query_runs_on_postgresql_only_and_says_current_for_a_primary():
    if connection.vendor != "postgresql":
        pytest.skip("the lag query is PostgreSQL's (the real replica test runs it too)")
    with connection.cursor() as cursor:
        cursor.execute(dbrouting.LAG_SQL)
        assert float(cursor.fetchone()[0]) == 0.0


@pytest.mark.django_db
def test_report_pages_and_exports_read_inside_replica_reads_learner_pages_do_not(
    client_for, manager, employee, replica_as_primary
):
    course = course_with_lessons(modules=1, lessons=1, title="Routed")
    Enrollment.objects.create(employee=employee, course=course)
    log = QueryLog()
    client = client_for(manager)
    with connection.execute_wrapper(log):
        report = client.get(reverse("reports:completion"))
        export = client.get(reverse("reports:completion-export", args=["csv"]))
        body = b"".join(export.streaming_content)  # the rows are read while streaming
    assert report.status_code == 200 and export.status_code == 200
    assert b"Routed" in body
    enrollment_reads = log.on_replica('FROM "courses_enrollment"')
    assert enrollment_reads and all(enrollment_reads)
    # The session and the user behind the request were read before, on the primary.
    assert log.on_replica('FROM "django_session"') == [False, False]

    log = QueryLog()
    with connection.execute_wrapper(log):
        assert client.get(reverse("home")).status_code == 200
    assert log.queries and not any(inside for _, inside in log.queries)


@pytest.mark.django_db
def test_a_replica_failing_mid_report_is_marked_down_and_the_report_served_by_the_primary(
    client_for, manager, replica_as_primary, settings
):
    settings.REPLICA_CHECK_SECONDS = 60

    def replica_breaks(execute, sql, params, many, context):
        if dbrouting.replica_reads_active():
            raise OperationalError("the replica went away")
        return execute(sql, params, many, context)

    client = client_for(manager)
    with connection.execute_wrapper(replica_breaks):
        response = client.get(reverse("reports:completion"))
    assert response.status_code == 200
    assert dbrouting.replica_available() is False  # marked down until the next check


@pytest.mark.django_db
def test_writes_and_posts_are_never_run_inside_replica_reads(client_for, hr, replica_as_primary):
    log = QueryLog()
    client = client_for(hr)
    with connection.execute_wrapper(log):
        client.post(reverse("reports:completion"))  # not allowed, and not routed
    assert not any(inside for _, inside in log.queries)
