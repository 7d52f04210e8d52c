"""Finishing a course from many tabs at once (PostgreSQL: SQLite serialises writers)."""

import pytest

from certificates.models import Certificate
from courses.models import Enrollment, Lesson
from courses.services import lesson_complete
from courses.tests.factories import course_with_lessons

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_simultaneous_completions_of_the_last_lesson_issue_exactly_one_certificate(
    employee, race
):
    course = course_with_lessons(modules=1, lessons=2)
    first, last = Lesson.objects.filter(module__course=course).order_by("position")
    lesson_complete(employee=employee, lesson=first)

    results, errors = race(
        lambda: lesson_complete(employee=employee, lesson=last).pk, runners=20, timeout=120
    )

    assert errors == []
    assert len(results) == 20
    enrollment = Enrollment.objects.get(employee=employee, course=course)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    assert enrollment.completions.count() == 2
