"""HR import of employees and departments from a CSV or XLSX file.

One door: `employees_import(...)`, used by the HR page and by
`manage.py import_employees`. It runs in four steps:

1. `read_rows()` turns the file into `ImportRow`s (header matched case-insensitively,
   unknown columns ignored, blank rows skipped, line numbers as a spreadsheet shows them).
2. The current state is loaded in a fixed number of queries (every department, every
   employee with its user, accounts without a profile, department managers), whatever
   the size of the file.
3. Every row is checked against the file and that state; *every* problem becomes a
   `RowError(line, message)`. One error and nothing is written, dry run or not.
4. The changes are computed in memory, so that a dry run reports exactly the counts a
   real run would; a real run then writes them with bulk operations in one transaction:
   departments parent-first (treebeard moves), users and employees in batches, line
   managers in a second pass (a manager may come later in the file), leavers deactivated
   with set-based UPDATEs, invitations queued on commit.

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
"""

import csv
import io
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from core import outbox

from .models import Department, Employee, User

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("employee_number", "email", "first_name", "last_name", "department_code")
OPTIONAL_COLUMNS = (
    "department_name",
    "parent_department_code",
    "line_manager_number",
    "job_title",
    "locale",
    "hired_on",
    "manages_departments",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

EXAMPLES_PER_KIND = 20  # examples of changes kept per kind, for the dry-run display
BATCH_SIZE = 500  # rows per bulk INSERT/UPDATE statement (Django lowers it if needed)
MIN_CHUNK = 100  # new employees: smallest INSERT chunk cut at a line-management level

_MAX_LENGTHS = {
    "employee_number": Employee._meta.get_field("employee_number").max_length,
    "email": User._meta.get_field("email").max_length,
    "first_name": User._meta.get_field("first_name").max_length,
    "last_name": User._meta.get_field("last_name").max_length,
    "department_code": Department._meta.get_field("code").max_length,
    "department_name": Department._meta.get_field("name").max_length,
    "parent_department_code": Department._meta.get_field("code").max_length,
    "line_manager_number": Employee._meta.get_field("employee_number").max_length,
    "job_title": Employee._meta.get_field("job_title").max_length,
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ARROW = " \u2192 "


# --- Results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in the file. `line` is the spreadsheet line (1 = header, 0 = the file)."""

    line: int
    message: str

    def __str__(self):
        if self.line > 0:
            return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class ImportReport:
    """What an import did, or would do (dry run), or why it did nothing (errors)."""

    dry_run: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    employees_created: int = 0
    employees_updated: int = 0
    employees_unchanged: int = 0
    employees_reactivated: int = 0
    employees_deactivated: int = 0
    departments_created: int = 0
    departments_updated: int = 0  # renamed and/or moved
    changes: list[str] = field(default_factory=list)  # up to EXAMPLES_PER_KIND per kind
    changes_omitted: int = 0  # changes beyond those examples
    notes: list[str] = field(default_factory=list)  # e.g. leavers deliberately kept active

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return any(
            (
                self.employees_created,
                self.employees_updated,
                self.employees_reactivated,
                self.employees_deactivated,
                self.departments_created,
                self.departments_updated,
            )
        )

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(translated label, number) pairs, in display order."""
        return [
            (_("Employees created"), self.employees_created),
            (_("Employees updated"), self.employees_updated),
            (_("Employees unchanged"), self.employees_unchanged),
            (_("Employees reactivated"), self.employees_reactivated),
            (_("Employees deactivated"), self.employees_deactivated),
            (_("Departments created"), self.departments_created),
            (_("Departments renamed or moved"), self.departments_updated),
        ]

    @property
    def summary_lines(self) -> list[str]:
        lines = [_("Rows read: %(rows)s") % {"rows": self.rows}]
        lines += [f"{label}: {count}" for label, count in self.counts]
        return lines


@dataclass(frozen=True)
class ImportRow:
    """One data row: `values` holds every known column present in the header."""

    line: int
    values: dict[str, str]


class _FileError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.error = RowError(line, message)


# --- Reading -----------------------------------------------------------------------------


def read_rows(file: IO[bytes], filename: str) -> tuple[list[ImportRow], list[RowError]]:
    """The data rows of a CSV or XLSX file, or the file-level errors that prevent reading it.

    Cells become stripped strings (XLSX numbers like 1042 become "1042", dates become
    "YYYY-MM-DD"). Only the columns of `COLUMNS` that the header names are kept.
    """
    name = (filename or "").lower()
    try:
        if name.endswith((".xlsx", ".xlsm")):
            table = _xlsx_table(file)
        elif name.endswith((".csv", ".txt")):
            table = _csv_table(file)
        else:
            raise _FileError(
                0,
                _("“%(name)s” is not a CSV or XLSX file: upload a .csv or .xlsx file.")
                % {"name": filename},
            )
        return _rows_from_table(table)
    except _FileError as exc:
        return [], [exc.error]


def _csv_table(file) -> list[tuple[int, list[str]]]:
    raw = file.read()
    if isinstance(raw, str):
        text = raw.removeprefix("\ufeff")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise _FileError(
                line,
                _(
                    "The file is not UTF-8 text (unreadable byte on line %(line)s). "
                    "Save it as “CSV UTF-8” and try again."
                )
                % {"line": line},
            ) from exc
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    if not first.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table, previous = [], 0
    try:
        for cells in reader:
            table.append((previous + 1, [_cell_text(cell) for cell in cells]))
            previous = reader.line_num
    except csv.Error as exc:
        line = reader.line_num or 1
        raise _FileError(
            line,
            _("The CSV file cannot be read on line %(line)s: %(error)s")
            % {"line": line, "error": exc},
        ) from exc
    return table


def _xlsx_table(file) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    data = file.read()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # some writers record wrong dimensions
            return [
                (line, [_cell_text(cell) for cell in cells])
                for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl raises many kinds on a corrupt or foreign file
        logger.info("Unreadable XLSX import file: %r", exc)
        raise _FileError(
            0,
            _("The file is not a readable XLSX workbook. Save it again as .xlsx (or .csv)."),
        ) from exc


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _header_name(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().lower())


def _rows_from_table(table) -> tuple[list[ImportRow], list[RowError]]:
    start = next((i for i, (_line, cells) in enumerate(table) if any(cells)), None)
    if start is None:
        return [], [RowError(1, _("The file is empty: it has no header row."))]
    header_line, header = table[start]
    positions: dict[str, int] = {}
    errors = []
    for index, cell in enumerate(header):
        name = _header_name(cell)
        if name not in COLUMNS:
            continue
        if name in positions:
            errors.append(
                RowError(header_line, _("The column %(column)s appears twice.") % {"column": name})
            )
        positions[name] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        errors.insert(
            0,
            RowError(
                header_line,
                _(
                    "Missing required column(s): %(columns)s. The header row must name: %(required)s."
                )
                % {"columns": ", ".join(missing), "required": ", ".join(REQUIRED_COLUMNS)},
            ),
        )
    if errors:
        return [], errors
    rows = []
    for line, cells in table[start + 1 :]:
        if not any(cells):
            continue
        values = {
            column: cells[index] if index < len(cells) else ""
            for column, index in positions.items()
        }
        rows.append(ImportRow(line=line, values=values))
    if not rows:
        return [], [RowError(header_line, _("The file has a header but no employee rows."))]
    return rows, []


# --- The service -------------------------------------------------------------------------


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
    importer = _Importer(
        rows=rows,
        report=report,
        deactivate_missing=deactivate_missing,
        acting_user=acting_user,
    )
    importer.load()
    importer.validate()
    if report.errors:
        report.errors.sort(key=lambda error: error.line)
        return report
    importer.plan()
    if not dry_run:
        created_ids = importer.apply()
        if send_invitations and created_ids:
            _queue_invitations(created_ids)
    return report


def _queue_invitations(employee_ids: list[int]) -> None:
    """Recorded in the import's transaction (the outbox): sent once it commits, even
    if the broker is down at that moment."""
    from .tasks import employee_invite_task

    outbox.enqueue_many(
        employee_invite_task, [{"employee_id": employee_id} for employee_id in employee_ids]
    )


@dataclass
class _Target:
    """The state one file row asks for (values of absent columns are unused)."""

    row: ImportRow
    number: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    department: str = ""
    job_title: str = ""
    locale: str = "en"
    hired_on: date | None = None
    manager: str | None = None
    manages: frozenset[str] = frozenset()

    @property
    def line(self):
        return self.row.line

    @property
    def label(self):
        return f"{self.number} {self.first_name} {self.last_name} <{self.email}>"


@dataclass
class _DepartmentSpec:
    """What the file says about one department code."""

    first_line: int
    name: str | None = None
    name_line: int = 0
    parent: str | None = None  # "" = top level, None = not said
    parent_line: int = 0


@dataclass(frozen=True)
class _DepartmentOp:
    code: str
    name: str
    parent: str  # "" = top level
    new: bool = False
    moved: bool = False


@dataclass
class _EmployeeChange:
    target: _Target
    existing: dict | None  # None: new employee
    user_fields: dict[str, Any] = field(default_factory=dict)
    employee_fields: dict[str, Any] = field(default_factory=dict)
    manager_changed: bool = False
    manages_changed: bool = False
    descriptions: list[str] = field(default_factory=list)
    linked_user_id: int | None = None


class _Importer:
    """The state of one import run; `employees_import` is the only caller."""

    def __init__(self, *, rows, report, deactivate_missing, acting_user):
        self.rows: list[ImportRow] = rows
        self.report: ImportReport = report
        self.columns = set(rows[0].values)
        self.deactivate_missing = deactivate_missing
        self.acting_user_id = getattr(acting_user, "pk", None)
        self.targets: list[_Target] = []
        self.department_specs: dict[str, _DepartmentSpec] = {}
        self._examples: dict[str, int] = defaultdict(int)

    def has(self, column: str) -> bool:
        return column in self.columns

    def error(self, line: int, message: str) -> None:
        self.report.errors.append(RowError(line, message))

    def example(self, kind: str, message: str, params: dict) -> None:
        """Keep the first EXAMPLES_PER_KIND changes of each kind; `message` is untranslated."""
        if self._examples[kind] < EXAMPLES_PER_KIND:
            self.report.changes.append(_(message) % params)
        else:
            self.report.changes_omitted += 1
        self._examples[kind] += 1

    # -- Current state: a fixed number of queries -----------------------------------------

    def load(self) -> None:
        steplen = Department.steplen
        departments = list(Department.objects.values("id", "code", "name", "path"))
        code_by_path = {d["path"]: d["code"] for d in departments}
        self.db_departments: dict[str, dict] = {}
        for d in departments:
            d["parent"] = code_by_path.get(d["path"][:-steplen], "")
            self.db_departments[d["code"]] = d
        self.department_code_by_id = {d["id"]: d["code"] for d in departments}

        self.db_employees: dict[str, dict] = {
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
        self.number_by_employee_id = {e["id"]: n for n, e in self.db_employees.items()}
        # email -> (user id, employee number or None for an account without a profile)
        self.db_emails: dict[str, tuple[int, str | None]] = {
            e["user__email"].lower(): (e["user_id"], n) for n, e in self.db_employees.items()
        }
        for user in User.objects.filter(employee__isnull=True).values("id", "email"):
            self.db_emails[user["email"].lower()] = (user["id"], None)

        self.db_managed: dict[int, dict[str, int]] = defaultdict(dict)  # user -> code -> row id
        if self.has("manages_departments"):
            through = Department.managers.through
            for link in through.objects.values("id", "user_id", "department_id"):
                code = self.department_code_by_id[link["department_id"]]
                self.db_managed[link["user_id"]][code] = link["id"]

    # -- Validation: every error, with its line -------------------------------------------

    def validate(self) -> None:
        locales = [code for code, _name in settings.LANGUAGES]
        first_line_of_number: dict[str, int] = {}
        first_line_of_email: dict[str, int] = {}
        for row in self.rows:
            target = self._check_row(row, locales)
            if target.number:
                if target.number in first_line_of_number:
                    self.error(
                        row.line,
                        _("The employee number %(number)s is already on line %(other)s.")
                        % {"number": target.number, "other": first_line_of_number[target.number]},
                    )
                else:
                    first_line_of_number[target.number] = row.line
            if target.email:
                if target.email in first_line_of_email:
                    self.error(
                        row.line,
                        _("The email address %(email)s is already on line %(other)s.")
                        % {"email": target.email, "other": first_line_of_email[target.email]},
                    )
                else:
                    first_line_of_email[target.email] = row.line
                    self._check_email_owner(target)
            self.targets.append(target)
        self._check_departments()
        self._check_line_managers()
        if self.has("manages_departments"):
            known = set(self.db_departments) | set(self.department_specs)
            for target in self.targets:
                unknown = sorted(target.manages - known)
                if unknown:
                    self.error(
                        target.line,
                        _("manages_departments names unknown department code(s): %(codes)s.")
                        % {"codes": ", ".join(unknown)},
                    )

    def _check_row(self, row: ImportRow, locales: list[str]) -> _Target:
        values = row.values
        target = _Target(row=row)
        for column in REQUIRED_COLUMNS:
            if not values[column]:
                self.error(row.line, _("%(column)s is missing.") % {"column": column})
        for column, limit in _MAX_LENGTHS.items():
            if len(values.get(column, "")) > limit:
                self.error(
                    row.line,
                    _("%(column)s is longer than %(limit)s characters.")
                    % {"column": column, "limit": limit},
                )
        target.number = values["employee_number"]
        target.first_name = values["first_name"]
        target.last_name = values["last_name"]
        target.department = values["department_code"]
        email = values["email"]
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error(
                    row.line, _("“%(email)s” is not a valid email address.") % {"email": email}
                )
            else:
                target.email = email.lower()
        target.job_title = values.get("job_title", "")
        locale = values.get("locale", "").lower()
        if locale and locale not in locales:
            self.error(
                row.line,
                _("Unknown language “%(value)s”: use one of %(codes)s.")
                % {"value": values["locale"], "codes": ", ".join(locales)},
            )
        target.locale = locale if locale in locales else "en"
        hired_on = values.get("hired_on", "")
        if hired_on:
            try:
                if not _ISO_DATE.fullmatch(hired_on):
                    raise ValueError(hired_on)
                target.hired_on = date.fromisoformat(hired_on)
            except ValueError:
                self.error(
                    row.line,
                    _("“%(value)s” is not a valid hire date: use YYYY-MM-DD.")
                    % {"value": hired_on},
                )
        target.manager = values.get("line_manager_number") or None
        target.manages = frozenset(
            code.strip()
            for code in values.get("manages_departments", "").split(";")
            if code.strip()
        )
        if target.department:
            self._describe_department(row, target.department)
        return target

    def _check_email_owner(self, target: _Target) -> None:
        owner = self.db_emails.get(target.email)
        if owner is None:
            return
        user_id, number = owner
        if number is not None and number != target.number:
            self.error(
                target.line,
                _("The email address %(email)s already belongs to employee %(number)s.")
                % {"email": target.email, "number": number},
            )
        elif number is None and target.number in self.db_employees:
            self.error(
                target.line,
                _("The email address %(email)s already belongs to another account.")
                % {"email": target.email},
            )

    def _describe_department(self, row: ImportRow, code: str) -> None:
        name = row.values.get("department_name", "")
        parent = row.values.get("parent_department_code")
        spec = self.department_specs.setdefault(code, _DepartmentSpec(first_line=row.line))
        if name:
            if spec.name is None:
                spec.name, spec.name_line = name, row.line
            elif spec.name != name:
                self.error(
                    row.line,
                    _(
                        "Department %(code)s is named “%(name)s” here but “%(other)s” "
                        "on line %(other_line)s."
                    )
                    % {
                        "code": code,
                        "name": name,
                        "other": spec.name,
                        "other_line": spec.name_line,
                    },
                )
        if parent is None or not (name or parent):
            return  # this row says nothing about where the department is
        if parent == code:
            self.error(
                row.line,
                _("Department %(code)s cannot be its own parent.") % {"code": code},
            )
            return
        if spec.parent is None:
            spec.parent, spec.parent_line = parent, row.line
        elif spec.parent != parent:
            self.error(
                row.line,
                _(
                    "Department %(code)s is placed under %(parent)s here but under %(other)s "
                    "on line %(other_line)s."
                )
                % {
                    "code": code,
                    "parent": parent or _("the top level"),
                    "other": spec.parent or _("the top level"),
                    "other_line": spec.parent_line,
                },
            )

    def _check_departments(self) -> None:
        known = set(self.db_departments) | set(self.department_specs)
        for code, spec in self.department_specs.items():
            if spec.name is None and code not in self.db_departments:
                self.error(
                    spec.first_line,
                    _(
                        "Department %(code)s does not exist yet and no row gives its name "
                        "(department_name)."
                    )
                    % {"code": code},
                )
            if spec.parent and spec.parent not in known:
                self.error(
                    spec.parent_line,
                    _("The parent department %(parent)s of %(code)s is unknown.")
                    % {"parent": spec.parent, "code": code},
                )
                spec.parent = None  # reported; keep it out of the cycle check
        self.final_parent = {code: d["parent"] for code, d in self.db_departments.items()}
        for code, spec in self.department_specs.items():
            if spec.parent is not None:
                self.final_parent[code] = spec.parent
            else:
                self.final_parent.setdefault(code, "")
        for cycle in _cycles(self.department_specs, lambda code: self.final_parent.get(code)):
            loop = _ARROW.join([*cycle, cycle[0]])
            for code in cycle:
                spec = self.department_specs.get(code)
                if spec is not None and spec.parent is not None:
                    self.error(
                        spec.parent_line,
                        _("Departments would be inside each other: %(loop)s.") % {"loop": loop},
                    )

    def _check_line_managers(self) -> None:
        if not self.has("line_manager_number"):
            return  # line managers are left as they are
        file_numbers = {t.number for t in self.targets if t.number}
        final_manager: dict[str, str | None] = {
            number: self.number_by_employee_id.get(e["line_manager_id"])
            for number, e in self.db_employees.items()
        }
        lines: dict[str, int] = {}
        for target in self.targets:
            if not target.number:
                continue
            lines.setdefault(target.number, target.line)
            manager = target.manager
            if manager == target.number:
                self.error(target.line, _("An employee cannot be their own line manager."))
                manager = None
            elif manager and manager not in file_numbers and manager not in self.db_employees:
                self.error(
                    target.line,
                    _("The line manager %(number)s is neither in the file nor already known.")
                    % {"number": manager},
                )
                manager = None
            final_manager[target.number] = manager
        for cycle in _cycles(lines, final_manager.get):
            loop = _ARROW.join([*cycle, cycle[0]])
            for number in cycle:
                if number in lines:
                    self.error(
                        lines[number],
                        _("Line managers form a loop: %(loop)s.") % {"loop": loop},
                    )

    # -- Plan: every change, computed in memory -------------------------------------------

    def plan(self) -> None:
        self._plan_departments()
        self._plan_employees()
        self._plan_leavers()

    def _plan_departments(self) -> None:
        self.department_ops: list[_DepartmentOp] = []
        for code, spec in self.department_specs.items():
            existing = self.db_departments.get(code)
            name = spec.name if spec.name is not None else existing["name"]
            parent = self.final_parent[code]
            if existing is None:
                self.report.departments_created += 1
                self.example(
                    "department-created",
                    N_("New department %(code)s “%(name)s” under %(parent)s"),
                    {"code": code, "name": name, "parent": parent or _("the top level")},
                )
                self.department_ops.append(_DepartmentOp(code, name, parent, new=True))
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
                self.report.departments_updated += 1
                self.example(
                    "department-updated",
                    N_("Department %(code)s: %(changes)s"),
                    {"code": code, "changes": "; ".join(what)},
                )
                moved = parent != existing["parent"]
                self.department_ops.append(_DepartmentOp(code, name, parent, moved=moved))

        def depth(code):
            level, parent = 0, self.final_parent.get(code)
            while parent:
                level, parent = level + 1, self.final_parent.get(parent)
            return level

        # Parents before children; siblings by name so sorted inserts append at the end.
        self.department_ops.sort(key=lambda op: (depth(op.code), op.name, op.code))

    def _plan_employees(self) -> None:
        self.employee_changes: list[_EmployeeChange] = []
        for target in self.targets:
            existing = self.db_employees.get(target.number)
            change = _EmployeeChange(target=target, existing=existing)
            if existing is None:
                self._plan_new_employee(change)
            else:
                self._plan_existing_employee(change)
            self.employee_changes.append(change)

    def _plan_new_employee(self, change: _EmployeeChange) -> None:
        target = change.target
        owner = self.db_emails.get(target.email)
        self.report.employees_created += 1
        if owner is not None:
            change.linked_user_id = owner[0]
            text = N_("New employee %(employee)s in %(department)s (existing account linked)")
        else:
            text = N_("New employee %(employee)s in %(department)s")
        self.example(
            "employee-created", text, {"employee": target.label, "department": target.department}
        )

    def _plan_existing_employee(self, change: _EmployeeChange) -> None:
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
        compare(user_fields, "email", existing["user__email"], target.email, N_("email"))
        compare(
            user_fields,
            "first_name",
            existing["user__first_name"],
            target.first_name,
            N_("first name"),
        )
        compare(
            user_fields,
            "last_name",
            existing["user__last_name"],
            target.last_name,
            N_("last name"),
        )
        old_department = self.department_code_by_id[existing["department_id"]]
        compare(employee_fields, "department", old_department, target.department, N_("department"))
        if self.has("job_title"):
            compare(
                employee_fields,
                "job_title",
                existing["job_title"],
                target.job_title,
                N_("job title"),
            )
        if self.has("locale"):
            compare(employee_fields, "locale", existing["locale"], target.locale, N_("language"))
        if self.has("hired_on"):
            compare(
                employee_fields, "hired_on", existing["hired_on"], target.hired_on, N_("hire date")
            )
        if self.has("line_manager_number"):
            old_manager = self.number_by_employee_id.get(existing["line_manager_id"])
            if old_manager != target.manager:
                change.manager_changed = True
                compare({}, "line_manager", old_manager, target.manager, N_("line manager"))
        if self.has("manages_departments"):
            managed = frozenset(self.db_managed.get(existing["user_id"], {}))
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
            self.report.employees_reactivated += 1
            if descriptions:
                self.example(
                    "employee-reactivated",
                    N_("Reactivated %(employee)s: %(changes)s"),
                    {**params, "changes": "; ".join(descriptions)},
                )
            else:
                self.example("employee-reactivated", N_("Reactivated %(employee)s"), params)
        elif descriptions:
            self.report.employees_updated += 1
            self.example(
                "employee-updated",
                N_("Updated %(employee)s: %(changes)s"),
                {**params, "changes": "; ".join(descriptions)},
            )
        else:
            self.report.employees_unchanged += 1

    def _plan_leavers(self) -> None:
        self.leavers: list[dict] = []
        if not self.deactivate_missing:
            return
        in_file = {target.number for target in self.targets}
        for number, existing in self.db_employees.items():
            if number in in_file or not existing["user__is_active"]:
                continue
            label = {"employee": f"{number} <{existing['user__email']}>"}
            if existing["user_id"] == self.acting_user_id:
                self.report.notes.append(
                    _(
                        "%(employee)s is not in the file but was kept active: it is your own account."
                    )
                    % label
                )
            elif existing["user__is_superuser"]:
                self.report.notes.append(
                    _(
                        "%(employee)s is not in the file but was kept active: superusers are "
                        "never deactivated by an import."
                    )
                    % label
                )
            else:
                self.leavers.append(existing)
                self.report.employees_deactivated += 1
                self.example("employee-deactivated", N_("Deactivated %(employee)s"), label)

    # -- Apply: bulk writes ---------------------------------------------------------------

    def apply(self) -> list[int]:
        """Write the plan; returns the ids of the employees created."""
        now = timezone.now()
        department_ids = self._apply_departments()
        created_ids = self._apply_employees(department_ids, now)
        self._apply_leavers(now)
        return created_ids

    def _apply_departments(self) -> dict[str, int]:
        """Create, rename and move departments, parents first; returns code -> id."""
        ids = {code: d["id"] for code, d in self.db_departments.items()}
        if not self.department_ops:
            return ids
        tree = Department.objects
        # Works whether or not the tree keeps siblings sorted (node_order_by).
        ordered = bool(Department.node_order_by)
        child_pos = "sorted-child" if ordered else "last-child"
        sibling_pos = "sorted-sibling" if ordered else "last-sibling"
        for op in self.department_ops:
            # Tree operations rewrite paths: always work on fresh rows.
            parent = tree.get(pk=ids[op.parent]) if op.parent else None
            if op.new:
                values = {"code": op.code, "name": op.name}
                node = tree.add_child(parent, values) if parent else tree.add_root(values)
                ids[op.code] = node.pk
                continue
            node = tree.get(pk=ids[op.code])
            if node.name != op.name:
                node.name = op.name
                node.save(update_fields=["name"])
            if not (op.moved or ordered):
                continue
            # A new parent, or (sorted trees) a new rank among the siblings after a rename.
            if parent is not None:
                tree.move(node, parent, child_pos)
            else:
                root = tree.filter(depth=1).exclude(pk=node.pk).order_by("path").first()
                if root is not None:  # None: it is already the only top-level department
                    tree.move(node, root, sibling_pos)
        return ids

    def _apply_employees(self, department_ids: dict[str, int], now) -> list[int]:
        has = self.has
        new_users, linked_users = [], []
        user_updates: dict[str, list[User]] = defaultdict(list)
        employee_updates: dict[str, list[Employee]] = defaultdict(list)
        new_changes = [c for c in self.employee_changes if c.existing is None]

        for change in new_changes:
            target = change.target
            user = User(
                email=target.email,
                first_name=target.first_name,
                last_name=target.last_name,
                is_active=True,
            )
            if change.linked_user_id is None:
                user.set_unusable_password()  # they choose one through the invitation
                new_users.append(user)
            else:
                user.pk = change.linked_user_id
                linked_users.append(user)
        User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
        if linked_users:
            User.objects.bulk_update(
                linked_users,
                ["email", "first_name", "last_name", "is_active"],
                batch_size=BATCH_SIZE,
            )
        new_user_ids = iter(user.pk for user in new_users)
        user_ids = {
            change.target.number: change.linked_user_id or next(new_user_ids)
            for change in new_changes
        }
        employee_ids = {number: e["id"] for number, e in self.db_employees.items()}
        new_employees, late_managers = self._create_employees(
            new_changes, user_ids=user_ids, employee_ids=employee_ids, department_ids=department_ids
        )

        for change in self.employee_changes:
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
        # One bulk UPDATE per changed field: only what changed is written.
        for name, users in user_updates.items():
            User.objects.bulk_update(users, [name], batch_size=BATCH_SIZE)
        for name, employees in employee_updates.items():
            Employee.objects.bulk_update(employees, [name, "updated_at"], batch_size=BATCH_SIZE)

        # Second pass: line managers not known when their report was inserted.
        with_manager = [
            Employee(pk=employee.pk, line_manager_id=employee_ids[number], updated_at=now)
            for employee, number in late_managers
        ]
        if has("line_manager_number"):
            with_manager += [
                Employee(
                    pk=change.existing["id"],
                    line_manager_id=employee_ids.get(change.target.manager),
                    updated_at=now,
                )
                for change in self.employee_changes
                if change.existing is not None and change.manager_changed
            ]
        Employee.objects.bulk_update(
            with_manager, ["line_manager", "updated_at"], batch_size=BATCH_SIZE
        )
        if has("manages_departments"):
            self._apply_managed_departments(department_ids, user_ids)
        return [e.pk for e in new_employees]

    def _create_employees(self, new_changes, *, user_ids, employee_ids, department_ids):
        """Insert new employees, managers first, so most line managers are set on INSERT.

        Rows are ordered by their depth in the chain of *new* managers and inserted in
        chunks; a row's line manager is set when the manager exists before its chunk.
        The few whose manager is in the same chunk are returned as (employee, manager
        number) for a second pass. `employee_ids` (number -> id) is completed in place.
        """
        manager_of = {
            change.target.number: change.target.manager if self.has("line_manager_number") else None
            for change in new_changes
        }
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
        ordered = sorted(new_changes, key=lambda change: levels[change.target.number])
        # A chunk ends at BATCH_SIZE rows, or where a level ends once it is big enough.
        chunks, chunk, level = [], [], 0
        for change in ordered:
            new_level = levels[change.target.number]
            if len(chunk) >= BATCH_SIZE or (new_level != level and len(chunk) >= MIN_CHUNK):
                chunks.append(chunk)
                chunk = []
            chunk.append(change)
            level = new_level
        chunks.append(chunk)
        created, late_managers = [], []
        for changes in chunks:
            employees = []
            for change in changes:
                target = change.target
                manager = manager_of[target.number]
                employee = Employee(
                    user_id=user_ids[target.number],
                    employee_number=target.number,
                    department_id=department_ids[target.department],
                    line_manager_id=employee_ids.get(manager),
                    job_title=target.job_title,
                    locale=target.locale,
                    hired_on=target.hired_on,
                )
                if manager and employee.line_manager_id is None:
                    late_managers.append((employee, manager))
                employees.append(employee)
            Employee.objects.bulk_create(employees)
            employee_ids.update((employee.employee_number, employee.pk) for employee in employees)
            created += employees
        return created, late_managers

    def _apply_managed_departments(self, department_ids, user_ids) -> None:
        through = Department.managers.through
        to_add, to_remove = [], []
        for change in self.employee_changes:
            target = change.target
            if change.existing is None:
                user_id = user_ids[target.number]
            elif change.manages_changed:
                user_id = change.existing["user_id"]
            else:
                continue
            current = self.db_managed.get(user_id, {})
            to_remove += [link for code, link in current.items() if code not in target.manages]
            to_add += [
                through(user_id=user_id, department_id=department_ids[code])
                for code in target.manages
                if code not in current
            ]
        for start in range(0, len(to_remove), BATCH_SIZE):
            through.objects.filter(pk__in=to_remove[start : start + BATCH_SIZE]).delete()
        through.objects.bulk_create(to_add, batch_size=BATCH_SIZE)

    def _apply_leavers(self, now) -> None:
        for start in range(0, len(self.leavers), BATCH_SIZE):
            batch = self.leavers[start : start + BATCH_SIZE]
            User.objects.filter(pk__in=[e["user_id"] for e in batch]).update(is_active=False)
            Employee.objects.filter(pk__in=[e["id"] for e in batch]).update(
                deactivated_at=now, updated_at=now
            )


def _cycles(starts, parent_of) -> list[list]:
    """Every loop reachable from `starts` following `parent_of` (None/"" ends a chain)."""
    done: set = set()
    cycles = []
    for start in starts:
        path: list = []
        position: dict = {}
        node = start
        while node and node not in done:
            if node in position:
                cycles.append(path[position[node] :])
                break
            position[node] = len(path)
            path.append(node)
            node = parent_of(node)
        done.update(path)
    return cycles
