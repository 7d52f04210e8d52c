"""Thin Celery tasks of `privacy`. Task names are a contract."""

from celery import shared_task

from . import services


@shared_task(name="privacy.tasks.leavers_pseudonymise", ignore_result=True)
def leavers_pseudonymise_task() -> int:
    """Daily (beat): pseudonymise leavers past the retention period."""
    return len(services.leavers_pseudonymise())
