"""Employees and managers see assignments: My training (who, when, note, overdue, the
calendar link), the ICS feed, and the People directory."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from assignments.signals import calendar_token
from assignments.tests.factories import assign
from courses.models import Enrollment
from courses.tests.factories import course_with_lessons

START = datetime.datetime(2026, 12, 2, 8, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(START, tick=False):
        yield


@pytest.fixture
def assigned(personas, org, hr):
    course = course_with_lessons(modules=1, lessons=1, title="Social Media 101")
    assign(
        course=course,
        by=hr.user,
        departments=[org["sales"]],
        days=10,
        note="Before the launch, please.",
    )
    return course


def test_my_training_shows_who_assigned_it_the_note_and_the_calendar_link(
    assigned, personas, client_for
):
    page = client_for(personas["employee"]).get(reverse("home")).content.decode()
    assert "Assigned by HR (Hr Persona) on 2 December 2026" in page
    assert "Before the launch, please." in page
    assert "Due 12 December 2026" in page
    assert (
        reverse(
            "assignments:calendar-feed", kwargs={"token": calendar_token(personas["employee"].pk)}
        )
        in page
    )


def test_overdue_stands_out_on_my_training(assigned, personas, client_for):
    with time_machine.travel(START + datetime.timedelta(days=20), tick=False):
        page = client_for(personas["employee"]).get(reverse("home")).content.decode()
    assert "1 assigned course is overdue" in page
    assert "border-danger" in page


def test_the_calendar_feed_lists_open_due_dates_and_refuses_bad_tokens(assigned, personas, client):
    token = calendar_token(personas["employee"].pk)
    response = client.get(reverse("assignments:calendar-feed", kwargs={"token": token}))
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    enrollment = Enrollment.objects.get(employee=personas["employee"])
    assert event.decoded("dtstart") == datetime.date(2026, 12, 12)
    assert str(event["uid"]).startswith(f"enrollment-{enrollment.pk}@")
    bad = client.get(reverse("assignments:calendar-feed", kwargs={"token": token + "x"}))
    assert bad.status_code == 404
    # A leaver's feed is empty.
    personas["employee"].user.is_active = False
    personas["employee"].user.save()
    response = client.get(reverse("assignments:calendar-feed", kwargs={"token": token}))
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_managers_see_their_peoples_assignments_in_the_directory(assigned, personas, client_for):
    page = client_for(personas["manager"]).get(reverse("people:employee-list")).content.decode()
    assert "Assigned training" in page
    assert "Social Media 101" in page and "Not started" in page
