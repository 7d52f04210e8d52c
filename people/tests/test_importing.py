"""The HR import service, `people.importing.employees_import`.

The personas' organisation (root conftest) is in the database for most tests:
ACME > SALES > SALES-N, ACME > FIN.
"""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.hashers import is_password_usable
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.importing import RowError, employees_import, read_rows
from people.models import Department, Employee, User
from people.tests.factories import EmployeeFactory, UserFactory

HEADER = (
    "employee_number,email,first_name,last_name,department_code,department_name,"
    "parent_department_code,line_manager_number,job_title,locale,hired_on"
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas get real passwords: PBKDF2 would dominate the time of these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def run(*lines: str, header: str = HEADER, **options):
    data = csv_bytes(*lines, header=header)
    return employees_import(file=io.BytesIO(data), filename="hr.csv", **options)


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Ignored").append(["not", "read"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot():
    """Everything an import may write, to prove that nothing was written."""
    return (
        list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "first_name", "last_name", "is_active", "password"
            )
        ),
        list(
            Employee.objects.order_by("pk").values_list(
                "pk",
                "employee_number",
                "user_id",
                "department_id",
                "line_manager_id",
                "job_title",
                "locale",
                "hired_on",
                "deactivated_at",
                "updated_at",
            )
        ),
        list(
            Department.objects.order_by("pk").values_list("pk", "code", "name", "path", "numchild")
        ),
        list(
            Department.managers.through.objects.order_by("pk").values_list(
                "department_id", "user_id"
            )
        ),
    )


def parent_code(code):
    parent = Department.objects.get_parent(Department.objects.get(code=code))
    return parent.code if parent else None


def assert_tree_is_sound():
    problems = Department.objects.find_problems()
    assert not any(problems), problems


# --- Happy paths -------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_import_creates_the_department_tree_and_employees():
    report = run(
        "1,Ann@Example.com,Ann,Boss,HQ,Head office,,,CEO,fr,2020-01-31",
        "2,bob@example.com,Bob,Seller,SALES,Sales,HQ,1,Sales lead,,2021-06-01",
        "3,cat@example.com,Cat,North,NORTH,Sales North,SALES,2,Rep,en,",
    )

    assert report.ok and not report.dry_run
    assert report.rows == 3
    assert (report.employees_created, report.departments_created) == (3, 3)
    assert (report.employees_updated, report.employees_unchanged) == (0, 0)
    assert parent_code("HQ") is None
    assert parent_code("SALES") == "HQ"
    assert parent_code("NORTH") == "SALES"
    assert_tree_is_sound()
    ann = Employee.objects.select_related("user", "department").get(employee_number="1")
    assert ann.user.email == "ann@example.com"  # lower-cased
    assert (ann.user.first_name, ann.user.last_name) == ("Ann", "Boss")
    assert ann.user.is_active
    assert not is_password_usable(ann.user.password)
    assert (ann.department.code, ann.job_title, ann.locale) == ("HQ", "CEO", "fr")
    assert ann.hired_on == datetime.date(2020, 1, 31)
    assert ann.line_manager is None
    bob = Employee.objects.get(employee_number="2")
    cat = Employee.objects.get(employee_number="3")
    assert bob.line_manager == ann
    assert cat.line_manager == bob
    assert bob.locale == "en"  # blank locale
    assert cat.hired_on is None
    assert any("New employee 1 Ann Boss" in change for change in report.changes)
    assert any("New department SALES" in change for change in report.changes)


@pytest.mark.django_db
def test_line_manager_may_come_later_in_the_file():
    run(
        "3,cat@example.com,Cat,C,HQ,Head office,,2,Rep,,",
        "2,bob@example.com,Bob,B,HQ,Head office,,1,Lead,,",
        "1,ann@example.com,Ann,A,HQ,Head office,,,CEO,,",
    )

    managers = dict(
        Employee.objects.values_list("employee_number", "line_manager__employee_number")
    )
    assert managers == {"1": None, "2": "1", "3": "2"}


