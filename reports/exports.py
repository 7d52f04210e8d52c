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

from core.spreadsheets import safe_row

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


def drilldown_table(enrollments, filters: ReportFilters, *, today) -> Iterator[list]:
    """Title lines, header and one row per enrollment (`drilldown_rows` queryset)."""
    yield from title_lines(_("Completion report"), filters.describe())
    yield drilldown_header()
    yes, no = _("yes"), _("no")
    now = timezone.now()
    for enrollment in enrollments.iterator(chunk_size=2000):
        employee = enrollment.employee
        user = employee.user
        certificate = getattr(enrollment, "certificate", None)
        yield [
            employee.employee_number,
            user.last_name,
            user.first_name,
            user.email,
            employee.department.code,
            employee.department.name,
            enrollment.course.title,
            str(enrollment.get_status_display()),
            yes if enrollment.is_overdue(today) else no,
            enrollment.progress_percent,
            yes if enrollment.mandatory else no,
            enrollment.due_on,
            enrollment.best_score,
            timezone.localdate(enrollment.completed_at) if enrollment.completed_at else None,
            certificate.display_code if certificate else None,
            str(certificate.state(now).label) if certificate else None,
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
