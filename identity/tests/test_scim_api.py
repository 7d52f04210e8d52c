"""SCIM authentication, discovery and Groups."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from identity.models import AuditEvent
from identity.scim.models import ScimToken
from identity.scim.protocol import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA
from identity.scim.tokens import scim_token_revoke
from identity.tests.test_scim_users import assert_error, full_snapshot
from people.models import Employee, User
from people.roles import AUTHORS_GROUP, HR_GROUP, roles_for
from people.tests.factories import EmployeeFactory

# --- Authentication ------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_endpoint_needs_a_valid_token(scim, scim_token, personas):
    paths = [
        "ServiceProviderConfig",
        "Schemas",
        "ResourceTypes",
        "Users",
        f"Users/{personas['employee'].pk}",
        "Groups",
    ]
    for path in paths:
        for secret in ("", "scim_not-a-token", scim_token.secret + "x"):
            response = scim.get(path, secret=secret)  # "": no Authorization header
            assert response.status_code == 401, (path, secret)
            assert response["WWW-Authenticate"].startswith("Bearer")
            assert response.json()["status"] == "401"
        assert scim.get(path).status_code == 200, path


@pytest.mark.django_db
def test_a_site_session_does_not_open_scim(client, personas):
    client.force_login(personas["hr"].user)

    response = client.get("/scim/v2/Users")

    assert response.status_code == 401


@pytest.mark.django_db
def test_a_revoked_token_is_refused_and_changes_nothing(scim, scim_token, personas):
    assert scim_token_revoke(token_id=scim_token.pk, by=personas["hr"].user)
    before = full_snapshot()

    response = scim.delete(f"Users/{personas['employee'].pk}")

    assert_error(response, 401, "", "revoked")
    assert full_snapshot() == before
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SCIM)
    assert not event.success
    assert event.actor == scim_token.actor
    assert event.detail == {
        "operation": "DELETE",
        "resource": f"Users/{personas['employee'].pk}",
        "status": 401,
    }


@pytest.mark.django_db
def test_a_token_does_not_sign_anyone_into_the_site(client, scim_token, personas):
    response = client.get("/", headers={"Authorization": f"Bearer {scim_token.secret}"})

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.django_db
def test_tokens_are_stored_hashed_and_last_use_is_recorded(scim, scim_token):
    row = ScimToken.objects.get(pk=scim_token.pk)
    assert scim_token.secret.startswith("scim_") and len(scim_token.secret) > 40
    assert scim_token.secret not in (row.digest, row.prefix, row.name)
    assert scim_token.secret.startswith(row.prefix)
    assert row.last_used_at is None

    scim.get("Users")
    first = ScimToken.objects.get(pk=scim_token.pk).last_used_at
    with CaptureQueriesContext(connection) as queries:
        scim.get("ServiceProviderConfig")
    # Within a minute, the last use is not written again.
    assert not any(q["sql"].startswith("UPDATE") for q in queries)
    assert first is not None
    assert ScimToken.objects.get(pk=scim_token.pk).last_used_at == first


@pytest.mark.django_db
def test_unsupported_methods(scim):
    assert_error(scim.delete("Users"), 405, "", "DELETE is not supported")
    assert_error(scim.post("ServiceProviderConfig", {}), 405, "", "POST")


# --- Discovery -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_discovery_documents(scim):
    config = scim.get("ServiceProviderConfig")
    assert config["Content-Type"] == "application/scim+json"
    assert config.document["patch"] == {"supported": True}
    assert config.document["filter"] == {"supported": True, "maxResults": 100}
    assert config.document["bulk"]["supported"] is False
    assert config.document["authenticationSchemes"][0]["type"] == "oauthbearertoken"

    schemas = scim.get("Schemas").document
    assert {s["id"] for s in schemas["Resources"]} == {
        USER_SCHEMA,
        ENTERPRISE_SCHEMA,
        GROUP_SCHEMA,
    }
    enterprise = scim.get(f"Schemas/{ENTERPRISE_SCHEMA}").document
    assert [a["name"] for a in enterprise["attributes"]] == [
        "employeeNumber",
        "department",
        "manager",
    ]
    assert_error(scim.get("Schemas/urn:nope"), 404, "", "no schema")

    types = scim.get("ResourceTypes").document
    assert {t["id"]: t["endpoint"] for t in types["Resources"]} == {
        "User": "/Users",
        "Group": "/Groups",
    }
    user_type = scim.get("ResourceTypes/User").document
    assert user_type["schemaExtensions"] == [{"schema": ENTERPRISE_SCHEMA, "required": True}]
    assert scim.get("Users/").status_code == 200  # with a trailing slash too


# --- Groups --------------------------------------------------------------------------------


def _group(scim, name):
    found = scim.get("Groups", params={"filter": f'displayName eq "{name}"'}).document
    assert found["totalResults"] == 1
    return found["Resources"][0]


@pytest.mark.django_db
def test_groups_are_the_role_groups(scim, personas):
    listed = scim.get("Groups").document
    assert sorted(g["displayName"] for g in listed["Resources"]) == sorted(
        [AUTHORS_GROUP, HR_GROUP]
    )
    hr_group = _group(scim, HR_GROUP.upper())
    assert [m["value"] for m in hr_group["members"]] == [str(personas["hr"].pk)]
    bare = scim.get("Groups", params={"excludedAttributes": "members"}).document
    assert all("members" not in g for g in bare["Resources"])

    before = full_snapshot()
    assert_error(scim.post("Groups", {"displayName": HR_GROUP}), 409, "uniqueness", "exists")
    assert_error(scim.post("Groups", {"displayName": "Sales"}), 400, "invalidValue", "role groups")
    assert_error(scim.delete(f"Groups/{hr_group['id']}"), 400, "mutability", "cannot be deleted")
    assert_error(
        scim.patch(
            f"Groups/{hr_group['id']}",
            {"Operations": [{"op": "replace", "path": "displayName", "value": "Admins"}]},
        ),
        400,
        "mutability",
        "cannot be renamed",
    )
    assert full_snapshot() == before


@pytest.mark.django_db
def test_group_membership_gives_and_takes_the_role(scim, personas):
    employee = personas["employee"]
    authors = _group(scim, AUTHORS_GROUP)

    added = scim.patch(
        f"Groups/{authors['id']}",
        {"Operations": [{"op": "add", "path": "members", "value": [{"value": str(employee.pk)}]}]},
    )

    assert added.status_code == 200, added.content
    assert str(employee.pk) in [m["value"] for m in added.document["members"]]
    assert roles_for(User.objects.get(pk=employee.user_id)).author

    # Okta removes one member by a filtered path; Entra ID by a value list.
    okta = scim.patch(
        f"Groups/{authors['id']}",
        {"Operations": [{"op": "remove", "path": f'members[value eq "{employee.pk}"]'}]},
    )
    assert okta.status_code == 200
    assert not roles_for(User.objects.get(pk=employee.user_id)).author

    scim.patch(
        f"Groups/{authors['id']}",
        {"Operations": [{"op": "Add", "path": "members", "value": [{"value": str(employee.pk)}]}]},
    )
    entra = scim.patch(
        f"Groups/{authors['id']}",
        {
            "Operations": [
                {"op": "Remove", "path": "members", "value": [{"value": str(employee.pk)}]}
            ]
        },
    )
    assert entra.status_code == 200
    assert Group.objects.get(name=AUTHORS_GROUP).user_set.filter(pk=employee.user_id).count() == 0

    # PUT: exactly these members.
    put = scim.put(
        f"Groups/{authors['id']}",
        {
            "schemas": [GROUP_SCHEMA],
            "displayName": AUTHORS_GROUP,
            "members": [{"value": str(employee.pk)}],
        },
    )
    assert [m["value"] for m in put.document["members"]] == [str(employee.pk)]
    unknown = str(Employee.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1)
    assert_error(
        scim.patch(
            f"Groups/{authors['id']}",
            {"Operations": [{"op": "add", "path": "members", "value": [{"value": unknown}]}]},
        ),
        400,
        "invalidValue",
        f"no User with id {unknown}",
    )


@pytest.mark.parametrize("extra", [2, 20])
@pytest.mark.django_db
def test_groups_list_costs_the_same_whatever_the_number_of_members(scim, personas, extra):
    group = Group.objects.get(name=HR_GROUP)
    for _index in range(extra):
        group.user_set.add(EmployeeFactory().user)
    scim.get("Groups")
    with CaptureQueriesContext(connection) as queries:
        listed = scim.get("Groups").document
    assert len(next(g for g in listed["Resources"] if g["displayName"] == HR_GROUP)["members"]) == (
        extra + 1
    )
    # The token, the count, the groups, their members with employees, the audit event.
    assert len(queries) == 5
