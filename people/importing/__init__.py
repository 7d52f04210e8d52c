"""HR import of employees and departments from a CSV or XLSX file.

Public API (the HR page, `manage.py import_employees` and the benchmark use only this):

- `employees_import(*, file, filename, dry_run=False, deactivate_missing=False,
  send_invitations=False, acting_user=None) -> ImportReport`: the one door. `file` is a
  binary file object (a Django upload or an open file), `filename` decides CSV or XLSX.
  Nothing is written when `dry_run` is set or when the file has any error. A two-step
  page (upload, review the dry run, confirm) calls it twice with the same bytes: first
  `dry_run=True`, then `dry_run=False`; the second run checks the file again against the
  database as it is then, so a confirmation never writes a stale plan.
- `ImportReport`: `ok`, `errors` (a list of `RowError(line, message)`, sorted by line;
  line 0 = the whole file), the counts (`employees_created`, ... and `counts` as
  translated label/number pairs), `changes` (examples, at most 20 per kind, with
  `changes_omitted`), `notes`, `summary_lines`, `has_changes`.
- `employee_upsert(*, values, dry_run=False, send_invitation=False, acting_user=None)`:
  one person, as one row of a file (a dict of column -> text), through the same
  validation, planning and writing, nobody else treated as a leaver; the state is loaded
  for that person only (`StateScope`). SCIM provisioning (`identity.scim`) writes
  through it, so the two doors can never disagree.
- `employee_deactivate(*, employee_number, dry_run=False, acting_user=None)`: one leaver,
  deactivated exactly as `deactivate_missing` deactivates those missing from a file.
- `read_rows(file, filename)`: the reading step alone; `COLUMNS`, `REQUIRED_COLUMNS`;
  the reading limits `MAX_FILE_BYTES`, `MAX_UNCOMPRESSED_BYTES`, `MAX_ROWS`,
  `MAX_COLUMNS`, `MAX_CELL_CHARS`.

The import runs in four phases, each a module, each handing the next explicit data:

1. `reading`: the file becomes `ImportRow`s (header matched case-insensitively, unknown
   columns ignored, blank rows skipped, line numbers as a spreadsheet shows them), within
   limits checked as it is read (XLSX streamed; a "zip bomb" refused before unpacking).
2. `state` + `validation`: the current state is loaded in a fixed number of queries
   (`CurrentState`); every row is checked against the file and that state and *every*
   problem becomes a `RowError` (a `ValidatedFile` when there is none).
3. `planning`: the changes are computed in memory (`ImportPlan`), so that a dry run
   reports exactly the counts a real run would.
4. `applying`: a real run writes the plan with bulk operations in one transaction
   through `people.bulk` (the write path the demo shares): departments parent-first,
   users and employees in batches (managers first, so most line managers are set on
   INSERT), leavers deactivated with set-based UPDATEs, invitations recorded in the same
   transaction (the `core.outbox`) and sent once it commits.

Decisions where the specification is silent:

- An optional column that is *absent* leaves that field alone on existing employees; a
  column that is *present* is the truth, blank included (blank locale means "en", blank
  hire date or line manager clears it).
- A department is described by the rows that give its name and/or parent. On a row that
  names the department, a blank parent code means "top level"; on a row that does not
  name it, a blank parent code says nothing. All descriptions of one code must agree.
- An email that belongs to an account without an employee profile (e.g. an admin
  created by hand) links that account to the new employee instead of failing. An email
  that belongs to another employee is an error (swapping two people's addresses needs
  two imports).
- An employee in the file is active: deactivated ones are reactivated. Every row is
  counted in exactly one of created / updated / unchanged / reactivated.
- A file without any employee row is an error (with `deactivate_missing` it would
  otherwise deactivate everyone).
- A NUL character in a cell is a row error (PostgreSQL text cannot hold it).
"""

from typing import IO

from django.db import transaction

from core import outbox

from ..models import Employee, User
from ..signals import employees_imported
from .applying import plan_apply
from .planning import ImportPlan, leavers_plan, plan_build
from .reading import (
    COLUMNS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    read_rows,
)
from .results import ImportReport, ImportRow, RowError
from .state import StateScope, state_load
from .validation import ValidatedFile, rows_validate

__all__ = [
    "COLUMNS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportReport",
    "ImportRow",
    "RowError",
    "employee_deactivate",
    "employee_upsert",
    "employees_import",
    "read_rows",
]


