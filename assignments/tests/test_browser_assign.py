"""In a real browser: the demo HR user assigns Social Media 101 to a department with a
due date (preview, then confirm), and the demo employee in it sees it on My training.
axe-core checks every page visited."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from ambassador.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", employees=40, allow_without_debug=True, verbosity=0)
    call_command("load_curriculum", verbosity=0)


def test_hr_assigns_a_department_and_the_employee_sees_it(demo, page):
    from assignments.models import Assignment
    from courses.models import Course
    from people.models import Employee

    employee = Employee.objects.select_related("department").get(user__email="employee@example.com")
    course = Course.objects.get(code="SM101")
    due = timezone.localdate() + datetime.timedelta(days=30)

    sign_in(page, "hr@example.com", "ambassador-demo")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="HR", exact=True).click()
    nav.get_by_role("link", name="Assignments").click()
    page.get_by_role("heading", name="Assignments", level=1).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Assign a course").click()
    page.get_by_role("heading", name="Assign a course", level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("Course").select_option(str(course.pk))
    page.locator("#id_departments").select_option(str(employee.department.pk))
    page.get_by_label("Fixed due date").fill(due.isoformat())
    page.get_by_label("Note to employees").fill("Please finish it before the launch.")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview: what saving will do").wait_for()
    assert page.get_by_text("Nobody would be overdue at once.").is_visible()
    assert not Assignment.objects.exists()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and assign").click()
    page.get_by_role("heading", name="Social Media 101", level=1).wait_for()
    page.get_by_role("heading", name="History").wait_for()
    assert_accessible(page)
    assignment = Assignment.objects.get()
    assert assignment.departments.get() == employee.department

    page.context.clear_cookies()
    sign_in(page, "employee@example.com", "ambassador-demo")
    page.get_by_role("heading", name="My training").wait_for()
    assigned = page.get_by_role("region", name="Assigned to you")
    assigned.get_by_role("link", name="Social Media 101").wait_for()
    assert assigned.get_by_text("Please finish it before the launch.").is_visible()
    assert assigned.get_by_text("Assigned by HR").is_visible()
    assert page.get_by_role("link", name="Add my due dates to my calendar").is_visible()
    assert_accessible(page)
