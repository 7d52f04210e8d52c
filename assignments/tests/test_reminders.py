"""Reminder emails: who gets which, the content (text, HTML, ICS), and "at most once"
under repeated runs, retries and a two-thread race (PostgreSQL)."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from icalendar import Calendar

from assignments import reminders
from assignments.models import ReminderLog
from assignments.services import assignments_sync
from assignments.tests.factories import assign
from courses.models import Enrollment
from courses.services import lesson_complete
from courses.tests.factories import course_with_lessons

START = datetime.datetime(2026, 12, 2, 8, 0, tzinfo=datetime.UTC)


def at(day_offset: int):
    return time_machine.travel(START + datetime.timedelta(days=day_offset), tick=False)


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://training.example.com"
    mail.outbox = []


@pytest.fixture
def course(db):
    return course_with_lessons(modules=1, lessons=2, title="Social Media 101")


@pytest.fixture
def assigned(personas, org, course, hr, django_capture_on_commit_callbacks):
    """Sales (manager + employee) must complete Social Media 101 within 10 days."""
    with at(0), django_capture_on_commit_callbacks(execute=True):
        assignment = assign(
            course=course,
            by=hr.user,
            departments=[org["sales"]],
            days=10,
            note="Needed before the launch.",
        )
    return assignment


def daily(capture, offset):
    with at(offset), capture(execute=True):
        return reminders.reminders_daily()


def sent_to(subject_part):
    return sorted(m.to[0] for m in mail.outbox if subject_part in m.subject)


def test_assigned_email_has_text_html_link_and_a_calendar_entry(assigned, personas):
    assert sorted(m.to[0] for m in mail.outbox) == ["employee@example.com", "manager@example.com"]
    message = next(m for m in mail.outbox if m.to == ["employee@example.com"])
    assert message.subject == "Training assigned to you: Social Media 101"
    enrollment = Enrollment.objects.get(employee=personas["employee"])
    link = "https://training.example.com" + enrollment.course.get_absolute_url()
    assert link in message.body and "Needed before the launch." in message.body
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html and "Needed before the launch." in html
    assert "12 December 2026" in message.body and "12 December 2026" in html
    (filename, content, mimetype) = message.attachments[0]
    assert (filename, mimetype) == ("training-due-date.ics", "text/calendar")
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime.date(2026, 12, 12)
    assert str(event["uid"]) == f"enrollment-{enrollment.pk}@training.example.com"


def test_each_reminder_once_then_escalation(assigned, personas, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    mail.outbox = []
    daily(capture, 0)  # assigned today: nothing else today
    assert mail.outbox == []
    daily(capture, 3)  # due in 7 days
    assert sent_to("is due in 7 days") == ["employee@example.com", "manager@example.com"]
    daily(capture, 3)
    daily(capture, 4)  # still inside the 7-day window: not again
    assert len(mail.outbox) == 2
    # The manager completes; only the employee hears more.
    course = assigned.course
    for lesson in course.modules.first().lessons.all():
        lesson_complete(employee=personas["manager"], lesson=lesson)
    daily(capture, 9)
    assert sent_to("due tomorrow") == ["employee@example.com"]
    daily(capture, 11)
    assert sent_to("Overdue") == ["employee@example.com"]
    daily(capture, 12)
    assert len(sent_to("Overdue")) == 1
    daily(capture, 24)  # 14 days overdue: the line manager (the manager persona) hears
    escalation = [m for m in mail.outbox if "days late" in m.subject]
    assert [m.to for m in escalation] == [["manager@example.com"]]
    assert (
        "Employee Persona" in escalation[0].body
        and "Employee Persona" in escalation[0].alternatives[0][0]
    )
    daily(capture, 30)
    assert len([m for m in mail.outbox if "days late" in m.subject]) == 1
    assert ReminderLog.objects.filter(sent_at__isnull=True).count() == 0


def test_leavers_get_no_email(assigned, personas, django_capture_on_commit_callbacks):
    mail.outbox = []
    user = personas["employee"].user
    user.is_active = False
    user.save()
    daily(django_capture_on_commit_callbacks, 11)
    assert "employee@example.com" not in [m.to[0] for m in mail.outbox]


def test_a_failed_send_is_retried_and_sent_once(assigned, personas, monkeypatch):
    mail.outbox = []
    with at(3):
        reminders.reminders_daily()  # queued on commit: not sent in this test transaction
    log = ReminderLog.objects.get(enrollment__employee=personas["employee"], kind="due_7")
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise OSError("SMTP down")

    monkeypatch.setattr(reminders, "send_templated_email", broken)
    with at(3), pytest.raises(OSError):
        reminders.reminder_send(reminder_id=log.pk)
    log.refresh_from_db()
    assert log.sent_at is None  # un-claimed for the retry
    monkeypatch.undo()
    with at(3):
        assert reminders.reminder_send(reminder_id=log.pk) is True
        assert reminders.reminder_send(reminder_id=log.pk) is False
    assert len(mail.outbox) == 1 and len(calls) == 1


def test_rows_left_unqueued_are_queued_by_the_next_run(
    assigned, personas, django_capture_on_commit_callbacks
):
    mail.outbox = []
    with at(3):
        reminders.reminders_daily()  # the process "dies" before its on-commit queueing
    assert mail.outbox == []
    daily(django_capture_on_commit_callbacks, 4)
    assert sent_to("is due in 6 days") == ["employee@example.com", "manager@example.com"]


def test_the_daily_run_query_count_does_not_grow_with_people(
    personas, org, hr, django_assert_max_num_queries
):
    from people.tests.factories import EmployeeFactory

    counts = []
    for size in (3, 30):
        course = course_with_lessons(modules=1, lessons=1)
        for _ in range(size):
            EmployeeFactory(department=org["finance"])
        with at(-5):
            assign(course=course, by=hr.user, departments=[org["finance"]], days=10)
        ReminderLog.objects.all().delete()
        with at(3), django_assert_max_num_queries(12) as captured:
            reminders.reminders_daily()
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_manager_digest_once_a_week_and_only_when_there_is_news(
    assigned, personas, org, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mail.outbox = []
    with at(1), capture(execute=True):
        assert reminders.manager_digests() == []  # due in 9 days: nothing to say yet
    assert mail.outbox == []
    with at(5), capture(execute=True):
        reminders.manager_digests()
        reminders.manager_digests()
    digests = [m for m in mail.outbox if "Your team's training" in m.subject]
    assert [m.to for m in digests] == [["manager@example.com"]]
    assert "Employee Persona" in digests[0].body
    assert "Employee Persona" in digests[0].alternatives[0][0]
    # Everyone done: nothing to say, no digest.
    for person in (personas["employee"], personas["manager"]):
        for lesson in assigned.course.modules.first().lessons.all():
            lesson_complete(employee=person, lesson=lesson)
    mail.outbox = []
    with at(12), capture(execute=True):
        assert reminders.manager_digests() == []
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(personas, org, hr):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises writers, so there is no race to test.")
    course = course_with_lessons(modules=1, lessons=1)
    with at(0):
        assign(course=course, by=hr.user, everyone=True, days=10)
    mail.outbox = []
    barrier = threading.Barrier(2)
    errors = []

    def run():
        from django.db import connection as thread_connection

        try:
            with at(3):
                barrier.wait(timeout=10)
                won = reminders.reminders_daily()
                for pk in ReminderLog.objects.filter(kind="due_7").values_list("pk", flat=True):
                    reminders.reminder_send(reminder_id=pk)
                return won
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert ReminderLog.objects.filter(kind="due_7").count() == 5
    assert len([m for m in mail.outbox if "7 days" in m.subject]) == 5


def test_sync_twice_sends_assigned_once(assigned, django_capture_on_commit_callbacks):
    mail.outbox = []
    with at(1), django_capture_on_commit_callbacks(execute=True):
        assignments_sync()
        assignments_sync()
    assert mail.outbox == []
