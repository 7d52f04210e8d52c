"""Validation: every row checked against the file and the current state.

*Every* problem becomes a `RowError(line, message)`; one error and nothing is written,
dry run or not. The result, `ValidatedFile`, is what the file asks for: one `Target` per
row and what it says about each department code.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from ..models import Department, Employee, User
from .reading import REQUIRED_COLUMNS
from .results import ImportRow, RowError
from .state import CurrentState

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
ARROW = " \u2192 "


@dataclass
class Target:
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
class DepartmentSpec:
    """What the file says about one department code."""

    first_line: int
    name: str | None = None
    name_line: int = 0
    parent: str | None = None  # "" = top level, None = not said
    parent_line: int = 0


@dataclass(frozen=True)
class ValidatedFile:
    """What a file without errors asks for."""

    columns: frozenset[str]  # the optional columns present decide what is compared
    targets: list[Target]
    department_specs: dict[str, DepartmentSpec]
    final_parent: dict[str, str]  # every department code -> parent code ("" = top level)

    def has(self, column: str) -> bool:
        return column in self.columns


def rows_validate(
    rows: list[ImportRow], state: CurrentState
) -> tuple[ValidatedFile, list[RowError]]:
    """What the rows ask for, and every problem found, sorted by line."""
    columns = frozenset(rows[0].values)
    errors: list[RowError] = []
    specs: dict[str, DepartmentSpec] = {}
    targets: list[Target] = []
    locales = [code for code, _name in settings.LANGUAGES]
    first_line_of_number: dict[str, int] = {}
    first_line_of_email: dict[str, int] = {}
    for row in rows:
        target = _check_row(row, locales, specs, errors)
        _check_unique(
            target.number,
            row.line,
            first_line_of_number,
            N_("The employee number %(value)s is already on line %(other)s."),
            errors,
        )
        unique = _check_unique(
            target.email,
            row.line,
            first_line_of_email,
            N_("The email address %(value)s is already on line %(other)s."),
            errors,
        )
        if unique:
            _check_email_owner(target, state, errors)
        targets.append(target)
    final_parent = _check_departments(specs, state, errors)
    if "line_manager_number" in columns:  # otherwise line managers are left as they are
        _check_line_managers(targets, state, errors)
    if "manages_departments" in columns:
        known = set(state.departments) | set(specs)
        for target in targets:
            unknown = sorted(target.manages - known)
            if unknown:
                errors.append(
                    RowError(
                        target.line,
                        _("manages_departments names unknown department code(s): %(codes)s.")
                        % {"codes": ", ".join(unknown)},
                    )
                )
    errors.sort(key=lambda error: error.line)
    return ValidatedFile(columns, targets, specs, final_parent), errors


def _check_unique(value: str, line: int, first_lines: dict, message: str, errors) -> bool:
    """Whether a non-blank `value` is seen for the first time; reported if not."""
    if not value:
        return False
    if value in first_lines:
        errors.append(RowError(line, _(message) % {"value": value, "other": first_lines[value]}))
        return False
    first_lines[value] = line
    return True


def _check_row(row: ImportRow, locales: list[str], specs, errors: list[RowError]) -> Target:
    line = row.line

    def error(message: str) -> None:
        errors.append(RowError(line, message))

    values = dict(row.values)
    for column, value in row.values.items():
        if "\x00" in value:  # PostgreSQL text cannot hold it; nothing else would notice
            error(_("%(column)s contains a NUL character.") % {"column": column})
            values[column] = value.replace("\x00", "")
    target = Target(row=row)
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            error(_("%(column)s is missing.") % {"column": column})
    for column, limit in _MAX_LENGTHS.items():
        if len(values.get(column, "")) > limit:
            error(
                _("%(column)s is longer than %(limit)s characters.")
                % {"column": column, "limit": limit}
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
            error(_("“%(email)s” is not a valid email address.") % {"email": email})
        else:
            target.email = email.lower()
    target.job_title = values.get("job_title", "")
    locale = values.get("locale", "").lower()
    if locale and locale not in locales:
        error(
            _("Unknown language “%(value)s”: use one of %(codes)s.")
            % {"value": values["locale"], "codes": ", ".join(locales)}
        )
    target.locale = locale if locale in locales else "en"
    hired_on = values.get("hired_on", "")
    if hired_on:
        try:
            if not _ISO_DATE.fullmatch(hired_on):
                raise ValueError(hired_on)
            target.hired_on = date.fromisoformat(hired_on)
        except ValueError:
            error(_("“%(value)s” is not a valid hire date: use YYYY-MM-DD.") % {"value": hired_on})
    target.manager = values.get("line_manager_number") or None
    target.manages = frozenset(
        code.strip() for code in values.get("manages_departments", "").split(";") if code.strip()
    )
    if target.department:
        _describe_department(line, values, target.department, specs, error)
    return target


def _check_email_owner(target: Target, state: CurrentState, errors: list[RowError]) -> None:
    owner = state.emails.get(target.email)
    if owner is None:
        return
    _user_id, number = owner
    if number is not None and number != target.number:
        errors.append(
            RowError(
                target.line,
                _("The email address %(email)s already belongs to employee %(number)s.")
                % {"email": target.email, "number": number},
                kind="uniqueness",
            )
        )
    elif number is None and target.number in state.employees:
        errors.append(
            RowError(
                target.line,
                _("The email address %(email)s already belongs to another account.")
                % {"email": target.email},
                kind="uniqueness",
            )
        )


def _describe_department(line: int, values: dict, code: str, specs, error) -> None:
    name = values.get("department_name", "")
    parent = values.get("parent_department_code")
    spec = specs.setdefault(code, DepartmentSpec(first_line=line))

    def agree(attribute, value, message, shown=str):
        """Keep what the first row says; report a later row that says otherwise."""
        said = getattr(spec, attribute)
        if said is None:
            setattr(spec, attribute, value)
            setattr(spec, f"{attribute}_line", line)
        elif said != value:
            other_line = getattr(spec, f"{attribute}_line")
            params = {"value": shown(value), "other": shown(said), "other_line": other_line}
            error(_(message) % {"code": code, **params})

    if name:
        agree(
            "name",
            name,
            N_(
                "Department %(code)s is named “%(value)s” here but “%(other)s” "
                "on line %(other_line)s."
            ),
        )
    if parent is None or not (name or parent):
        return  # this row says nothing about where the department is
    if parent == code:
        error(_("Department %(code)s cannot be its own parent.") % {"code": code})
        return
    agree(
        "parent",
        parent,
        N_(
            "Department %(code)s is placed under %(value)s here but under %(other)s "
            "on line %(other_line)s."
        ),
        shown=lambda parent: parent or _("the top level"),
    )


def _check_departments(specs, state: CurrentState, errors: list[RowError]) -> dict[str, str]:
    """Check what the file says about departments; return every code's final parent."""
    known = set(state.departments) | set(specs)
    for code, spec in specs.items():
        if spec.name is None and code not in state.departments:
            errors.append(
                RowError(
                    spec.first_line,
                    _(
                        "Department %(code)s does not exist yet and no row gives its name "
                        "(department_name)."
                    )
                    % {"code": code},
                    kind="unknown_department",
                )
            )
        if spec.parent and spec.parent not in known:
            errors.append(
                RowError(
                    spec.parent_line,
                    _("The parent department %(parent)s of %(code)s is unknown.")
                    % {"parent": spec.parent, "code": code},
                )
            )
            spec.parent = None  # reported; keep it out of the cycle check
    final_parent = {code: d["parent"] for code, d in state.departments.items()}
    for code, spec in specs.items():
        if spec.parent is not None:
            final_parent[code] = spec.parent
        else:
            final_parent.setdefault(code, "")
    for cycle in _cycles(specs, final_parent.get):
        loop = ARROW.join([*cycle, cycle[0]])
        for code in cycle:
            spec = specs.get(code)
            if spec is not None and spec.parent is not None:
                errors.append(
                    RowError(
                        spec.parent_line,
                        _("Departments would be inside each other: %(loop)s.") % {"loop": loop},
                    )
                )
    return final_parent


def _check_line_managers(targets: list[Target], state: CurrentState, errors) -> None:
    file_numbers = {t.number for t in targets if t.number}
    final_manager: dict[str, str | None] = {
        number: state.number_by_employee_id.get(e["line_manager_id"])
        for number, e in state.employees.items()
    }
    lines: dict[str, int] = {}
    for target in targets:
        if not target.number:
            continue
        lines.setdefault(target.number, target.line)
        manager = target.manager
        if manager == target.number:
            errors.append(RowError(target.line, _("An employee cannot be their own line manager.")))
            manager = None
        elif manager and manager not in file_numbers and manager not in state.employees:
            errors.append(
                RowError(
                    target.line,
                    _("The line manager %(number)s is neither in the file nor already known.")
                    % {"number": manager},
                )
            )
            manager = None
        final_manager[target.number] = manager
    for cycle in _cycles(lines, final_manager.get):
        loop = ARROW.join([*cycle, cycle[0]])
        for number in cycle:
            if number in lines:
                errors.append(
                    RowError(
                        lines[number], _("Line managers form a loop: %(loop)s.") % {"loop": loop}
                    )
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
