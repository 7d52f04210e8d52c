"""Thin Celery tasks of the outbox. Task names are a contract."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import outbox


@shared_task(
    name=outbox.RUN_TASK_NAME,
    ignore_result=True,
    # The database away (a restart, a failover): the row cannot even be read or marked
    # failed, so the message is retried soon rather than left to the sweep's redelivery.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=12,
)
def outbox_run_task(outbox_id: int) -> bool:
    """Run one recorded task once (sent by the relay); duplicates do nothing."""
    return outbox.outbox_run(outbox_id=outbox_id)


@shared_task(name="core.outbox.relay_pending", ignore_result=True)
def outbox_relay_pending_task() -> int:
    """Every minute (beat): relay outbox rows still unsent or lost; prune old ones."""
    return len(outbox.outbox_relay_pending())
