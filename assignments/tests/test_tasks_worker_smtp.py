"""A real Celery worker on the broker (Redis in CI) sends assignment emails through a real
SMTP server on 127.0.0.1 (aiosmtpd, started here); the messages arrive with the calendar
attachment, each once."""

import datetime
import email
import email.policy
import os
import socket
import time

import pytest
from django.db import close_old_connections
from django.utils import timezone

from assignments.models import ReminderLog
from assignments.reminders import reminders_daily
from assignments.tests.factories import assign
from courses.models import Enrollment
from courses.tests.factories import course_with_lessons

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"),
        reason="needs CELERY_BROKER_URL (CI sets it to Redis)",
    ),
]


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            (
                envelope.rcpt_tos,
                email.message_from_bytes(envelope.content, policy=email.policy.default),
            )
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_worker_sends_assigned_and_reminder_through_smtp_once(personas, org, hr, smtp_server):
    from celery.contrib.testing.worker import start_worker

    from ambassador.celery import app

    course = course_with_lessons(modules=1, lessons=1, title="Social Media 101")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assign(course=course, by=hr.user, employees=[personas["employee"]], days=20)
        assert wait_for(lambda: len(smtp_server.messages) >= 1)
        # A week later the "due in 7 days" reminder goes out, once, however often the
        # daily job runs.
        enrollment = Enrollment.objects.get(employee=personas["employee"], course=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            due_on=timezone.localdate() + datetime.timedelta(days=5)
        )
        ReminderLog.objects.filter(kind="assigned").update(
            created_at=timezone.now() - datetime.timedelta(days=3)
        )
        reminders_daily()
        reminders_daily()
        assert wait_for(lambda: len(smtp_server.messages) >= 2)
        time.sleep(1)  # let any duplicate arrive
    close_old_connections()
    assert len(smtp_server.messages) == 2
    (to_assigned, assigned), (to_reminder, reminder) = smtp_server.messages
    assert to_assigned == to_reminder == ["employee@example.com"]
    assert assigned["Subject"] == "Training assigned to you: Social Media 101"
    parts = {part.get_content_type(): part for part in assigned.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= set(parts)
    ics = parts["text/calendar"].get_payload(decode=True).decode()
    assert f"UID:enrollment-{enrollment.pk}@" in ics
    assert "DTSTART;VALUE=DATE:" in ics
    assert "is due in 5 days" in reminder["Subject"]
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == 2
