"""Company sign-in with SAML 2.0: pysaml2 plays the company's identity provider, reads the
AuthnRequest the site sends and signs real responses with xmlsec1, which the test posts
to the site's Assertion Consumer Service as the browser would."""

import base64
from datetime import timedelta

import pytest
import time_machine
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse
from django.utils import timezone

from identity.models import AuditEvent
from identity.sso.adapter import SSO_MFA_SESSION_KEY
from identity.tests.conftest import SAML_ID, saml_entry
from identity.tests.peers import SamlIdP

pytestmark = pytest.mark.django_db

MFA_CONTEXT = "http://schemas.microsoft.com/claims/multipleauthn"


def start(client):
    """The site sends the browser to the IdP with an AuthnRequest (HTTP-Redirect)."""
    response = client.post(reverse("identity:sso-start"), {"email": "employee@example.com"})
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(SamlIdP.SSO_URL)
    return response["Location"]


def post_to_acs(client, saml_response, relay_state=""):
    """The browser posts the IdP's form to the ACS; allauth then finishes on its own URL."""
    acs = reverse("saml_acs", args=[SAML_ID])
    response = client.post(acs, {"SAMLResponse": saml_response, "RelayState": relay_state})
    assert response.status_code == 302
    return client.get(response["Location"])


def sign_in(client, idp, email="employee@example.com", **response_options):
    request, relay_state = idp.parse_request(start(client))
    saml_response = idp.response(request, email=email, **response_options)
    return post_to_acs(client, saml_response, relay_state), saml_response, relay_state


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def assert_rejected_and_nothing_changed(client, response, users, status=400):
    assert response.status_code == status
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert get_user_model().objects.count() == users
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN).exists()
    if status == 400:
        event = AuditEvent.objects.get()
        assert (event.kind, event.method, event.provider) == (
            AuditEvent.Kind.SIGN_IN_FAILED,
            "saml",
            SAML_ID,
        )


def test_the_sp_metadata_names_the_acs_and_asks_for_signed_assertions(saml_client, saml_idp):
    metadata = saml_client.get(reverse("saml_metadata", args=[SAML_ID])).content.decode()
    assert f"/accounts/saml/{SAML_ID}/acs/" in metadata
    assert 'WantAssertionsSigned="true"' in metadata


def test_a_signed_assertion_signs_the_employee_in(saml_client, saml_idp, employee):
    response, _, _ = sign_in(saml_client, saml_idp)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(saml_client) == str(employee.user.pk)
    assert SocialAccount.objects.get(provider=SAML_ID).user == employee.user
    assert saml_client.session[SSO_MFA_SESSION_KEY] is False
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN)
    assert (event.user, event.method, event.provider) == (employee.user, "saml", SAML_ID)


def test_the_idps_authn_context_counts_as_mfa_when_configured(
    saml_client, saml_idp, configure_sso, employee
):
    configure_sso(saml_entry(saml_idp, mfa_from_idp=True))
    sign_in(saml_client, saml_idp, authn_context=MFA_CONTEXT)
    assert saml_client.session[SSO_MFA_SESSION_KEY] is True
    saml_client.logout()
    sign_in(saml_client, saml_idp)  # a password only
    assert signed_in_user_id(saml_client) == str(employee.user.pk)
    assert saml_client.session[SSO_MFA_SESSION_KEY] is False


def test_an_unknown_person_gets_the_contact_hr_page(saml_client, saml_idp, employee):
    users = get_user_model().objects.count()
    response, _, _ = sign_in(saml_client, saml_idp, email="newcomer@example.com")
    assert_rejected_and_nothing_changed(saml_client, response, users, status=403)
    assert "Your account has not been set up" in response.content.decode()


def test_a_leaver_cannot_sign_in(saml_client, saml_idp, employee):
    employee.user.is_active = False
    employee.user.save()
    users = get_user_model().objects.count()
    response, _, _ = sign_in(saml_client, saml_idp)
    assert_rejected_and_nothing_changed(saml_client, response, users, status=403)
    assert "Your account is closed" in response.content.decode()


def test_a_response_signed_by_another_key_is_rejected(saml_client, saml_idp, tmp_path, employee):
    impostor = SamlIdP(tmp_path, xmlsec1=saml_idp.xmlsec1, name="impostor")
    impostor.load([saml_client.get(reverse("saml_metadata", args=[SAML_ID])).content.decode()])
    users = get_user_model().objects.count()
    response, _, _ = sign_in(saml_client, impostor)
    assert_rejected_and_nothing_changed(saml_client, response, users)
    assert "Sign-in not completed" in response.content.decode()


def test_a_tampered_assertion_is_rejected(saml_client, saml_idp, hr, employee):
    """Signed for `employee`, then edited to name HR: the signature no longer matches."""
    request, relay_state = saml_idp.parse_request(start(saml_client))
    signed = base64.b64decode(saml_idp.response(request, email="employee@example.com")).decode()
    assert signed.count("employee@example.com") >= 1
    tampered = base64.b64encode(signed.replace("employee@example.com", "hr@example.com").encode())
    users = get_user_model().objects.count()
    response = post_to_acs(saml_client, tampered.decode(), relay_state)
    assert_rejected_and_nothing_changed(saml_client, response, users)


def test_an_assertion_for_another_service_is_rejected(saml_client, saml_idp, employee):
    users = get_user_model().objects.count()
    response, _, _ = sign_in(saml_client, saml_idp, audience=saml_idp.other_sp_entity_id)
    assert_rejected_and_nothing_changed(saml_client, response, users)


def test_an_expired_assertion_is_rejected(saml_client, saml_idp, employee):
    request, relay_state = saml_idp.parse_request(start(saml_client))
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        stale = saml_idp.response(request, email="employee@example.com")
    users = get_user_model().objects.count()
    response = post_to_acs(saml_client, stale, relay_state)
    assert_rejected_and_nothing_changed(saml_client, response, users)


def test_a_replayed_assertion_is_rejected(saml_client, saml_idp, employee):
    _, saml_response, relay_state = sign_in(saml_client, saml_idp)
    assert signed_in_user_id(saml_client) == str(employee.user.pk)
    saml_client.logout()
    again = post_to_acs(saml_client, saml_response, relay_state)
    assert again.status_code == 400
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_FAILED).detail["reason"] == (
        "replayed"
    )
    assert signed_in_user_id(saml_client) is None
    assert SocialAccount.objects.count() == 1  # the first sign-in's link, nothing more


def test_an_idp_initiated_response_is_rejected(saml_client, saml_idp, employee):
    """A response to no AuthnRequest of this site (IdP-initiated): refused."""
    request, _ = saml_idp.parse_request(start(saml_client))
    unsolicited = saml_idp.response(request, email="employee@example.com", unsolicited=True)
    users = get_user_model().objects.count()
    response = post_to_acs(saml_client, unsolicited)
    assert_rejected_and_nothing_changed(saml_client, response, users)
    assert AuditEvent.objects.get().detail["reason"] == "unsolicited"


def test_a_response_to_another_browsers_request_is_refused(saml_client, saml_idp, employee):
    """The AuthnRequest was made in another session: no state here to answer."""
    request, relay_state = saml_idp.parse_request(start(saml_client))
    saml_client.cookies.clear()
    users = get_user_model().objects.count()
    saml_response = saml_idp.response(request, email="employee@example.com")
    response = post_to_acs(saml_client, saml_response, relay_state)
    assert_rejected_and_nothing_changed(saml_client, response, users, status=403)
