"""The sign-in page with company accounts configured: routing by email domain, providers
from the admin, the Content-Security-Policy, and password sign-in turned off for the
providers' domains (SSO_PASSWORD_LOGIN_DISABLED)."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.core import mail
from django.urls import reverse

from identity.models import AuditEvent
from identity.tests.peers import self_signed_certificate

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # noqa: S105 - UserFactory's (people/tests/factories.py)
ENTRA = {
    "id": "entra",
    "protocol": "oidc",
    "name": "Example Corp (Entra ID)",
    "domains": ["example.com"],
    "server_url": "https://login.microsoftonline.com/tenant-id/v2.0",
    "client_id": "client-id",
    "secret": "client-secret",
}


@pytest.fixture
def saml_app(db):
    _, certificate = self_signed_certificate("okta")
    return SocialApp.objects.create(
        provider="saml",
        provider_id="okta",
        client_id="okta",
        name="Subsidiary (Okta)",
        settings={
            "domains": ["subsidiary.example"],
            "idp": {
                "entity_id": "http://www.okta.com/exk1",
                "sso_url": "https://subsidiary.okta.com/app/ambassador/sso/saml",
                "x509cert": certificate.decode(),
            },
        },
    )


def test_without_providers_the_sign_in_page_has_no_company_block(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "company account" not in page


def test_a_provider_added_in_the_admin_is_offered_and_routed_to(
    saml_client, saml_app, configure_sso
):
    configure_sso(ENTRA)
    page = saml_client.get(reverse("account_login")).content.decode()
    assert "Subsidiary (Okta)" in page and "Example Corp (Entra ID)" in page
    response = saml_client.post(reverse("identity:sso-start"), {"email": "ana@Subsidiary.example"})
    assert response.status_code == 302
    assert response["Location"].startswith(
        "https://subsidiary.okta.com/app/ambassador/sso/saml?SAMLRequest="
    )


def test_the_csp_lets_the_sign_in_forms_continue_to_the_providers(client, saml_app, configure_sso):
    configure_sso(ENTRA)
    for url in (reverse("account_login"), reverse("identity:sso-start")):
        policy = client.get(url)["Content-Security-Policy"]
        form_action = next(d for d in policy.split(";") if "form-action" in d)
        assert "'self'" in form_action
        assert "https://login.microsoftonline.com" in form_action
        assert "https://subsidiary.okta.com" in form_action
    other = client.get(reverse("certificate-verify-lookup"))["Content-Security-Policy"]
    assert "microsoftonline" not in other


def test_unknown_provider_and_malformed_address_are_refused(client, configure_sso):
    configure_sso(ENTRA)
    response = client.post(reverse("identity:sso-start"), {"provider": "nope"})
    assert response.status_code == 400
    assert "This company account is not available" in response.content.decode()
    response = client.post(reverse("identity:sso-start"), {"email": "not-an-address"})
    assert response.status_code == 400


def test_the_company_sign_in_is_in_french(client, configure_sso):
    configure_sso(ENTRA)
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Se connecter avec votre compte d’entreprise" in page


def test_password_sign_in_stays_for_sso_domains_unless_turned_off(client, employee, configure_sso):
    configure_sso(ENTRA)
    response = client.post(
        reverse("account_login"), {"login": "employee@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_password_sign_in_is_refused_for_sso_domains_when_turned_off(
    client, employee, outsider, configure_sso
):
    configure_sso(ENTRA, password_login_disabled=True)
    response = client.post(
        reverse("account_login"), {"login": "employee@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "signs you in with your company account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    refused = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_REFUSED)
    assert (refused.email, refused.method, refused.provider) == (
        "employee@example.com",
        "password",
        "entra",
    )
    # Addresses of other domains keep their passwords.
    outsider.user.email = "outsider@elsewhere.example"
    outsider.user.save()
    response = client.post(
        reverse("account_login"), {"login": "outsider@elsewhere.example", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_password_reset_is_refused_for_sso_domains_when_turned_off(client, employee, configure_sso):
    configure_sso(ENTRA, password_login_disabled=True)
    response = client.post(reverse("account_reset_password"), {"email": "employee@example.com"})
    assert response.status_code == 200
    assert "signs you in with your company account" in response.content.decode()
    assert mail.outbox == []
