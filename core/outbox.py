"""The transactional outbox: work that must happen after a commit is never lost.

API (for every app)::

    from core import outbox
    from .tasks import employee_invite_task

    outbox.enqueue(employee_invite_task, employee_id=employee.pk)

`enqueue` records the task (its registered name and JSON keyword arguments) as an
`OutboxTask` row in the caller's transaction: if the transaction rolls back, the task
is forgotten with it; if it commits, the task will run once. Call it where you would
have written `transaction.on_commit(lambda: task.delay(...))`.

How a row gets run:

1. On commit, the row is relayed: `core.outbox.run` is sent to the broker with the
   row's id. A broker error is logged, never raised: the request that committed stays
   a success, and the row stays pending.
2. `outbox_relay_pending` (Celery beat every minute, and `manage.py outbox_relay`)
   relays rows never relayed, rows whose relay is older than OUTBOX_REDELIVER_SECONDS
   without having run (a message lost with a restarted broker), and failed rows whose
   backoff has passed. Relaying claims the row with a conditional UPDATE on
   `relayed_at`, so two sweeps do not send the same row twice.
3. The worker's `outbox_run` claims the row with a conditional UPDATE of `done_at`
   in the same transaction as the task's own writes, then calls the task in-process.
   A duplicate message finds `done_at` set and does nothing. If the task raises, the
   transaction (claim included) rolls back, the failure is counted and the row is
   retried with exponential backoff, up to OUTBOX_MAX_ATTEMPTS.

Tasks keep their own names (`people.tasks.employee_invite`, …), so they can still be
called directly; through the outbox their own `autoretry_for` does not apply (the
outbox retries). Keyword arguments must be JSON values (ids, not model instances).
Without a broker (`make run`, the tests) Celery runs eagerly: the task runs at commit.
"""

import datetime
import json
import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import metrics
from .models import OutboxTask
from .observability import current_request_id, request_id_bound

logger = logging.getLogger(__name__)

RUN_TASK_NAME = "core.outbox.run"
# A request must not hang on a broker that is down: one quick retry, then the sweep.
_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def enqueue(task, /, **kwargs) -> OutboxTask:
    """Record `task` (a Celery task or its registered name) with `kwargs` in the current
    transaction; it is relayed to the broker on commit. Returns the row."""
    return enqueue_many(task, [kwargs])[0]


# A coalesced call is only skipped for a waiting run at least this far in the future,
# so that the transaction asking for it has committed before that run reads the data.
COALESCE_MARGIN_SECONDS = 5


def enqueue_coalesced(task, /, *, delay_seconds: float, **kwargs) -> OutboxTask | None:
    """`enqueue` a run of `task` `delay_seconds` from now, unless the same call is
    already waiting to run later than COALESCE_MARGIN_SECONDS from now: a burst of writes
    (a SCIM provisioning run creating thousands of people one request at a time) then
    queues one run, not one per write. Returns the new row, or None when coalesced.
    With `delay_seconds` 0 it is `enqueue` (nothing waits: development runs tasks at
    once, without the sweep that relays delayed rows)."""
    name = task if isinstance(task, str) else task.name
    now = timezone.now()
    if delay_seconds > COALESCE_MARGIN_SECONDS:
        waiting = OutboxTask.objects.filter(
            task_name=name,
            kwargs=kwargs,
            done_at__isnull=True,
            relayed_at__isnull=True,
            available_at__gt=now + datetime.timedelta(seconds=COALESCE_MARGIN_SECONDS),
        )
        if waiting.exists():
            return None
    return enqueue_many(
        task, [kwargs], available_at=now + datetime.timedelta(seconds=max(0, delay_seconds))
    )[0]


def enqueue_many(task, kwargs_list: list[dict], /, *, available_at=None) -> list[OutboxTask]:
    """`enqueue` for many calls of one task (one INSERT: bulk work such as an import);
    `available_at`: not run before then (the sweep relays it once due)."""
    name = task if isinstance(task, str) else task.name
    if name not in current_app.tasks:
        raise ValueError(f"Unknown Celery task {name!r}.")
    try:
        json.dumps(kwargs_list)
    except TypeError as error:
        raise TypeError(f"Outbox task arguments must be JSON values: {error}") from None
    request_id = current_request_id()
    rows = OutboxTask.objects.bulk_create(
        [
            OutboxTask(
                task_name=name,
                kwargs=kwargs,
                request_id=request_id,
                available_at=available_at or timezone.now(),
            )
            for kwargs in kwargs_list
        ],
        batch_size=1000,
    )
    row_ids = [row.pk for row in rows]
    if None in row_ids:  # a backend that does not return ids from bulk inserts
        raise RuntimeError("The outbox needs a database that returns ids from bulk inserts.")
    transaction.on_commit(lambda: _relay_each(row_ids))
    return rows


