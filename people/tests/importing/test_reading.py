"""The import's reading phase: file formats, headers, line numbers, unreadable files."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from people.importing import RowError, employees_import, read_rows
from people.models import Employee
from people.tests.importing.helpers import (
    ANN,
    csv_bytes,
    snapshot,
    xlsx_bytes,
)

NOT_XLSX = "The file is not a readable XLSX workbook. Save it again as .xlsx (or .csv)."
NOT_UTF8 = (
    "The file is not UTF-8 text (unreadable byte on line 2). Save it as “CSV UTF-8” and try again."
)
NOT_CSV_OR_XLSX = "“hr.pdf” is not a CSV or XLSX file: upload a .csv or .xlsx file."
TWICE = b"employee_number,email,email,first_name,last_name,department_code\n1,a,b,c,d,e\n"
# (file bytes, file name, error line, error message, test id)
UNREADABLE_FILES = [
    (b"employee_number,email\n1,caf\xe9@example.com\n", "hr.csv", 2, NOT_UTF8, "not-utf8"),
    (b"PK\x03\x04 this is no workbook", "hr.xlsx", 0, NOT_XLSX, "corrupt-xlsx"),
    (csv_bytes(ANN), "hr.xlsx", 0, NOT_XLSX, "csv-named-xlsx"),
    (b"whatever", "hr.pdf", 0, NOT_CSV_OR_XLSX, "unsupported-type"),
    (b"\n\n", "hr.csv", 1, "The file is empty: it has no header row.", "empty"),
    (csv_bytes(), "hr.csv", 1, "The file has a header but no employee rows.", "header-only"),
    (TWICE, "hr.csv", 1, "The column email appears twice.", "duplicate-column"),
]


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        pytest.param(data, filename, RowError(line, message), id=test_id)
        for data, filename, line, message, test_id in UNREADABLE_FILES
    ],
)
@pytest.mark.django_db
def test_an_unreadable_file_is_a_clear_error_and_changes_nothing(
    personas, data, filename, expected
):
    before = snapshot()

    report = employees_import(file=io.BytesIO(data), filename=filename, deactivate_missing=True)

    assert report.errors == [expected]
    assert snapshot() == before


# --- File formats ------------------------------------------------------------------------


@pytest.mark.django_db
def test_xlsx_with_numeric_employee_numbers_and_real_dates(org):
    # A spreadsheet date cell reads back as a naive datetime.
    hired = datetime.datetime(2019, 3, 4)  # noqa: DTZ001
    data = xlsx_bytes(
        [
            [
                "Employee Number",
                "Email",
                "First name",
                "Last name",
                "Department code",
                "Line manager number",
                "Hired on",
                "Locale",
            ],
            [1042, "ann@example.com", "Ann", "A", "FIN", None, hired, "FR"],
            [],
            [1043.0, "bob@example.com", "Bob", "B", "FIN", 1042, datetime.date(2021, 5, 6), None],
        ]
    )

    report = employees_import(file=io.BytesIO(data), filename="HR.XLSX")

    assert report.ok, report.errors
    assert report.rows == 2
    ann = Employee.objects.get(employee_number="1042")
    bob = Employee.objects.get(employee_number="1043")
    assert ann.hired_on == datetime.date(2019, 3, 4)
    assert ann.locale == "fr"
    assert bob.hired_on == datetime.date(2021, 5, 6)
    assert bob.line_manager == ann


@pytest.mark.django_db
def test_xlsx_errors_carry_the_spreadsheet_line(org):
    data = xlsx_bytes(
        [
            ["employee_number", "email", "first_name", "last_name", "department_code"],
            [1, "ann@example.com", "Ann", "A", "FIN"],
            [None, None, None, None, None],
            [2, "nope", "Bob", "B", "FIN"],
        ]
    )

    report = employees_import(file=io.BytesIO(data), filename="hr.xlsx")

    assert report.errors == [RowError(4, "“nope” is not a valid email address.")]


@pytest.mark.django_db
def test_semicolon_csv_with_bom_odd_header_and_extra_columns(org):
    data = (
        "\ufeff Employee_Number ;EMAIL;first_name;last_name;department_code;Favourite colour\n"
        "1;ann@example.com;Ann;A;FIN;blue\n"
        ";;;;;\n"
        "2;bob@example.com;Bob;B;FIN;red\n"
    ).encode()

    report = employees_import(file=io.BytesIO(data), filename="hr.csv")

    assert report.ok, report.errors
    assert report.rows == 2
    assert set(Employee.objects.values_list("employee_number", flat=True)) >= {"1", "2"}


def test_read_rows_keeps_known_columns_and_spreadsheet_line_numbers():
    data = (
        b"employee_number,email,first_name,last_name,department_code,notes\n"
        b'1,a@example.com,Ann,A,X,"two\nlines"\n'
        b"\n"
        b"2,b@example.com,Bob,B,X,\n"
    )

    rows, errors = read_rows(io.BytesIO(data), "hr.csv")

    assert errors == []
    assert [row.line for row in rows] == [2, 5]
    assert rows[1].values == {
        "employee_number": "2",
        "email": "b@example.com",
        "first_name": "Bob",
        "last_name": "B",
        "department_code": "X",
    }


@pytest.mark.django_db
def test_accepts_a_django_upload_as_the_view_passes_it(org):
    upload = SimpleUploadedFile("Staff.CSV", csv_bytes(ANN), content_type="text/csv")

    report = employees_import(file=upload, filename=upload.name, dry_run=True)

    assert report.ok and report.employees_created == 1


def test_a_misspelt_optional_column_is_refused_with_a_suggestion():
    """Every required column is there, but `line_manager_numbr` would drop every line
    manager without a word: the file is refused and the near miss named."""
    data = (
        b"employee_number,email,first_name,last_name,department_code,line_manager_numbr,shoe size\n"
        b"1,a@example.com,Ann,A,X,2,40\n"
    )

    rows, errors = read_rows(io.BytesIO(data), "hr.csv")

    assert rows == []
    (error,) = errors
    assert error.line == 1
    assert "line_manager_numbr (did you mean line_manager_number?)" in error.message
    assert "shoe size" not in error.message  # unlike any of ours: ignored, as before
