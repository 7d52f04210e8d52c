"""SCIM Users through the API (Django's test client; the live-server sequences of Okta and
Entra ID are in test_scim_live.py). Every write goes through the HR import's path."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from identity.models import AuditEvent
from identity.scim.models import ScimExternalId
from identity.scim.protocol import ENTERPRISE_SCHEMA, ERROR_SCHEMA, USER_SCHEMA
from people.models import Employee, User
from people.tests.factories import EmployeeFactory
from people.tests.importing.helpers import snapshot


def new_user(number="5001", email="nina.new@example.com", department="SALES-N", **extra):
    document = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "userName": email,
        "externalId": f"ext-{number}",
        "name": {"givenName": "Nina", "familyName": "New"},
        "title": "Sales rep",
        "preferredLanguage": "fr-FR",
        "active": True,
        "emails": [{"value": email, "type": "work", "primary": True}],
        ENTERPRISE_SCHEMA: {"employeeNumber": number, "department": department},
    }
    document.update(extra)
    return document


def full_snapshot():
    return (
        snapshot(),
        list(ScimExternalId.objects.order_by("pk").values_list("pk", "employee_id", "value")),
    )


def assert_error(response, status, scim_type, detail_part):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    assert response.document["schemas"] == [ERROR_SCHEMA]
    assert response.document["status"] == str(status)
    assert response.document.get("scimType", "") == scim_type
    assert detail_part in response.document["detail"]


# --- Create and read ----------------------------------------------------------------------


@pytest.mark.django_db
def test_post_creates_an_employee_through_the_import_path(scim, personas):
    body = new_user()
    body[ENTERPRISE_SCHEMA]["manager"] = {"value": str(personas["manager"].pk)}

    response = scim.post("Users", body)

    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/scim+json"
    document = response.document
    nina = Employee.objects.select_related("user").get(employee_number="5001")
    assert document["id"] == str(nina.pk)
    assert response["Location"] == f"http://testserver/scim/v2/Users/{nina.pk}"
    assert document["userName"] == "nina.new@example.com"
    assert document["externalId"] == "ext-5001"
    assert document["active"] is True
    assert document["preferredLanguage"] == "fr"
    assert document[ENTERPRISE_SCHEMA] == {
        "employeeNumber": "5001",
        "department": "SALES-N",
        "manager": {
            "value": str(personas["manager"].pk),
            "$ref": f"http://testserver/scim/v2/Users/{personas['manager'].pk}",
        },
    }
    assert nina.line_manager_id == personas["manager"].pk
    assert (nina.job_title, nina.locale, nina.user.first_name) == ("Sales rep", "fr", "Nina")


@pytest.mark.django_db
def test_get_by_filter_and_by_id(scim, personas):
    created = scim.post("Users", new_user()).document

    for query in (
        'userName eq "NINA.NEW@example.com"',
        'externalId eq "ext-5001"',
        f'{ENTERPRISE_SCHEMA}:employeeNumber eq "5001"',
        'emails.value eq "nina.new@example.com"',
    ):
        found = scim.get("Users", params={"filter": query})
        assert found.status_code == 200, (query, found.content)
        body = found.document
        assert body["totalResults"] == 1, query
        assert body["Resources"][0]["id"] == created["id"]

    nobody = scim.get("Users", params={"filter": 'userName eq "nobody@example.com"'}).document
    assert (nobody["totalResults"], nobody["Resources"]) == (0, [])
    assert scim.get(f"Users/{created['id']}").document == created
    assert_error(scim.get("Users/999999"), 404, "", "no User with id 999999")


@pytest.mark.django_db
def test_unsupported_filters_are_refused(scim, personas):
    for query in ('title eq "Rep"', 'userName co "a"', "userName eq"):
        response = scim.get("Users", params={"filter": query})
        assert_error(response, 400, "invalidFilter", "")


@pytest.mark.django_db
def test_pagination(scim, personas):
    def page(start, count):
        return scim.get("Users", params={"startIndex": start, "count": count}).document

    everyone = Employee.objects.count()
    first, second = page(1, 3), page(4, 3)
    assert (first["totalResults"], first["startIndex"], first["itemsPerPage"]) == (everyone, 1, 3)
    assert second["startIndex"] == 4
    ids = [r["id"] for r in first["Resources"] + second["Resources"]]
    assert ids == [str(pk) for pk in Employee.objects.order_by("pk").values_list("pk", flat=True)]
    assert page(1, 0)["Resources"] == []
    assert page(1, 0)["totalResults"] == everyone


@pytest.mark.parametrize("extra", [3, 30])
@pytest.mark.django_db
def test_the_list_costs_the_same_whatever_the_number_of_users(scim, personas, extra):
    for _index in range(extra):
        EmployeeFactory(department=personas["employee"].department)
    scim.get("Users")  # the token's last use written once (at most once a minute)
    with CaptureQueriesContext(connection) as queries:
        response = scim.get("Users")
    assert response.document["totalResults"] == 5 + extra
    # The token, the count, the page (users, departments, managers and externalIds
    # joined), the audit event.
    assert len(queries) == 4, [q["sql"] for q in queries]


# --- Changes ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_okta_style_patch_replace_without_path(scim, personas):
    created = scim.post("Users", new_user()).document

    response = scim.patch(
        f"Users/{created['id']}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {
                    "op": "replace",
                    "value": {
                        "name": {"familyName": "Married"},
                        "title": "Senior rep",
                        ENTERPRISE_SCHEMA: {"department": "FIN"},
                    },
                }
            ],
        },
    )

    assert response.status_code == 200, response.content
    nina = Employee.objects.select_related("user", "department").get(pk=created["id"])
    assert (nina.user.first_name, nina.user.last_name) == ("Nina", "Married")
    assert (nina.job_title, nina.department.code) == ("Senior rep", "FIN")
    assert response.document["name"]["familyName"] == "Married"


@pytest.mark.django_db
def test_entra_style_patch_with_paths(scim, personas):
    created = scim.post("Users", new_user()).document

    response = scim.patch(
        f"Users/{created['id']}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "Replace", "path": "name.givenName", "value": "Ninette"},
                {
                    "op": "Replace",
                    "path": 'emails[type eq "work"].value',
                    "value": "ninette@example.com",
                },
                {"op": "Replace", "path": "userName", "value": "ninette@example.com"},
                {
                    "op": "Add",
                    "path": f"{ENTERPRISE_SCHEMA}:manager",
                    "value": str(personas["manager"].pk),
                },
                {"op": "Replace", "path": f"{ENTERPRISE_SCHEMA}:department", "value": "SALES"},
                {"op": "Remove", "path": "title"},
            ],
        },
    )

    assert response.status_code == 200, response.content
    nina = Employee.objects.select_related("user", "department").get(pk=created["id"])
    assert (nina.user.first_name, nina.user.email) == ("Ninette", "ninette@example.com")
    assert (nina.department.code, nina.line_manager_id) == ("SALES", personas["manager"].pk)
    assert nina.job_title == ""


@pytest.mark.django_db
def test_active_false_deactivates_and_true_reactivates(scim, personas):
    employee = personas["employee"]

    off = scim.patch(
        f"Users/{employee.pk}",
        {"Operations": [{"op": "Replace", "path": "active", "value": "False"}]},
    )

    assert off.status_code == 200 and off.document["active"] is False
    employee.refresh_from_db()
    assert not employee.user.is_active and employee.deactivated_at is not None
    assert employee.department.code == "SALES-N"  # nothing else changed

    on = scim.patch(
        f"Users/{employee.pk}", {"Operations": [{"op": "replace", "value": {"active": True}}]}
    )

    assert on.status_code == 200 and on.document["active"] is True
    employee.refresh_from_db()
    assert employee.user.is_active and employee.deactivated_at is None


@pytest.mark.django_db
def test_put_replaces_the_user(scim, personas):
    created = scim.post("Users", new_user()).document
    body = new_user(department="FIN", title="Controller", externalId="ext-new")
    del body["preferredLanguage"]

    response = scim.put(f"Users/{created['id']}", body)

    assert response.status_code == 200, response.content
    assert response.document["externalId"] == "ext-new"
    nina = Employee.objects.select_related("department").get(pk=created["id"])
    # An optional attribute left out is left alone (as a column absent from an HR file).
    assert (nina.department.code, nina.job_title, nina.locale) == ("FIN", "Controller", "fr")


@pytest.mark.django_db
def test_attributes_a_provider_does_not_send_are_left_alone(scim, personas):
    employee = personas["employee"]
    body = new_user(
        number=employee.employee_number, email=employee.user.email, department="SALES-N"
    )
    del body["title"], body["preferredLanguage"]

    assert scim.put(f"Users/{employee.pk}", body).status_code == 200

    employee.refresh_from_db()
    assert employee.line_manager_id == personas["manager"].pk
    assert employee.job_title == "Analyst"
    assert employee.user.first_name == "Nina"
    removed = scim.patch(
        f"Users/{employee.pk}",
        {"Operations": [{"op": "remove", "path": f"{ENTERPRISE_SCHEMA}:manager"}]},
    )
    assert removed.status_code == 200
    employee.refresh_from_db()
    assert employee.line_manager_id is None


@pytest.mark.django_db
def test_delete_deactivates_and_keeps_the_history(scim, personas):
    employee = personas["employee"]

    response = scim.delete(f"Users/{employee.pk}")

    assert response.status_code == 204
    employee.refresh_from_db()
    assert not employee.user.is_active and employee.deactivated_at is not None
    assert scim.get(f"Users/{employee.pk}").document["active"] is False


# --- Bad input changes nothing ------------------------------------------------------------


@pytest.mark.django_db
def test_malformed_json_is_invalid_syntax(scim, personas):
    before = full_snapshot()

    assert_error(scim.post("Users", raw='{"userName": '), 400, "invalidSyntax", "not valid JSON")
    assert_error(
        scim.patch(f"Users/{personas['employee'].pk}", raw="[1, 2"),
        400,
        "invalidSyntax",
        "not valid JSON",
    )
    assert_error(scim.post("Users", raw="[]"), 400, "invalidSyntax", "JSON object")
    assert full_snapshot() == before


@pytest.mark.django_db
def test_unknown_department_is_refused(scim, personas):
    before = full_snapshot()

    response = scim.post("Users", new_user(department="NOWHERE"))

    assert_error(response, 400, "invalidValue", "no department with the code NOWHERE")
    assert full_snapshot() == before
    patch = scim.patch(
        f"Users/{personas['employee'].pk}",
        {
            "Operations": [
                {"op": "replace", "path": f"{ENTERPRISE_SCHEMA}:department", "value": "NOWHERE"}
            ]
        },
    )
    assert_error(patch, 400, "invalidValue", "NOWHERE")
    assert full_snapshot() == before


@pytest.mark.django_db
def test_manager_cycle_is_refused(scim, personas):
    manager, employee = personas["manager"], personas["employee"]
    before = full_snapshot()

    response = scim.patch(
        f"Users/{manager.pk}",
        {
            "Operations": [
                {
                    "op": "add",
                    "path": f"{ENTERPRISE_SCHEMA}:manager",
                    "value": {"value": str(employee.pk)},
                }
            ]
        },
    )

    assert_error(response, 400, "invalidValue", "Line managers form a loop")
    assert full_snapshot() == before
    unknown = scim.patch(
        f"Users/{manager.pk}",
        {"Operations": [{"op": "add", "path": f"{ENTERPRISE_SCHEMA}:manager", "value": "777"}]},
    )
    assert_error(unknown, 400, "invalidValue", "manager: there is no User with id 777")
    assert full_snapshot() == before


@pytest.mark.django_db
def test_duplicate_user_name_or_employee_number_is_a_conflict(scim, personas):
    before = full_snapshot()

    taken_email = scim.post("Users", new_user(email="Employee@example.com"))
    taken_number = scim.post(
        "Users", new_user(number=personas["outsider"].employee_number, email="x@example.com")
    )

    assert_error(taken_email, 409, "uniqueness", "employee@example.com already belongs")
    assert_error(taken_number, 409, "uniqueness", "already belongs to User")
    assert full_snapshot() == before
    rename = scim.patch(
        f"Users/{personas['outsider'].pk}",
        {"Operations": [{"op": "replace", "path": "userName", "value": "hr@example.com"}]},
    )
    assert_error(rename, 409, "uniqueness", "hr@example.com")
    assert full_snapshot() == before


@pytest.mark.django_db
def test_other_bad_values(scim, personas):
    before = full_snapshot()
    employee = personas["employee"]

    missing = new_user()
    del missing[ENTERPRISE_SCHEMA]["employeeNumber"]
    assert_error(scim.post("Users", missing), 400, "invalidValue", "employeeNumber is missing")
    assert_error(
        scim.post("Users", new_user(preferredLanguage="de")),
        400,
        "invalidValue",
        "Unknown language",
    )
    assert_error(scim.post("Users", new_user(userName="")), 400, "invalidValue", "userName")
    assert_error(scim.post("Users", new_user(active="maybe")), 400, "invalidValue", "true or false")
    number = scim.patch(
        f"Users/{employee.pk}",
        {
            "Operations": [
                {"op": "replace", "path": f"{ENTERPRISE_SCHEMA}:employeeNumber", "value": "other"}
            ]
        },
    )
    assert_error(number, 400, "mutability", "employeeNumber cannot change")
    assert_error(
        scim.patch(f"Users/{employee.pk}", {"Operations": [{"op": "move", "path": "title"}]}),
        400,
        "invalidSyntax",
        "Unknown PATCH operation",
    )
    assert_error(
        scim.patch(
            f"Users/{employee.pk}", {"Operations": [{"op": "replace", "path": "a b", "value": 1}]}
        ),
        400,
        "invalidPath",
        "Unsupported PATCH path",
    )
    assert full_snapshot() == before


@pytest.mark.django_db
def test_superusers_are_never_deactivated(scim, personas):
    hr = personas["hr"]
    User.objects.filter(pk=hr.user_id).update(is_superuser=True)

    assert_error(scim.delete(f"Users/{hr.pk}"), 400, "mutability", "Superusers")
    assert User.objects.get(pk=hr.user_id).is_active


# --- Audit --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_call_is_one_audit_event(scim, scim_token, personas):
    created = scim.post("Users", new_user()).document
    scim.post("Users", new_user(department="NOWHERE", number="5002", email="z@example.com"))

    events = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.SCIM).order_by("id"))

    assert [(e.success, e.detail) for e in events] == [
        (True, {"operation": "POST", "resource": "Users", "status": 201}),
        (False, {"operation": "POST", "resource": "Users", "status": 400}),
    ]
    assert events[0].actor == f"SCIM token 'Okta' (#{scim_token.pk})"
    assert events[0].method == "scim"
    assert events[0].user_id == Employee.objects.get(pk=created["id"]).user_id
    assert events[0].ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_pseudonymising_a_leaver_drops_their_external_id(scim, personas):
    from privacy.services import employee_pseudonymise

    created = scim.post("Users", new_user()).document
    other = scim.post("Users", new_user(number="5002", email="other@example.com")).document
    assert scim.delete(f"Users/{created['id']}").status_code == 204

    assert employee_pseudonymise(employee_id=int(created["id"]))

    assert list(ScimExternalId.objects.values_list("employee_id", flat=True)) == [int(other["id"])]
