"""The transactional outbox: recorded with the caller's writes, relayed on commit, run
once, never lost when the broker is down, retried when the task fails."""

import datetime
from unittest import mock

import pytest
import time_machine
from celery import shared_task
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core import outbox
from core.models import OutboxTask
from core.tasks import outbox_run_task

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []


@shared_task(name="core.tests.record_call")
def record_call_task(**kwargs):
    if kwargs.get("fail"):
        raise OSError("SMTP is down")
    CALLS.append(kwargs)


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def broker_down():
    return mock.patch.object(
        outbox_run_task, "apply_async", side_effect=BrokerError("Connection refused")
    )


def test_a_task_recorded_in_a_committed_transaction_runs_once_on_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(record_call_task, employee_id=7)
        assert CALLS == []  # nothing runs before the commit
    assert CALLS == [{"employee_id": 7}]
    row.refresh_from_db()
    assert row.task_name == "core.tests.record_call"
    assert row.done_at is not None
    assert row.relay_count == 1


def test_a_task_recorded_in_a_rolled_back_transaction_is_forgotten(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue(record_call_task, employee_id=7)
        raise RuntimeError("the request failed")
    assert not OutboxTask.objects.exists()
    assert CALLS == []


def test_a_broker_error_on_commit_is_not_raised_and_the_sweep_relays_later(
    django_capture_on_commit_callbacks,
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(record_call_task, employee_id=7)  # no exception
    row.refresh_from_db()
    assert row.done_at is None
    assert row.relayed_at is None
    assert "Connection refused" in row.last_error
    assert CALLS == []

    assert outbox.outbox_relay_pending() == [row.pk]  # the broker is back
    assert CALLS == [{"employee_id": 7}]
    assert outbox.outbox_relay_pending() == []  # done: never again
    assert CALLS == [{"employee_id": 7}]


def test_a_duplicate_message_does_not_run_the_task_again():
    row = outbox.enqueue(record_call_task, employee_id=7)
    assert outbox.outbox_run(outbox_id=row.pk) is True
    assert outbox.outbox_run(outbox_id=row.pk) is False
    assert CALLS == [{"employee_id": 7}]


def test_a_relayed_row_that_never_ran_is_relayed_again_after_the_redelivery_delay(settings):
    settings.OUTBOX_REDELIVER_SECONDS = 600
    row = outbox.enqueue(record_call_task, employee_id=7)
    sent_at = timezone.now()
    OutboxTask.objects.filter(pk=row.pk).update(relayed_at=sent_at)  # the message was lost
    assert outbox.outbox_relay_pending() == []  # it may still be in the queue
    with time_machine.travel(sent_at + datetime.timedelta(seconds=601)):
        assert outbox.outbox_relay_pending() == [row.pk]
    assert CALLS == [{"employee_id": 7}]


def test_a_failing_task_is_retried_with_backoff_then_given_up(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = outbox.enqueue(record_call_task, fail=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert outbox.outbox_relay_pending() == [row.pk]
    row.refresh_from_db()
    assert row.done_at is None  # the claim rolled back with the failure
    assert row.failures == 1
    assert row.last_error == "OSError: SMTP is down"
    assert row.available_at == start + datetime.timedelta(seconds=30)
    with time_machine.travel(start + datetime.timedelta(seconds=29), tick=False):
        assert outbox.outbox_relay_pending() == []  # still backing off
    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        assert outbox.outbox_relay_pending() == [row.pk]
    row.refresh_from_db()
    assert row.failures == 2
    assert row.available_at == start + datetime.timedelta(seconds=31 + 60)
    with time_machine.travel(start + datetime.timedelta(days=1)):
        assert outbox.outbox_relay_pending() == []  # given up after OUTBOX_MAX_ATTEMPTS


def test_a_task_that_succeeds_on_retry_runs_once(django_capture_on_commit_callbacks):
    row = outbox.enqueue(record_call_task, fail=True)
    assert outbox.outbox_run(outbox_id=row.pk) is False
    OutboxTask.objects.filter(pk=row.pk).update(
        kwargs={"employee_id": 7}, available_at=timezone.now()
    )
    assert outbox.outbox_relay_pending() == [row.pk]
    assert outbox.outbox_relay_pending() == []
    assert CALLS == [{"employee_id": 7}]


def test_the_task_and_its_arguments_are_checked_when_recorded():
    with pytest.raises(ValueError, match="Unknown Celery task"):
        outbox.enqueue("core.tests.no_such_task", employee_id=7)
    with pytest.raises(TypeError, match="JSON"):
        outbox.enqueue(record_call_task, when=timezone.now())
    assert not OutboxTask.objects.exists()


def test_enqueue_many_records_one_row_per_call(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = outbox.enqueue_many(record_call_task, [{"employee_id": 1}, {"employee_id": 2}])
    assert len(rows) == 2
    assert CALLS == [{"employee_id": 1}, {"employee_id": 2}]


def test_done_rows_are_pruned_after_the_keep_period(settings):
    settings.OUTBOX_KEEP_DAYS = 7
    row = outbox.enqueue(record_call_task, employee_id=7)
    outbox.outbox_run(outbox_id=row.pk)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        outbox.outbox_relay_pending()
    assert OutboxTask.objects.filter(pk=row.pk).exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        outbox.outbox_relay_pending()
    assert not OutboxTask.objects.filter(pk=row.pk).exists()


def test_the_command_relays_pending_rows_and_has_a_dry_run(capsys):
    with broker_down():
        row = outbox.enqueue(record_call_task, employee_id=7)
        outbox.outbox_relay(outbox_id=row.pk)
    call_command("outbox_relay", "--dry-run")
    assert "1 outbox task(s) due." in capsys.readouterr().out
    assert CALLS == []
    call_command("outbox_relay")
    assert "1 outbox task(s) relayed." in capsys.readouterr().out
    assert CALLS == [{"employee_id": 7}]


def test_the_periodic_sweep_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "core.outbox.relay_pending" in tasks


def test_the_run_task_retries_soon_while_the_database_is_away(monkeypatch):
    from django.db import OperationalError

    from core import outbox as outbox_module
    from core.tasks import outbox_run_task

    calls = []

    def database_back_on_second_try(*, outbox_id):
        calls.append(outbox_id)
        if len(calls) == 1:
            raise OperationalError("the database system is starting up")
        return True

    monkeypatch.setattr(outbox_module, "outbox_run", database_back_on_second_try)
    monkeypatch.setattr(outbox_run_task, "retry_backoff", False)  # no waiting in the test
    result = outbox_run_task.apply(kwargs={"outbox_id": 7}, throw=False)
    assert (result.state, result.result) == ("SUCCESS", True)  # retried at once, eagerly
    assert calls == [7, 7]


def test_a_burst_of_coalesced_calls_runs_once_after_the_delay(django_capture_on_commit_callbacks):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            first = outbox.enqueue_coalesced(record_call_task, delay_seconds=30, batch=1)
            assert outbox.enqueue_coalesced(record_call_task, delay_seconds=30, batch=1) is None
            other = outbox.enqueue_coalesced(record_call_task, delay_seconds=30, batch=2)
        assert CALLS == []  # not due at commit
        clock.shift(10)
        assert outbox.enqueue_coalesced(record_call_task, delay_seconds=30, batch=1) is None
        outbox.outbox_relay_pending()
        assert CALLS == []
        # Within the margin of the waiting run, a new call queues a run of its own: the
        # waiting one may start before the caller's transaction commits.
        clock.shift(16)
        late = outbox.enqueue_coalesced(record_call_task, delay_seconds=30, batch=1)
        assert late is not None and late.pk not in (first.pk, other.pk)
        clock.shift(5)
        outbox.outbox_relay_pending()
        assert sorted(call["batch"] for call in CALLS) == [1, 2]
        clock.shift(30)
        outbox.outbox_relay_pending()
        assert sorted(call["batch"] for call in CALLS) == [1, 1, 2]


def test_coalescing_without_a_delay_is_enqueueing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_coalesced(record_call_task, delay_seconds=0, batch=1)
        outbox.enqueue_coalesced(record_call_task, delay_seconds=0, batch=1)
    assert CALLS == [{"batch": 1}, {"batch": 1}]
