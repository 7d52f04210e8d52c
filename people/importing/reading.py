"""Reading: a CSV or XLSX file becomes `ImportRow`s, or the file-level errors that stop it.

Header matched case-insensitively, columns unlike ours ignored (a near miss of one of
ours is refused with a "did you mean"), blank rows skipped, line
numbers as a spreadsheet shows them. Hostile files are stopped by limits checked as the
file is read (the same for the HR page and `manage.py import_employees`): the file's own
size, the size an XLSX expands to when unpacked (a "zip bomb" is refused before anything
is unpacked), and the rows, columns and characters per cell, counted while the sheet is
streamed in openpyxl's read-only mode.
"""

import csv
import difflib
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import IO, Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .results import ImportRow, RowError

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

# Limits, checked while reading. 50,000 employees (the largest benchmark) use a fraction.
MAX_FILE_BYTES = 20 * 1024 * 1024  # the file as uploaded
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # every part of an XLSX, unpacked
MAX_ROWS = 100_000  # lines of the sheet, header and blank lines included
MAX_COLUMNS = 200  # cells in one line, trailing empty cells ignored
MAX_CELL_CHARS = 10_000  # characters in one cell

Table = Iterable[tuple[int, list[str]]]  # (spreadsheet line, cell texts)


class _FileError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.error = RowError(line, message)


def read_rows(file: IO[bytes], filename: str) -> tuple[list[ImportRow], list[RowError]]:
    """The data rows of a CSV or XLSX file, or the file-level errors that prevent reading it.

    Cells become stripped strings (XLSX numbers like 1042 become "1042", dates become
    "YYYY-MM-DD"). Only the columns of `COLUMNS` that the header names are kept.
    """
    name = (filename or "").lower()
    try:
        if name.endswith((".xlsx", ".xlsm")):
            return _rows_from_table(_limited(_xlsx_table(_read_bytes(file))))
        if name.endswith((".csv", ".txt")):
            return _rows_from_table(_limited(_csv_table(_read_bytes(file))))
        raise _FileError(
            0,
            _("“%(name)s” is not a CSV or XLSX file: upload a .csv or .xlsx file.")
            % {"name": filename},
        )
    except _FileError as exc:
        return [], [exc.error]


def _read_bytes(file) -> bytes | str:
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _FileError(
            0,
            _("The file is larger than %(size)s MB: split it, or leave out unused columns.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)},
        )
    return data


def _limited(table: Table) -> Iterator[tuple[int, list[str]]]:
    """`table`, stopped with a clear error at the first line beyond a limit."""
    for line, cells in table:
        if line > MAX_ROWS:
            raise _FileError(
                0,
                _("The file has more than %(limit)s lines: split it into several files.")
                % {"limit": number_format(MAX_ROWS, force_grouping=True)},
            )
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise _FileError(
                line,
                _("Line %(line)s has more than %(limit)s columns.")
                % {"line": line, "limit": MAX_COLUMNS},
            )
        for cell in cells:
            if len(cell) > MAX_CELL_CHARS:
                raise _FileError(
                    line,
                    _("Line %(line)s has a cell longer than %(limit)s characters.")
                    % {"line": line, "limit": number_format(MAX_CELL_CHARS, force_grouping=True)},
                )
        yield line, cells


def _csv_table(raw: bytes | str) -> Iterator[tuple[int, list[str]]]:
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
    previous = 0
    try:
        for cells in reader:
            yield previous + 1, [_cell_text(cell) for cell in cells]
            previous = reader.line_num
    except csv.Error as exc:
        line = reader.line_num or 1
        raise _FileError(
            line,
            _("The CSV file cannot be read on line %(line)s: %(error)s")
            % {"line": line, "error": exc},
        ) from exc


def _xlsx_table(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    unreadable = _FileError(
        0, _("The file is not a readable XLSX workbook. Save it again as .xlsx (or .csv).")
    )
    try:
        # zipfile never unpacks more than a member's declared size (a larger stream fails
        # its CRC check), so the declared sizes bound the work before anything is unpacked.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        logger.info("Unreadable XLSX import file: %r", exc)
        raise unreadable from exc
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise _FileError(
            0,
            _(
                "The workbook unpacks to more than %(size)s MB, far more than an employee "
                "list needs: save it again as .xlsx with only the employee sheet, or as .csv."
            )
            % {"size": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)},
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a corrupt or foreign file
        logger.info("Unreadable XLSX import file: %r", exc)
        raise unreadable from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record wrong dimensions
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        while True:
            try:
                line, cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a corrupt sheet fails while it is streamed
                logger.info("Unreadable XLSX import file: %r", exc)
                raise unreadable from exc
            yield line, [_cell_text(cell) for cell in cells]
    finally:
        workbook.close()


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


def _header_positions(header_line: int, header: list[str]) -> tuple[dict[str, int], list[RowError]]:
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
    unknown = [
        cell.strip() for cell in header if cell.strip() and _header_name(cell) not in COLUMNS
    ]
    if missing:
        message = _(
            "Missing required column(s): %(columns)s. The header row must name: %(required)s."
        ) % {"columns": ", ".join(missing), "required": ", ".join(REQUIRED_COLUMNS)}
        if unknown:
            message += " " + _("Columns not recognised: %(columns)s.") % {
                "columns": ", ".join(_unknown_column(name, positions) for name in unknown)
            }
        errors.insert(0, RowError(header_line, message))
    elif near_misses := [name for name in unknown if _close_column(name, positions)]:
        # A misspelt optional column would otherwise be dropped without a word (and with it,
        # say, every line manager): refuse the file. Columns unlike any of ours are ignored.
        errors.insert(
            0,
            RowError(
                header_line,
                _(
                    "Columns not recognised: %(columns)s. Rename them, or remove them if they "
                    "are not meant for the import."
                )
                % {"columns": ", ".join(_unknown_column(name, positions) for name in near_misses)},
            ),
        )
    return positions, errors


def _close_column(name: str, present: dict[str, int]) -> str | None:
    """The column of ours, not already in the header, that `name` is a near miss of."""
    candidates = [column for column in COLUMNS if column not in present]
    close = difflib.get_close_matches(_header_name(name), candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def _unknown_column(name: str, present: dict[str, int]) -> str:
    """`employee_no (did you mean employee_number?)` for a near miss, else the name."""
    column = _close_column(name, present)
    if column is None:
        return name
    return _("%(name)s (did you mean %(column)s?)") % {"name": name, "column": column}


def _rows_from_table(
    table: Iterator[tuple[int, list[str]]],
) -> tuple[list[ImportRow], list[RowError]]:
    header_line, header = next(((line, cells) for line, cells in table if any(cells)), (0, []))
    if not header_line:
        return [], [RowError(1, _("The file is empty: it has no header row."))]
    positions, errors = _header_positions(header_line, header)
    if errors:
        return [], errors
    rows = []
    for line, cells in table:
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