@pytest.mark.django_db
def test_reimport_updates_changed_rows_and_counts_the_others_unchanged():
    lines = [
        "1,ann@example.com,Ann,A,HQ,Head office,,,CEO,,2020-01-01",
        "2,bob@example.com,Bob,B,HQ,Head office,,1,Lead,,2020-01-01",
        "3,cat@example.com,Cat,C,HQ,Head office,,1,Rep,,2020-01-01",
    ]
    run(*lines)
    before = dict(Employee.objects.values_list("employee_number", "updated_at"))

    lines[2] = lines[2].replace("Rep", "Senior rep")
    report = run(*lines)

    assert report.ok
    assert (report.employees_created, report.employees_updated) == (0, 1)
    assert report.employees_unchanged == 2
    assert (report.departments_created, report.departments_updated) == (0, 0)
    assert Employee.objects.count() == 3
    assert User.objects.count() == 3
    assert Employee.objects.get(employee_number="3").job_title == "Senior rep"
    after = dict(Employee.objects.values_list("employee_number", "updated_at"))
    assert after["1"] == before["1"] and after["2"] == before["2"]
    assert after["3"] > before["3"]
    assert report.changes == ["Updated 3 Cat C <cat@example.com>: job title: “Rep” → “Senior rep”"]


@pytest.mark.django_db
def test_reimport_of_the_same_file_changes_nothing():
    lines = [
        "1,ann@example.com,Ann,A,HQ,Head office,,,CEO,fr,2020-01-01",
        "2,bob@example.com,Bob,B,SALES,Sales,HQ,1,Lead,,",
    ]
    run(*lines)
    before = snapshot()

    report = run(*lines)

    assert report.employees_unchanged == 2
    assert not report.has_changes
    assert snapshot() == before


@pytest.mark.django_db
def test_updates_names_email_department_and_manager_of_an_existing_employee(employee, manager, org):
    report = run(
        f"{employee.employee_number},new@example.com,New,Name,FIN,,,,Analyst,en,"
        f"{employee.hired_on.isoformat()}",
    )

    assert report.ok and report.employees_updated == 1
    employee.refresh_from_db()
    employee.user.refresh_from_db()
    assert employee.user.email == "new@example.com"
    assert (employee.user.first_name, employee.user.last_name) == ("New", "Name")
    assert employee.department == org["finance"]
    assert employee.line_manager is None  # the column is present and blank


@pytest.mark.django_db
def test_absent_optional_columns_leave_fields_alone(employee, manager):
    employee.locale = "fr"
    employee.save()
    header = "employee_number,email,first_name,last_name,department_code"
    user = employee.user

    report = run(
        f"{employee.employee_number},{user.email},{user.first_name},{user.last_name},SALES-N",
        header=header,
    )

    assert report.employees_unchanged == 1
    employee.refresh_from_db()
    assert (employee.locale, employee.job_title) == ("fr", "Analyst")
    assert employee.line_manager == manager


@pytest.mark.django_db
def test_department_moves_to_a_new_parent_with_its_subtree(org, employee):
    child = Department.objects.add_child(
        Department.objects.get(code="SALES-N"), {"code": "SALES-N1", "name": "North 1"}
    )

    report = run(
        f"{employee.employee_number},{employee.user.email},Emp,P,SALES-N,Sales North,FIN,,,,",
    )

    assert report.ok
    assert report.departments_updated == 1
    assert report.changes[0] == "Department SALES-N: moved from SALES to FIN"
    assert parent_code("SALES-N") == "FIN"
    assert parent_code(child.code) == "SALES-N"
    assert Department.objects.get(code="SALES-N1").depth == 4
    assert_tree_is_sound()


@pytest.mark.django_db
def test_department_is_renamed_and_moved_to_the_top_level(org, employee):
    report = run(
        f"{employee.employee_number},{employee.user.email},Emp,P,SALES,Commercial,,,,,",
    )

    assert report.departments_updated == 1
    sales = Department.objects.get(code="SALES")
    assert sales.name == "Commercial"
    assert sales.is_root()
    assert parent_code("SALES-N") == "SALES"
    assert_tree_is_sound()


@pytest.mark.django_db
def test_departments_swap_parent_and_child_in_one_file(org, employee):
    # SALES-N moves to the top level and SALES goes below it.
    report = run(
        f"{employee.employee_number},{employee.user.email},Emp,P,SALES,Sales,SALES-N,,,,",
        "9,new@example.com,New,P,SALES-N,Sales North,,,,,",
    )

    assert report.ok, report.errors
    assert parent_code("SALES-N") is None
    assert parent_code("SALES") == "SALES-N"
    assert_tree_is_sound()


