"""Second factors: enrolment, sign-in with TOTP and recovery codes, the mandatory-MFA gate
for the roles that must have one, and the audit trail of it all.

TOTP codes are computed by the test (`ambassador.tests.mfa.totp_code`, RFC 6238), never
by allauth; time is frozen so a code cannot expire between computing and typing it.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from ambassador.tests.mfa import PERSONA_TOTP_SECRET, enrol_totp, totp_code
from identity.mfa.policy import SSO_MFA_SESSION_KEY
from identity.models import AuditEvent

PASSWORD = "correct-horse-battery"
NOW = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)
ENROLMENT = "/accounts/2fa/"

pytestmark = pytest.mark.django_db


def _sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _second_step(client, code):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def _without_second_factor(persona):
    Authenticator.objects.filter(user=persona.user).delete()
    return persona


@time_machine.travel(NOW, tick=False)
def test_hr_is_taken_to_enrolment_and_reaches_nothing_else_until_enrolled(
    hr, django_capture_on_commit_callbacks
):
    _without_second_factor(hr)
    hr.user.is_staff = True  # an HR admin who also works in the Django admin
    hr.user.save(update_fields=["is_staff"])
    client = Client()
    response = _sign_in(client, hr.user.email)
    assert response.status_code == 302
    # Right after signing in: the home page sends them to enrolment.
    response = client.get(response.url)
    assert response.status_code == 302 and response.url == ENROLMENT
    for url in ("/reports/", reverse("people:employee-list"), "/admin/", "/admin/people/user/"):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, ENROLMENT), url
    # A form posted to a page of the role is refused the same way.
    assert client.post(reverse("assignments:assignment-create"), {}).url == ENROLMENT
    # An htmx request is told to load the enrolment page as a whole page.
    response = client.get("/reports/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == ENROLMENT

    page = client.get(ENROLMENT)
    assert page.status_code == 200
    assert "Two-factor authentication is required for your role" in page.content.decode()
    # The navigation offers nothing the gate would refuse.
    assert page.context["nav_menus"] == []
    assert [str(link.label) for link in page.context["account_links"]] == [
        "Two-factor authentication"
    ]
    assert client.get("/healthz").status_code == 200

    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 200
    secret = activate.context["form"].secret
    assert secret in activate.content.decode()  # for typing when the QR code cannot be scanned
    assert 'src="data:image/svg+xml;base64,' in activate.content.decode()
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals on commit
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    codes = client.get(response.url)
    assert codes.status_code == 200 and len(codes.context["unused_codes"]) == 10

    assert client.get("/reports/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert set(
        AuditEvent.objects.filter(user=hr.user, kind=AuditEvent.Kind.MFA_ADDED).values_list(
            "method", flat=True
        )
    ) == {"totp", "recovery_code"}


@time_machine.travel(NOW, tick=False)
def test_an_employee_is_not_asked_for_a_second_factor(employee):
    client = Client()
    response = _sign_in(client, employee.user.email)
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    assert "Two-factor authentication is required" not in client.get(ENROLMENT).content.decode()


@time_machine.travel(NOW, tick=False)
def test_managers_must_enrol_when_the_setting_names_them(manager, settings):
    settings.MFA_REQUIRED_ROLES = ["manager"]
    client = Client()
    _sign_in(client, manager.user.email)
    response = client.get(reverse("reports:completion"))
    assert (response.status_code, response.url) == (302, ENROLMENT)


@time_machine.travel(NOW, tick=False)
def test_no_role_is_forced_when_the_setting_is_empty(hr, settings):
    settings.MFA_REQUIRED_ROLES = []
    _without_second_factor(hr)
    client = Client()
    _sign_in(client, hr.user.email)
    assert client.get(reverse("reports:completion")).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_sign_in_asks_for_the_authenticator_code(hr):
    client = Client()
    response = _sign_in(client, hr.user.email)
    assert response.url == reverse("mfa_authenticate")
    # Not signed in yet: the pages of the role still send to the sign-in page.
    assert client.get("/reports/").url.startswith(reverse("account_login"))

    wrong = _second_step(client, "123456" if totp_code(PERSONA_TOTP_SECRET) != "123456" else "1")
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    response = _second_step(client, totp_code(PERSONA_TOTP_SECRET))
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/reports/").status_code == 200

    failed = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_FAILED, user=hr.user)
    assert (failed.method, failed.success, failed.detail["second_factor"]) == ("totp", False, True)
    signed_in = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN, user=hr.user)
    assert signed_in.method == "totp"


@time_machine.travel(NOW, tick=False)
def test_a_code_from_another_time_window_is_refused(hr):
    client = Client()
    _sign_in(client, hr.user.email)
    stale = totp_code(PERSONA_TOTP_SECRET, NOW.timestamp() - 90)
    response = _second_step(client, stale)
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_recovery_code_signs_in_once(hr):
    codes = RecoveryCodes.activate(hr.user).get_unused_codes()
    client = Client()
    _sign_in(client, hr.user.email)
    response = _second_step(client, codes[0])
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/reports/").status_code == 200
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN).method == "recovery_code"

    client.post(reverse("account_logout"))
    again = Client()
    _sign_in(again, hr.user.email)
    reused = _second_step(again, codes[0])
    assert reused.status_code == 200 and "Incorrect code" in reused.content.decode()
    assert again.get("/reports/").url.startswith(reverse("account_login"))
    assert _second_step(again, codes[1]).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_the_same_totp_code_is_not_accepted_twice(hr):
    code = totp_code(PERSONA_TOTP_SECRET)
    first = Client()
    _sign_in(first, hr.user.email)
    assert _second_step(first, code).status_code == 302
    second = Client()
    _sign_in(second, hr.user.email)
    assert _second_step(second, code).status_code == 200


def test_an_sso_session_that_asserted_mfa_needs_no_local_second_factor(hr, client):
    """The SSO sign-in sets the session key when the identity provider asserted MFA and
    its configuration trusts it (the key is set by the test here)."""
    _without_second_factor(hr)
    client.force_login(hr.user)
    assert client.get("/reports/").url == ENROLMENT
    session = client.session
    session[SSO_MFA_SESSION_KEY] = True
    session.save()
    assert client.get("/reports/").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_role_that_must_have_mfa_cannot_remove_its_last_factor(hr, employee):
    client = Client()
    _sign_in(client, hr.user.email)
    _second_step(client, totp_code(PERSONA_TOTP_SECRET))
    page = client.get(reverse("mfa_deactivate_totp"))
    assert "add a passkey or security key first" in page.content.decode()
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=hr.user, type="totp").exists()

    # An employee may turn theirs off; the change is audited.
    enrol_totp(employee.user)
    client = Client()
    _sign_in(client, employee.user.email)
    with time_machine.travel(NOW.timestamp() + 30, tick=False):
        _second_step(client, totp_code(PERSONA_TOTP_SECRET, NOW.timestamp() + 30))
        response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=employee.user).exists()
    removed = AuditEvent.objects.get(kind=AuditEvent.Kind.MFA_REMOVED, user=employee.user)
    assert removed.method == "totp"


@time_machine.travel(NOW, tick=False)
def test_new_recovery_codes_are_audited_and_the_old_ones_stop_working(
    hr, django_capture_on_commit_callbacks
):
    old = RecoveryCodes.activate(hr.user).get_unused_codes()
    client = Client()
    _sign_in(client, hr.user.email)
    _second_step(client, totp_code(PERSONA_TOTP_SECRET))
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals on commit
        response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    new = Authenticator.objects.get(user=hr.user, type="recovery_codes").wrap()
    assert not set(old) & set(new.get_unused_codes())
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.MFA_RECOVERY_CODES)
    assert (event.user, event.method) == (hr.user, "recovery_code")


def test_the_gate_adds_no_query_once_enrolled(
    hr, client_for, settings, django_assert_max_num_queries
):
    client = client_for(hr)
    url = reverse("people:profile")
    client.get(url)  # warm: the roles in the cache, as on every page after the first
    settings.MFA_REQUIRED_ROLES = []
    with django_assert_max_num_queries(1000) as without:
        client.get(url)
    settings.MFA_REQUIRED_ROLES = ["hr", "author", "staff"]
    with django_assert_max_num_queries(1000) as with_gate:
        assert client.get(url).status_code == 200
    assert len(with_gate.captured_queries) == len(without.captured_queries)


def test_the_security_page_is_in_the_account_menu_and_on_the_profile(employee, client_for):
    client = client_for(employee)
    profile = client.get(reverse("people:profile")).content.decode()
    assert f'href="{ENROLMENT}"' in profile
    labels = [str(link.label) for link in client.get(ENROLMENT).context["account_links"]]
    assert "Two-factor authentication" in labels


def test_an_older_session_confirms_the_password_before_enrolling(hr):
    """Signed in more than five minutes ago: allauth asks for the password again before a
    factor is added, and the gate lets that confirmation through."""
    _without_second_factor(hr)
    client = Client()
    with time_machine.travel(NOW, tick=False):
        _sign_in(client, hr.user.email)
        assert client.get(reverse("mfa_activate_totp")).status_code == 200  # just signed in
    with time_machine.travel(NOW.timestamp() + 600, tick=False):
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_reauthenticate"))
        confirm = client.get(response.url)
        assert confirm.status_code == 200 and "Confirm it is you" in confirm.content.decode()
        response = client.post(response.url, {"password": PASSWORD})
        assert response.status_code == 302
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
