"""HR opens an employee's personal data from their page in a real browser: the page
passes axe-core, the print button is shown by its script (no inline script under the
CSP), and the JSON link downloads the file."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ambassador.tests.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_opens_prints_and_downloads_an_employees_data(page, personas):
    employee = personas["employee"]
    sign_in(page, "hr@example.com", "correct-horse-battery")
    page.get_by_role("heading", name="My training", level=1).wait_for()
    page.goto(f"/reports/employees/{employee.pk}/")
    page.get_by_role("link", name="view and print everything held").click()
    page.get_by_role("heading", name="Personal data held about Employee Persona").wait_for()
    # Shown by the page's deferred script: wait for it (expect retries until it holds).
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "privacy-export")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == "employee@example.com"
