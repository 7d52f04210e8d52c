"""The current state the file is compared with, loaded in a fixed number of queries.

Every department, every employee with its user, the accounts without a profile and (when
the file has `manages_departments`) the department managers, whatever the size of the file.
A change of one person (`employee_upsert`, SCIM) loads only the part it needs
(`StateScope`): every department, that person, the line managers above them.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from ..models import Department, Employee, User


@dataclass(frozen=True)
class CurrentState:
    departments: dict[str, dict]  # code -> id, code, name, path, parent (code, "" = top)
    department_code_by_id: dict[int, str]
    employees: dict[str, dict]  # employee number -> the values below
    number_by_employee_id: dict[int, str]
    # email (lower case) -> (user id, employee number or None for an account without a profile)
    emails: dict[str, tuple[int, str | None]]
    managed: dict[int, dict[str, int]]  # user id -> department code -> through row id

    @property
    def employee_ids(self) -> dict[str, int]:
        return {number: e["id"] for number, e in self.employees.items()}


# How far up a chain of line managers a scoped load follows (an organisation is far
# shallower; the chain is checked for loops by validation, so one cannot exist).
MAX_CHAIN = 100

_EMPLOYEE_VALUES = (
    "id",
    "employee_number",
    "user_id",
    "department_id",
    "line_manager_id",
    "job_title",
    "locale",
    "hired_on",
    "deactivated_at",
    "user__email",
    "user__first_name",
    "user__last_name",
    "user__is_active",
    "user__is_superuser",
)


@dataclass(frozen=True)
class StateScope:
    """The part of the state a change of a few people needs (one SCIM call): the
    employees with these numbers or emails, the line managers named, and every line
    manager above all of them (the loop check follows the chain)."""

    numbers: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()  # lower case


def state_load(*, with_managers: bool, scope: StateScope | None = None) -> CurrentState:
    """The whole state (a file), or only what `scope` needs, in a number of queries
    bounded by the depth of the line-management chain (a one-person change)."""
    steplen = Department.steplen
    rows = list(Department.objects.values("id", "code", "name", "path"))
    code_by_path = {d["path"]: d["code"] for d in rows}
    departments: dict[str, dict] = {}
    for d in rows:
        d["parent"] = code_by_path.get(d["path"][:-steplen], "")
        departments[d["code"]] = d
    department_code_by_id = {d["id"]: d["code"] for d in rows}

    if scope is None:
        employee_rows = list(Employee.objects.values(*_EMPLOYEE_VALUES))
        accounts = User.objects.filter(employee__isnull=True)
    else:
        employee_rows = _scoped_employees(scope)
        accounts = User.objects.filter(employee__isnull=True, email__in=scope.emails)
    employees: dict[str, dict] = {e["employee_number"]: e for e in employee_rows}
    emails: dict[str, tuple[int, str | None]] = {
        e["user__email"].lower(): (e["user_id"], n) for n, e in employees.items()
    }
    for user in accounts.values("id", "email"):
        emails[user["email"].lower()] = (user["id"], None)

    managed: dict[int, dict[str, int]] = defaultdict(dict)
    if with_managers:
        through = Department.managers.through
        links = through.objects.all()
        if scope is not None:
            links = links.filter(user_id__in=[e["user_id"] for e in employee_rows])
        for link in links.values("id", "user_id", "department_id"):
            managed[link["user_id"]][department_code_by_id[link["department_id"]]] = link["id"]
    return CurrentState(
        departments=departments,
        department_code_by_id=department_code_by_id,
        employees=employees,
        number_by_employee_id={e["id"]: n for n, e in employees.items()},
        emails=emails,
        managed=managed,
    )


def _scoped_employees(scope: StateScope) -> list[dict]:
    """The employees `scope` names, then their line managers level by level."""
    found: dict[int, dict] = {}
    query = Employee.objects.filter(
        Q(employee_number__in=scope.numbers) | Q(user__email__in=scope.emails)
    )
    for _level in range(MAX_CHAIN):
        fresh = [e for e in query.values(*_EMPLOYEE_VALUES) if e["id"] not in found]
        found.update((e["id"], e) for e in fresh)
        above = {e["line_manager_id"] for e in fresh if e["line_manager_id"]} - set(found)
        if not above:
            break
        query = Employee.objects.filter(pk__in=above)
    return list(found.values())
