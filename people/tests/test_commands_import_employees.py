"""`manage.py import_employees FILE [--dry-run] [--deactivate-missing] [--send-invitations]`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from people.models import Department, Employee

HEADER = "employee_number,email,first_name,last_name,department_code,department_name,job_title"


@pytest.fixture
def hr_file(tmp_path):
    def write(*lines: str, name: str = "hr.csv"):
        path = tmp_path / name
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        return path

    return write


def import_employees(*args):
    out = StringIO()
    call_command("import_employees", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_imports_and_prints_a_summary(hr_file):
    path = hr_file("1,ann@example.com,Ann,A,HQ,Head office,CEO", "2,bob@example.com,Bob,B,HQ,,Rep")

    output = import_employees(path)

    assert "Rows read: 2" in output
    assert "Employees created: 2" in output
    assert "Departments created: 1" in output
    assert "New employee 1 Ann A <ann@example.com> in HQ" in output
    assert "The import is complete." in output
    assert Employee.objects.count() == 2
    assert Department.objects.filter(code="HQ", name="Head office").exists()


@pytest.mark.django_db
def test_command_dry_run_changes_nothing(hr_file):
    path = hr_file("1,ann@example.com,Ann,A,HQ,Head office,CEO")

    output = import_employees(path, "--dry-run")

    assert "Employees created: 1" in output
    assert "Dry run: nothing was changed." in output
    assert not Employee.objects.exists()
    assert not Department.objects.exists()


@pytest.mark.django_db
def test_command_prints_every_error_and_fails(hr_file):
    path = hr_file("1,not-an-email,Ann,A,HQ,Head office,CEO", "1,bob@example.com,Bob,B,HQ,,")
    out = StringIO()

    with pytest.raises(CommandError, match="has 2 error"):
        call_command("import_employees", str(path), stdout=out)

    assert out.getvalue().splitlines() == [
        "line 2: “not-an-email” is not a valid email address.",
        "line 3: The employee number 1 is already on line 2.",
    ]
    assert not Employee.objects.exists()


@pytest.mark.django_db
def test_command_fails_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_employees(tmp_path / "nope.csv")


@pytest.mark.django_db
def test_command_fails_on_an_unreadable_file(tmp_path):
    path = tmp_path / "hr.xlsx"
    path.write_bytes(b"not a workbook")
    out = StringIO()

    with pytest.raises(CommandError, match="has 1 error"):
        call_command("import_employees", str(path), stdout=out)

    assert "not a readable XLSX workbook" in out.getvalue()


@pytest.mark.django_db
def test_command_deactivates_missing_employees_on_request(hr_file, employee):
    path = hr_file("1,ann@example.com,Ann,A,HQ,Head office,CEO")

    output = import_employees(path, "--deactivate-missing")

    assert "Employees deactivated: 2" in output  # `employee` and their manager
    employee.user.refresh_from_db()
    assert not employee.user.is_active


@pytest.mark.django_db
def test_command_sends_invitations_on_request(
    hr_file, django_capture_on_commit_callbacks, mailoutbox
):
    path = hr_file("1,ann@example.com,Ann,A,HQ,Head office,CEO")

    with django_capture_on_commit_callbacks(execute=True):
        import_employees(path, "--send-invitations")

    assert [message.to for message in mailoutbox] == [["ann@example.com"]]
