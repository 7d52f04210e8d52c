"""Second factors in a real browser: an HR admin without one is taken to enrolment,
registers a passkey with Chromium's virtual authenticator (CDP WebAuthn, as a platform
authenticator with fingerprint verification would), then signs in with the passkey
alone; and one with an authenticator app types its code. axe checks every page."""

import pytest
from allauth.mfa.models import Authenticator

from ambassador.tests.browser import assert_accessible, screenshot, sign_in
from identity.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def authenticator_page(page, settings):
    """`page` with a virtual passkey authenticator (resident keys, user verification)."""
    # The live server speaks plain HTTP on localhost (a secure context for the browser).
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.webauthn = (cdp, added["authenticatorId"])
    return page


def _credentials(page):
    cdp, authenticator_id = page.webauthn
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]


def test_hr_enrols_a_passkey_then_signs_in_with_it_alone(authenticator_page, hr):
    page = authenticator_page
    Authenticator.objects.filter(user=hr.user).delete()

    sign_in(page, hr.user.email, PASSWORD)
    page.get_by_role("heading", name="Two-factor authentication", level=1).wait_for()
    assert page.url.endswith("/accounts/2fa/")
    assert page.get_by_text("Two-factor authentication is required for your role").is_visible()
    assert_accessible(page)
    screenshot(page, "mfa-enrolment-required")
    page.goto("/reports/")  # the role's pages wait until enrolment
    assert page.url.endswith("/accounts/2fa/")

    page.get_by_role("link", name="Add a passkey or security key").click()
    page.get_by_role("heading", name="Add a passkey or security key").wait_for()
    assert_accessible(page)
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_label("Passkey: also sign in with it, without my password").check()
    page.get_by_role("button", name="Add", exact=True).click()

    page.get_by_role("heading", name="Recovery codes", level=1).wait_for()
    assert page.locator("#recovery-codes li").count() == 10
    assert_accessible(page)
    (credential,) = _credentials(page)
    assert credential["isResidentCredential"]
    key = Authenticator.objects.get(user=hr.user, type=Authenticator.Type.WEBAUTHN).wrap()
    assert (key.name, key.is_passwordless) == ("Work laptop", True)
    page.goto("/reports/")
    assert "/accounts/2fa/" not in page.url

    # Signed out (the browser forgets the session), then in with the passkey alone.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.get_by_role("heading", name="My training", level=1).wait_for()
    page.goto("/reports/")
    assert "/accounts/2fa/" not in page.url and "/accounts/login/" not in page.url

    added = AuditEvent.objects.filter(user=hr.user, kind=AuditEvent.Kind.MFA_ADDED)
    assert set(added.values_list("method", flat=True)) == {"passkey", "recovery_code"}
    assert added.get(method="passkey").detail["name"] == "Work laptop"
    signed_in = AuditEvent.objects.filter(user=hr.user, kind=AuditEvent.Kind.SIGN_IN)
    assert list(signed_in.values_list("method", flat=True)) == ["passkey", "password"]


def test_a_passkey_the_site_does_not_know_is_refused_with_a_message(authenticator_page, hr):
    """The virtual authenticator holds no credential for this site: the browser refuses,
    and the page says so (static/js/mfa.js) instead of failing silently."""
    page = authenticator_page
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    alert = page.locator("#mfa-webauthn-error")
    alert.wait_for(state="visible", timeout=15_000)
    assert "could not be used" in alert.inner_text()
    assert page.url.endswith("/accounts/login/")


def test_hr_with_an_authenticator_app_types_its_code(page, hr):
    """`sign_in` computes the code from the persona's secret when the site asks."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(hr.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Two-factor authentication", level=1).wait_for()
    assert_accessible(page)
    screenshot(page, "mfa-authenticate")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Incorrect code").wait_for()
    assert_accessible(page)
    page.context.clear_cookies()
    sign_in(page, hr.user.email, PASSWORD)
    page.get_by_role("heading", name="My training", level=1).wait_for()
    page.goto("/reports/")
    assert "/accounts/" not in page.url
