"""A Celery worker's process killed with SIGKILL in the middle of a task: the broker
gives the task again (`acks_late` + `reject_on_worker_lost`) and its effect happens
once.

Real processes: a redis-server of the test's own, a `celery worker` (prefork, one
child) on it and the test database, an SMTP server (aiosmtpd). The test makes the task
stop half-way in a way it controls (a row lock the task waits on; an SMTP server that
holds the conversation), kills the child with SIGKILL there, then lets it go.
"""

import os
import re
import signal
from pathlib import Path

import psycopg
import pytest
from django.db import connection, transaction

from ambassador.tests.faults import current_database_env, tasks_sent_to, wait_until
from certificates.models import Certificate
from certificates.tests.factories import complete_course
from core import outbox
from core.models import OutboxTask
from people.tasks import employee_invite_task
from people.tests.factories import EmployeeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(redis_server, smtp_inbox, tmp_path):
    return {
        **current_database_env(),
        "CELERY_BROKER_URL": redis_server.url(0),
        "CACHE_URL": redis_server.url(1),
        "TASKS_IN_PROCESS": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_URL": smtp_inbox.url,
    }


def database_connection():
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
    )


def kill_the_child(worker) -> int:
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)
    return child


def test_a_pdf_render_killed_half_way_runs_again_and_leaves_one_pdf(
    employee, redis_server, worker_env, celery_workers, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with tasks_sent_to(redis_server.url(0)):
        enrollment = complete_course(employee=employee)  # the render is relayed on commit
    certificate = Certificate.objects.get(enrollment=enrollment)
    render = OutboxTask.objects.get(task_name="certificates.tasks.certificate_render_pdf")
    assert not certificate.pdf and render.relayed_at is not None

    # The test holds the certificate's row: the task renders, stores its file, then
    # waits to record it. That is where its process is killed.
    locker = database_connection()
    locker.execute(
        "SELECT 1 FROM certificates_certificate WHERE id = %s FOR UPDATE", [certificate.pk]
    )
    worker = celery_workers(worker_env)
    media = Path(worker_env["MEDIA_ROOT"])
    wait_until(
        lambda: (
            list(media.rglob(f"{certificate.code}*.pdf"))
            and locker.execute(
                "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE 'UPDATE \"certificates_certificate\"%%'"
            ).fetchone()
        ),
        seconds=60,
        what="the render waiting to record its stored file",
    )
    kill_the_child(worker)
    locker.rollback()
    locker.close()

    wait_until(
        lambda: Certificate.objects.get(pk=certificate.pk).pdf,
        seconds=60,
        what="the PDF recorded by the task run again",
    )
    certificate.refresh_from_db()
    files = list(media.rglob(f"{certificate.code}*.pdf"))
    assert [file.relative_to(media).as_posix() for file in files] == [certificate.pdf.name]
    assert files[0].read_bytes().startswith(b"%PDF-")
    render.refresh_from_db()
    assert render.done_at is not None
    assert (render.failures, render.relay_count) == (0, 1)  # the broker gave it again
    output = worker.output()
    assert "SIGKILL" in output
    # Given twice (killed, then again), the second time to a new child process.
    assert len(re.findall(r"core\.outbox\.run\[[^\]]+\] received", output)) == 2


def test_an_invitation_killed_mid_send_is_sent_once(
    org, redis_server, worker_env, celery_workers, smtp_inbox
):
    newcomer = EmployeeFactory(department=org["north"], user__email="newcomer@example.com")
    assert newcomer.invited_at is None
    with tasks_sent_to(redis_server.url(0)), transaction.atomic():
        outbox.enqueue(employee_invite_task, employee_id=newcomer.pk)

    # The mail server holds the first conversation after RCPT: the task has claimed the
    # invitation and is sending it when its process is killed.
    smtp_inbox.hold_next()
    worker = celery_workers(worker_env)
    assert smtp_inbox.held.wait(timeout=60), worker.output()
    kill_the_child(worker)
    smtp_inbox.release()

    wait_until(lambda: smtp_inbox.messages, seconds=60, what="the invitation sent again")
    wait_until(
        lambda: OutboxTask.objects.filter(done_at__isnull=False).exists(),
        seconds=30,
        what="the outbox row done",
    )
    assert smtp_inbox.recipients() == ["newcomer@example.com"]
    ((_, message),) = smtp_inbox.messages
    assert "password" in message.get_body(("plain",)).get_content().lower()
    newcomer.refresh_from_db()
    assert newcomer.invited_at is not None
    assert "SIGKILL" in worker.output()
