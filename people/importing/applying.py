"""Applying: an `ImportPlan` written with bulk operations, inside the caller's transaction.

New departments, employees and manager links go through the bulk write path shared with
the demo (`people.bulk`); renames and field changes are one bulk UPDATE per changed
field, moves are treebeard moves (rare; they rewrite a subtree's paths), leavers are
deactivated with set-based UPDATEs.
"""

from collections import defaultdict

from django.utils import timezone

from ..bulk import (
    BATCH_SIZE,
    NewDepartment,
    NewPerson,
    department_managers_bulk_change,
    departments_bulk_create,
    people_bulk_create,
)
from ..models import Department, Employee, User
from .planning import ImportPlan


def plan_apply(plan: ImportPlan) -> list[int]:
    """Write the plan; returns the ids of the employees created."""
    now = timezone.now()
    department_ids = _apply_departments(plan)
    created_ids = _apply_employees(plan, department_ids, now)
    _apply_leavers(plan.leavers, now)
    return created_ids


def _apply_departments(plan: ImportPlan) -> dict[str, int]:
    """Create, rename and move departments, parents first; returns code -> id."""
    ids = {code: d["id"] for code, d in plan.state.departments.items()}
    new = [NewDepartment(op.code, op.name, op.parent) for op in plan.department_ops if op.new]
    # New departments go under their parents' current paths; moves below carry them along.
    ids.update(departments_bulk_create(departments=new))
    renamed = [
        Department(pk=ids[op.code], name=op.name)
        for op in plan.department_ops
        if not op.new and op.name != plan.state.departments[op.code]["name"]
    ]
    Department.objects.bulk_update(renamed, ["name"], batch_size=BATCH_SIZE)
    tree = Department.objects
    for op in plan.department_ops:
        if not op.moved:
            continue
        # Tree operations rewrite paths: always work on fresh rows.
        node = tree.get(pk=ids[op.code])
        if op.parent:
            tree.move(node, tree.get(pk=ids[op.parent]), "last-child")
        else:
            root = tree.filter(depth=1).exclude(pk=node.pk).order_by("path").first()
            if root is not None:  # None: it is already the only top-level department
                tree.move(node, root, "last-sibling")
    return ids


def _apply_employees(plan: ImportPlan, department_ids: dict[str, int], now) -> list[int]:
    has = plan.file.has
    new_changes = [c for c in plan.employee_changes if c.existing is None]
    # Accounts without a profile that new employees take over (same email).
    linked_users = [
        User(
            pk=c.linked_user_id,
            email=c.target.email,
            first_name=c.target.first_name,
            last_name=c.target.last_name,
            is_active=True,
        )
        for c in new_changes
        if c.linked_user_id is not None
    ]
    User.objects.bulk_update(
        linked_users, ["email", "first_name", "last_name", "is_active"], batch_size=BATCH_SIZE
    )
    employee_ids = plan.state.employee_ids
    created = people_bulk_create(
        people=[
            NewPerson(
                number=c.target.number,
                email=c.target.email,
                first_name=c.target.first_name,
                last_name=c.target.last_name,
                department_id=department_ids[c.target.department],
                line_manager=c.target.manager if has("line_manager_number") else None,
                job_title=c.target.job_title,
                locale=c.target.locale,
                hired_on=c.target.hired_on,
                user_id=c.linked_user_id,
            )
            for c in new_changes
        ],
        known_ids=employee_ids,
        now=now,
    )
    employee_ids.update((employee.employee_number, employee.pk) for employee in created)
    _apply_updates(plan, department_ids, employee_ids, now)
    if has("manages_departments"):
        user_ids = {employee.employee_number: employee.user_id for employee in created}
        _apply_managed_departments(plan, department_ids, user_ids)
    return [e.pk for e in created]


def _apply_updates(plan: ImportPlan, department_ids, employee_ids, now) -> None:
    """Existing employees: one bulk UPDATE per changed field, only what changed."""
    user_updates: dict[str, list[User]] = defaultdict(list)
    employee_updates: dict[str, list[Employee]] = defaultdict(list)
    with_manager = []
    for change in plan.employee_changes:
        if change.existing is None:
            continue
        if change.user_fields:
            user = User(pk=change.existing["user_id"], **change.user_fields)
            for name in change.user_fields:
                user_updates[name].append(user)
        if change.employee_fields:
            values = dict(change.employee_fields)
            if "department" in values:
                values["department_id"] = department_ids[values.pop("department")]
            employee = Employee(pk=change.existing["id"], updated_at=now, **values)
            for name in change.employee_fields:
                employee_updates[name].append(employee)
        if change.manager_changed:
            with_manager.append(
                Employee(
                    pk=change.existing["id"],
                    line_manager_id=employee_ids.get(change.target.manager),
                    updated_at=now,
                )
            )
    for name, users in user_updates.items():
        User.objects.bulk_update(users, [name], batch_size=BATCH_SIZE)
    for name, employees in employee_updates.items():
        Employee.objects.bulk_update(employees, [name, "updated_at"], batch_size=BATCH_SIZE)
    Employee.objects.bulk_update(
        with_manager, ["line_manager", "updated_at"], batch_size=BATCH_SIZE
    )


def _apply_managed_departments(plan: ImportPlan, department_ids, user_ids) -> None:
    to_add, to_remove = [], []
    for change in plan.employee_changes:
        target = change.target
        if change.existing is None:
            user_id = user_ids[target.number]
        elif change.manages_changed:
            user_id = change.existing["user_id"]
        else:
            continue
        current = plan.state.managed.get(user_id, {})
        to_remove += [link for code, link in current.items() if code not in target.manages]
        to_add += [
            (department_ids[code], user_id) for code in target.manages if code not in current
        ]
    department_managers_bulk_change(add=to_add, remove=to_remove)


def _apply_leavers(leavers: list[dict], now) -> None:
    for start in range(0, len(leavers), BATCH_SIZE):
        batch = leavers[start : start + BATCH_SIZE]
        User.objects.filter(pk__in=[e["user_id"] for e in batch]).update(is_active=False)
        Employee.objects.filter(pk__in=[e["id"] for e in batch]).update(
            deactivated_at=now, updated_at=now
        )
