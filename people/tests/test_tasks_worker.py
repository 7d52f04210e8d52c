"""A real task through a real Celery worker on the broker (Redis in CI)."""

import os
import time

import pytest
from django.core import mail
from django.db import close_old_connections

from people.models import Employee
from people.tasks import employee_invite_task

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"),
        reason="needs CELERY_BROKER_URL (CI sets it to Redis)",
    ),
]


def test_invitation_is_sent_by_a_real_worker_once(employee, settings):
    from celery.contrib.testing.worker import start_worker

    from ambassador.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        employee_invite_task.delay(employee.pk)
        employee_invite_task.delay(employee.pk)  # a duplicate delivery must not send twice
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if Employee.objects.filter(pk=employee.pk, invited_at__isnull=False).exists():
                break
            time.sleep(0.2)
        time.sleep(1)  # let the duplicate run too
    close_old_connections()
    assert Employee.objects.get(pk=employee.pk).invited_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["employee@example.com"]
    assert "/accounts/password/reset/key/" in message.body
    assert message.alternatives and "Choose my password" in message.alternatives[0][0]
