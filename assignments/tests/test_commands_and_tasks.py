"""The periodic jobs as commands (ops run them by hand) and as tasks (beat runs them)."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from assignments import tasks
from assignments.models import DigestLog, ReminderLog
from assignments.tests.factories import assign
from courses.models import Enrollment
from courses.tests.factories import course_with_lessons
from people.tests.factories import EmployeeFactory

START = datetime.datetime(2026, 12, 2, 8, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


@pytest.fixture
def assigned(personas, org, hr, django_capture_on_commit_callbacks):
    course = course_with_lessons(modules=1, lessons=1)
    with (
        time_machine.travel(START, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assign(course=course, by=hr.user, departments=[org["sales"]], days=10)
    return course


def test_assignments_daily_dry_run_changes_nothing(assigned, org):
    EmployeeFactory(department=org["north"])
    before = Enrollment.objects.count(), ReminderLog.objects.count()
    out = StringIO()
    with time_machine.travel(START + datetime.timedelta(days=4), tick=False):
        call_command("assignments_daily", "--dry-run", stdout=out)
    assert "Dry run: would re-apply the assignments of 1 course(s)." in out.getvalue()
    assert "due_7: 2" in out.getvalue()
    assert (Enrollment.objects.count(), ReminderLog.objects.count()) == before


def test_assignments_daily_picks_up_and_reminds(assigned, org, django_capture_on_commit_callbacks):
    newcomer = EmployeeFactory(department=org["north"])
    out = StringIO()
    with (
        time_machine.travel(START + datetime.timedelta(days=4), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("assignments_daily", stdout=out)
    assert "Re-applied 1 course(s): 1 enrollment(s) created" in out.getvalue()
    assert Enrollment.objects.filter(employee=newcomer, assignment_id__isnull=False).exists()
    assert ReminderLog.objects.filter(kind="due_7", sent_at__isnull=False).count() == 2


def test_manager_digests_command(assigned, django_capture_on_commit_callbacks):
    out = StringIO()
    with time_machine.travel(START + datetime.timedelta(days=5), tick=False):
        call_command("manager_digests", "--dry-run", stdout=out)
        assert "1 manager(s) would get a digest" in out.getvalue()
        assert not DigestLog.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("manager_digests", stdout=out)
    assert "Queued 1 digest(s)." in out.getvalue()
    assert [m.to for m in mail.outbox if "Your team" in m.subject] == [["manager@example.com"]]


def test_tasks_call_the_services(assigned, org, django_capture_on_commit_callbacks):
    EmployeeFactory(department=org["north"])
    with (
        time_machine.travel(START + datetime.timedelta(days=4), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.assignments_sync_task() == {"courses": 1, "picked_up": 1, "released": 0}
        daily = tasks.assignments_daily_task()
        # The newcomer was assigned today: their reminder waits for tomorrow.
        assert daily["reminders_queued"] == 2 and daily["picked_up"] == 0
        assert tasks.manager_digests_task() == 1
    with pytest.raises(ValueError, match="Not a sending task"):
        tasks.queue_send_task(task_name="assignments_daily_task", ids=[1])
