"""The import's planning phase: dry runs, counts, examples and leavers."""

import pytest

from people.models import Employee, User
from people.tests.factories import EmployeeFactory, UserFactory
from people.tests.importing.helpers import (
    ANN,
    run,
    snapshot,
)

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
