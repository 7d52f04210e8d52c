"""`people.bulk`: the one write path for departments, employees and managers in quantity
(the HR import and the demo organisation both use it)."""

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.bulk import (
    NewDepartment,
    NewPerson,
    department_managers_bulk_change,
    departments_bulk_create,
    people_bulk_create,
)
from people.models import Department, Employee
from people.tests.importing.helpers import assert_tree_is_sound, parent_code


@pytest.mark.django_db
def test_new_departments_are_appended_under_existing_and_new_parents(org):
    # A gap in SALES's children (a deleted department) must not make paths collide.
    Department.objects.add_child(org["sales"], {"code": "SALES-S", "name": "South"})
    Department.objects.get(code="SALES-N").delete()

    ids = departments_bulk_create(
        departments=[
            NewDepartment("OPS", "Operations"),
            NewDepartment("SALES-W", "West", "SALES"),
            NewDepartment("OPS-1", "Depot", "OPS"),
            NewDepartment("OPS-2", "Fleet", "OPS"),
            NewDepartment("OPS-1-A", "Night shift", "OPS-1"),
        ]
    )

    assert set(ids) == {"OPS", "SALES-W", "OPS-1", "OPS-2", "OPS-1-A"}
    assert ids["OPS-1"] == Department.objects.get(code="OPS-1").pk
    assert parent_code("OPS") is None
    assert parent_code("SALES-W") == "SALES"
    assert parent_code("OPS-1-A") == "OPS-1"
    children = Department.objects.get_children
    ops, sales = Department.objects.get(code="OPS"), Department.objects.get(code="SALES")
    assert [d.code for d in children(ops)] == ["OPS-1", "OPS-2"]
    assert [d.code for d in children(sales)] == ["SALES-S", "SALES-W"]
    assert (sales.numchild, ops.numchild) == (2, 2)
    assert_tree_is_sound()


@pytest.mark.django_db
def test_a_department_whose_parent_comes_later_is_refused(org):
    with pytest.raises(ValueError, match="NEW-1: parent NEW"):
        departments_bulk_create(
            departments=[NewDepartment("NEW-1", "Child", "NEW"), NewDepartment("NEW", "Parent")]
        )


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.django_db
def test_department_inserts_do_not_query_per_department(org, django_assert_num_queries, size):
    departments = [NewDepartment(f"T{n}", f"Team {n}", "SALES") for n in range(size)]
    # The current tree, one INSERT (fewer than 500 rows), one UPDATE of SALES's numchild.
    with django_assert_num_queries(3):
        departments_bulk_create(departments=departments)
    assert Department.objects.get(code="SALES").numchild == size + 1
    assert_tree_is_sound()


@pytest.mark.django_db
def test_people_are_created_managers_first_with_their_line_managers(org, employee):
    now = timezone.now()
    sales = org["sales"].pk
    people = [
        # Reports before their managers, a chain of three new people under an existing one.
        NewPerson("3", "c@example.com", "C", "Three", sales, line_manager="2"),
        NewPerson("2", "b@example.com", "B", "Two", sales, line_manager="1"),
        NewPerson("1", "a@example.com", "A", "One", sales, line_manager=employee.employee_number),
        NewPerson("4", "d@example.com", "D", "Four", sales, job_title="Rep", locale="fr"),
    ]

    created = people_bulk_create(
        people=people, known_ids={employee.employee_number: employee.pk}, now=now
    )

    assert [e.employee_number for e in created] == ["3", "2", "1", "4"]
    managers = dict(
        Employee.objects.filter(employee_number__in="1234").values_list(
            "employee_number", "line_manager__employee_number"
        )
    )
    assert managers == {"1": employee.employee_number, "2": "1", "3": "2", "4": None}
    four = Employee.objects.select_related("user").get(employee_number="4")
    assert (four.job_title, four.locale, four.user.email) == ("Rep", "fr", "d@example.com")
    assert four.user.is_active and not is_password_usable(four.user.password)


@pytest.mark.parametrize("size", [150, 450])
@pytest.mark.django_db
def test_people_queries_grow_with_batches_not_people(org, size):
    # Managers first: a lead with `size - 1` reports, and `size` people under the lead.
    sales = org["sales"].pk
    people = [NewPerson("L", "lead@example.com", "Lead", "L", sales)] + [
        NewPerson(f"P{n}", f"p{n}@example.com", "P", str(n), sales, line_manager="L")
        for n in range(size - 1)
    ]
    with CaptureQueriesContext(connection) as queries:
        people_bulk_create(people=people, known_ids={}, now=timezone.now())
    # SQLite: 999 parameters per statement, ~111 users or ~90 employees per INSERT.
    assert len(queries) <= 2 * (size // 90 + 2)
    assert Employee.objects.filter(line_manager__employee_number="L").count() == size - 1


@pytest.mark.django_db
def test_manager_links_are_added_and_removed(org, manager, employee):
    through = Department.managers.through
    link = through.objects.get(user=manager.user)

    department_managers_bulk_change(add=[(org["finance"].pk, employee.user_id)], remove=[link.pk])

    assert list(through.objects.values_list("department__code", "user_id")) == [
        ("FIN", employee.user_id)
    ]
