"""The demo organisation: "Example Corp", built deterministically from a seed.

`demo_organisation_seed(employees=N, seed=...)` builds a realistic company for demos and
benchmarks (`manage.py seed_demo`, `make run`, `bench/`):

    Example Corp (EXC)                          level 1  the CEO
    ├── Sales (EXC-SAL)                         level 2  8 divisions, each with a head
    │   ├── Sales UK (EXC-SAL-UK)               level 3  countries, each with a head
    │   │   ├── Enterprise Accounts (EXC-SAL-UK-01)   level 4  teams: a lead + members
    │   │   └── ...
    │   └── Sales France (EXC-SAL-FR) ...
    ├── People & HR (EXC-HR) ...               everyone here is in the HR group
    └── ...

The number of teams scales with N (one team per ~60 employees, at most 640 teams, so
50,000 employees make ~700 departments with teams of ~77); countries are opened as a
division grows. Every department has exactly one generated manager, who is also an
employee of it; everyone's line manager is their department's manager (a manager's own
line manager is the parent department's manager). Names, titles, team sizes and hire
dates come from one `random.Random(seed)` and fixed name lists (no Faker data), so the
same seed and N give the same organisation on any machine. The divisions, countries and
name pools are data files in `fixtures/demo/` (read by `people.demo.company`). Hire dates are offsets from
today, so the dates move with the calendar but the offsets do not.

Four of the N people are the demo logins (`DEMO_LOGINS`), the only users given the demo
password, hashed once. Everyone else gets an unusable password and is marked as already
invited, so the invitation job never emails a demo address.

One write path: the plan becomes rows (departments, people, manager links) written by
the same bulk services as the HR import (`people.bulk`: the department tree appended in
one INSERT per batch, users and employees managers first so line managers are set on
INSERT, manager links bulk-inserted); then the demo adds what only it has: the role
groups, staff status, and the demo password of the four demo logins. The number of
queries grows only with the number of insert batches.

For another app (e.g. one that adds training activity to the demo), the organisation is
one call: `demo_organisation_seed(employees=N, seed=S, stdout=None) -> DemoSummary`.

Idempotency: if the root code "EXC" exists nothing is generated again; the demo logins
are checked and repaired (exist, active, demo password, roles, department) either way.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, replace
from datetime import timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from .. import bulk
from ..models import Department, Employee, User
from ..roles import AUTHORS_GROUP, HR_GROUP
from .company import (
    _MANAGER_DEPARTMENT,
    _ROLE_GROUPS,
    DEFAULT_EMPLOYEES,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    MAX_EMPLOYEES,
    ROOT_CODE,
    ROOT_NAME,
    DemoSeedError,
    _Plan,
    _plan,
)
from .logins import (
    _demo_logins_ensure,
    _demo_role_labels,
    _demo_second_factors_ensure,
    _DemoPassword,
    _existing_users,
    _role_groups,
)

__all__ = [
    "DEFAULT_EMPLOYEES",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "MAX_EMPLOYEES",
    "DemoLogin",
    "DemoSeedError",
    "DemoSummary",
    "_plan",
    "demo_organisation_seed",
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str  # what to try with it, for the printed list


@dataclass(frozen=True)
class DemoSummary:
    created: bool  # False: the organisation existed, only the demo logins were checked
    dry_run: bool
    root_code: str
    departments: int
    levels: int
    employees: int
    managers: int
    hr_admins: int
    authors: int
    manager_department: str
    logins: tuple[DemoLogin, ...]
    repaired: tuple[str, ...]  # demo logins created or fixed by the repair step
    seconds: float
    second_factor: tuple[str, ...] = ()  # demo logins with the demo authenticator app

    def lines(self) -> list[str]:
        if self.created:
            head = f"Created the demo organisation {ROOT_NAME} ({self.root_code}) in"
        else:
            head = (
                f"The demo organisation {ROOT_NAME} ({self.root_code}) already exists: nothing "
                "generated (size and seed apply to a new one only); demo logins checked in"
            )
        lines = [
            f"{head} {self.seconds:.1f} s:",
            f"  {self.departments:,} departments on {self.levels} levels, "
            f"{self.employees:,} employees, {self.managers:,} managers, "
            f"{self.hr_admins:,} HR admins, {self.authors:,} content authors.",
        ]
        lines += [f"  Repaired demo login: {email}" for email in self.repaired]
        if self.dry_run:
            lines.append("  Dry run: nothing was saved.")
        width = max(len(login.email) for login in self.logins) + 2
        lines.append(f"Demo logins (password: {DEMO_PASSWORD}):")
        lines += [f"  {login.email:<{width}}— {login.role}" for login in self.logins]
        if self.second_factor:
            lines += [
                f"Second factor of {', '.join(self.second_factor)} (their roles require one, "
                "MFA_REQUIRED_ROLES):",
                f"  authenticator app secret {DEMO_TOTP_SECRET} (time-based, 6 digits, 30 s),",
                "  or the current code: .venv/bin/python manage.py demo_totp_code",
            ]
        return lines


def _say(stdout, message):
    if stdout is not None:
        stdout.write(f"{message}\n")  # Django's OutputWrapper does not double the newline


def _department_rows(plan: _Plan) -> list[bulk.NewDepartment]:
    """Parents first, each parent's children by name (their order in the tree)."""
    rows = [bulk.NewDepartment(plan.root.code, plan.root.name)]
    queue = deque([plan.root])
    while queue:
        parent = queue.popleft()
        for child in sorted(parent.children, key=lambda d: d.name):
            rows.append(bulk.NewDepartment(child.code, child.name, parent.code))
            queue.append(child)
    return rows


