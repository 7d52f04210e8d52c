"""HR makes a SCIM token in the browser, an identity provider uses it, HR revokes it."""

import json
import urllib.error
import urllib.request

import pytest

from ambassador.tests.browser import assert_accessible, screenshot, sign_in


def _scim_status(base, secret):
    request = urllib.request.Request(  # noqa: S310 - the live server on 127.0.0.1
        f"{base}/scim/v2/ServiceProviderConfig", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            json.loads(response.read())
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hr_makes_uses_and_revokes_a_scim_token(page, live_server, hr):
    sign_in(page, hr.user.email, "correct-horse-battery")
    page.goto("/identity/scim-tokens/")
    page.get_by_role("heading", name="SCIM tokens", level=1).wait_for()
    assert page.get_by_text("No token yet.").is_visible()
    assert_accessible(page)

    page.get_by_label("Name").fill("Okta")
    page.get_by_role("button", name="Create the token").click()
    page.get_by_role("heading", name="Token “Okta” created").wait_for()
    secret = page.get_by_label("Copy it now into your identity provider").input_value()
    assert secret.startswith("scim_")
    assert_accessible(page)
    screenshot(page, "scim-tokens")
    assert _scim_status(live_server.url, secret) == 200

    page.reload()  # shown once: gone on the next visit
    assert secret not in page.content()
    page.get_by_role("link", name="Revoke Okta").click()
    page.get_by_role("heading", name="Revoke a SCIM token").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, revoke this token").click()
    page.get_by_text("it no longer opens SCIM").wait_for()
    assert _scim_status(live_server.url, secret) == 401
