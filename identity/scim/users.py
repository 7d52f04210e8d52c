"""SCIM Users: employees as SCIM resources, and SCIM writes as HR-import rows.

Every write becomes one row of the HR import (`people.importing.employee_upsert`) or
one leaver (`employee_deactivate`), so a SCIM call is validated, planned and written
exactly as the same line of an HR file: departments by code, line managers known and
without loops, one email per person, site languages only; new hires and transfers
announced to `assignments` (the sync); leavers deactivated, their history kept. This
module only translates: attributes to columns, the import's errors to SCIM errors.

| SCIM attribute | HR import column |
| --- | --- |
| `userName` | `email` (the sign-in address) |
| `name.givenName` / `name.familyName` | `first_name` / `last_name` |
| `title` | `job_title` |
| `preferredLanguage` (`fr`, `fr-FR`) | `locale` (its language part) |
| enterprise `employeeNumber` | `employee_number` (the HR key; cannot change) |
| enterprise `department` | `department_code` (an existing department's code) |
| enterprise `manager.value` | `line_manager_number` (the manager's SCIM id, looked up) |
| `active` | deactivation (a leaver) / reactivation |
| `externalId` | kept beside the profile (`ScimExternalId`) |
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from people.importing import ImportReport, employee_deactivate, employee_upsert
from people.models import Employee

from .models import ScimExternalId
from .protocol import (
    ENTERPRISE_SCHEMA,
    USER_SCHEMA,
    Filter,
    ScimError,
    as_bool,
    as_text,
    patch_apply,
)

USER_FILTERS = {
    "username": "userName",
    "externalid": "externalId",
    "id": "id",
    "emails.value": "userName",
    "emails": "userName",
    f"{ENTERPRISE_SCHEMA.lower()}:employeenumber": "employeeNumber",
}

# Column names in the import's messages, as a SCIM client knows them.
_ATTRIBUTE_OF_COLUMN = {
    "employee_number": "employeeNumber",
    "first_name": "name.givenName",
    "last_name": "name.familyName",
    "department_code": "department",
    "line_manager_number": "manager",
    "job_title": "title",
}


def employees_for_scim() -> QuerySet[Employee]:
    """Everything a User resource shows, in one query per page."""
    return Employee.objects.select_related("user", "department", "scim_external_id").order_by("pk")


def employees_filter(employees: QuerySet[Employee], found: Filter) -> QuerySet[Employee]:
    if found.attribute == "userName":
        return employees.filter(user__email__iexact=found.value)
    if found.attribute == "externalId":
        return employees.filter(scim_external_id__value=found.value)
    if found.attribute == "employeeNumber":
        return employees.filter(employee_number=found.value)
    return employees.filter(pk=int(found.value)) if found.value.isdigit() else employees.none()


def user_document(employee: Employee, *, location: str) -> dict:
    """`location` is the absolute URL of /scim/v2/Users (without a trailing slash)."""
    user = employee.user
    document = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "id": str(employee.pk),
        "userName": user.email,
        "name": {
            "givenName": user.first_name,
            "familyName": user.last_name,
            "formatted": user.get_full_name(),
        },
        "displayName": user.get_full_name() or user.email,
        "title": employee.job_title,
        "preferredLanguage": employee.locale,
        "active": user.is_active,
        "emails": [{"value": user.email, "type": "work", "primary": True}],
        ENTERPRISE_SCHEMA: {
            "employeeNumber": employee.employee_number,
            "department": employee.department.code,
        },
        "meta": {
            "resourceType": "User",
            "created": employee.created_at.isoformat(),
            "lastModified": employee.updated_at.isoformat(),
            "location": f"{location}/{employee.pk}",
        },
    }
    try:
        external = employee.scim_external_id
    except ScimExternalId.DoesNotExist:
        external = None
    if external is not None:
        document["externalId"] = external.value
    if employee.line_manager_id is not None:
        document[ENTERPRISE_SCHEMA]["manager"] = {
            "value": str(employee.line_manager_id),
            "$ref": f"{location}/{employee.line_manager_id}",
        }
    return document


@dataclass(frozen=True)
class DesiredUser:
    """What a User document asks for."""

    values: dict[str, str]  # HR import columns
    active: bool
    external_id: str | None


_MISSING = object()


def _get(mapping: dict, name: str, default=None):
    for key, value in mapping.items():
        if key.lower() == name.lower():
            return value
    return default


# Optional attributes: left out of a request, the field is left alone (as an optional
# column absent from an HR file). Identity providers often map none of them, and a
# PUT from Okta must not clear the line managers and job titles the HR file gave.
_OPTIONAL = (
    ("job_title", None, "title"),
    ("locale", None, "preferredLanguage"),
    ("line_manager_number", ENTERPRISE_SCHEMA, "manager"),
)


def desired_user(document: dict) -> DesiredUser:
    """Read a whole User document (POST, PUT, or the result of a PATCH)."""
    if not isinstance(document, dict):
        raise ScimError(400, "A User must be a JSON object.", "invalidSyntax")
    user_name = as_text(_get(document, "userName"), "userName")
    if not user_name:
        raise ScimError(400, "userName is required (the person's email address).", "invalidValue")
    name = _get(document, "name") or {}
    if not isinstance(name, dict):
        raise ScimError(400, "name must be an object.", "invalidValue")
    enterprise = _get(document, ENTERPRISE_SCHEMA) or {}
    if not isinstance(enterprise, dict):
        raise ScimError(400, "The enterprise extension must be an object.", "invalidValue")
    values = {
        "employee_number": as_text(_get(enterprise, "employeeNumber"), "employeeNumber"),
        "email": user_name,
        "first_name": as_text(_get(name, "givenName"), "name.givenName"),
        "last_name": as_text(_get(name, "familyName"), "name.familyName"),
        "department_code": as_text(_get(enterprise, "department"), "department"),
    }
    for column, container, attribute in _OPTIONAL:
        raw = _get(enterprise if container else document, attribute, _MISSING)
        if raw is _MISSING:
            continue
        if column == "line_manager_number":
            values[column] = _manager_number(raw)
        elif column == "locale":
            language = as_text(raw, attribute).replace("_", "-").split("-")[0]
            values[column] = language.lower()
        else:
            values[column] = as_text(raw, attribute)
    active = _get(document, "active")
    external_id = _get(document, "externalId")
    return DesiredUser(
        values=values,
        active=True if active is None else as_bool(active, "active"),
        external_id=None if external_id is None else as_text(external_id, "externalId"),
    )


def patched_document(current: dict, body) -> dict:
    """`current` with a PatchOp applied; an optional attribute removed becomes null, so
    that it is cleared (and not left alone, as when a request does not mention it)."""
    patched = patch_apply(current, body)
    for _column, container, attribute in _OPTIONAL:
        before = current.get(container, {}) if container else current
        after = _get(patched, container, None) if container else patched
        if not isinstance(after, dict):
            continue  # the extension itself removed or replaced: read as it is
        if _get(before, attribute, _MISSING) is not _MISSING and (
            _get(after, attribute, _MISSING) is _MISSING
        ):
            after[attribute] = None
    return patched


def _manager_number(manager) -> str:
    """The employee number of the manager a SCIM id names ("" for none)."""
    if isinstance(manager, dict):
        manager = _get(manager, "value")
    scim_id = as_text(manager, "manager")
    if not scim_id:
        return ""
    number = (
        Employee.objects.filter(pk=int(scim_id)).values_list("employee_number", flat=True).first()
        if scim_id.isdigit()
        else None
    )
    if number is None:
        raise ScimError(400, f"manager: there is no User with id {scim_id}.", "invalidValue")
    return number


def _raise_for(report: ImportReport, *, department: str) -> None:
    if report.ok:
        return
    messages = []
    for error in report.errors:
        if error.kind == "unknown_department":
            messages.append(f"department: there is no department with the code {department}.")
            continue
        message = error.message
        for column, attribute in _ATTRIBUTE_OF_COLUMN.items():
            message = message.replace(column, attribute)
        messages.append(message)
    uniqueness = any(error.kind == "uniqueness" for error in report.errors)
    raise ScimError(
        409 if uniqueness else 400,
        " ".join(messages),
        "uniqueness" if uniqueness else "invalidValue",
    )


def _write(desired: DesiredUser, *, deactivate: bool) -> Employee:
    report = employee_upsert(values=desired.values, send_invitation=settings.SCIM_SEND_INVITATIONS)
    _raise_for(report, department=desired.values["department_code"])
    employee = Employee.objects.get(employee_number=desired.values["employee_number"])
    if deactivate:
        left = employee_deactivate(employee_number=employee.employee_number)
        if not left.employees_deactivated:
            raise ScimError(400, "Superusers are never deactivated by provisioning.", "mutability")
    if desired.external_id is not None:
        if desired.external_id:
            ScimExternalId.objects.update_or_create(
                employee=employee, defaults={"value": desired.external_id}
            )
        else:
            ScimExternalId.objects.filter(employee=employee).delete()
    return employee


@transaction.atomic
def scim_user_create(*, document: dict) -> Employee:
    """POST /Users: a new employee (409 if the employee number is already provisioned)."""
    desired = desired_user(document)
    number = desired.values["employee_number"]
    existing = Employee.objects.filter(employee_number=number).values_list("pk", flat=True)
    if number and existing:
        raise ScimError(
            409,
            f"employeeNumber {number} already belongs to User {existing[0]}.",
            "uniqueness",
        )
    return _write(desired, deactivate=not desired.active)


@transaction.atomic
def scim_user_replace(*, employee: Employee, document: dict) -> Employee:
    """PUT, or PATCH once applied to the current document: the whole User as asked."""
    desired = desired_user(document)
    if desired.values["employee_number"] != employee.employee_number:
        raise ScimError(
            400,
            f"employeeNumber cannot change ({employee.employee_number}): it is the HR key.",
            "mutability",
        )
    if desired.active:
        return _write(desired, deactivate=False)
    current = user_values(employee)
    asked = {**desired.values, "email": desired.values["email"].lower()}
    if "locale" in asked:
        asked["locale"] = asked["locale"] or "en"
    changed = any(current[column] != value for column, value in asked.items())
    if changed or (
        desired.external_id is not None and desired.external_id != _external_id(employee)
    ):
        return _write(desired, deactivate=True)
    # Only `active: false`: the leaver path alone (an inactive one stays as they are).
    scim_user_deactivate(employee=employee)
    return employee


@transaction.atomic
def scim_user_deactivate(*, employee: Employee) -> None:
    """DELETE /Users/{id} or `active: false`: a leaver, never deleted."""
    report = employee_deactivate(employee_number=employee.employee_number)
    if employee.user.is_active and not report.employees_deactivated:
        raise ScimError(400, "Superusers are never deactivated by provisioning.", "mutability")


def user_values(employee: Employee) -> dict[str, str]:
    """The import columns of an employee as they are (to compare with a request)."""
    user = employee.user
    manager_number = (
        Employee.objects.filter(pk=employee.line_manager_id)
        .values_list("employee_number", flat=True)
        .first()
        if employee.line_manager_id
        else ""
    )
    return {
        "employee_number": employee.employee_number,
        "email": user.email.lower(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "department_code": employee.department.code,
        "line_manager_number": manager_number or "",
        "job_title": employee.job_title,
        "locale": employee.locale,
    }


def _external_id(employee: Employee) -> str:
    try:
        return employee.scim_external_id.value
    except ScimExternalId.DoesNotExist:
        return ""
