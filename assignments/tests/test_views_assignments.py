"""The HR pages: list (reach, completion, constant queries), create with a preview,
edit, cancel, history; bad input through the form writes nothing."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from assignments.models import Assignment
from assignments.tests.factories import assign
from courses.models import Enrollment
from courses.tests.factories import course_with_lessons
from people.tests.factories import EmployeeFactory

DUE = "2026-12-31"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def course(db):
    return course_with_lessons(modules=1, lessons=1, title="Social Media 101")


def form_data(course, **extra):
    data = {
        "course": course.pk,
        "due_kind": "fixed",
        "due_on": DUE,
        "mandatory": "1",
        "form_token": str(uuid.uuid4()),
        "note": "Before the product launch, please.",
    }
    data.update(extra)
    return data


def test_preview_then_save_assigns_a_department(personas, org, course, client_for):
    client = client_for(personas["hr"])
    url = reverse("assignments:assignment-create")
    assert client.get(url).status_code == 200
    data = form_data(course, departments=[org["sales"].pk])
    response = client.post(url, {**data, "action": "preview"})
    assert response.status_code == 200
    assert response.context["preview"].reach == 2
    assert "Confirm and assign" in response.content.decode()
    assert not Assignment.objects.exists()
    response = client.post(url, {**data, "action": "save"})
    assignment = Assignment.objects.get()
    assert response.status_code == 302 and response.url == assignment.get_absolute_url()
    assert set(
        Enrollment.objects.filter(assignment_id=assignment.pk).values_list(
            "employee__user__email", flat=True
        )
    ) == {"manager@example.com", "employee@example.com"}
    # A double submit of the same form is refused with a message and writes nothing.
    response = client.post(url, {**data, "action": "save"})
    assert response.status_code == 200
    assert "already submitted" in response.content.decode()
    assert Assignment.objects.count() == 1
    detail = client.get(assignment.get_absolute_url()).content.decode()
    assert "Sales" in detail and "Before the product launch" in detail and "Created" in detail


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"due_on": "2026-11-01", "everyone": "on"}, "The due date is in the past"),
        ({}, "Choose who must take the course"),
        ({"departments": ["999999"]}, "not in the organisation tree"),
        ({"everyone": "on", "employees": "NOPE-1"}, "No employee has this number"),
    ],
)
def test_bad_input_gets_a_clear_message(personas, course, client_for, extra, message):
    client = client_for(personas["hr"])
    data = form_data(course, **extra)
    for action in ("preview", "save"):
        response = client.post(reverse("assignments:assignment-create"), {**data, "action": action})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Assignment.objects.exists() and not Enrollment.objects.exists()


def test_an_unpublished_course_is_refused(personas, course, client_for):
    course.published = False
    course.save()
    client = client_for(personas["hr"])
    response = client.post(
        reverse("assignments:assignment-create"),
        {**form_data(course, everyone="on"), "action": "save"},
    )
    assert "not published" in response.content.decode()
    assert not Assignment.objects.exists()


def test_edit_and_cancel_record_history(personas, org, course, client_for):
    assignment = assign(course=course, by=personas["hr"].user, departments=[org["sales"]])
    client = client_for(personas["hr"])
    url = reverse("assignments:assignment-edit", kwargs={"pk": assignment.pk})
    response = client.get(url)
    assert response.status_code == 200
    data = form_data(course, departments=[org["north"].pk], due_on="2027-01-15", revision=1)
    response = client.post(url, {**data, "action": "save"})
    assert response.status_code == 302
    assert Enrollment.objects.get(employee=personas["employee"]).due_on == datetime.date(
        2027, 1, 15
    )
    # The same edit form submitted again is stale.
    response = client.post(url, {**data, "action": "save"})
    assert "changed since you opened the form" in response.content.decode()
    cancel = reverse("assignments:assignment-cancel", kwargs={"pk": assignment.pk})
    assert client.post(cancel).status_code == 302
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert "Cancelled" in page and "Changed" in page and "15 January 2027" in page


def test_list_shows_reach_and_completion_in_constant_queries(
    personas, org, client_for, django_assert_max_num_queries
):
    client = client_for(personas["hr"])
    url = reverse("assignments:assignment-list")

    def grow(n):
        for _ in range(n):
            EmployeeFactory(department=org["north"])
        course = course_with_lessons(modules=1, lessons=1)
        assign(course=course, by=personas["hr"].user, departments=[org["sales"]])

    grow(2)
    # session, user, roles (groups/perms, managed departments), count, page, departments
    # prefetch, the courses' translations, reach (one grouped query)
    with django_assert_max_num_queries(11):
        small = client.get(url)
    grow(30)
    with django_assert_max_num_queries(11):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    rows = large.context["rows"]
    assert [reach.reach for _a, reach in rows] == [32 + 2, 4]


def test_people_search_finds_by_name_and_number(personas, client_for):
    client = client_for(personas["hr"])
    url = reverse("assignments:employee-search")
    response = client.get(url, {"q": personas["employee"].employee_number})
    assert personas["employee"].employee_number in response.content.decode()
    response = client.get(url, {"q": "Outsider"})
    assert "Outsider Persona" in response.content.decode()
