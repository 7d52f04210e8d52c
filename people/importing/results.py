"""What every phase of the import shares: rows read, errors found, the report returned."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

EXAMPLES_PER_KIND = 20  # examples of changes kept per kind, for the dry-run display


@dataclass(frozen=True)
class RowError:
    """One problem in the file. `line` is the spreadsheet line (1 = header, 0 = the file)."""

    line: int
    message: str
    # What kind of problem, for callers that answer machines (SCIM): "uniqueness" when
    # the value belongs to someone else; "" otherwise. Not part of equality.
    kind: str = field(default="", compare=False)

    def __str__(self):
        if self.line > 0:
            return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass(frozen=True)
class ImportRow:
    """One data row: `values` holds every known column present in the header."""

    line: int
    values: dict[str, str]


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
    created_ids: list[int] = field(default_factory=list)  # employees created (a real run)
    _examples: dict[str, int] = field(
        default_factory=lambda: defaultdict(int), repr=False, compare=False
    )

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

    def example(self, kind: str, message: str, params: dict) -> None:
        """Keep the first EXAMPLES_PER_KIND changes of each kind; `message` is untranslated."""
        if self._examples[kind] < EXAMPLES_PER_KIND:
            self.changes.append(_(message) % params)
        else:
            self.changes_omitted += 1
        self._examples[kind] += 1
