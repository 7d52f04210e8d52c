"""Every page type carries the Content-Security-Policy and the usual security headers,
and its HTML holds nothing that policy would block (issue 16.6).

The pages are the role × URL matrix's (each URL fetched as a role that gets it), plus
the sign-in page, the 403 and 404 pages and the probes.
"""

import os
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from ambassador.tests.test_url_matrix import EXPECTED, ROLES, url_kwargs  # noqa: F401

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
STYLE_TAG = re.compile(r"<style([^>]*)>")
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)


def assert_secure(response, where):
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives.get("script-src") == "'self'", (where, policy)
    assert directives.get("default-src") == "'self'", (where, policy)
    assert directives.get("object-src") == "'none'", (where, policy)
    assert directives.get("frame-ancestors") == "'none'", (where, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (where, policy)
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    assert "camera=()" in headers.get("Permissions-Policy", ""), where
    if not headers.get("Content-Type", "").startswith("text/html"):
        return
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html), (where, INLINE_SCRIPT.findall(html))
    assert not EVENT_HANDLER.findall(html), (where, EVENT_HANDLER.findall(html))
    for attributes in STYLE_TAG.findall(html):
        nonce = re.search(r'nonce="([^"]+)"', attributes)
        assert nonce, (where, "a <style> without the nonce")
        assert f"'nonce-{nonce.group(1)}'" in directives.get("style-src", ""), (where, policy)


def first_role_served(expectations):
    for role in ROLES:
        if expectations.get(role, expectations.get("*")) == 200:
            return role
    return None


@pytest.mark.django_db
def test_every_page_type_carries_the_policy_and_headers(personas, url_kwargs, client_for):  # noqa: F811
    checked = 0
    for name, (kwargs_key, expectations) in sorted(EXPECTED.items()):
        role = first_role_served(expectations)
        if role is None:
            continue
        url = reverse(name, kwargs=url_kwargs[kwargs_key] if kwargs_key else None)
        response = client_for(None if role == "anonymous" else personas[role]).get(url)
        assert response.status_code == 200, (name, role)
        assert_secure(response, name)
        checked += 1
    assert checked >= 15


@pytest.mark.django_db
def test_sign_in_and_error_pages_carry_the_policy_and_headers(personas, client_for):
    anonymous = client_for(None)
    sign_in = anonymous.get(reverse("account_login"))
    assert sign_in.status_code == 200
    assert_secure(sign_in, "sign-in")
    assert 'nonce="' in sign_in.content.decode()  # the brand colour's <style>

    signed_in = client_for(personas["employee"])
    not_found = signed_in.get("/courses/no-such-course/")
    assert not_found.status_code == 404
    assert_secure(not_found, "404")
    forbidden = signed_in.get(reverse("people:employee-import"))
    assert forbidden.status_code == 403
    assert_secure(forbidden, "403")


def test_the_brand_colour_must_be_a_hex_colour():
    """It is written into the inline <style>: anything but a hex colour stops the start."""
    environment = {**os.environ, "DEBUG": "1", "COMPANY_PRIMARY_COLOR": "red;} body{display:none"}
    started = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", "import ambassador.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert started.returncode != 0
    assert "COMPANY_PRIMARY_COLOR must be a hex colour" in started.stderr
