"""Company sign-in through a real OpenID Connect provider (django-oauth-toolkit, run as its
own process by the `oidc_provider` fixture), over HTTP: the test plays the browser
between the site (Django's test client) and the provider (requests)."""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse

from identity.models import AuditEvent
from identity.sso.adapter import SSO_MFA_SESSION_KEY
from identity.tests.conftest import OIDC_ID, oidc_entry

pytestmark = pytest.mark.django_db

PASSWORD = "provider-password"  # noqa: S105 - the test provider's directory


@pytest.fixture
def provider(oidc_provider, configure_sso):
    oidc_provider.set_people(
        {
            "employee@example.com": {"password": PASSWORD},
            "stranger@example.com": {"password": PASSWORD},
            "e.martin@example.com": {
                "password": PASSWORD,
                "claims": {"email": "e.martin@example.com", "employee_id": "E-4242"},
            },
            "mfa@example.com": {
                "password": PASSWORD,
                "claims": {"email": "employee@example.com", "amr": ["pwd", "mfa"]},
            },
            "outsider@other.org": {"password": PASSWORD},
        }
    )
    configure_sso(oidc_entry(oidc_provider))
    return oidc_provider


def start(client, email="employee@example.com"):
    """The email-first step: the site sends the browser to the provider."""
    response = client.post(reverse("identity:sso-start"), {"email": email})
    assert response.status_code == 302, response.content
    return response["Location"]


def authorize(provider, authorize_url, username):
    """The browser at the provider: signed in there, the provider answers with a code."""
    session = requests.Session()
    provider.sign_in_at_provider(session, username, PASSWORD)
    response = session.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    callback = response.headers["Location"]
    assert callback.startswith(f"http://testserver/accounts/oidc/{OIDC_ID}/login/callback/")
    return callback


def come_back(client, callback_url):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, provider, username, email="employee@example.com"):
    return come_back(client, authorize(provider, start(client, email), username))


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def replace_query(url, **changes):
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_the_authorisation_request_asks_for_a_nonce_pkce_and_the_login_hint(client, provider):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["client_id"] == [provider.CLIENT_ID]
    assert query["login_hint"] == ["employee@example.com"]
    assert len(query["nonce"][0]) == 32
    assert query["code_challenge_method"] == ["S256"]
    assert set(query["scope"][0].split()) >= {"openid", "email"}


def test_a_provisioned_employee_signs_in_and_is_linked(client, provider, employee):
    response = sign_in(client, provider, "employee@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(employee.user.pk)
    account = SocialAccount.objects.get(provider=OIDC_ID)
    assert account.user == employee.user
    assert client.session[SSO_MFA_SESSION_KEY] is False
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN)
    assert (event.user, event.method, event.provider) == (employee.user, "oidc", OIDC_ID)


def test_the_link_holds_when_the_provider_later_sends_another_address(client, provider, employee):
    sign_in(client, provider, "employee@example.com")
    client.logout()
    provider.set_people(
        {"employee@example.com": {"password": PASSWORD, "claims": {"email": "x@example.com"}}}
    )
    sign_in(client, provider, "employee@example.com")
    assert signed_in_user_id(client) == str(employee.user.pk)
    assert SocialAccount.objects.count() == 1


def test_the_providers_mfa_counts_only_when_configured(client, provider, configure_sso, employee):
    sign_in(client, provider, "mfa@example.com")
    assert signed_in_user_id(client) == str(employee.user.pk)
    assert client.session[SSO_MFA_SESSION_KEY] is False  # mfa_from_idp is off
    client.logout()
    configure_sso(oidc_entry(provider, mfa_from_idp=True))
    sign_in(client, provider, "mfa@example.com")
    assert client.session[SSO_MFA_SESSION_KEY] is True
    client.logout()
    sign_in(client, provider, "employee@example.com")  # amr absent: no second factor
    assert client.session[SSO_MFA_SESSION_KEY] is False


def test_an_employee_number_claim_links_when_configured(client, provider, configure_sso, employee):
    employee.employee_number = "E-4242"
    employee.save()
    configure_sso(oidc_entry(provider, employee_number_claim="employee_id"))
    sign_in(client, provider, "e.martin@example.com", email="e.martin@example.com")
    assert signed_in_user_id(client) == str(employee.user.pk)


def test_an_unknown_person_is_told_to_contact_hr_and_nothing_is_created(client, provider, employee):
    users = get_user_model().objects.count()
    response = sign_in(client, provider, "stranger@example.com", email="stranger@example.com")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your account has not been set up" in page
    assert "people-team@example.com" in page
    assert signed_in_user_id(client) is None
    assert get_user_model().objects.count() == users
    assert not SocialAccount.objects.exists()
    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.SIGN_IN_REFUSED
    assert (event.email, event.method, event.provider) == ("stranger@example.com", "oidc", OIDC_ID)
    assert event.detail == {"reason": "not_set_up"}


def test_a_leaver_cannot_sign_in_even_though_the_provider_says_yes(client, provider, employee):
    employee.user.is_active = False
    employee.user.save()
    response = sign_in(client, provider, "employee@example.com")
    assert response.status_code == 403
    assert "Your account is closed" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    event = AuditEvent.objects.get()
    assert (event.kind, event.user) == (AuditEvent.Kind.SIGN_IN_REFUSED, employee.user)
    assert event.detail == {"reason": "deactivated"}


