import datetime

import pytest
import time_machine
from django.urls import reverse

from certificates.services import certificate_revoke
from certificates.tests.factories import issue_certificate

LOOKUP = reverse("certificate-verify-lookup")


def _url(code):
    return reverse("certificate-verify", kwargs={"code": code})


@pytest.fixture
def certificate(employee):
    with time_machine.travel(datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        return issue_certificate(
            employee=employee, title="Social Media 101", certificate_valid_months=12
        )


def _assert_minimal(content, employee):
    assert employee.user.email not in content
    assert "Sales North" not in content
    assert employee.employee_number not in content


def test_a_valid_certificate_is_shown_to_anyone(certificate, employee, client_for):
    with time_machine.travel(datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC), tick=False):
        response = client_for(None).get(certificate.get_verification_path())
    assert response.status_code == 200
    content = response.content.decode()
    assert "This certificate is valid" in content
    assert "Employee Persona" in content
    assert "Social Media 101" in content
    assert "1 March 2025" in content
    assert "1 March 2026" in content
    assert 'name="robots" content="noindex' in content
    _assert_minimal(content, employee)


def test_an_expired_certificate_says_so(certificate, employee, client_for):
    with time_machine.travel(datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC), tick=False):
        response = client_for(None).get(certificate.get_verification_path())
    assert response.status_code == 200
    content = response.content.decode()
    assert "This certificate has expired" in content
    assert "Expired on" in content
    _assert_minimal(content, employee)


def test_a_revoked_certificate_says_so_with_the_date_and_no_reason(
    certificate, employee, hr, client_for
):
    with time_machine.travel(datetime.datetime(2025, 4, 2, 12, tzinfo=datetime.UTC), tick=False):
        certificate_revoke(certificate=certificate, reason="Secret HR reason", by=hr.user)
    response = client_for(None).get(certificate.get_verification_path())
    assert response.status_code == 200
    content = response.content.decode()
    assert "This certificate has been revoked" in content
    assert "2 April 2025" in content
    assert "Secret HR reason" not in content
    _assert_minimal(content, employee)


def test_an_unknown_code_is_a_plain_404(db, client_for):
    response = client_for(None).get(_url("AAAAA-BBBBB-CCCCC-DDDDD"))
    assert response.status_code == 404
    content = response.content.decode()
    assert "Certificate not found" in content
    assert "Holder" not in content


@pytest.mark.parametrize(
    "transform",
    [str.lower, lambda code: " ".join(code), lambda code: code.replace("-", "")],
)
def test_codes_are_normalised(certificate, client_for, transform):
    response = client_for(None).get(_url(transform(certificate.display_code)))
    assert response.status_code == 200
    assert "Employee Persona" in response.content.decode()


def test_the_lookup_form_redirects_to_the_stable_url(certificate, client_for):
    client = client_for(None)
    assert client.get(LOOKUP).status_code == 200
    response = client.get(LOOKUP, {"code": f"  {certificate.code.lower()} "})
    assert response.status_code == 302
    assert response.url == certificate.get_verification_path()


def test_an_empty_code_shows_the_form_with_an_error(db, client_for):
    response = client_for(None).get(LOOKUP, {"code": " - "})
    assert response.status_code == 200
    assert "Type the code printed on the certificate." in response.content.decode()


def test_lookups_are_rate_limited_per_address(certificate, client_for):
    client = client_for(None)
    # Frozen time: the fixed one-minute window cannot roll over during the test.
    with time_machine.travel(datetime.datetime(2025, 6, 1, 8, tzinfo=datetime.UTC), tick=False):
        for _ in range(30):
            assert client.get(_url("AAAAA-BBBBB-CCCCC-DDDDD")).status_code == 404
        response = client.get(certificate.get_verification_path())
        assert response.status_code == 429
        assert response["Retry-After"] == "60"
        assert "Too many lookups" in response.content.decode()
        # Another address is not affected.
        other = client.get(certificate.get_verification_path(), REMOTE_ADDR="10.0.0.2")
        assert other.status_code == 200
    # The next minute, the address may look up again.
    with time_machine.travel(datetime.datetime(2025, 6, 1, 8, 1, tzinfo=datetime.UTC), tick=False):
        assert client.get(certificate.get_verification_path()).status_code == 200


def test_the_lookup_limit_is_a_setting(certificate, client_for, settings):
    settings.CERTIFICATES_VERIFY_RATE_LIMIT = 2
    client = client_for(None)
    with time_machine.travel(datetime.datetime(2025, 6, 1, 8, tzinfo=datetime.UTC), tick=False):
        statuses = [client.get(certificate.get_verification_path()).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_an_unknown_code_is_shown_back_exactly_as_typed(db, client_for):
    response = client_for(None).get(LOOKUP, {"code": "BOGUS-CODE-1234"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "Certificate not found" in page
    assert 'value="BOGUS-CODE-1234"' in page and "BOGUS-CODE1-234" not in page
