import datetime
import re

import pytest
import time_machine
from django.db import connection
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


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_create_exactly_one_certificate(employee, race):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises writers, so there is no race to test.")
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
