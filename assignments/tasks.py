"""Thin Celery tasks: ids in, service call. Task names are a contract."""

from celery import shared_task
from django.db import OperationalError

from . import reminders, services

RETRY = {
    "autoretry_for": (OSError, OperationalError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


SENDERS = {"reminders_send_task", "manager_digest_send_task"}


@shared_task(name="assignments.tasks.queue_send")
def queue_send_task(task_name: str, ids: list[int]) -> None:
    """Run by the outbox: hand a chunk of logged emails to the sending task, which runs
    outside the outbox's transaction (its claims commit before each email leaves)."""
    if task_name not in SENDERS:
        raise ValueError(f"Not a sending task: {task_name!r}")
    globals()[task_name].delay(ids)


@shared_task(name="assignments.tasks.reminders_send", **RETRY)
def reminders_send_task(reminder_ids: list[int]) -> int:
    """Send logged emails (each claimed once); returns how many were sent now."""
    return sum(reminders.reminder_send(reminder_id=pk) for pk in reminder_ids)


@shared_task(name="assignments.tasks.manager_digest_send", **RETRY)
def manager_digest_send_task(digest_ids: list[int]) -> int:
    return sum(reminders.manager_digest_send(digest_id=pk) for pk in digest_ids)


@shared_task(name="assignments.tasks.assignments_daily", **RETRY)
def assignments_daily_task() -> dict:
    """Daily: sync audiences, open recurrence cycles, then queue reminders."""
    synced = services.assignments_sync()
    opened = services.assignments_recur()
    run = reminders.reminders_daily()
    return {
        "picked_up": synced.created,
        "released": synced.released,
        "cycles_opened": len(opened),
        "reminders_queued": sum(run.queued.values()),
        "reminders_requeued": run.requeued,
    }


@shared_task(name="assignments.tasks.assignments_sync", **RETRY)
def assignments_sync_task() -> dict:
    """After an HR import: pick up new hires and transfers."""
    result = services.assignments_sync()
    return {"courses": result.courses, "picked_up": result.created, "released": result.released}


@shared_task(name="assignments.tasks.manager_digests", **RETRY)
def manager_digests_task() -> int:
    """Weekly: one digest per manager with overdue or due-soon people."""
    return len(reminders.manager_digests())
