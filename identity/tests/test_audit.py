"""The audit trail: sign-ins recorded as they happen, HR's page, the retention purge."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from identity.models import AuditEvent
from identity.services import audit_events_purge, audit_record
from identity.tasks import audit_events_purge_task

LOG = reverse("identity:audit-list")


def sign_in(client, login, password):
    cache.clear()  # the failed-sign-in limit of an earlier test
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_a_password_sign_in_is_recorded_with_its_method_and_address(client, employee):
    response = sign_in(client, "Employee@Example.com", "correct-horse-battery")
    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert (event.kind, event.success, event.method) == ("sign_in", True, "password")
    assert event.user == employee.user and event.email == "employee@example.com"
    assert event.ip_address == "127.0.0.1"
    assert event.detail == {}


def test_a_wrong_password_is_recorded_against_the_account_and_an_unknown_address_alone(
    client, employee
):
    sign_in(client, "employee@example.com", "wrong")
    sign_in(client, "Nobody@Example.com", "wrong")
    known, unknown = AuditEvent.objects.order_by("pk")
    assert (known.kind, known.success, known.user) == ("sign_in_failed", False, employee.user)
    assert (unknown.kind, unknown.success, unknown.user) == ("sign_in_failed", False, None)
    assert unknown.email == "nobody@example.com"  # what was tried, in lower case
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_cannot_sign_in_and_the_failure_is_recorded(client, employee):
    employee.user.is_active = False
    employee.user.save(update_fields=["is_active"])
    sign_in(client, "employee@example.com", "correct-horse-battery")
    assert "_auth_user_id" not in client.session
    assert list(AuditEvent.objects.values_list("kind", "success")) == [("sign_in_failed", False)]


def events(count, **fields):
    return AuditEvent.objects.bulk_create(
        AuditEvent(created_at=timezone.now(), kind="sign_in", method="password", **fields)
        for _ in range(count)
    )


def test_hr_reads_the_log_newest_first_page_by_page(client_for, hr, employee):
    events(60, user=employee.user, email="employee@example.com", ip_address="192.0.2.7")
    newest = AuditEvent.objects.order_by("-pk").first()
    page = client_for(hr).get(LOG)
    assert page.status_code == 200
    shown = page.context["events"]
    assert len(shown) == 50 and shown[0] == newest
    html = page.content.decode()
    assert "Employee Persona" in html and "192.0.2.7" in html
    older = page.context["older"]
    assert f"before={older}" in html
    second = client_for(hr).get(LOG, {"before": older})
    assert len(second.context["events"]) == 10 and second.context["older"] is None
    assert "Newest events" in second.content.decode()


def test_hr_filters_by_kind_failures_and_address(client_for, hr, employee, outsider):
    events(3, user=employee.user, email="employee@example.com", ip_address="192.0.2.7")
    audit_record(kind=AuditEvent.Kind.SIGN_IN_FAILED, email="eve@evil.example", success=False)
    audit_record(kind=AuditEvent.Kind.SCIM, actor="SCIM token 'Okta' (#1)", user=outsider.user)
    client = client_for(hr)

    def kinds(**query):
        return [event.kind for event in client.get(LOG, query).context["events"]]

    assert kinds(kind="scim") == ["scim"]
    assert kinds(failures="on") == ["sign_in_failed"]
    assert kinds(q="EVE@evil.example") == ["sign_in_failed"]
    assert kinds(q="employee@example.com") == ["sign_in"] * 3
    assert kinds(q="192.0.2.7") == ["sign_in"] * 3
    assert "by SCIM token" in client.get(LOG, {"kind": "scim"}).content.decode()


def test_bad_filters_get_a_message_and_the_unfiltered_log(client_for, hr, employee):
    events(2, user=employee.user)
    client = client_for(hr)
    response = client.get(LOG, {"q": "not an address", "kind": "nonsense", "before": "x'--"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter an email address or a network address" in html
    assert len(response.context["events"]) == 2


@pytest.mark.parametrize("size", [5, 120])
def test_the_log_costs_the_same_queries_whatever_its_size(
    client_for, hr, employee, size, django_assert_num_queries
):
    events(size, user=employee.user)
    client = client_for(hr)
    client.get(LOG)  # warm the session and roles
    # session, user, employee (language), two for permissions, the page of events
    with django_assert_num_queries(6):
        client.get(LOG, {"kind": "sign_in"})


def test_events_past_the_retention_period_are_purged_in_batches(settings, employee, monkeypatch):
    settings.AUDIT_RETENTION_DAYS = 30
    monkeypatch.setattr("identity.services.PURGE_BATCH", 7)
    with time_machine.travel(timezone.now() - timedelta(days=31), tick=False):
        events(20, user=employee.user)
    with time_machine.travel(timezone.now() - timedelta(days=29), tick=False):
        kept = events(3, user=employee.user)
    assert audit_events_purge() == 20
    assert set(AuditEvent.objects.all()) == set(kept)
    assert audit_events_purge_task.delay().get() == 0