def test_a_leaver_already_linked_cannot_sign_in(client, provider, employee):
    sign_in(client, provider, "employee@example.com")
    client.logout()
    employee.user.is_active = False
    employee.user.save()
    response = sign_in(client, provider, "employee@example.com")
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_a_provider_cannot_vouch_for_another_domain(client, provider, outsider, configure_sso):
    outsider.user.email = "outsider@other.org"
    outsider.user.save()
    configure_sso(oidc_entry(provider, domains=["example.com", "other.net"]))
    response = sign_in(client, provider, "outsider@other.org", email="someone@example.com")
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def assert_rejected_and_nothing_changed(client, response, users, reason):
    assert response.status_code == 400
    assert "Sign-in not completed" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert get_user_model().objects.count() == users
    event = AuditEvent.objects.get()
    assert (event.kind, event.success) == (AuditEvent.Kind.SIGN_IN_FAILED, False)
    assert (event.method, event.provider) == ("oidc", OIDC_ID)
    assert event.detail["reason"] == reason


def test_a_callback_with_a_wrong_state_is_rejected(client, provider, employee):
    users = get_user_model().objects.count()
    callback = authorize(provider, start(client), "employee@example.com")
    response = come_back(client, replace_query(callback, state="not-the-state"))
    assert_rejected_and_nothing_changed(client, response, users, "state")


def test_a_callback_in_another_browser_session_is_rejected(client, provider, employee):
    users = get_user_model().objects.count()
    callback = authorize(provider, start(client), "employee@example.com")
    client.cookies.clear()  # the code arrives in a browser that did not start the sign-in
    response = come_back(client, callback)
    assert_rejected_and_nothing_changed(client, response, users, "state")


def test_an_id_token_with_a_wrong_nonce_is_rejected(client, provider, employee):
    """The code was obtained for an authorisation request this browser did not make (its
    nonce is another): an injected code."""
    users = get_user_model().objects.count()
    authorize_url = replace_query(start(client), nonce="a-nonce-this-browser-never-asked-for")
    response = come_back(client, authorize(provider, authorize_url, "employee@example.com"))
    assert_rejected_and_nothing_changed(client, response, users, "nonce")


def test_a_token_from_another_issuer_is_rejected(client, provider, configure_sso, employee):
    """The token endpoint answers as another issuer (here the provider reached by another
    name, so its ID token's `iss` is not the configured issuer's)."""
    other = provider.url("/o/token/", host="localhost")
    configure_sso(oidc_entry(provider, openid_configuration_overrides={"token_endpoint": other}))
    users = get_user_model().objects.count()
    response = sign_in(client, provider, "employee@example.com")
    assert_rejected_and_nothing_changed(client, response, users, "invalid_response")
    assert "Invalid id_token" in AuditEvent.objects.get().detail["error"]


def test_the_sign_in_page_routes_by_email_domain(client, provider, configure_sso):
    configure_sso(
        oidc_entry(provider, id="other-oidc", name="Other Inc", domains=["other.org"]),
        oidc_entry(provider),
    )
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with your company account" in page
    assert "Example Corp (OIDC)" in page and "Other Inc" in page
    to_other = parse_qs(urlsplit(start(client, "someone@OTHER.org")).query)
    assert to_other["login_hint"] == ["someone@OTHER.org"]
    assert "/accounts/oidc/other-oidc/login/callback/" in to_other["redirect_uri"][0]
    response = client.post(reverse("identity:sso-start"), {"email": "a@unknown.net"})
    assert response.status_code == 200
    assert "No company account signs in addresses of this domain" in response.content.decode()
    chosen = client.post(reverse("identity:sso-start"), {"provider": "other-oidc"})
    assert chosen.status_code == 302 and chosen["Location"].startswith(provider.issuer)


def test_the_providers_mfa_lets_an_hr_admin_through_the_mfa_gate(
    client, provider, configure_sso, employee
):
    """The contract with the MFA policy (docs/sso.md): an HR admin without a second factor
    of the site's own is let through when the provider asserted one and may count it."""
    from django.contrib.auth.models import Group

    from identity.mfa.middleware import ENROLMENT_URL
    from people.roles import HR_GROUP

    employee.user.groups.add(Group.objects.get(name=HR_GROUP))
    audit = reverse("identity:audit-list")
    sign_in(client, provider, "employee@example.com")  # no amr: sent to enrol
    gated = client.get(audit)
    assert gated.status_code == 302 and gated.url == reverse(ENROLMENT_URL)
    client.logout()
    configure_sso(oidc_entry(provider, mfa_from_idp=True))
    sign_in(client, provider, "mfa@example.com")
    assert client.session[SSO_MFA_SESSION_KEY] is True
    assert client.get(audit).status_code == 200


def test_someone_with_a_second_factor_is_not_asked_again_when_the_provider_asserted_one(
    client, provider, configure_sso, employee
):
    """allauth asks for the site's own second factor after the first (identity.mfa.stages):
    after a provider's MFA that may count, not a second time; otherwise, as always."""
    from ambassador.tests.mfa import enrol_totp

    enrol_totp(employee.user)
    response = sign_in(client, provider, "employee@example.com")  # no amr
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    client.logout()
    configure_sso(oidc_entry(provider, mfa_from_idp=True))
    response = sign_in(client, provider, "mfa@example.com")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user_id(client) == str(employee.user.pk)
    assert client.session[SSO_MFA_SESSION_KEY] is True
