"""Shared fixtures for browser tests: Playwright driving Debian's Chromium, with axe-core.

Browser tests are marked `browser`. Where Chromium is missing they fail in CI (CI=true)
and are skipped elsewhere with a message saying how to install it.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_available():
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="session")
def browser():
    if not _chromium_available():
        message = "Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop; the live server's ORM calls are in other
    # threads, but the test's own ORM calls run beside that loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_accessible(page):
    """axe-core on the current page: no serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not violations, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "" for node in v["nodes"][:5])
        for v in violations
    )


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