def _relay_each(outbox_ids: list[int]) -> None:
    for outbox_id in outbox_ids:
        outbox_relay(outbox_id=outbox_id)


def _redeliver_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=settings.OUTBOX_REDELIVER_SECONDS)


def _relayable(now: datetime.datetime):
    """Rows due for relaying: pending, past their backoff, never relayed or relayed so
    long ago that the message must have been lost, and not given up on."""
    return OutboxTask.objects.filter(
        Q(relayed_at__isnull=True) | Q(relayed_at__lt=_redeliver_before(now)),
        done_at__isnull=True,
        available_at__lte=now,
        failures__lt=settings.OUTBOX_MAX_ATTEMPTS,
    )


def outbox_relay(*, outbox_id: int) -> bool:
    """Hand one row to the broker, if it is due and no one else just did; never raises.

    True if it was sent now."""
    now = timezone.now()
    claimed = (
        _relayable(now)
        .filter(pk=outbox_id)
        .update(relayed_at=now, relay_count=F("relay_count") + 1)
    )
    if not claimed:
        return False
    from .tasks import outbox_run_task

    try:
        outbox_run_task.apply_async(
            kwargs={"outbox_id": outbox_id}, retry=True, retry_policy=_PUBLISH_RETRY_POLICY
        )
    except Exception as error:  # the broker is down: the sweep relays it later
        logger.warning("Outbox task %s not relayed (will retry): %s", outbox_id, error)
        OutboxTask.objects.filter(pk=outbox_id, relayed_at=now, done_at__isnull=True).update(
            relayed_at=None, last_error=f"relay: {error}"[:2000]
        )
        return False
    return True


def outbox_run(*, outbox_id: int) -> bool:
    """Run one recorded task, once (the worker side of `core.outbox.run`).

    True if it ran now; False if it had already run (a duplicate message), is waiting
    for its backoff, or does not exist. A failure is recorded for a later retry."""
    row = OutboxTask.objects.filter(pk=outbox_id).first()
    if row is None or row.done_at is not None:
        return False
    # The task runs under the id of the request that queued it (or, for a row stored
    # without one, the id the message carried).
    with request_id_bound(row.request_id or current_request_id()):
        task = current_app.tasks.get(row.task_name)
        try:
            with transaction.atomic():
                claimed = OutboxTask.objects.filter(pk=outbox_id, done_at__isnull=True).update(
                    done_at=timezone.now()
                )
                if not claimed:
                    return False
                if task is None:
                    raise LookupError(f"Unknown Celery task {row.task_name!r}.")
                task(**row.kwargs)
        except Exception as error:
            metrics.TASKS.labels(row.task_name, "failed").inc()
            _record_failure(row=row, error=error)
            return False
        metrics.TASKS.labels(row.task_name, "succeeded").inc()
        logger.info("Outbox task %s (%s) ran", row.pk, row.task_name)
    return True


def _record_failure(*, row: OutboxTask, error: Exception) -> None:
    failures = row.failures + 1
    delay = min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (failures - 1), 3600)
    logger.exception(
        "Outbox task %s (%s) failed (%s of %s attempts)",
        row.pk,
        row.task_name,
        failures,
        settings.OUTBOX_MAX_ATTEMPTS,
    )
    OutboxTask.objects.filter(pk=row.pk, done_at__isnull=True).update(
        failures=F("failures") + 1,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        available_at=timezone.now() + datetime.timedelta(seconds=delay),
        relayed_at=None,
    )


def outbox_relay_pending(*, limit: int = 1000, dry_run: bool = False) -> list[int]:
    """The sweep: relay every row that is due (see the module docstring) and delete done
    rows older than OUTBOX_KEEP_DAYS. Returns the ids relayed (or due, with `dry_run`)."""
    now = timezone.now()
    due = list(_relayable(now).order_by("available_at", "pk").values_list("pk", flat=True)[:limit])
    if dry_run:
        return due
    relayed = [outbox_id for outbox_id in due if outbox_relay(outbox_id=outbox_id)]
    keep_after = now - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    old = OutboxTask.objects.filter(done_at__lt=keep_after).values_list("pk", flat=True)[:limit]
    OutboxTask.objects.filter(pk__in=list(old)).delete()
    return relayed
