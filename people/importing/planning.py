"""Planning: every change computed in memory, so a dry run reports what a real run does.

`plan_build` turns a `ValidatedFile` and the `CurrentState` into an `ImportPlan` (the
department operations, one `EmployeeChange` per row, the leavers) and fills in the
report's counts and examples. Nothing here writes.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from .results import ImportReport
from .state import CurrentState
from .validation import Target, ValidatedFile


@dataclass(frozen=True)
class DepartmentOp:
    code: str
    name: str
    parent: str  # "" = top level
    new: bool = False
    moved: bool = False


@dataclass
class EmployeeChange:
    """What one row changes: a new employee (`existing` is None) or the fields that differ."""

    target: Target
    existing: dict | None
    # New employee: the account without a profile it takes over (same email), if any.
    linked_user_id: int | None = None
    # Existing employee: the fields that change, one bulk UPDATE per field.
    user_fields: dict[str, Any] = field(default_factory=dict)
    employee_fields: dict[str, Any] = field(default_factory=dict)
    # Written separately: line manager (ids known after the inserts), managed departments.
    manager_changed: bool = False
    manages_changed: bool = False
    descriptions: list[str] = field(default_factory=list)  # for the report


@dataclass(frozen=True)
class ImportPlan:
    """Everything a real run writes; `plan_apply` is its only reader."""

    file: ValidatedFile
    state: CurrentState
    department_ops: list[DepartmentOp]  # parents before children
    employee_changes: list[EmployeeChange]  # one per row, in file order
    leavers: list[dict]  # current employees to deactivate


def plan_build(
    file: ValidatedFile,
    state: CurrentState,
    report: ImportReport,
    *,
    deactivate_missing: bool,
    acting_user_id: int | None,
) -> ImportPlan:
    return ImportPlan(
        file=file,
        state=state,
        department_ops=_plan_departments(file, state, report),
        employee_changes=[_plan_employee(target, file, state, report) for target in file.targets],
        leavers=(_plan_leavers(file, state, report, acting_user_id) if deactivate_missing else []),
    )


def _plan_departments(file: ValidatedFile, state: CurrentState, report) -> list[DepartmentOp]:
    ops: list[DepartmentOp] = []
    for code, spec in file.department_specs.items():
        existing = state.departments.get(code)
        name = spec.name if spec.name is not None else existing["name"]
        parent = file.final_parent[code]
        if existing is None:
            report.departments_created += 1
            report.example(
                "department-created",
                N_("New department %(code)s “%(name)s” under %(parent)s"),
                {"code": code, "name": name, "parent": parent or _("the top level")},
            )
            ops.append(DepartmentOp(code, name, parent, new=True))
            continue
        what = []
        if name != existing["name"]:
            what.append(
                _("renamed “%(old)s” to “%(new)s”") % {"old": existing["name"], "new": name}
            )
        if parent != existing["parent"]:
            what.append(
                _("moved from %(old)s to %(new)s")
                % {
                    "old": existing["parent"] or _("the top level"),
                    "new": parent or _("the top level"),
                }
            )
        if what:
            report.departments_updated += 1
            report.example(
                "department-updated",
                N_("Department %(code)s: %(changes)s"),
                {"code": code, "changes": "; ".join(what)},
            )
            moved = parent != existing["parent"]
            ops.append(DepartmentOp(code, name, parent, moved=moved))

    def depth(code):
        level, parent = 0, file.final_parent.get(code)
        while parent:
            level, parent = level + 1, file.final_parent.get(parent)
        return level

    # Parents before children; siblings by name so that they are appended in that order.
    ops.sort(key=lambda op: (depth(op.code), op.name, op.code))
    return ops


def _plan_employee(target: Target, file: ValidatedFile, state: CurrentState, report):
    existing = state.employees.get(target.number)
    change = EmployeeChange(target=target, existing=existing)
    if existing is None:
        owner = state.emails.get(target.email)
        report.employees_created += 1
        if owner is not None:
            change.linked_user_id = owner[0]
            text = N_("New employee %(employee)s in %(department)s (existing account linked)")
        else:
            text = N_("New employee %(employee)s in %(department)s")
        report.example(
            "employee-created", text, {"employee": target.label, "department": target.department}
        )
    else:
        _plan_existing_employee(change, file, state, report)
    return change


def _plan_existing_employee(change: EmployeeChange, file, state: CurrentState, report) -> None:
    target, existing = change.target, change.existing
    descriptions = change.descriptions

    def compare(fields, name, old, new, label):
        if old != new:
            fields[name] = new
            descriptions.append(
                _("%(field)s: “%(old)s” → “%(new)s”")
                % {"field": _(label), "old": old or "", "new": new or ""}
            )

    user_fields, employee_fields = change.user_fields, change.employee_fields
    compared = [
        (user_fields, "email", existing["user__email"], target.email, N_("email")),
        (
            user_fields,
            "first_name",
            existing["user__first_name"],
            target.first_name,
            N_("first name"),
        ),
        (user_fields, "last_name", existing["user__last_name"], target.last_name, N_("last name")),
        (
            employee_fields,
            "department",
            state.department_code_by_id[existing["department_id"]],
            target.department,
            N_("department"),
        ),
    ]
    optional = [
        ("job_title", "job_title", target.job_title, N_("job title")),
        ("locale", "locale", target.locale, N_("language")),
        ("hired_on", "hired_on", target.hired_on, N_("hire date")),
    ]
    compared += [
        (employee_fields, name, existing[name], new, label)
        for column, name, new, label in optional
        if file.has(column)
    ]
    for fields, name, old, new, label in compared:
        compare(fields, name, old, new, label)
    if file.has("line_manager_number"):
        old_manager = state.number_by_employee_id.get(existing["line_manager_id"])
        if old_manager != target.manager:
            change.manager_changed = True
            compare({}, "line_manager", old_manager, target.manager, N_("line manager"))
    if file.has("manages_departments"):
        managed = frozenset(state.managed.get(existing["user_id"], {}))
        if managed != target.manages:
            change.manages_changed = True
            compare(
                {},
                "manages",
                ", ".join(sorted(managed)),
                ", ".join(sorted(target.manages)),
                N_("manages"),
            )

    params = {"employee": target.label}
    if not existing["user__is_active"] or existing["deactivated_at"] is not None:
        user_fields["is_active"] = True
        employee_fields["deactivated_at"] = None
        report.employees_reactivated += 1
        if descriptions:
            report.example(
                "employee-reactivated",
                N_("Reactivated %(employee)s: %(changes)s"),
                {**params, "changes": "; ".join(descriptions)},
            )
        else:
            report.example("employee-reactivated", N_("Reactivated %(employee)s"), params)
    elif descriptions:
        report.employees_updated += 1
        report.example(
            "employee-updated",
            N_("Updated %(employee)s: %(changes)s"),
            {**params, "changes": "; ".join(descriptions)},
        )
    else:
        report.employees_unchanged += 1


def _plan_leavers(file: ValidatedFile, state: CurrentState, report, acting_user_id) -> list[dict]:
    in_file = {target.number for target in file.targets}
    return leavers_plan(
        [e for number, e in state.employees.items() if number not in in_file],
        report,
        acting_user_id=acting_user_id,
    )


def leavers_plan(employees: list[dict], report, *, acting_user_id: int | None) -> list[dict]:
    """The active employees among `employees` (state rows) to deactivate: never the
    acting user, never a superuser (noted in the report instead)."""
    leavers: list[dict] = []
    for existing in employees:
        if not existing["user__is_active"]:
            continue
        number = existing["employee_number"]
        label = {"employee": f"{number} <{existing['user__email']}>"}
        if existing["user_id"] == acting_user_id:
            report.notes.append(
                _("%(employee)s is not in the file but was kept active: it is your own account.")
                % label
            )
        elif existing["user__is_superuser"]:
            report.notes.append(
                _(
                    "%(employee)s is not in the file but was kept active: superusers are "
                    "never deactivated by an import."
                )
                % label
            )
        else:
            leavers.append(existing)
            report.employees_deactivated += 1
            report.example("employee-deactivated", N_("Deactivated %(employee)s"), label)
    return leavers
