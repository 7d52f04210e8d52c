"""`course_outline(...).minutes_left`: the same figure as My training before the start."""

import pytest

from courses.models import Lesson
from courses.selectors import course_outline
from courses.services import lesson_complete
from courses.tests.factories import course_with_lessons

pytestmark = pytest.mark.django_db


def test_time_left_starts_at_the_courses_estimate_and_falls_to_zero(employee):
    course = course_with_lessons(modules=2, lessons=2)
    lessons = list(
        Lesson.objects.filter(module__course=course).order_by("module__position", "position")
    )
    # The lessons add up to 4 × 5 = 20 minutes; the author's estimate is what everyone sees.
    Lesson.objects.filter(module__course=course).update(minutes=5)
    course.estimated_minutes = 21
    course.save(update_fields=["estimated_minutes"])

    assert course_outline(course=course, employee=employee).minutes_left == 21
    lesson_complete(employee=employee, lesson=lessons[0], acknowledged=False)
    assert course_outline(course=course, employee=employee).minutes_left == 16  # 21 × 15/20
    for lesson in lessons[1:]:
        lesson_complete(employee=employee, lesson=lesson, acknowledged=False)
    assert course_outline(course=course, employee=employee).minutes_left == 0
