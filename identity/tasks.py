"""Thin Celery tasks of `identity`. Task names are a contract."""

from celery import shared_task

from . import services


@shared_task(name="identity.tasks.audit_events_purge", ignore_result=True)
def audit_events_purge_task() -> int:
    """Daily (beat): delete audit events past the retention period."""
    return services.audit_events_purge()