@transaction.atomic
def employees_import(
    *,
    file: IO[bytes],
    filename: str,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    send_invitations: bool = False,
    acting_user: User | None = None,
) -> ImportReport:
    """Upsert employees and departments from an HR file; see the module docstring.

    Nothing is written when `dry_run` is set or when the file has any error.
    """
    report = ImportReport(dry_run=dry_run)
    rows, errors = read_rows(file, filename)
    report.rows = len(rows)
    if errors:
        report.errors = errors
        return report
    state = state_load(with_managers="manages_departments" in rows[0].values)
    return _rows_apply(
        rows,
        state,
        report,
        deactivate_missing=deactivate_missing,
        send_invitations=send_invitations,
        acting_user=acting_user,
    )


@transaction.atomic
def employee_upsert(
    *,
    values: dict[str, str],
    dry_run: bool = False,
    send_invitation: bool = False,
    acting_user: User | None = None,
) -> ImportReport:
    """Create or update one employee, as one row of an HR file would (SCIM's door).

    `values` maps columns (`COLUMNS`) to cell texts: the required columns must be
    there; an optional column left out leaves that field alone, as in a file. The row
    goes through the same validation, planning and writing as a file, and nobody else is
    treated as a leaver. The employee is active afterwards (a deactivated one is
    reactivated). Nothing is written when the row has any error.
    """
    report = ImportReport(dry_run=dry_run)
    row = ImportRow(line=1, values={column: value.strip() for column, value in values.items()})
    missing = [column for column in REQUIRED_COLUMNS if column not in row.values]
    unknown = [column for column in row.values if column not in COLUMNS]
    if missing or unknown:
        raise ValueError(f"Missing columns {missing}, unknown columns {unknown}.")
    report.rows = 1
    scope = StateScope(
        numbers=frozenset(
            number
            for number in (row.values["employee_number"], row.values.get("line_manager_number"))
            if number
        ),
        emails=frozenset({row.values["email"].lower()} - {""}),
    )
    state = state_load(with_managers="manages_departments" in row.values, scope=scope)
    return _rows_apply(
        [row],
        state,
        report,
        deactivate_missing=False,
        send_invitations=send_invitation,
        acting_user=acting_user,
    )


@transaction.atomic
def employee_deactivate(
    *, employee_number: str, dry_run: bool = False, acting_user: User | None = None
) -> ImportReport:
    """Deactivate one employee as a file import deactivates a leaver: the account can no
    longer sign in, the history stays; never the acting user nor a superuser (then
    `employees_deactivated` is 0 and a note says why). An inactive employee is left as
    they are. Raises `Employee.DoesNotExist` for an unknown number."""

    report = ImportReport(dry_run=dry_run)
    state = state_load(with_managers=False, scope=StateScope(numbers=frozenset({employee_number})))
    existing = state.employees.get(employee_number)
    if existing is None:
        raise Employee.DoesNotExist(employee_number)
    report.rows = 1
    plan = ImportPlan(
        file=ValidatedFile(frozenset(), [], {}, {}),
        state=state,
        department_ops=[],
        employee_changes=[],
        leavers=leavers_plan([existing], report, acting_user_id=getattr(acting_user, "pk", None)),
    )
    _plan_write(plan, report, dry_run=dry_run, send_invitations=False)
    return report


def _rows_apply(
    rows: list[ImportRow],
    state,
    report: ImportReport,
    *,
    deactivate_missing: bool,
    send_invitations: bool,
    acting_user: User | None,
) -> ImportReport:
    """Validate, plan and (unless a dry run) write rows: the path of files and of single
    people alike."""
    validated, errors = rows_validate(rows, state)
    if errors:
        report.errors = errors
        return report
    plan = plan_build(
        validated,
        state,
        report,
        deactivate_missing=deactivate_missing,
        acting_user_id=getattr(acting_user, "pk", None),
    )
    _plan_write(plan, report, dry_run=report.dry_run, send_invitations=send_invitations)
    return report


def _plan_write(plan, report: ImportReport, *, dry_run: bool, send_invitations: bool) -> None:
    if dry_run:
        return
    created_ids = plan_apply(plan)
    report.created_ids = created_ids
    if send_invitations and created_ids:
        _queue_invitations(created_ids)
    if report.has_changes:
        # Receivers queue their work through the outbox, in this transaction.
        employees_imported.send(sender=ImportReport)


def _queue_invitations(employee_ids: list[int]) -> None:
    """Recorded in the import's transaction (the outbox): sent once it commits, even
    if the broker is down at that moment."""
    from ..tasks import employee_invite_task

    outbox.enqueue_many(
        employee_invite_task, [{"employee_id": employee_id} for employee_id in employee_ids]
    )
