import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from ambassador.tests.mfa import enrol_totp
from certificates.models import Certificate
from certificates.services import certificate_revoke
from certificates.tests.factories import issue_certificate
from people.tests.factories import UserFactory


@pytest.fixture
def certificate(employee):
    return issue_certificate(employee=employee, title="Social Media 101")


def _url(certificate):
    return reverse("certificates:certificate-revoke", kwargs={"code": certificate.display_code})


def test_hr_sees_a_confirmation_form_then_revokes(certificate, hr, client_for):
    client = client_for(hr)
    response = client.get(_url(certificate))
    assert response.status_code == 200
    assert "Reason for revoking" in response.content.decode()
    reason = "Completed on someone else's account"
    # The first step only asks to confirm, restating what will happen; nothing changes.
    response = client.post(_url(certificate), {"reason": reason})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirm the revocation" in page and "Yes, revoke this certificate" in page
    assert "Completed on someone else&#x27;s account" in page
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    response = client.post(_url(certificate), {"reason": reason, "confirmed": "1"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_by == hr.user
    assert certificate.revoked_reason == "Completed on someone else's account"
    page = client.get(response.url).content.decode()
    assert "The certificate was revoked." in page
    public = client_for(None).get(certificate.get_verification_path()).content.decode()
    assert "This certificate has been revoked" in public


def test_a_reason_is_required(certificate, hr, client_for):
    response = client_for(hr).post(_url(certificate), {"reason": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_revoking_twice_changes_nothing_and_says_so(certificate, hr, client_for):
    client = client_for(hr)
    client.post(_url(certificate), {"reason": "First", "confirmed": "1"})
    first = Certificate.objects.get(pk=certificate.pk)
    response = client.post(_url(certificate), {"reason": "Second", "confirmed": "1"}, follow=True)
    assert "already revoked: nothing was changed" in response.content.decode()
    second = Certificate.objects.get(pk=certificate.pk)
    assert (second.revoked_at, second.revoked_reason) == (first.revoked_at, "First")


@pytest.mark.parametrize("role", ["employee", "manager", "author", "outsider"])
def test_only_hr_may_revoke(role, personas, certificate, client_for):
    client = client_for(personas[role])
    assert client.get(_url(certificate)).status_code == 403
    assert client.post(_url(certificate), {"reason": "x"}).status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_unknown_code_is_404_for_hr(db, hr, client_for):
    url = reverse("certificates:certificate-revoke", kwargs={"code": "AAAAA-AAAAA"})
    assert client_for(hr).get(url).status_code == 404


def test_service_revokes_once(certificate, hr, manager):
    assert certificate_revoke(certificate=certificate, reason="Mistake", by=hr.user) is True
    assert certificate_revoke(certificate=certificate, reason="Again", by=manager.user) is False
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Mistake"
    assert certificate.revoked_by == hr.user


def test_service_refuses_an_empty_reason(certificate, hr):
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, reason=" ", by=hr.user)


def test_hr_finds_a_certificate_by_code_or_name(certificate, outsider, hr, client_for):
    other = issue_certificate(employee=outsider, title="Finance basics")
    url = reverse("certificates:certificate-search")
    client = client_for(hr)
    content = client.get(url, {"q": certificate.code.lower()}).content.decode()
    assert certificate.display_code in content and other.display_code not in content
    content = client.get(url, {"q": "employee persona"}).content.decode()
    assert certificate.display_code in content and other.display_code not in content
    content = client.get(url, {"q": "outsider@example.com"}).content.decode()
    assert other.display_code in content
    assert "No certificate matches" in client.get(url, {"q": "nobody"}).content.decode()


def test_admin_action_asks_for_a_reason_then_revokes(certificate, admin_client, admin_user):
    url = reverse("admin:certificates_certificate_changelist")
    data = {"action": "revoke_certificates", ACTION_CHECKBOX_NAME: [certificate.pk]}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Reason for revoking" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    response = admin_client.post(url, {**data, "apply": "1", "reason": "Fraud"}, follow=True)
    assert "1 certificate revoked." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Fraud"
    assert certificate.revoked_by == admin_user


def test_admin_search_accepts_a_code_as_printed(certificate, admin_client):
    url = reverse("admin:certificates_certificate_changelist")
    response = admin_client.get(url, {"q": certificate.display_code.lower()})
    assert certificate.holder_name in response.content.decode()


def test_the_page_checks_the_revoke_permission_not_the_hr_role(certificate, hr, client_for):
    group = hr.user.groups.get()
    group.permissions.remove(Permission.objects.get(codename="revoke_certificate"))
    client = client_for(hr)
    assert client.get(reverse("certificates:certificate-search")).status_code == 200  # still HR
    assert client.get(_url(certificate)).status_code == 403
    assert client.post(_url(certificate), {"reason": "x"}).status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def _staff_with(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    enrol_totp(user)  # staff must have a second factor (MFA_REQUIRED_ROLES)
    return user


@pytest.mark.parametrize(
    ("codenames", "offered"),
    [
        (("view_certificate", "change_certificate"), False),
        (("view_certificate", "revoke_certificate"), True),
    ],
)
def test_the_admin_action_needs_the_revoke_permission(certificate, client, codenames, offered):
    client.force_login(_staff_with(*codenames))
    url = reverse("admin:certificates_certificate_changelist")
    assert ('value="revoke_certificates"' in client.get(url).content.decode()) is offered
    data = {"action": "revoke_certificates", ACTION_CHECKBOX_NAME: [certificate.pk]}
    client.post(url, {**data, "apply": "1", "reason": "Fraud"})
    certificate.refresh_from_db()
    assert (certificate.revoked_at is not None) is offered


def test_hr_is_offered_the_admin_action(certificate, hr, client_for):
    hr.user.is_staff = True
    hr.user.save(update_fields=["is_staff"])
    url = reverse("admin:certificates_certificate_changelist")
    assert 'value="revoke_certificates"' in client_for(hr).get(url).content.decode()


def test_change_the_reason_goes_back_to_the_form_with_the_reason_kept(certificate, hr, client_for):
    response = client_for(hr).post(_url(certificate), {"reason": "Typo in reson", "edit": "1"})
    page = response.content.decode()
    assert "Revoke a certificate" in page and "Typo in reson</textarea>" in page
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