def _build(plan: _Plan, *, password: _DemoPassword, stdout) -> Department:
    today = timezone.localdate()
    now = timezone.now()
    _say(stdout, f"Creating {len(plan.departments):,} departments…")
    department_ids = bulk.departments_bulk_create(departments=_department_rows(plan))

    existing = _existing_users([spec.email for spec in DEMO_LOGINS])
    for p in plan.people:
        if p.demo is not None and p.demo.email in existing:
            # Somebody already holds this demo address: a generated person takes the slot
            # and the repair step fixes up the existing account.
            p.demo = None
    _say(stdout, f"Creating {len(plan.people):,} users and employees…")
    employees = bulk.people_bulk_create(
        people=[
            bulk.NewPerson(
                number=p.employee_number,
                email=p.email,
                first_name=p.first_name,
                last_name=p.last_name,
                department_id=department_ids[p.department.code],
                line_manager=p.line_manager.employee_number if p.line_manager else None,
                job_title=p.job_title,
                locale=p.department.locale,
                hired_on=today - timedelta(days=p.hired_days_ago),
                invited_at=now,  # demo people: the invitation job leaves them alone
            )
            for p in plan.people
        ],
        known_ids={},
        now=now,
    )
    user_ids = {e.employee_number: e.user_id for e in employees}

    _say(stdout, "Assigning managers and roles…")
    bulk.department_managers_bulk_change(
        add=[(department_ids[d.code], user_ids[d.head.employee_number]) for d in plan.departments]
    )
    groups = _role_groups()
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=user_ids[p.employee_number], group_id=groups[name].pk)
            for p in plan.people
            for name in p.groups
        ],
        batch_size=bulk.BATCH_SIZE,
    )
    root = Department.objects.get(pk=department_ids[plan.root.code])
    # HR admins and authors work in the Django admin; only the demo logins get the password.
    in_org = User.objects.filter(employee__department__path__startswith=root.path)
    in_org.filter(groups__name__in=_ROLE_GROUPS).update(is_staff=True)
    demo_numbers = [p.employee_number for p in plan.people if p.demo is not None]
    User.objects.filter(pk__in=[user_ids[n] for n in demo_numbers]).update(
        password=password.encoded
    )
    return root


def _summary(*, root, created, dry_run, repaired, started) -> DemoSummary:
    in_org = Q(path__startswith=root.path)
    departments = Department.objects.filter(in_org)
    stats = departments.aggregate(max_depth=Max("depth"))
    employees = Employee.objects.filter(department__path__startswith=root.path)
    manager_department = Department.objects.get(code=_MANAGER_DEPARTMENT).name
    labels = _demo_role_labels(manager_department)
    return DemoSummary(
        created=created,
        dry_run=dry_run,
        root_code=root.code,
        departments=departments.count(),
        levels=(stats["max_depth"] or root.depth) - root.depth + 1,
        employees=employees.count(),
        managers=User.objects.filter(managed_departments__in=departments).distinct().count(),
        hr_admins=employees.filter(user__groups__name=HR_GROUP).count(),
        authors=employees.filter(user__groups__name=AUTHORS_GROUP).count(),
        manager_department=manager_department,
        logins=tuple(DemoLogin(spec.email, labels[spec.key]) for spec in DEMO_LOGINS),
        repaired=tuple(repaired),
        seconds=time.monotonic() - started,
    )


def demo_organisation_seed(
    *, employees: int = DEFAULT_EMPLOYEES, seed: int = 2026, dry_run: bool = False, stdout=None
) -> DemoSummary:
    """Build the demo organisation of `employees` people from `seed`, unless it exists;
    make sure the demo logins work either way. All or nothing (one transaction);
    `dry_run` does everything, reports, and rolls back."""
    if not 1 <= employees <= MAX_EMPLOYEES:
        raise DemoSeedError(f"The number of employees must be between 1 and {MAX_EMPLOYEES:,}.")
    started = time.monotonic()
    password = _DemoPassword()
    with transaction.atomic():
        root = Department.objects.filter(code=ROOT_CODE).first()
        created = root is None
        if created:
            plan = _plan(employees=employees, seed=seed)  # raises before any write
            root = _build(plan, password=password, stdout=stdout)
        repaired = _demo_logins_ensure(password=password)
        second_factor = _demo_second_factors_ensure()
        summary = replace(
            _summary(
                root=root, created=created, dry_run=dry_run, repaired=repaired, started=started
            ),
            second_factor=tuple(second_factor),
        )
        if dry_run:
            transaction.set_rollback(True)
    for line in summary.lines():
        _say(stdout, line)
    return summary
