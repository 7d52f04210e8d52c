import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from certificates.selectors import linkedin_add_url
from certificates.services import certificate_revoke
from certificates.tests.factories import issue_certificate
from courses.tests.factories import course_with_lessons

URL = reverse("certificates:certificate-list")


def test_employee_sees_their_certificates_with_links(employee, outsider, client_for):
    mine = issue_certificate(employee=employee, title="Social Media 101")
    theirs = issue_certificate(employee=outsider, title="Finance basics")
    response = client_for(employee).get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Social Media 101" in content
    assert "Finance basics" not in content
    assert theirs.display_code not in content
    assert mine.get_download_url() in content
    assert mine.get_verification_path() in content
    assert "Valid" in content
    assert 'target="_blank" rel="noopener noreferrer"' in content
    assert "(opens LinkedIn in a new tab)" in content
    assert 'aria-current="page"' in content


def test_revoked_certificates_are_listed_as_revoked_without_download(employee, hr, client_for):
    certificate = issue_certificate(employee=employee)
    certificate_revoke(certificate=certificate, reason="Mistake", by=hr.user)
    content = client_for(employee).get(URL).content.decode()
    assert "Revoked" in content
    assert certificate.get_download_url() not in content
    assert "Share on LinkedIn" not in content


def test_no_certificates_yet(employee, client_for):
    content = client_for(employee).get(URL).content.decode()
    assert "You have no certificates yet" in content


def test_linkedin_url_prefills_the_certification_form(employee, settings):
    settings.COMPANY_NAME = "Acme & Co"
    settings.SITE_URL = "https://training.example.com/"
    with time_machine.travel(datetime.datetime(2025, 3, 15, 9, tzinfo=datetime.UTC), tick=False):
        certificate = issue_certificate(
            employee=employee, title="Social Media 101: basics", certificate_valid_months=24
        )
    url = linkedin_add_url(certificate)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert " " not in url and "&Co" not in url  # encoded
    params = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert params == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Social Media 101: basics",
        "organizationName": "Acme & Co",
        "issueYear": "2025",
        "issueMonth": "3",
        "expirationYear": "2027",
        "expirationMonth": "3",
        "certUrl": f"https://training.example.com/verify/{certificate.display_code}/",
        "certId": certificate.display_code,
    }


def test_linkedin_url_has_no_expiry_for_certificates_that_never_expire(employee):
    params = parse_qs(urlsplit(linkedin_add_url(issue_certificate(employee=employee))).query)
    assert "expirationYear" not in params
    assert "expirationMonth" not in params


@pytest.mark.parametrize("size", [2, 12])
def test_query_count_does_not_grow_with_certificates(
    employee, client_for, django_assert_num_queries, size
):
    course = course_with_lessons(modules=1, lessons=1)
    issue_certificate(employee=employee, course=course)
    for _ in range(size - 1):
        issue_certificate(employee=employee, course=course_with_lessons(modules=1, lessons=1))
    client = client_for(employee)
    # session, user, employee (locale middleware; cached for the view), the certificates,
    # then the roles the navigation shows (one query, then kept in the cache).
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("Share on LinkedIn") == size
