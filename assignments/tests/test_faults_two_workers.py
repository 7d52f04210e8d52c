"""Two Celery worker processes on one queue send no email twice.

Real processes: a redis-server of the test's own, two `celery worker` processes on it
and the test database, a real SMTP server (aiosmtpd) counting what arrives. Every
message is delivered several times on purpose (the outbox sweep relays each row again,
the sending tasks are sent again, the queueing service runs again): the claims in the
database (the reminder log's unique row and its `sent_at`, the employee's `invited_at`,
the outbox row's `done_at`) let each email out once.
"""

from collections import Counter

import pytest
from django.db import transaction

from ambassador.tests.faults import current_database_env, tasks_sent_to, wait_until
from assignments import reminders
from assignments.models import ReminderLog
from assignments.tasks import reminders_send_task
from assignments.tests.factories import assign
from core import outbox
from core.models import OutboxTask
from core.outbox import outbox_relay_pending
from courses.models import Enrollment
from courses.tests.factories import course_with_lessons
from people.tasks import employee_invite_task
from people.tests.factories import EmployeeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.faults, pytest.mark.django_db(transaction=True)]

LEARNERS = 24
NEWCOMERS = 6


def test_two_workers_on_one_queue_send_each_email_once(
    org, hr, redis_server, celery_workers, smtp_inbox, settings, monkeypatch, tmp_path
):
    env = {
        **current_database_env(),
        "CELERY_BROKER_URL": redis_server.url(0),
        "CACHE_URL": redis_server.url(1),
        "TASKS_IN_PROCESS": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_URL": smtp_inbox.url,
    }
    first = celery_workers(env, "first")
    second = celery_workers(env, "second")
    learners = [
        EmployeeFactory(department=org["north"], user__email=f"learner{n}@example.com")
        for n in range(LEARNERS)
    ]
    newcomers = [
        EmployeeFactory(department=org["north"], user__email=f"newcomer{n}@example.com")
        for n in range(NEWCOMERS)
    ]
    course = course_with_lessons(modules=1, lessons=1, title="Social Media 101")
    monkeypatch.setattr(reminders, "SEND_CHUNK", 4)  # six chunks, for both workers
    settings.OUTBOX_REDELIVER_SECONDS = 0  # every sweep relays every row not yet run

    with tasks_sent_to(redis_server.url(0)):
        assign(course=course, by=hr.user, employees=learners, days=20)
        for _ in range(2):  # each newcomer's invitation queued twice
            with transaction.atomic():
                outbox.enqueue_many(
                    employee_invite_task, [{"employee_id": person.pk} for person in newcomers]
                )
        # Duplicates of everything: two sweeps relay every row not yet run again, the
        # service queues the same "assigned" emails again (the unique log refuses), and
        # each sending chunk is sent straight to the workers once more.
        outbox_relay_pending()
        outbox_relay_pending()
        enrollment_ids = list(Enrollment.objects.filter(course=course).values_list("pk", flat=True))
        with transaction.atomic():
            assert reminders.reminders_assigned_queue(enrollment_ids=enrollment_ids) == []
        logged = list(ReminderLog.objects.order_by("pk").values_list("pk", flat=True))
        assert len(logged) == LEARNERS
        for start in range(0, LEARNERS, 4):
            reminders_send_task.delay(logged[start : start + 4])

        wait_until(
            lambda: (
                len(smtp_inbox.messages) >= LEARNERS + NEWCOMERS
                and not OutboxTask.objects.filter(done_at__isnull=True).exists()
                and not ReminderLog.objects.filter(sent_at__isnull=True).exists()
            ),
            seconds=120,
            what="every email sent",
            interval=0.3,
        )
        # Let any duplicate still in the queue arrive.
        wait_until(
            lambda: "succeeded" in first.output() and "succeeded" in second.output(),
            seconds=30,
            what="both workers at work",
        )
        wait_until(
            lambda: redis_server_queue_empty(redis_server), seconds=30, what="the queue empty"
        )

    received = Counter(smtp_inbox.recipients())
    expected = [p.user.email for p in learners] + [p.user.email for p in newcomers]
    assert received == Counter(expected)  # each address once, none missing
    assert (
        sorted(
            message["Subject"] for _, message in smtp_inbox.messages if "learner" in message["To"]
        )
        == ["Training assigned to you: Social Media 101"] * LEARNERS
    )


def redis_server_queue_empty(redis_server) -> bool:
    """Nothing waiting in the `celery` list and nothing taken but unacknowledged."""
    import redis

    client = redis.Redis.from_url(redis_server.url(0))
    return client.llen("celery") == 0 and client.hlen("unacked") == 0
