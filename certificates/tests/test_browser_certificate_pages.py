"""Certificate pages at laptop and phone width: HR finds and revokes a certificate (with a
confirmation step and the new state afterwards), a visitor's mistyped code is shown back
as typed, and an employee who opens the admin gets the site's own 403 page."""

import pytest

from ambassador.tests.browser import assert_accessible, screenshot, sign_in
from certificates.models import Certificate
from certificates.tests.factories import complete_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_hr_finds_a_certificate_confirms_and_sees_it_revoked(sized_page, employee, hr):
    page = sized_page
    width = page.viewport_size["width"]
    enrollment = complete_course(employee=employee, title="Social Media 101")
    certificate = Certificate.objects.get(enrollment=enrollment)
    sign_in(page, hr.user.email, PASSWORD)
    page.get_by_role("heading", name="My training", level=1).wait_for()
    page.goto("/certificates/search/")
    search = page.get_by_role("searchbox", name="Code, name, email")
    button = page.get_by_role("button", name="Search", exact=True)
    # The button is aligned with the input: same top and bottom, on one line.
    field, knob = search.bounding_box(), button.bounding_box()
    assert abs(field["y"] - knob["y"]) <= 1 and abs(field["height"] - knob["height"]) <= 1
    assert_accessible(page)
    search.fill("employee@example.com")
    button.click()
    row = page.get_by_role("row").filter(has_text=certificate.display_code)
    row.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, "certificate-search")

    row.get_by_role("link", name="Revoke").click()
    page.get_by_role("heading", name="Revoke a certificate", level=1).wait_for()
    page.get_by_label("Reason for revoking").fill("Completed on someone else's account")
    page.get_by_role("button", name="Revoke this certificate").click()
    # A confirmation step that says what will happen; nothing has changed yet.
    page.get_by_role("heading", name="Confirm the revocation", level=1).wait_for()
    assert page.get_by_text("Completed on someone else's account").is_visible()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert_accessible(page)
    screenshot(page, "certificate-revoke-confirm")
    page.get_by_role("button", name="Yes, revoke this certificate").click()
    # Afterwards the page shows the certificate's new state, not the revoke form.
    page.get_by_role("heading", name="Revoked certificate", level=1).wait_for()
    assert page.get_by_text("The certificate was revoked.").is_visible()
    assert page.locator("#main").get_by_text("Revoked", exact=True).first.is_visible()
    assert page.get_by_role("button", name="Revoke this certificate").count() == 0
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert_accessible(page)


def test_a_mistyped_code_is_shown_as_typed(sized_page, db):
    page = sized_page
    page.goto("/verify/")
    page.get_by_label("Certificate code").fill("BOGUS-CODE-1234")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name="Certificate not found").wait_for()
    assert page.get_by_label("Certificate code").input_value() == "BOGUS-CODE-1234"
    assert_accessible(page)
    screenshot(page, "verify-not-found")


def test_an_employee_opening_the_admin_gets_the_sites_403(sized_page, employee):
    page = sized_page
    sign_in(page, employee.user.email, PASSWORD)
    page.get_by_role("heading", name="My training", level=1).wait_for()
    response = page.goto("/admin/")
    assert response.status == 403
    page.get_by_role("heading", name="You do not have access to this page").wait_for()
    assert page.get_by_role("navigation", name="Main").is_visible()  # the site, not the admin
    assert_accessible(page)
