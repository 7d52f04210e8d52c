"""The demo employee signs in with the company account in Chromium, through the real
OpenID Connect provider (its own process, `oidc_provider`), and the pages pass axe."""

import pytest
from django.core.management import call_command

from ambassador.tests.browser import assert_accessible, screenshot
from identity.tests.conftest import oidc_callback, oidc_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "provider-password"  # noqa: S105 - the test provider's directory


@pytest.fixture
def company_sign_in(transactional_db, live_server, oidc_provider, configure_sso):
    call_command("seed_demo", employees=40, allow_without_debug=True, verbosity=0)
    oidc_provider.allow_redirect(oidc_callback(live_server.url))
    oidc_provider.set_people(
        {
            "employee@example.com": {"password": PASSWORD},
            "newcomer@example.com": {"password": PASSWORD},
        }
    )
    configure_sso(oidc_entry(oidc_provider, name="Example Corp account"))
    return oidc_provider


def sign_in_at_provider(page, username):
    page.get_by_role("heading", name="Test identity provider").wait_for()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in to the provider").click()


def test_the_demo_employee_signs_in_with_the_company_account(company_sign_in, page, live_server):
    page.goto("/courses/")  # signed out: the sign-in page, which remembers where to go
    page.get_by_role("heading", name="Sign in with your company account").wait_for()
    assert_accessible(page)
    screenshot(page, "sign-in company account")
    page.get_by_label("Work email address").fill("employee@example.com")
    page.get_by_role("button", name="Continue with your company account").click()
    sign_in_at_provider(page, "employee@example.com")
    page.get_by_role("heading", name="Catalog").wait_for()
    assert page.url == f"{live_server.url}/courses/"
    assert_accessible(page)
    page.get_by_role("button", name="Élodie Martin").wait_for()  # the account menu


def test_the_provider_buttons_work_without_typing_an_address(company_sign_in, page):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Example Corp account").click()
    sign_in_at_provider(page, "employee@example.com")
    page.get_by_role("heading", name="My training").wait_for()


def test_someone_hr_has_not_provisioned_is_told_to_contact_hr(company_sign_in, page):
    page.goto("/accounts/login/")
    page.get_by_label("Work email address").fill("newcomer@example.com")
    page.get_by_role("button", name="Continue with your company account").click()
    sign_in_at_provider(page, "newcomer@example.com")
    page.get_by_role("heading", name="Your account has not been set up").wait_for()
    assert page.get_by_role("link", name="people-team@example.com").is_visible()
    assert_accessible(page)
    screenshot(page, "sign-in account not set up")
    page.goto("/")
    page.get_by_role("heading", name="Sign in", exact=True).wait_for()
