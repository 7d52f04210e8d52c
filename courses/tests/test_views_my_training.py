import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from courses.tests.factories import CourseFactory, course_with_lessons

URL = reverse("home")


def make_enrollment(employee, **kwargs):
    course = kwargs.pop("course", None) or CourseFactory()
    return Enrollment.objects.create(employee=employee, course=course, **kwargs)


@time_machine.travel(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC), tick=False)
def test_assigned_first_with_due_dates_and_overdue_then_in_progress_then_completed(
    client_for, employee
):
    today = timezone.localdate()
    make_enrollment(
        employee,
        course=CourseFactory(title="Later"),
        mandatory=True,
        due_on=today + datetime.timedelta(days=20),
    )
    make_enrollment(
        employee,
        course=CourseFactory(title="Late one"),
        mandatory=True,
        due_on=today - datetime.timedelta(days=3),
    )
    make_enrollment(
        employee,
        course=CourseFactory(title="Self-paced"),
        status=Enrollment.Status.IN_PROGRESS,
        progress_percent=40,
    )
    make_enrollment(
        employee,
        course=CourseFactory(title="Done"),
        status=Enrollment.Status.COMPLETED,
        progress_percent=100,
        completed_at=timezone.now(),
    )
    CourseFactory(title="Not started yet")
    content = client_for(employee).get(URL).content.decode()
    order = [
        content.index(t) for t in ("Late one", "Later", "Self-paced", "Not started yet", "Done")
    ]
    assert order == sorted(order)
    assert "Overdue: was due" in content
    assert "40% complete" in content


def test_other_employees_training_is_not_shown(client_for, employee, outsider):
    make_enrollment(
        outsider, course=CourseFactory(title="Secret course of someone else"), mandatory=True
    )
    content = client_for(employee).get(URL).content.decode()
    assert "Secret course of someone else" not in content.split("Available to you")[0]


@pytest.mark.parametrize("size", [2, 12])
def test_my_training_query_count_does_not_grow(
    client_for, employee, django_assert_num_queries, size
):
    for index in range(size):
        make_enrollment(employee, mandatory=index % 2 == 0, progress_percent=10)
        CourseFactory()
    client = client_for(employee)
    # session, user, employee, the roles the navigation shows, the published courses
    # (cached with the content), the current enrollments (no join: courses from the cache)
    with django_assert_num_queries(
        7
    ):  # + content translation rows (parler), one query per kind of content read
        assert client.get(URL).status_code == 200
    # then: session, user, employee, enrollments
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_course_page_query_count_does_not_grow(
    client_for, employee, django_assert_num_queries, size
):
    course = course_with_lessons(modules=size, lessons=size)
    client = client_for(employee)
    # session, user, employee, roles shown, the content (course, modules, lessons),
    # enrollment, then what the outline providers add (quizzes: 1 without an enrollment)
    with django_assert_num_queries(
        12
    ):  # + content translation rows (parler), one query per kind of content read
        response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    # all cached: session, user, employee, enrollment
    with django_assert_num_queries(4):
        assert client.get(course.get_absolute_url()).status_code == 200


def test_course_page_shows_progress_and_continue(client_for, employee):
    from courses.models import Lesson
    from courses.services import lesson_complete

    course = course_with_lessons(modules=1, lessons=2)
    first, second = Lesson.objects.filter(module__course=course).order_by("position")
    lesson_complete(employee=employee, lesson=first)
    content = client_for(employee).get(course.get_absolute_url()).content.decode()
    assert "50% complete" in content
    assert "Continue where you left off" in content
    assert (
        reverse("courses:lesson-detail", kwargs={"code": course.code, "lesson_id": second.pk})
        in content
    )
