"""The demo logins whose roles require a second factor get the published authenticator
app secret, printed with the logins; `demo_totp_code` prints its current code."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from ambassador.tests.mfa import totp_code
from people.demo import DEMO_TOTP_SECRET, demo_organisation_seed

pytestmark = pytest.mark.django_db


def test_the_demo_hr_admin_and_author_get_the_published_authenticator_app():
    summary = demo_organisation_seed(employees=60)
    enrolled = Authenticator.objects.filter(type=Authenticator.Type.TOTP)
    assert sorted(enrolled.values_list("user__email", flat=True)) == [
        "author@example.com",
        "hr@example.com",
    ]
    assert summary.second_factor == ("author@example.com", "hr@example.com")
    assert any(DEMO_TOTP_SECRET in line for line in summary.lines())
    # Again: nothing added, and a changed secret is put back.
    enrolled.filter(user__email="hr@example.com").update(data={"secret": "AAAAAAAAAAAAAAAA"})
    demo_organisation_seed(employees=60)
    assert enrolled.count() == 2
    assert {app.wrap().instance.data["secret"] for app in enrolled} == {DEMO_TOTP_SECRET}


def test_managers_are_enrolled_too_when_the_setting_names_them(settings):
    settings.MFA_REQUIRED_ROLES = ["manager"]
    summary = demo_organisation_seed(employees=60)
    assert summary.second_factor == ("manager@example.com",)


@time_machine.travel(datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC), tick=False)
def test_demo_totp_code_prints_the_code_an_app_shows_now(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_totp_code", stdout=out)
    expected = totp_code(DEMO_TOTP_SECRET, datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC).timestamp())
    assert out.getvalue().split()[0] == expected
    assert "valid for 20 more seconds" in out.getvalue()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_totp_code")
