import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.services import certificate_revoke
from certificates.tests.factories import issue_certificate
from people.tests.factories import EmployeeFactory


@pytest.fixture
def certificate(employee):
    return issue_certificate(employee=employee, title="Social Media 101")


def _url(certificate):
    return reverse("certificates:certificate-download", kwargs={"code": certificate.display_code})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("employee", 200),  # the holder
        ("manager", 200),  # manages Sales, above the holder's Sales North
        ("hr", 200),
        ("author", 404),
        ("outsider", 404),
    ],
)
def test_download_permissions(role, status, personas, certificate, client_for):
    response = client_for(personas[role]).get(_url(certificate))
    assert response.status_code == status


def test_another_employee_of_the_same_department_gets_404(org, certificate, client_for):
    colleague = EmployeeFactory(department=org["north"])
    assert client_for(colleague).get(_url(certificate)).status_code == 404


def test_anonymous_is_sent_to_sign_in(certificate, client_for):
    response = client_for(None).get(_url(certificate))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_pdf_is_rendered_on_demand_and_offered_as_an_attachment(
    employee, certificate, client_for
):
    assert not certificate.pdf  # the on-commit render task has not run in this test
    response = client_for(employee).get(_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="social-media-101-employee-persona-{certificate.display_code}.pdf"' in (
        disposition
    )
    content = b"".join(response.streaming_content)
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert certificate.display_code in text
    certificate.refresh_from_db()
    assert certificate.pdf  # saved: the next download reuses it
    response = client_for(employee).get(_url(certificate))
    b"".join(response.streaming_content)
    assert Certificate.objects.get(pk=certificate.pk).pdf.name == certificate.pdf.name


def test_codes_in_the_url_are_normalised(employee, certificate, client_for):
    url = reverse("certificates:certificate-download", kwargs={"code": certificate.code.lower()})
    assert client_for(employee).get(url).status_code == 200


def test_a_revoked_certificate_is_no_longer_offered_except_to_hr(
    employee, manager, hr, certificate, client_for
):
    certificate_revoke(certificate=certificate, reason="Issued by mistake", by=hr.user)
    assert client_for(employee).get(_url(certificate)).status_code == 404
    assert client_for(manager).get(_url(certificate)).status_code == 404
    assert client_for(hr).get(_url(certificate)).status_code == 200