@pytest.mark.django_db
def test_rows_without_a_department_name_refer_to_the_department_only(org):
    report = run(
        "1,ann@example.com,Ann,A,NEW,New department,FIN,,,,",
        "2,bob@example.com,Bob,B,NEW,,,,,,",
        "3,cat@example.com,Cat,C,SALES,,,,,,",
    )

    assert report.ok, report.errors
    assert report.departments_created == 1
    assert report.departments_updated == 0
    assert parent_code("NEW") == "FIN"


@pytest.mark.django_db
def test_email_of_an_account_without_employee_profile_links_that_account(org):
    admin = UserFactory(email="admin@example.com")

    report = run("1,ADMIN@example.com,Ad,Min,FIN,,,,,,")

    assert report.ok and report.employees_created == 1
    assert "existing account linked" in report.changes[0]
    assert Employee.objects.get(employee_number="1").user == admin
    assert User.objects.filter(email="admin@example.com").count() == 1


# --- Errors: every one reported with its line, and nothing written -----------------------

ANN = "1,ann@example.com,Ann,A,HQ,Head office,,,CEO,en,2020-01-01"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            ["1,,Ann,A,HQ,Head office,,,,,"],
            [(2, "email is missing.")],
            id="missing-value",
        ),
        pytest.param(
            [ANN, "2,not-an-email,Bob,B,HQ,,,,,,"],
            [(3, "“not-an-email” is not a valid email address.")],
            id="bad-email",
        ),
        pytest.param(
            [ANN, "1,bob@example.com,Bob,B,HQ,,,,,,"],
            [(3, "The employee number 1 is already on line 2.")],
            id="duplicate-number",
        ),
        pytest.param(
            [ANN, "2,ANN@example.com,Bob,B,HQ,,,,,,"],
            [(3, "The email address ann@example.com is already on line 2.")],
            id="duplicate-email",
        ),
        pytest.param(
            [ANN, "2,employee@example.com,Bob,B,HQ,,,,,,"],
            [(3, "The email address employee@example.com already belongs to employee E")],
            id="email-of-another-employee",
        ),
        pytest.param(
            [ANN, "2,bob@example.com,Bob,B,HQ,,,404,,,"],
            [(3, "The line manager 404 is neither in the file nor already known.")],
            id="unknown-manager",
        ),
        pytest.param(
            [ANN, "2,bob@example.com,Bob,B,HQ,,,2,,,"],
            [(3, "An employee cannot be their own line manager.")],
            id="self-manager",
        ),
        pytest.param(
            [ANN, "2,bob@example.com,Bob,B,HQ,,,3,,,", "3,cat@example.com,Cat,C,HQ,,,2,,,"],
            [
                (3, "Line managers form a loop: 2 → 3 → 2."),
                (4, "Line managers form a loop: 2 → 3 → 2."),
            ],
            id="manager-cycle",
        ),
        pytest.param(
            [
                ANN,
                "2,bob@example.com,Bob,B,HQ,,,,,,31/01/2020",
                "3,cat@example.com,Cat,C,HQ,,,,,,2020-02-30",
            ],
            [
                (3, "“31/01/2020” is not a valid hire date: use YYYY-MM-DD."),
                (4, "“2020-02-30” is not a valid hire date: use YYYY-MM-DD."),
            ],
            id="bad-date",
        ),
        pytest.param(
            [ANN, "2,bob@example.com,Bob,B,HQ,,,,,de,"],
            [(3, "Unknown language “de”: use one of en, fr.")],
            id="unknown-locale",
        ),
        pytest.param(
            [ANN, "2,bob@example.com,Bob,B,NOWHERE,,,,,,"],
            [(3, "Department NOWHERE does not exist yet and no row gives its name")],
            id="new-department-without-name",
        ),
        pytest.param(
            [ANN, "2,bob@example.com,Bob,B,TEAM,Team,MISSING,,,,"],
            [(3, "The parent department MISSING of TEAM is unknown.")],
            id="unknown-parent-department",
        ),
        pytest.param(
            [ANN, "2,bob@example.com,Bob,B,HQ,Headquarters,,,,,"],
            [(3, "Department HQ is named “Headquarters” here but “Head office” on line 2.")],
            id="conflicting-department-name",
        ),
        pytest.param(
            [ANN, "2,bob@example.com,Bob,B,HQ,Head office,FIN,,,,"],
            [(3, "Department HQ is placed under FIN here but under the top level on line 2.")],
            id="conflicting-department-parent",
        ),
        pytest.param(
            [ANN, "2,bob@example.com,Bob,B,ACME,Acme,SALES-N,,,,"],
            [(3, "Departments would be inside each other: ACME → SALES-N → SALES → ACME.")],
            id="department-cycle-with-the-database",
        ),
        pytest.param(
            ["1,ann@example.com,Ann,A,X,X,Y,,,,", "2,bob@example.com,Bob,B,Y,Y,X,,,,"],
            [
                (2, "Departments would be inside each other: X → Y → X."),
                (3, "Departments would be inside each other: X → Y → X."),
            ],
            id="department-cycle-in-the-file",
        ),
        pytest.param(
            ["1,ann@example.com,Ann,A,X,X,X,,,,"],
            [(2, "Department X cannot be its own parent.")],
            id="department-own-parent",
        ),
        pytest.param(
            [ANN, "2,bob@example.com,Bob,B,HQ,,,,{},,".format("x" * 201)],
            [(3, "job_title is longer than 200 characters.")],
            id="too-long",
        ),
    ],
)
@pytest.mark.django_db
def test_a_bad_row_is_reported_with_its_line_and_nothing_changes(personas, lines, expected):
    before = snapshot()

    report = run(*lines)

    assert not report.ok
    assert len(report.errors) == len(expected), report.errors
    for error, (line, message) in zip(report.errors, expected, strict=True):
        assert error.line == line
        assert error.message.startswith(message), error.message
    assert snapshot() == before
    assert report.employees_created == report.departments_created == 0


