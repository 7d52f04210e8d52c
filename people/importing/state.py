"""The current state the file is compared with, loaded in a fixed number of queries.

Every department, every employee with its user, the accounts without a profile and (when
the file has `manages_departments`) the department managers, whatever the size of the file.
"""

from collections import defaultdict
from dataclasses import dataclass

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


def state_load(*, with_managers: bool) -> CurrentState:
    steplen = Department.steplen
    rows = list(Department.objects.values("id", "code", "name", "path"))
    code_by_path = {d["path"]: d["code"] for d in rows}
    departments: dict[str, dict] = {}
    for d in rows:
        d["parent"] = code_by_path.get(d["path"][:-steplen], "")
        departments[d["code"]] = d
    department_code_by_id = {d["id"]: d["code"] for d in rows}

    employees: dict[str, dict] = {
        e["employee_number"]: e
        for e in Employee.objects.values(
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
    }
    emails: dict[str, tuple[int, str | None]] = {
        e["user__email"].lower(): (e["user_id"], n) for n, e in employees.items()
    }
    for user in User.objects.filter(employee__isnull=True).values("id", "email"):
        emails[user["email"].lower()] = (user["id"], None)

    managed: dict[int, dict[str, int]] = defaultdict(dict)
    if with_managers:
        through = Department.managers.through
        for link in through.objects.values("id", "user_id", "department_id"):
            managed[link["user_id"]][department_code_by_id[link["department_id"]]] = link["id"]
    return CurrentState(
        departments=departments,
        department_code_by_id=department_code_by_id,
        employees=employees,
        number_by_employee_id={e["id"]: n for n, e in employees.items()},
        emails=emails,
        managed=managed,
    )
