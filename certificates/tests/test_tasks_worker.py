"""The PDF task through a real Celery worker on the broker (Redis in CI)."""

import os
import time

import pytest
from django.conf import settings

from certificates.models import Certificate
from certificates.tests.factories import complete_course

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (os.environ.get("CELERY_BROKER_URL") or settings.CELERY_BROKER_URL),
        reason="Needs CELERY_BROKER_URL (a real broker, e.g. Redis) for a real worker.",
    ),
]


def test_a_real_worker_renders_the_pdf(employee):
    from celery.contrib.testing.worker import start_worker

    from ambassador.celery import app
    from certificates.tasks import certificate_render_pdf_task

    # Completing the course issues the certificate; on commit its render task is sent to
    # the broker (no worker yet), so the PDF is not there until the worker runs.
    enrollment = complete_course(employee=employee)
    certificate = Certificate.objects.get(enrollment=enrollment)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        certificate_render_pdf_task.delay(certificate.pk)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            certificate.refresh_from_db()
            if certificate.pdf:
                break
            time.sleep(0.2)
    assert certificate.pdf, "the worker did not render the PDF within 30 s"
    with certificate.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
