"""The one-person door into the import (`employee_upsert`, `employee_deactivate`): the
same validation, planning and writing as a file, nobody else treated as a leaver, and
a state loaded for that person only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import OutboxTask
from people.importing import employee_deactivate, employee_upsert
from people.models import Employee, User
from people.tests.factories import EmployeeFactory, UserFactory
from people.tests.importing.helpers import snapshot


def _values(**overrides):
    values = {
        "employee_number": "9001",
        "email": "Nina@Example.com",
        "first_name": "Nina",
        "last_name": "New",
        "department_code": "SALES-N",
        "line_manager_number": "",
        "job_title": "Rep",
        "locale": "fr",
    }
    return {**values, **overrides}


@pytest.mark.django_db
def test_a_new_person_is_created_like_a_file_row(personas):
    manager = personas["manager"]

    report = employee_upsert(values=_values(line_manager_number=manager.employee_number))

    assert report.ok and report.employees_created == 1
    nina = Employee.objects.select_related("user", "department").get(employee_number="9001")
    assert report.created_ids == [nina.pk]
    assert nina.user.email == "nina@example.com"
    assert (nina.department.code, nina.line_manager_id, nina.locale) == (
        "SALES-N",
        manager.pk,
        "fr",
    )
    assert nina.user.is_active and not nina.user.has_usable_password()
    # Nobody else is a leaver.
    assert User.objects.filter(is_active=False).count() == 0


@pytest.mark.django_db
def test_an_update_changes_only_that_person_and_announces_the_transfer(personas):
    employee = personas["employee"]
    values = _values(
        employee_number=employee.employee_number,
        email=employee.user.email,
        first_name=employee.user.first_name,
        last_name=employee.user.last_name,
        department_code="FIN",
        job_title=employee.job_title,
        locale="en",
        line_manager_number=personas["manager"].employee_number,
    )
    outbox_before = OutboxTask.objects.count()

    report = employee_upsert(values=values)

    assert (report.employees_updated, report.employees_created) == (1, 0)
    employee.refresh_from_db()
    assert employee.department.code == "FIN"
    # The assignment sync is queued, as after a file import (`employees_imported`).
    assert (
        OutboxTask.objects.filter(task_name="assignments.tasks.assignments_sync").count()
        == (OutboxTask.objects.count() - outbox_before)
        == 1
    )


@pytest.mark.django_db
def test_an_optional_column_left_out_is_left_alone(personas):
    employee = personas["employee"]
    values = _values(
        employee_number=employee.employee_number,
        email=employee.user.email,
        first_name="Renamed",
        last_name=employee.user.last_name,
        department_code="SALES-N",
    )
    del values["line_manager_number"], values["job_title"], values["locale"]

    assert employee_upsert(values=values).employees_updated == 1

    employee.refresh_from_db()
    assert employee.user.first_name == "Renamed"
    assert employee.line_manager_id == personas["manager"].pk
    assert employee.job_title == "Analyst"


@pytest.mark.django_db
def test_a_deactivated_person_is_reactivated(personas):
    employee = personas["employee"]
    assert employee_deactivate(employee_number=employee.employee_number).employees_deactivated
    values = _values(
        employee_number=employee.employee_number,
        email=employee.user.email,
        first_name=employee.user.first_name,
        last_name=employee.user.last_name,
    )

    report = employee_upsert(values=values)

    assert report.employees_reactivated == 1
    employee.refresh_from_db()
    assert employee.user.is_active and employee.deactivated_at is None


@pytest.mark.parametrize(
    ("overrides", "message", "kind"),
    [
        (
            {"department_code": "NOPE"},
            "Department NOPE does not exist yet and no row gives its name (department_name).",
            "unknown_department",
        ),
        (
            {"email": "manager@example.com"},
            "The email address manager@example.com already belongs to employee",
            "uniqueness",
        ),
        ({"locale": "xx"}, "Unknown language “xx”: use one of en, fr.", ""),
        (
            {"line_manager_number": "404"},
            "The line manager 404 is neither in the file nor already known.",
            "",
        ),
        ({"first_name": ""}, "first_name is missing.", ""),
    ],
)
@pytest.mark.django_db
def test_bad_values_are_refused_as_in_a_file_and_change_nothing(personas, overrides, message, kind):
    before = snapshot()

    report = employee_upsert(values=_values(**overrides))

    assert not report.ok
    assert [error.kind for error in report.errors] == [kind]
    assert report.errors[0].message.startswith(message)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_line_manager_loop_is_refused(personas):
    manager, employee = personas["manager"], personas["employee"]
    # `employee` reports to `manager`; making `manager` report to `employee` is a loop.
    values = _values(
        employee_number=manager.employee_number,
        email=manager.user.email,
        first_name=manager.user.first_name,
        last_name=manager.user.last_name,
        department_code="SALES",
        line_manager_number=employee.employee_number,
    )
    before = snapshot()

    report = employee_upsert(values=values)

    assert [error.message for error in report.errors] == [
        f"Line managers form a loop: {manager.employee_number} → "
        f"{employee.employee_number} → {manager.employee_number}."
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_long_chain_above_is_followed_for_loops(org):
    # 1 <- 2 <- 3 <- 4 <- 5: making 1 report to 5 closes a loop five levels up.
    previous = None
    for number in "12345":
        previous = EmployeeFactory(
            employee_number=number, department=org["sales"], line_manager=previous
        )
    top = Employee.objects.select_related("user").get(employee_number="1")
    values = _values(
        employee_number="1",
        email=top.user.email,
        first_name=top.user.first_name,
        last_name=top.user.last_name,
        department_code="SALES",
        line_manager_number="5",
    )

    report = employee_upsert(values=values)

    assert "Line managers form a loop: 1 → 5 → 4 → 3 → 2 → 1." in report.errors[0].message


@pytest.mark.django_db
def test_an_account_without_a_profile_is_linked_as_by_a_file(org):
    admin = UserFactory(email="nina@example.com")

    assert employee_upsert(values=_values()).employees_created == 1

    assert Employee.objects.get(employee_number="9001").user_id == admin.pk


@pytest.mark.django_db
def test_deactivating_keeps_history_and_spares_superusers(personas):
    employee = personas["employee"]
    before = Employee.objects.count()

    report = employee_deactivate(employee_number=employee.employee_number)

    assert report.employees_deactivated == 1
    employee.refresh_from_db()
    assert not employee.user.is_active and employee.deactivated_at is not None
    assert Employee.objects.count() == before
    again = employee_deactivate(employee_number=employee.employee_number)
    assert again.employees_deactivated == 0 and not again.has_changes

    boss = personas["hr"]
    User.objects.filter(pk=boss.user_id).update(is_superuser=True)
    refused = employee_deactivate(employee_number=boss.employee_number)
    assert refused.employees_deactivated == 0 and refused.notes
    assert User.objects.get(pk=boss.user_id).is_active
    with pytest.raises(Employee.DoesNotExist):
        employee_deactivate(employee_number="nobody")


@pytest.mark.django_db
def test_one_person_costs_the_same_whatever_the_size_of_the_company(personas):
    def queries_for_one(number):
        values = _values(
            employee_number=number,
            email=f"p{number}@example.com",
            line_manager_number=personas["employee"].employee_number,
        )
        with CaptureQueriesContext(connection) as queries:
            assert employee_upsert(values=values).employees_created == 1
        return len(queries)

    small = queries_for_one("7001")
    for _index in range(40):
        EmployeeFactory(department=personas["employee"].department)
    # Savepoint; reads: departments, the person and their manager, the managers above
    # (one query per level: `manager`, then none), accounts without a profile; writes:
    # the user, the employee, the outbox row (assignment sync); release.
    assert queries_for_one("7002") == small == 9
