"""The request id follows a request into a real Celery worker on the broker (Redis in
CI): through the outbox row and through the message header."""

import logging
import time

import pytest
from django.db import close_old_connections
from django.urls import reverse

from core.models import OutboxTask
from core.observability import REQUEST_ID_HEADER, request_id_bound
from courses.models import Lesson
from courses.tests.factories import course_with_lessons

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def outbox_log():
    """The records of `core.outbox`, from any thread. On the logger itself, not the root:
    the worker's start-up runs django.setup(), whose logging configuration replaces the
    root's handlers (pytest's caplog among them)."""
    logger = logging.getLogger("core.outbox")
    handler, level = Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(level)


def _outbox_lines(records, task_name):
    return [record for record in records if task_name in record.getMessage()]


def test_a_task_queued_by_a_request_logs_under_its_id_in_the_worker(
    employee, client_for, outbox_log, settings, tmp_path
):
    from celery.contrib.testing.worker import start_worker

    from ambassador.celery import app

    settings.MEDIA_ROOT = tmp_path
    course = course_with_lessons(modules=1, lessons=1)
    lesson = Lesson.objects.get(module__course=course)
    client = client_for(employee)
    # Completing the only lesson completes the course: the certificate's PDF task is
    # recorded in the outbox and sent to the broker on commit.
    response = client.post(
        reverse("courses:lesson-complete", args=[course.code, lesson.pk]),
        headers={REQUEST_ID_HEADER: "req-worker-0001"},
    )
    assert response.status_code in (200, 302)
    row = OutboxTask.objects.get(task_name="certificates.tasks.certificate_render_pdf")
    assert row.request_id == "req-worker-0001"

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert _wait_for(
            lambda: OutboxTask.objects.filter(pk=row.pk, done_at__isnull=False).exists()
        )
        assert _wait_for(lambda: _outbox_lines(outbox_log, "certificate_render_pdf"))
    close_old_connections()
    assert [r.request_id for r in _outbox_lines(outbox_log, "certificate_render_pdf")] == [
        "req-worker-0001"
    ]


def test_the_message_header_carries_the_id_to_the_worker(employee, outbox_log):
    """A row without a stored id (queued before this version) runs under the id of the
    request that relayed it, carried by the message."""
    from celery.contrib.testing.worker import start_worker

    from ambassador.celery import app
    from core.tasks import outbox_run_task

    # Made directly, as an older version left it: no stored id, not relayed yet.
    row = OutboxTask.objects.create(task_name="core.outbox.relay_pending", kwargs={})
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        with request_id_bound("req-header-0002"):
            outbox_run_task.delay(outbox_id=row.pk)
        assert _wait_for(lambda: _outbox_lines(outbox_log, "relay_pending"))
    close_old_connections()
    assert {r.request_id for r in _outbox_lines(outbox_log, "relay_pending")} == {"req-header-0002"}
