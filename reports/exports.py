"""CSV and XLSX exports of the drill-down and of the activity matrix.

Both formats are written from one iterator of rows: a few title lines (the report's
name, when it was made, the filters in force), a blank line, the header, the data.
CSV is streamed (`StreamingHttpResponse`, rows fetched with `.iterator()`), so memory
stays flat whatever the number of rows; XLSX uses openpyxl's write-only mode, which
writes rows to a temporary file as they come. Every cell goes through
`core.spreadsheets.safe_cell`: text that a spreadsheet could read as a formula is
neutralised.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from certificates.models import Certificate, format_code
from core.spreadsheets import safe_row
from courses.models import Enrollment

from .selectors import MatrixItem, MatrixRow, ReportFilters

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def title_lines(title: str, filters: list[tuple[str, str]]) -> list[list]:
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    return [
        [title],
        [_("Generated"), generated],
        *[[label, value] for label, value in filters],
        [],
    ]


class _Echo:
    """A file-like object whose `write` returns what it was given (for csv.writer)."""

    def write(self, value):
        return value


def csv_response(rows: Iterable[list], *, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a BOM, so Excel reads UTF-8
        for row in rows:
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(lines(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: Iterable[list], *, filename: str, sheet: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    for row in rows:
        worksheet.append(safe_row(row))
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def respond(fmt: str, rows: Iterable[list], *, filename: str, sheet: str):
    if fmt == "xlsx":
        return xlsx_response(rows, filename=filename, sheet=sheet)
    return csv_response(rows, filename=filename)


# --- The drill-down ----------------------------------------------------------------------------


def drilldown_header() -> list[str]:
    return [
        _("Employee number"),
        _("Last name"),
        _("First name"),
        _("Email"),
        _("Department code"),
        _("Department"),
        _("Course"),
        _("Status"),
        _("Overdue"),
        _("Progress (%)"),
        _("Mandatory"),
        _("Due on"),
        _("Best score (%)"),
        _("Completed on"),
        _("Certificate"),
        _("Certificate state"),
    ]


EXPORT_FIELDS = (
    "employee__employee_number",
    "employee__user__last_name",
    "employee__user__first_name",
    "employee__user__email",
    "employee__department__code",
    "employee__department__name",
    "course_title",  # annotated by `drilldown_rows` (the reader's language)
    "status",
    "due_on",
    "progress_percent",
    "mandatory",
    "best_score",
    "completed_at",
    "certificate__code",
    "certificate__expires_at",
    "certificate__revoked_at",
)


def drilldown_table(enrollments, filters: ReportFilters, *, today) -> Iterator[list]:
    """Title lines, header and one row per enrollment (`drilldown_rows` queryset, read
    as plain tuples: no model instances for 100,000 rows)."""
    yield from title_lines(_("Completion report"), filters.describe())
    yield drilldown_header()
    yes, no = _("yes"), _("no")
    labels = {value: str(label) for value, label in Enrollment.Status.choices}
    states = {value: str(label) for value, label in Certificate.State.choices}
    now = timezone.now()
    zone = timezone.get_current_timezone()
    rows = enrollments.values_list(*EXPORT_FIELDS).iterator(chunk_size=5000)
    for (
        number,
        last_name,
        first_name,
        email,
        department_code,
        department,
        course,
        status,
        due_on,
        progress,
        mandatory,
        best_score,
        completed_at,
        certificate_code,
        expires_at,
        revoked_at,
    ) in rows:
        completed = status == Enrollment.Status.COMPLETED
        if certificate_code is None:
            state = None
        elif revoked_at is not None:
            state = states[Certificate.State.REVOKED]
        elif expires_at is not None and expires_at <= now:
            state = states[Certificate.State.EXPIRED]
        else:
            state = states[Certificate.State.VALID]
        yield [
            number,
            last_name,
            first_name,
            email,
            department_code,
            department,
            course,
            labels[status],
            yes if due_on is not None and not completed and due_on < today else no,
            progress,
            yes if mandatory else no,
            due_on,
            best_score,
            completed_at.astimezone(zone).date() if completed_at else None,
            format_code(certificate_code) if certificate_code else None,
            state,
        ]


# --- The activity matrix -----------------------------------------------------------------------


def matrix_header(items: list[MatrixItem]) -> list[str]:
    columns = [
        _("Employee number"),
        _("Name"),
        _("Email"),
        _("Department"),
        _("Status"),
        _("Progress (%)"),
    ]
    for item in items:
        if item.is_quiz:
            columns.append(
                _("%(title)s (best score %%, pass %(mark)s)")
                % {"title": item.title, "mark": item.pass_mark}
            )
        else:
            columns.append(item.title)
    return columns


def matrix_table(
    items: list[MatrixItem], rows: Iterable[MatrixRow], filters: list[tuple[str, str]]
) -> Iterator[list]:
    yield from title_lines(_("Activity matrix"), filters)
    yield matrix_header(items)
    done = _("done")
    for row in rows:
        cells = []
        for item, cell in zip(items, row.cells, strict=True):
            if item.is_quiz:
                cells.append(cell[0] if cell else None)
            else:
                cells.append(done if cell else None)
        yield [
            row.number,
            row.name,
            row.email,
            row.department,
            str(row.status_label),
            row.progress,
            *cells,
        ]
