"""The import's applying phase: what a real run writes, and in how many queries."""

import datetime

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Department, Employee, User
from people.tests.factories import UserFactory
from people.tests.importing.helpers import (
    ANN,
    HEADER,
    assert_tree_is_sound,
    parent_code,
    run,
    snapshot,
)

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
    # The invitations, and the `employees_imported` announcement (assignments sync).
    assert len(callbacks) == 2
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

    # Only the real run announces itself (`employees_imported`); nobody is invited.
    assert len(callbacks) == 1
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
    # 1 INSERT into the outbox (`employees_imported`: the assignment sync), 1 release.
    with django_assert_num_queries(9):
        report = run(*_new_team(size, offset=1000))
    assert report.employees_created == size

    lines = [line.replace("Rep,", "Senior rep,") for line in _new_team(size, offset=1000)]
    # savepoint, 3 reads, 1 UPDATE of the job titles, the outbox INSERT, release.
    with django_assert_num_queries(7):
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
