import pytest

from ambassador.tests.browser import assert_accessible, sign_in
from certificates.models import Certificate
from certificates.tests.factories import complete_course


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_employee_downloads_and_verifies_a_certificate(page, live_server, employee, tmp_path):
    enrollment = complete_course(employee=employee, title="Social Media 101")
    certificate = Certificate.objects.get(enrollment=enrollment)

    sign_in(page, employee.user.email, "correct-horse-battery")
    page.get_by_role("link", name="My certificates").click()
    page.get_by_role("heading", name="My certificates", level=1).wait_for()
    assert_accessible(page)
    assert page.get_by_text(certificate.display_code).is_visible()
    share = page.get_by_role("link", name="Share Social Media 101 on LinkedIn")
    assert share.get_attribute("target") == "_blank"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF of Social Media 101").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"{certificate.display_code}.pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")

    page.get_by_role("link", name="Verification page of Social Media 101").click()
    page.get_by_role("heading", name="This certificate is valid").wait_for()
    assert page.locator("#main").get_by_text("Employee Persona").is_visible()
    assert_accessible(page)

    page.goto("/verify/")
    assert_accessible(page)
    page.get_by_label("Certificate code").fill(certificate.code.lower())
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name="This certificate is valid").wait_for()
