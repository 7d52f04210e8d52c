"""The one scoping rule: which employees may a user see."""

import pytest
from django.contrib.auth.models import AnonymousUser

from people.selectors import (
    can_view_employee,
    departments_visible_to,
    employee_directory,
    employees_visible_to,
)
from people.tests.factories import DepartmentFactory, EmployeeFactory


def visible_numbers(user):
    return set(employees_visible_to(user).values_list("employee_number", flat=True))


def assert_both_faces_agree(user, everyone):
    visible = visible_numbers(user)
    for person in everyone:
        assert can_view_employee(user, person) == (person.employee_number in visible), person


@pytest.fixture
def tree(db):
    """Root ─ A ─ A1 ─ A1x ; Root ─ B ─ B1 ; Root ─ C (sibling of A whose code shares a prefix)."""
    root = DepartmentFactory(code="ROOT", name="Root")
    a = DepartmentFactory(code="A", name="A", parent=root)
    a1 = DepartmentFactory(code="A1", name="A1", parent=a)
    a1x = DepartmentFactory(code="A1X", name="A1x", parent=a1)
    root.refresh_from_db()
    b = DepartmentFactory(code="B", name="B", parent=root)
    b1 = DepartmentFactory(code="B1", name="B1", parent=b)
    root.refresh_from_db()
    c = DepartmentFactory(code="C", name="C", parent=root)
    people = {
        name: EmployeeFactory(department=dept, employee_number=name)
        for name, dept in {
            "root": root,
            "a": a,
            "a1": a1,
            "a1x": a1x,
            "b": b,
            "b1": b1,
            "c": c,
        }.items()
    }
    return {"root": root, "a": a, "a1": a1, "a1x": a1x, "b": b, "b1": b1, "c": c}, people


def test_manager_sees_their_department_and_every_nested_department(tree):
    departments, people = tree
    boss = EmployeeFactory(department=departments["root"], employee_number="boss")
    departments["a"].managers.add(boss.user)
    assert visible_numbers(boss.user) == {"a", "a1", "a1x", "boss"}
    assert_both_faces_agree(boss.user, people.values())


def test_manager_of_a_deep_department_does_not_see_upwards_or_sideways(tree):
    departments, people = tree
    departments["a1"].managers.add(people["a"].user)
    assert visible_numbers(people["a"].user) == {"a", "a1", "a1x"}
    assert not can_view_employee(people["a"].user, people["root"])
    assert not can_view_employee(people["a"].user, people["c"])


def test_several_managed_subtrees_are_united_and_nested_ones_not_doubled(tree):
    departments, people = tree
    boss = EmployeeFactory(department=departments["c"], employee_number="boss")
    for code in ("a1", "a1x", "b"):
        departments[code].managers.add(boss.user)
    assert visible_numbers(boss.user) == {"a1", "a1x", "b", "b1", "boss"}
    assert employees_visible_to(boss.user).count() == 5  # no duplicates from the union
    assert_both_faces_agree(boss.user, people.values())


def test_employee_who_is_also_a_manager_sees_their_team_and_themselves(tree):
    departments, people = tree
    departments["b1"].managers.add(people["b1"].user)
    assert visible_numbers(people["b1"].user) == {"b1"}
    other = EmployeeFactory(department=departments["b1"], employee_number="b1-2")
    assert visible_numbers(people["b1"].user) == {"b1", "b1-2"}
    assert can_view_employee(people["b1"].user, other)


def test_plain_employee_sees_only_themselves(tree):
    _, people = tree
    assert visible_numbers(people["a1"].user) == {"a1"}
    assert_both_faces_agree(people["a1"].user, people.values())
    assert not departments_visible_to(people["a1"].user).exists()


def test_deactivated_manager_sees_nobody(tree):
    departments, people = tree
    departments["a"].managers.add(people["a"].user)
    people["a"].user.is_active = False
    people["a"].user.save()
    assert visible_numbers(people["a"].user) == set()
    assert not can_view_employee(people["a"].user, people["a1"])


def test_leavers_stay_visible_in_scope_but_leave_the_directory_by_default(tree):
    departments, people = tree
    departments["a"].managers.add(people["a"].user)
    people["a1"].user.is_active = False
    people["a1"].user.save()
    assert "a1" in visible_numbers(people["a"].user)
    directory = employee_directory(people["a"].user)
    assert "a1" not in {e.employee_number for e in directory}
    with_leavers = employee_directory(people["a"].user, include_leavers=True)
    assert "a1" in {e.employee_number for e in with_leavers}


def test_hr_sees_everyone(tree, hr):
    _, people = tree
    assert visible_numbers(hr.user) >= set(people)
    assert all(can_view_employee(hr.user, person) for person in people.values())
    assert departments_visible_to(hr.user).count() >= 7


def test_anonymous_sees_nobody(tree):
    _, people = tree
    assert not employees_visible_to(AnonymousUser()).exists()
    assert not can_view_employee(AnonymousUser(), people["root"])


def test_moving_a_department_moves_the_scope(tree):
    departments, people = tree
    departments["a"].managers.add(people["a"].user)
    type(departments["b1"]).objects.move(departments["b1"], departments["a1"], "last-child")
    user = type(people["a"].user).objects.get(pk=people["a"].user.pk)  # fresh: no cached scope
    assert "b1" in visible_numbers(user)


def test_directory_search_and_department_filter(tree, hr):
    departments, people = tree
    people["b1"].user.last_name = "Zanzibar"
    people["b1"].user.save()
    found = employee_directory(hr.user, query="zanz")
    assert [e.employee_number for e in found] == ["b1"]
    in_b = {e.employee_number for e in employee_directory(hr.user, department=departments["b"])}
    assert in_b == {"b", "b1"}
