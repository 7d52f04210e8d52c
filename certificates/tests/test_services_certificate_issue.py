import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_issue
from certificates.tests.factories import complete_course, issue_certificate
from courses.models import Enrollment, Lesson
from courses.services import lesson_complete
from courses.signals import enrollment_completed
from courses.tests.factories import course_with_lessons


def test_completing_every_lesson_issues_a_certificate_and_renders_its_pdf(
    employee, django_capture_on_commit_callbacks
):
    course = course_with_lessons(modules=1, lessons=2, title="Social Media 101")
    course.certificate_valid_months = 12
    course.save()
    with (
        time_machine.travel(datetime.datetime(2025, 1, 31, 10, tzinfo=datetime.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for lesson in Lesson.objects.filter(module__course=course):
            lesson_complete(employee=employee, lesson=lesson)

    certificate = Certificate.objects.get()
    enrollment = Enrollment.objects.get()
    assert certificate.enrollment == enrollment
    assert certificate.employee == employee
    assert certificate.holder_name == "Employee Persona"
    assert certificate.course_title == "Social Media 101"
    assert certificate.issued_at == enrollment.completed_at
    # 12 months after 31 January 2025 (relativedelta keeps the day).
    assert certificate.expires_at == datetime.datetime(2026, 1, 31, 10, tzinfo=datetime.UTC)
    assert re.fullmatch(r"[A-Z2-7]{20}", certificate.code)
    assert re.fullmatch(r"([A-Z2-7]{5}-){3}[A-Z2-7]{5}", certificate.display_code)
    assert certificate.pdf.name.endswith(".pdf")  # the on-commit task ran (eagerly)
    assert certificate.revoked_at is None
    assert certificate.expiry_warning_sent_at is None


def test_a_course_without_validity_gives_a_certificate_that_never_expires(employee):
    certificate = issue_certificate(employee=employee)
    assert certificate.expires_at is None


def test_the_signal_sent_twice_issues_one_certificate(employee):
    enrollment = complete_course(employee=employee)
    enrollment_completed.send(sender=Enrollment, enrollment_id=enrollment.pk)
    enrollment_completed.send(sender=Enrollment, enrollment_id=enrollment.pk)
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_the_service_called_twice_returns_the_same_certificate(employee):
    enrollment = complete_course(employee=employee)
    first = certificate_issue(enrollment_id=enrollment.pk)
    second = certificate_issue(enrollment_id=enrollment.pk)
    assert first.pk == second.pk
    assert first.code == second.code
    assert Certificate.objects.count() == 1


def test_an_unfinished_enrollment_gets_no_certificate(employee):
    course = course_with_lessons(modules=1, lessons=2)
    enrollment = lesson_complete(
        employee=employee, lesson=Lesson.objects.filter(module__course=course).first()
    )
    assert certificate_issue(enrollment_id=enrollment.pk) is None
    assert not Certificate.objects.exists()


def test_names_are_snapshots_that_later_renames_do_not_rewrite(employee):
    certificate = issue_certificate(employee=employee, title="Old title")
    certificate.course.title = "New title"
    certificate.course.save()
    employee.user.first_name = "Renamed"
    employee.user.save()
    certificate.refresh_from_db()
    assert certificate.course_title == "Old title"
    assert certificate.holder_name == "Employee Persona"


def test_codes_are_unique_and_random(employee):
    codes = {issue_certificate(employee=employee).code for _ in range(5)}
    assert len(codes) == 5


@pytest.mark.postgres  # SQLite serialises writers: there is no race to test
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_create_exactly_one_certificate(employee, race):
    enrollment = complete_course(employee=employee)
    Certificate.objects.all().delete()  # completing issued it on commit; race from scratch
    results, errors = race(lambda: certificate_issue(enrollment_id=enrollment.pk).pk)
    assert not errors
    assert len(results) == 2
    assert results[0] == results[1]
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_issue_time_is_the_completion_time(employee):
    now = timezone.now()
    certificate = issue_certificate(employee=employee)
    assert abs((certificate.issued_at - now).total_seconds()) < 60


def test_the_certificate_is_issued_in_the_completing_transaction(employee):
    # No on-commit callback runs in this test: the certificate must not depend on one.
    enrollment = complete_course(employee=employee)
    assert Certificate.objects.get().enrollment == enrollment


def test_a_failed_issue_rolls_the_completion_back_so_nothing_is_lost(employee, monkeypatch):
    from certificates import signals

    course = course_with_lessons(modules=1, lessons=2)
    first, last = Lesson.objects.filter(module__course=course).order_by("position")
    lesson_complete(employee=employee, lesson=first)
    monkeypatch.setattr(signals.services, "certificate_issue", lambda **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        lesson_complete(employee=employee, lesson=last)
    enrollment = Enrollment.objects.get()
    assert enrollment.status == Enrollment.Status.IN_PROGRESS  # the learner can retry
    assert not enrollment.completions.filter(lesson=last).exists()
    monkeypatch.undo()
    lesson_complete(employee=employee, lesson=last)
    assert Certificate.objects.get().enrollment == enrollment


def test_the_pdf_is_rendered_once_the_broker_is_back(employee, django_capture_on_commit_callbacks):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from ambassador.celery import app
    from core.outbox import outbox_relay_pending

    app.conf.task_always_eager = False  # restored by the autouse `_celery_eager` fixture
    broker_down = mock.patch.object(
        app.amqp, "send_task_message", side_effect=OperationalError("Connection refused")
    )
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        enrollment = complete_course(employee=employee)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert not certificate.pdf
    app.conf.task_always_eager = True
    outbox_relay_pending()
    certificate.refresh_from_db()
    assert certificate.pdf.name.endswith(".pdf")