@pytest.mark.django_db
def test_every_error_of_the_file_is_reported_at_once(personas):
    before = snapshot()

    report = run(
        "1,bad-email,Ann,A,HQ,Head office,,,,,",
        "2,bob@example.com,,B,HQ,,,9,,xx,tomorrow",
        "3,cat@example.com,Cat,C,HQ,,,,,,",  # fine
    )

    assert [(e.line, e.message) for e in report.errors] == [
        (2, "“bad-email” is not a valid email address."),
        (3, "first_name is missing."),
        (3, "Unknown language “xx”: use one of en, fr."),
        (3, "“tomorrow” is not a valid hire date: use YYYY-MM-DD."),
        (3, "The line manager 9 is neither in the file nor already known."),
    ]
    assert str(report.errors[0]) == "line 2: “bad-email” is not a valid email address."
    assert snapshot() == before


@pytest.mark.django_db
def test_valid_rows_are_not_written_when_another_row_is_bad(personas):
    before = snapshot()

    report = run(ANN, "2,bob@example.com,Bob,B,HQ,,,,,,not-a-date")

    assert not report.ok
    assert snapshot() == before
    assert not Employee.objects.filter(employee_number="1").exists()
    assert not Department.objects.filter(code="HQ").exists()


@pytest.mark.django_db
def test_missing_required_column_is_one_file_level_error(personas):
    before = snapshot()
    header = "employee_number,first_name,last_name,department_code"

    report = run("1,Ann,A,HQ", "2,,,", header=header)

    assert report.errors == [
        RowError(
            1,
            "Missing required column(s): email. The header row must name: employee_number, "
            "email, first_name, last_name, department_code.",
        )
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_manages_departments_with_an_unknown_code_is_an_error(personas):
    before = snapshot()

    report = run(
        "1,ann@example.com,Ann,A,FIN,,,,,,,FIN;NOPE;ALSO",
        header=HEADER + ",manages_departments",
    )

    assert report.errors == [
        RowError(2, "manages_departments names unknown department code(s): ALSO, NOPE.")
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        pytest.param(
            b"employee_number,email\n1,caf\xe9@example.com\n",
            "hr.csv",
            RowError(
                2,
                "The file is not UTF-8 text (unreadable byte on line 2). "
                "Save it as “CSV UTF-8” and try again.",
            ),
            id="not-utf8",
        ),
        pytest.param(
            b"PK\x03\x04 this is no workbook",
            "hr.xlsx",
            RowError(
                0, "The file is not a readable XLSX workbook. Save it again as .xlsx (or .csv)."
            ),
            id="corrupt-xlsx",
        ),
        pytest.param(
            csv_bytes(ANN),
            "hr.xlsx",
            RowError(
                0, "The file is not a readable XLSX workbook. Save it again as .xlsx (or .csv)."
            ),
            id="csv-named-xlsx",
        ),
        pytest.param(
            b"whatever",
            "hr.pdf",
            RowError(0, "“hr.pdf” is not a CSV or XLSX file: upload a .csv or .xlsx file."),
            id="unsupported-type",
        ),
        pytest.param(
            b"\n\n", "hr.csv", RowError(1, "The file is empty: it has no header row."), id="empty"
        ),
        pytest.param(
            csv_bytes(),
            "hr.csv",
            RowError(1, "The file has a header but no employee rows."),
            id="header-only",
        ),
        pytest.param(
            b"employee_number,email,email,first_name,last_name,department_code\n1,a,b,c,d,e\n",
            "hr.csv",
            RowError(1, "The column email appears twice."),
            id="duplicate-column",
        ),
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


# --- Dry run -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_reports_the_counts_of_a_real_run_and_changes_nothing(personas):
    e = personas["employee"]
    lines = [
        ANN,
        "2,bob@example.com,Bob,B,TEAM,Team,HQ,1,Lead,,",
        f"{e.employee_number},{e.user.email},Emp,P,SALES,Commercial,ACME,,Analyst,en,",
    ]
    before = snapshot()

    dry = run(*lines, dry_run=True, deactivate_missing=True)

    assert dry.ok and dry.dry_run
    assert snapshot() == before
    real = run(*lines, deactivate_missing=True)
    counts = [
        "rows",
        "employees_created",
        "employees_updated",
        "employees_unchanged",
        "employees_reactivated",
        "employees_deactivated",
        "departments_created",
        "departments_updated",
    ]
    assert [getattr(dry, name) for name in counts] == [getattr(real, name) for name in counts]
    assert [getattr(dry, name) for name in counts] == [3, 2, 1, 0, 0, 4, 2, 1]
    assert dry.changes == real.changes
    assert snapshot() != before


# --- Leavers -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_deactivate_missing_deactivates_leavers_and_keeps_their_rows(personas):
    kept = personas["employee"]
    user = kept.user

    report = run(
        f"{kept.employee_number},{user.email},{user.first_name},{user.last_name},SALES-N,,,,,,",
        header="employee_number,email,first_name,last_name,department_code,department_name,"
        "parent_department_code,x,y,z,w",
        deactivate_missing=True,
    )

    assert report.ok
    assert report.employees_deactivated == 4  # manager, outsider, hr, author
    assert Employee.objects.count() == 5
    leaver = Employee.objects.select_related("user").get(pk=personas["outsider"].pk)
    assert not leaver.user.is_active
    assert leaver.deactivated_at is not None
    assert leaver.department.code == "FIN"  # the profile is kept as it was
    kept.refresh_from_db()
    assert kept.user.is_active and kept.deactivated_at is None


@pytest.mark.django_db
def test_without_the_flag_missing_employees_stay_active(personas):
    report = run(ANN)

    assert report.employees_deactivated == 0
    assert User.objects.filter(is_active=False).count() == 0


@pytest.mark.django_db
def test_a_leaver_found_again_in_the_file_is_reactivated(personas):
    outsider = personas["outsider"]
    line = f"{outsider.employee_number},{outsider.user.email},Out,Sider,FIN,,,,Analyst,en,"
    run(ANN, deactivate_missing=True)
    outsider.refresh_from_db()
    assert outsider.deactivated_at is not None

    report = run(line)

    assert report.employees_reactivated == 1
    assert report.employees_updated == 0
    outsider.refresh_from_db()
    outsider.user.refresh_from_db()
    assert outsider.user.is_active
    assert outsider.deactivated_at is None
    assert outsider.user.first_name == "Out"


@pytest.mark.django_db
def test_the_acting_user_and_superusers_are_never_deactivated(personas):
    hr = personas["hr"]
    boss = EmployeeFactory(
        user=UserFactory(email="root@example.com", is_superuser=True),
        employee_number="ROOT",
    )

    report = run(ANN, deactivate_missing=True, acting_user=hr.user)

    assert report.employees_deactivated == 4  # employee, manager, outsider, author
    hr.user.refresh_from_db()
    boss.user.refresh_from_db()
    assert hr.user.is_active and boss.user.is_active
    assert len(report.notes) == 2
    assert any("your own account" in note and hr.employee_number in note for note in report.notes)
    assert any("superusers" in note and "ROOT" in note for note in report.notes)


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


# --- Department managers -----------------------------------------------------------------


@pytest.mark.django_db
def test_manages_departments_sets_exactly_the_listed_departments(personas, org):
    manager = personas["manager"]  # manages SALES
    user = manager.user
    header = HEADER + ",manages_departments"
    line = f"{manager.employee_number},{user.email},{user.first_name},{user.last_name},SALES,,,,"

    report = run(
        line + "Head of Sales,en,, FIN ; SALES-N ",
        "1,ann@example.com,Ann,A,FIN,,,,,,,FIN",
        header=header,
    )

    assert report.ok, report.errors
    assert report.employees_updated == 1
    assert set(user.managed_departments.values_list("code", flat=True)) == {"FIN", "SALES-N"}
    ann = User.objects.get(email="ann@example.com")
    assert list(ann.managed_departments.values_list("code", flat=True)) == ["FIN"]

    report = run(line + "Head of Sales,en,,", header=header)

    assert report.employees_updated == 1
    assert not user.managed_departments.exists()
    assert list(ann.managed_departments.values_list("code", flat=True)) == ["FIN"]


# --- Invitations -------------------------------------------------------------------------


@pytest.mark.django_db
def test_invitations_are_queued_on_commit_for_new_employees_only(
    personas, django_capture_on_commit_callbacks, mailoutbox
):
    e = personas["employee"]
    lines = [ANN, f"{e.employee_number},{e.user.email},Emp,P,SALES-N,,,,,,"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = run(*lines, send_invitations=True)

    assert report.employees_created == 1
    assert len(callbacks) == 1
    assert [message.to for message in mailoutbox] == [["ann@example.com"]]
    assert "/accounts/" in mailoutbox[0].body
    assert "/accounts/" in mailoutbox[0].alternatives[0][0]
    assert Employee.objects.get(employee_number="1").invited_at is not None


@pytest.mark.django_db
def test_no_invitations_on_dry_run_or_without_the_flag(
    personas, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(ANN, send_invitations=True, dry_run=True)
        run(ANN)

    assert callbacks == []
    assert mailoutbox == []


# --- Query counts ------------------------------------------------------------------------


def _new_team(size: int, offset: int = 0) -> list[str]:
    lead = f"{offset + 1},lead{offset}@example.com,Lead,L,SALES,Sales,ACME,,Lead,en,2020-01-01"
    return [lead] + [
        f"{offset + i},p{offset + i}@example.com,P,{i},SALES-N,Sales North,SALES,{offset + 1},"
        f"Rep,fr,2021-02-03"
        for i in range(2, size + 1)
    ]


@pytest.mark.parametrize("size", [20, 60])
@pytest.mark.django_db
def test_importing_does_not_query_per_employee(personas, django_assert_num_queries, size):
    # 1 savepoint, 3 reads (departments, employees, accounts without a profile),
    # 1 INSERT of users, 1 INSERT of employees (the lead and the team together),
    # 1 UPDATE of the team's line manager (the lead was inserted in the same statement),
    # 1 savepoint release.
    with django_assert_num_queries(8):
        report = run(*_new_team(size, offset=1000))
    assert report.employees_created == size

    lines = [line.replace("Rep,", "Senior rep,") for line in _new_team(size, offset=1000)]
    # savepoint, 3 reads, 1 UPDATE of the job titles, release.
    with django_assert_num_queries(6):
        report = run(*lines)
    assert report.employees_updated == size - 1


@pytest.mark.django_db
def test_import_queries_are_the_same_for_20_and_60_rows(personas):
    counts = []
    for size, offset in [(20, 1000), (60, 2000)]:
        with CaptureQueriesContext(connection) as queries:
            assert run(*_new_team(size, offset=offset), deactivate_missing=False).ok
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_accepts_a_django_upload_as_the_view_passes_it(org):
    upload = SimpleUploadedFile("Staff.CSV", csv_bytes(ANN), content_type="text/csv")

    report = employees_import(file=upload, filename=upload.name, dry_run=True)

    assert report.ok and report.employees_created == 1
