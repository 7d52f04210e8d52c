"""The reports in a real browser, on the demo organisation: the demo manager opens the
report, drills into a sub-department, filters to overdue and downloads the CSV; the
demo HR user opens the dashboard. axe-core checks every page visited."""

import csv
import io
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from ambassador.tests.browser import assert_accessible, sign_in
from courses.models import Enrollment
from courses.tests.factories import course_with_lessons
from people.models import Department, Employee

PASSWORD = "ambassador-demo"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    """The demo company with everyone enrolled in a mandatory course, some overdue."""
    call_command("seed_demo", employees=120, allow_without_debug=True, verbosity=0)
    course = course_with_lessons(modules=1, lessons=2, title="Social Media 101")
    rng = random.Random(5)
    today = timezone.localdate()
    rows = []
    for index, employee in enumerate(Employee.objects.order_by("pk")):
        status = rng.choice(list(Enrollment.Status.values))
        done = status == Enrollment.Status.COMPLETED
        rows.append(
            Enrollment(
                employee=employee,
                course=course,
                status=status,
                mandatory=True,
                progress_percent=100 if done else (50 if status == "in_progress" else 0),
                due_on=today - timedelta(days=5) if index % 3 == 0 else today + timedelta(days=20),
                completed_at=timezone.now() if done else None,
            )
        )
    Enrollment.objects.bulk_create(rows)
    return course


def test_manager_drills_down_filters_overdue_and_downloads_csv(demo, page):
    manager_department = Department.objects.get(managers__email="manager@example.com")
    team = Department.objects.get_children(manager_department).order_by("name").first()
    sign_in(page, "manager@example.com", PASSWORD)
    page.get_by_role("button", name="Team").click()
    page.get_by_role("link", name="Completion report").click()
    page.get_by_role("heading", name="Completion report").wait_for()
    assert_accessible(page)

    # Expand the manager's department (htmx), then open one of its teams.
    page.get_by_role("link", name=f"Show the departments below {manager_department.name}").click()
    page.get_by_role("link", name=team.name, exact=True).first.click()
    page.get_by_role("heading", name=f"People · {team.name}").wait_for()
    assert_accessible(page)

    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**overdue=on**")
    assert_accessible(page)
    expected = Enrollment.objects.filter(
        employee__department=team, due_on__lt=timezone.localdate()
    ).exclude(status=Enrollment.Status.COMPLETED)
    assert expected.exists()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    text = open(download_info.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(text)))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Employee number")
    data = rows[header + 1 :]
    assert ["Overdue only", "yes"] in rows[:header]
    assert sorted(row[0] for row in data) == sorted(
        expected.values_list("employee__employee_number", flat=True)
    )
    assert all(row[8] == "yes" for row in data)


def test_hr_opens_the_dashboard(demo, page):
    sign_in(page, "hr@example.com", PASSWORD)
    page.get_by_role("button", name="HR", exact=True).click()
    page.get_by_role("link", name="HR dashboard").click()
    page.get_by_role("heading", name="HR dashboard").wait_for()
    assert page.get_by_role("link", name="Social Media 101").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Social Media 101").click()
    page.get_by_role("heading", name="Completion report").wait_for()
    assert_accessible(page)
