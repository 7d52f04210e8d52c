"""Bulk writes of the organisation: the one write path for departments, employees and
department managers in quantity.

The HR import (`people.importing`) and the demo organisation (`people.demo`) both build
rows in memory and hand them to these services, which write them with a number of
queries that grows with the number of insert batches only:

- `departments_bulk_create`: new departments appended under existing or new parents,
  paths computed in memory from the current tree (one read, one INSERT per batch, one
  UPDATE of the existing parents' child counts).
- `people_bulk_create`: new users (unusable passwords: people choose one through their
  invitation) and their employees, inserted managers first so that most line managers
  are set by the INSERT itself; the few whose manager is in the same INSERT get one bulk
  UPDATE afterwards.
- `department_managers_bulk_change`: manager links added and removed.

They do not validate: the callers have (the import reports every problem with its line
before anything is written; the demo is generated consistent). Call them inside the
caller's transaction.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from treebeard.numconv import NumConv

from .models import Department, Employee, User

BATCH_SIZE = 500  # rows per bulk INSERT/UPDATE statement (Django lowers it if needed)
MIN_CHUNK = 100  # new employees: smallest INSERT chunk cut at a line-management level


@dataclass(frozen=True)
class NewDepartment:
    code: str
    name: str
    parent: str = ""  # the parent's code: an existing department or one listed before; "" = top


def departments_bulk_create(*, departments: Sequence[NewDepartment]) -> dict[str, int]:
    """Insert `departments` (parents before their children), each appended as the last
    child of its parent; return code -> id of the new departments."""
    if not departments:
        return {}
    steplen, alphabet = Department.steplen, Department.alphabet
    digits = NumConv(alphabet)
    current = {
        code: (pk, path, numchild)
        for pk, code, path, numchild in Department.objects.values_list(
            "pk", "code", "path", "numchild"
        )
    }
    path_of = {code: path for code, (_pk, path, _n) in current.items()}
    last_step: dict[str, int] = defaultdict(int)  # parent path -> its highest child step
    for path in path_of.values():
        parent_path, step = path[:-steplen], digits.str2int(path[-steplen:])
        last_step[parent_path] = max(last_step[parent_path], step)

    nodes: dict[str, Department] = {}
    children: Counter[str] = Counter()
    for row in departments:
        if row.parent and row.parent not in path_of:
            raise ValueError(f"Department {row.code}: parent {row.parent} is unknown or later.")
        parent_path = path_of[row.parent] if row.parent else ""
        last_step[parent_path] += 1
        step = digits.int2str(last_step[parent_path])
        if len(step) > steplen:
            raise ValueError(f"Department {row.parent or 'top level'} has too many children.")
        path = parent_path + step.rjust(steplen, alphabet[0])
        path_of[row.code] = path
        nodes[row.code] = Department(
            code=row.code, name=row.name, path=path, depth=len(path) // steplen, numchild=0
        )
        children[row.parent] += 1
    for code, count in children.items():
        if code in nodes:
            nodes[code].numchild = count
    Department.objects.bulk_create(nodes.values(), batch_size=BATCH_SIZE)
    Department.objects.bulk_update(
        [
            Department(pk=current[code][0], numchild=current[code][2] + count)
            for code, count in children.items()
            if code in current
        ],
        ["numchild"],
        batch_size=BATCH_SIZE,
    )
    return {code: node.pk for code, node in nodes.items()}


@dataclass(frozen=True)
class NewPerson:
    """A new employee, and their new user unless `user_id` names an existing account."""

    number: str  # employee number
    email: str
    first_name: str
    last_name: str
    department_id: int
    line_manager: str | None = None  # employee number: a new person or a known employee
    job_title: str = ""
    locale: str = "en"
    hired_on: date | None = None
    invited_at: datetime | None = None
    user_id: int | None = None


def people_bulk_create(
    *, people: Sequence[NewPerson], known_ids: Mapping[str, int], now: datetime
) -> list[Employee]:
    """Create `people`: their users, then their employees with their line managers.

    `known_ids` maps the numbers of existing employees who may be line managers to their
    ids. Returns the new employees (with `pk` and `user_id`), in the order of `people`.
    """
    users = []
    for person in people:
        if person.user_id is None:
            user = User(
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                is_active=True,
                date_joined=now,
            )
            user.set_unusable_password()
            users.append(user)
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    if users and users[-1].pk is None:  # PostgreSQL and SQLite >= 3.35 return them
        raise RuntimeError("This database does not return ids from bulk inserts.")
    new_user_ids = iter(user.pk for user in users)
    employees = [
        Employee(
            user_id=person.user_id or next(new_user_ids),
            employee_number=person.number,
            department_id=person.department_id,
            job_title=person.job_title,
            locale=person.locale,
            hired_on=person.hired_on,
            invited_at=person.invited_at,
        )
        for person in people
    ]
    line_managers = {person.number: person.line_manager for person in people}
    _employees_insert(employees, line_managers, known_ids, now)
    return employees


def _employees_insert(employees, line_managers, known_ids, now) -> None:
    """Insert `employees` (unsaved) and set their line managers.

    Rows are ordered by their depth in the chain of *new* managers and inserted in
    chunks; a row's line manager is set by the INSERT when the manager exists before its
    chunk, by one bulk UPDATE otherwise.
    """
    manager_of = {e.employee_number: line_managers.get(e.employee_number) for e in employees}
    levels: dict[str, int] = {}
    for number in manager_of:
        chain, current = [], number
        while current in manager_of and current not in levels:
            chain.append(current)
            current = manager_of[current]
        level = levels.get(current, -1)
        for member in reversed(chain):
            level += 1
            levels[member] = level
    ordered = sorted(employees, key=lambda e: levels[e.employee_number])
    # A chunk ends at BATCH_SIZE rows, or where a level ends once it is big enough.
    chunks, chunk, level = [], [], 0
    for employee in ordered:
        new_level = levels[employee.employee_number]
        if len(chunk) >= BATCH_SIZE or (new_level != level and len(chunk) >= MIN_CHUNK):
            chunks.append(chunk)
            chunk = []
        chunk.append(employee)
        level = new_level
    chunks.append(chunk)
    ids = dict(known_ids)
    late = []
    for chunk in chunks:
        for employee in chunk:
            manager = manager_of[employee.employee_number]
            employee.line_manager_id = ids.get(manager)
            if manager and employee.line_manager_id is None:
                late.append((employee, manager))
        Employee.objects.bulk_create(chunk)
        ids.update((employee.employee_number, employee.pk) for employee in chunk)
    Employee.objects.bulk_update(
        [Employee(pk=e.pk, line_manager_id=ids[manager], updated_at=now) for e, manager in late],
        ["line_manager", "updated_at"],
        batch_size=BATCH_SIZE,
    )


def department_managers_bulk_change(
    *, add: Iterable[tuple[int, int]] = (), remove: Iterable[int] = ()
) -> None:
    """Add (department id, user id) manager links; remove links by their row ids."""
    through = Department.managers.through
    remove = list(remove)
    for start in range(0, len(remove), BATCH_SIZE):
        through.objects.filter(pk__in=remove[start : start + BATCH_SIZE]).delete()
    through.objects.bulk_create(
        [through(department_id=department, user_id=user) for department, user in add],
        batch_size=BATCH_SIZE,
    )
