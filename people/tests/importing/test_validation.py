"""The import's validation phase: every error reported with its line, and nothing written."""

import pytest

from people.importing import RowError
from people.models import Department, Employee
from people.tests.importing.helpers import (
    ANN,
    HEADER,
    run,
    snapshot,
)

# --- Errors: every one reported with its line, and nothing written -----------------------


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


@pytest.mark.django_db
def test_nul_characters_are_row_errors_with_their_lines_and_nothing_is_written(personas):
    # PostgreSQL text cannot hold NUL: before, this was a DataError (a 500 on the page).
    before = snapshot()

    report = run(
        ANN,
        "2,bob@example.com,Bo\x00b,B,HQ,,,,,,",
        "3,cat@example.com,Cat,C,H\x00Q,Head\x00 office,,,Rep\x00,,",
        "4,dan@exam\x00ple.com,Dan,D,HQ,,,,,,",
    )

    assert [(e.line, e.message) for e in report.errors] == [
        (3, "first_name contains a NUL character."),
        (4, "department_code contains a NUL character."),
        (4, "department_name contains a NUL character."),
        (4, "job_title contains a NUL character."),
        (5, "email contains a NUL character."),
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_nul_in_an_ignored_column_is_harmless(personas):
    report = run(ANN + ",x\x00y", header=HEADER + ",notes")

    assert report.ok and report.employees_created == 1
