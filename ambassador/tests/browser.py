"""Shared fixtures for browser tests: Playwright driving Debian's Chromium, with axe-core.

Browser tests are marked `browser`. Where Chromium is missing they fail in CI (CI=true)
and are skipped elsewhere with a message saying how to install it.
"""

import os
import re
import shutil
from pathlib import Path

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


# Screenshots of the main pages, for a reviewer to look at: `screenshot(page, name)` writes
# them here (git-ignored; BROWSER_SCREENSHOTS overrides the folder). The path is printed
# at the end of every run that took one.
SCREENSHOTS = Path(
    os.environ.get("BROWSER_SCREENSHOTS")
    or Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


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
    # Reduced motion: Bootstrap then skips its colour transitions, so axe never measures
    # a button's contrast halfway through a hover fade.
    context = browser.new_context(base_url=live_server.url, locale="en-GB", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(params=[DESKTOP, PHONE], ids=["1280px", "390px"])
def sized_page(request, browser, live_server):
    """A page at desktop width, then again at phone width (the test runs twice)."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport=request.param,
        reduced_motion="reduce",  # as in `page`
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, name):
    """Save the whole page as `<name>-<width>px.png` in SCREENSHOTS."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    page.screenshot(path=SCREENSHOTS / f"{slug}-{width}px.png", full_page=True)


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.glob("*.png")):
        count = len(list(SCREENSHOTS.glob("*.png")))
        terminalreporter.write_line(f"Browser screenshots ({count}): {SCREENSHOTS}")


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
    """Sign in with the password; a person with an authenticator app then types the code
    it shows (computed here from their secret, `ambassador.tests.mfa`)."""
    from ambassador.tests.mfa import fresh_totp_code, totp_secret_of

    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        secret = totp_secret_of(email)
        assert secret, f"{email} is asked for a second factor but has no authenticator app"
        page.get_by_label("Code").fill(fresh_totp_code(secret))
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()
