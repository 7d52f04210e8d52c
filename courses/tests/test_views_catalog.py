"""The catalogue: the courses a user may see, with their own progress in each."""

import pytest
from django.urls import reverse

from courses.models import Enrollment
from courses.selectors import catalog_for
from courses.tests.factories import CourseFactory

URL = reverse("courses:course-list")


def test_employee_sees_published_courses_by_title_with_their_progress(client_for, employee):
    started = CourseFactory(title="Brand voice")
    CourseFactory(title="Accessibility basics")
    CourseFactory(title="Draft course", published=False)
    Enrollment.objects.create(
        employee=employee, course=started, status=Enrollment.Status.IN_PROGRESS, progress_percent=40
    )
    response = client_for(employee).get(URL)
    rows = response.context["rows"]
    assert [course.title for course, _ in rows] == ["Accessibility basics", "Brand voice"]
    assert [e and e.progress_percent for _, e in rows] == [None, 40]
    assert "40% complete" in response.content.decode()


def test_author_also_sees_unpublished_courses_marked_as_previews(client_for, author):
    CourseFactory(title="Draft course", published=False)
    content = client_for(author).get(URL).content.decode()
    assert "Draft course" in content and "Unpublished: preview" in content


def test_an_earlier_cycle_is_not_shown_as_progress(employee):
    course = CourseFactory()
    Enrollment.objects.create(
        employee=employee, course=course, cycle=1, is_current=False, progress_percent=100
    )
    current = Enrollment.objects.create(employee=employee, course=course, cycle=2)
    assert catalog_for(user=employee.user, employee=employee) == [(course, current)]


def test_without_an_employee_profile_there_is_no_progress(admin_user):
    course = CourseFactory()
    assert catalog_for(user=admin_user, employee=None) == [(course, None)]


@pytest.mark.parametrize("size", [3, 30])
def test_catalog_queries_do_not_grow(client_for, employee, django_assert_num_queries, size):
    for course in CourseFactory.create_batch(size):
        Enrollment.objects.create(employee=employee, course=course)
    client = client_for(employee)
    # session, user, employee (locale middleware), the roles the navigation shows (one
    # query, then kept in the cache), then the employee's current enrollments and the courses
    with django_assert_num_queries(
        7
    ):  # + content translation rows (parler), one query per kind of content read
        assert client.get(URL).status_code == 200
