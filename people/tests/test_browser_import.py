"""The HR import in a real browser at laptop and phone width: check the file, read what
will change, import it with one click; invitations only when chosen."""

import pytest

from ambassador.tests.browser import assert_accessible, screenshot, sign_in
from people.models import Employee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "employee_number,email,first_name,last_name,department_code,department_name,parent_department_code\n"
    "N1,new.one@example.com,New,One,OPS,Operations,ACME\n"
    "N2,new.two@example.com,New,Two,OPS,,\n"
)


def test_hr_checks_a_file_then_imports_it_now(sized_page, hr, tmp_path, mailoutbox):
    page = sized_page
    width = page.viewport_size["width"]
    path = tmp_path / "hr.csv"
    path.write_text(CSV)
    sign_in(page, hr.user.email, "correct-horse-battery")
    page.get_by_role("heading", name="My training", level=1).wait_for()
    page.goto("/people/import/")
    page.get_by_role("heading", name="Import employees and departments", level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("HR file (CSV or XLSX)").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="2. Check what the import will change").wait_for()
    assert not Employee.objects.filter(employee_number__in=["N1", "N2"]).exists()
    invite = page.get_by_label("Email an invitation to the 2 new employees (2 emails)")
    assert not invite.is_checked()  # off unless chosen
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, "hr-import-check")

    page.get_by_role("button", name="Import this file now").click()
    page.get_by_role("heading", name="Import complete").wait_for()
    assert Employee.objects.filter(employee_number__in=["N1", "N2"]).count() == 2
    assert page.get_by_text("0 invitations are being emailed.").is_visible()
    assert_accessible(page)
    # Going back and clicking again changes nothing.
    page.go_back()
    page.get_by_role("button", name="Import this file now").click()
    page.get_by_text("already imported").wait_for()
    assert Employee.objects.filter(employee_number__in=["N1", "N2"]).count() == 2
    assert mailoutbox == []
