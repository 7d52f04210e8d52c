"""The demo organisation in a real browser: sign-in, profile, People directory."""

import pytest
from django.core.management import call_command

from ambassador.tests.browser import assert_accessible, sign_in

PASSWORD = "ambassador-demo"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", employees=80, allow_without_debug=True, verbosity=0)


def test_employee_signs_in_and_sees_home_and_profile(demo, page):
    sign_in(page, "employee@example.com", PASSWORD)
    page.get_by_role("heading", name="My training").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Élodie Martin").click()  # the account menu
    page.get_by_role("link", name="My profile").click()
    page.get_by_role("heading", name="My profile").wait_for()
    assert page.get_by_text("employee@example.com").is_visible()
    assert_accessible(page)
    # An employee has no People directory.
    assert page.get_by_role("link", name="People").count() == 0
    assert page.get_by_role("button", name="Team").count() == 0


def test_manager_finds_people_of_sub_departments_only(demo, page):
    from people.models import Employee

    employee = Employee.objects.select_related("department").get(user__email="employee@example.com")
    hr = Employee.objects.get(user__email="hr@example.com")
    sign_in(page, "manager@example.com", PASSWORD)
    page.get_by_role("button", name="Team").click()
    page.get_by_role("link", name="People").click()
    page.get_by_role("heading", name="People").wait_for()
    assert_accessible(page)
    search = page.get_by_role("searchbox", name="Search")
    search.fill(employee.employee_number)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("cell", name=employee.employee_number).wait_for()
    assert page.get_by_text("employee@example.com").is_visible()
    assert_accessible(page)
    search.fill(hr.employee_number)
    page.get_by_role("button", name="Search").click()
    page.get_by_text("Nobody matches this search.").wait_for()
    assert page.get_by_text("hr@example.com").count() == 0


def test_wrong_password_shows_an_error(demo, page):
    sign_in(page, "employee@example.com", "not-the-password")
    page.get_by_role("alert").first.wait_for()
    assert "not correct" in page.content() or "incorrect" in page.content().lower()
    assert page.url.endswith("/accounts/login/")
    assert_accessible(page)
