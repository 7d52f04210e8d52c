"""Thin Celery tasks: take ids, call the service. Task names are a contract."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    name="certificates.tasks.certificate_render_pdf",
    autoretry_for=(OSError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def certificate_render_pdf_task(certificate_id: int) -> bool:
    """Render the PDF of one certificate (queued on commit after issue); idempotent."""
    return services.certificate_render_pdf(certificate_id=certificate_id) is not None


@shared_task(
    name="certificates.tasks.certificates_daily",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def certificates_daily_task() -> dict:
    """Daily: missing certificates, expiry warnings, recertification cycles."""
    result = services.certificates_daily()
    return {
        "issued": len(result.issued),
        "warned": len(result.warned),
        "renewed": len(result.renewed),
    }
