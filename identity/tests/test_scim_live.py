"""The sequences that Okta's and Entra ID's provisioning clients run, over real HTTP
against the live server: the people they provision appear in the directory with their
assigned training, and leave it (keeping that history) when deactivated.

The requests are the ones those clients send (their documented SCIM 2.0 behaviour):
Okta checks the connection with a one-user page, looks a user up by userName, POSTs,
updates the profile with PUT and (de)activates with `replace` operations without a path;
Entra ID looks up by userName/externalId, POSTs, sends capitalised `Replace`/`Add`
operations with paths and "True"/"False" strings, pushes group membership with
`Add`/`Remove` on `members`, and DELETEs a user removed from the application.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.urls import reverse

from assignments.tests.factories import assign
from courses.models import Enrollment
from courses.tests.factories import LessonFactory
from identity.models import AuditEvent
from identity.scim.protocol import ENTERPRISE_SCHEMA, PATCH_SCHEMA, USER_SCHEMA
from people.models import Employee
from people.roles import AUTHORS_GROUP, HR_GROUP, roles_for


class Provisioner:
    """A SCIM client over HTTP, as an identity provider is."""

    def __init__(self, base: str, secret: str):
        self.base = base.rstrip("/") + "/scim/v2"
        self.secret = secret

    def __call__(self, method: str, path: str, body=None, **params):
        url = f"{self.base}/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        request = urllib.request.Request(  # noqa: S310 - the live server on 127.0.0.1
            url,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {self.secret}",
                "Content-Type": "application/scim+json",
                "Accept": "application/scim+json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, raw, content_type = (
                    response.status,
                    response.read(),
                    response.headers["Content-Type"],
                )
        except urllib.error.HTTPError as error:
            status, raw, content_type = error.code, error.read(), error.headers["Content-Type"]
        if raw:
            assert content_type == "application/scim+json", (method, path, content_type)
        return status, json.loads(raw) if raw else None


@pytest.fixture
def training(hr):
    """A mandatory course assigned to everyone: new hires must get it."""
    course = LessonFactory().module.course
    assign(course=course, by=hr.user, everyone=True)
    return course


def _in_directory(client, hr, email):
    """Whether HR's People directory lists this person (searched by their number, so
    that the address is on the page only as a result)."""
    number = Employee.objects.get(user__email=email).employee_number
    client.force_login(hr.user)
    page = client.get(reverse("people:employee-list"), {"q": number})
    assert page.status_code == 200
    return email in page.content.decode()


def _enrolled(employee_id, course):
    return Enrollment.objects.filter(
        employee_id=employee_id, course=course, assignment_id__isnull=False
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_okta_provisioning_sequence(live_server, scim_token, personas, training, client):
    okta = Provisioner(live_server.url, scim_token.secret)
    hr = personas["hr"]

    # Test connection; the user does not exist yet.
    status, page = okta("GET", "Users", startIndex=1, count=1)
    assert status == 200 and page["itemsPerPage"] == 1
    status, found = okta("GET", "Users", filter='userName eq "olga@example.com"', count=100)
    assert (status, found["totalResults"]) == (200, 0)

    # Create.
    status, olga = okta(
        "POST",
        "Users",
        {
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
            "userName": "olga@example.com",
            "name": {"givenName": "Olga", "familyName": "Okta"},
            "emails": [{"primary": True, "value": "olga@example.com", "type": "work"}],
            "displayName": "Olga Okta",
            "locale": "en-US",
            "externalId": "00u1okta",
            "groups": [],
            "password": "ignored-by-us",
            "active": True,
            ENTERPRISE_SCHEMA: {
                "employeeNumber": "OK-1",
                "department": "SALES-N",
                "manager": {"value": str(personas["manager"].pk)},
            },
        },
    )
    assert status == 201, olga
    employee_id = int(olga["id"])
    assert _in_directory(client, hr, "olga@example.com")
    assert _enrolled(employee_id, training)  # a new hire gets the assigned training

    # Read back; update the profile (Okta's PUT).
    status, fetched = okta("GET", f"Users/{olga['id']}")
    assert status == 200 and fetched["userName"] == "olga@example.com"
    fetched["name"]["familyName"] = "Okta-Smith"
    fetched["title"] = "Account manager"
    fetched[ENTERPRISE_SCHEMA]["department"] = "FIN"
    status, updated = okta("PUT", f"Users/{olga['id']}", fetched)
    assert status == 200, updated
    assert (updated["name"]["familyName"], updated[ENTERPRISE_SCHEMA]["department"]) == (
        "Okta-Smith",
        "FIN",
    )

    # Deactivate, then reactivate.
    deactivate = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "replace", "value": {"active": False}}],
    }
    status, off = okta("PATCH", f"Users/{olga['id']}", deactivate)
    assert (status, off["active"]) == (200, False)
    assert not _in_directory(client, hr, "olga@example.com")
    assert _enrolled(employee_id, training)  # the history stays

    reactivate = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "replace", "value": {"active": True}}],
    }
    status, on = okta("PATCH", f"Users/{olga['id']}", reactivate)
    assert (status, on["active"]) == (200, True)
    assert _in_directory(client, hr, "olga@example.com")

    # Group push: find the group, add the member, remove them.
    status, groups = okta("GET", "Groups", filter=f'displayName eq "{AUTHORS_GROUP}"')
    group_id = groups["Resources"][0]["id"]
    add = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": olga["id"]}]}],
    }
    assert okta("PATCH", f"Groups/{group_id}", add)[0] == 200
    olga_user = Employee.objects.select_related("user").get(pk=employee_id).user
    assert roles_for(olga_user).author
    remove = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "remove", "path": f'members[value eq "{olga["id"]}"]'}],
    }
    assert okta("PATCH", f"Groups/{group_id}", remove)[0] == 200
    olga_user = Employee.objects.select_related("user").get(pk=employee_id).user
    assert not roles_for(olga_user).author

    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.SCIM)
    assert events.count() == 10
    assert set(events.values_list("actor", flat=True)) == {scim_token.actor}


@pytest.mark.django_db(transaction=True)
def test_entra_id_provisioning_sequence(live_server, scim_token, personas, training, client):
    entra = Provisioner(live_server.url, scim_token.secret)
    hr = personas["hr"]

    status, found = entra("GET", "Users", filter='userName eq "eve@example.com"')
    assert (status, found["totalResults"]) == (200, 0)
    status, eve = entra(
        "POST",
        "Users",
        {
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
            "externalId": "eve",
            "userName": "eve@example.com",
            "active": True,
            "displayName": "Eve Entra",
            "emails": [{"primary": True, "type": "work", "value": "eve@example.com"}],
            "meta": {"resourceType": "User"},
            "name": {"familyName": "Entra", "givenName": "Eve"},
            "title": "Analyst",
            "preferredLanguage": "fr-FR",
            ENTERPRISE_SCHEMA: {"employeeNumber": "EN-1", "department": "SALES-N"},
        },
    )
    assert status == 201, eve
    employee_id = int(eve["id"])
    status, by_external = entra("GET", "Users", filter='externalId eq "eve"')
    assert by_external["Resources"][0]["id"] == eve["id"]
    assert _in_directory(client, hr, "eve@example.com")
    assert _enrolled(employee_id, training)

    status, patched = entra(
        "PATCH",
        f"Users/{eve['id']}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [
                {"op": "Replace", "path": "title", "value": "Senior analyst"},
                {"op": "Replace", "path": "displayName", "value": "Eve Entra"},
                {"op": "Replace", "path": f"{ENTERPRISE_SCHEMA}:department", "value": "FIN"},
                {
                    "op": "Add",
                    "path": f"{ENTERPRISE_SCHEMA}:manager",
                    "value": str(personas["manager"].pk),
                },
            ],
        },
    )
    assert status == 200, patched
    eve_row = Employee.objects.select_related("department").get(pk=employee_id)
    assert (eve_row.job_title, eve_row.department.code, eve_row.locale) == (
        "Senior analyst",
        "FIN",
        "fr",
    )
    assert eve_row.line_manager_id == personas["manager"].pk

    def active(value):
        return {
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "Replace", "path": "active", "value": value}],
        }

    assert entra("PATCH", f"Users/{eve['id']}", active("False"))[1]["active"] is False
    assert not _in_directory(client, hr, "eve@example.com")
    assert entra("PATCH", f"Users/{eve['id']}", active("True"))[1]["active"] is True
    assert _in_directory(client, hr, "eve@example.com")

    status, groups = entra(
        "GET", "Groups", excludedAttributes="members", filter=f'displayName eq "{HR_GROUP}"'
    )
    assert "members" not in groups["Resources"][0]
    group_id = groups["Resources"][0]["id"]
    member = {"value": eve["id"]}
    add = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "Add", "path": "members", "value": [member]}],
    }
    assert entra("PATCH", f"Groups/{group_id}", add)[0] in (200, 204)
    assert roles_for(Employee.objects.select_related("user").get(pk=employee_id).user).hr
    remove = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "Remove", "path": "members", "value": [member]}],
    }
    assert entra("PATCH", f"Groups/{group_id}", remove)[0] in (200, 204)
    assert not roles_for(Employee.objects.select_related("user").get(pk=employee_id).user).hr

    # Removed from the application: deleted, i.e. deactivated with the history kept.
    assert entra("DELETE", f"Users/{eve['id']}") == (204, None)
    assert not _in_directory(client, hr, "eve@example.com")
    eve_row = Employee.objects.select_related("user").get(pk=employee_id)
    assert not eve_row.user.is_active and eve_row.deactivated_at is not None
    assert _enrolled(employee_id, training)
    status, after = entra("GET", f"Users/{eve['id']}")
    assert (status, after["active"]) == (200, False)
