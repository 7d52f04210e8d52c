"""`manage.py seed_demo` and the service behind it, `people.demo.demo_organisation_seed`."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DemoSeedError,
    _plan,
    demo_organisation_seed,
)
from people.models import Department, Employee, User
from people.roles import AUTHORS_GROUP, HR_GROUP
from people.selectors import employees_visible_to

DEMO_EMAILS = [spec.email for spec in DEMO_LOGINS]


@pytest.fixture
def demo(db):
    return demo_organisation_seed(employees=150, seed=2026)


def _employee(email):
    return Employee.objects.select_related("department").get(user__email=email)


def _snapshot():
    """Everything the seed writes, in a comparable form."""
    return {
        "departments": list(
            Department.objects.order_by("path").values_list("code", "name", "path", "numchild")
        ),
        "employees": list(
            Employee.objects.order_by("employee_number").values_list(
                "employee_number",
                "user__email",
                "user__first_name",
                "user__last_name",
                "department__code",
                "line_manager__employee_number",
                "job_title",
                "locale",
                "hired_on",
            )
        ),
        "managers": sorted(
            Department.managers.through.objects.values_list("department__code", "user__email")
        ),
        "groups": sorted(User.groups.through.objects.values_list("group__name", "user__email")),
        "passwords": dict(
            User.objects.filter(email__in=DEMO_EMAILS).values_list("email", "password")
        ),
        "users": User.objects.count(),
    }


def _wipe():
    Employee.objects.all().delete()
    Department.objects.all().delete()
    User.objects.all().delete()


def test_same_seed_builds_the_same_organisation(db):
    demo_organisation_seed(employees=150, seed=7)
    first = _snapshot()
    _wipe()
    demo_organisation_seed(employees=150, seed=7)
    second = _snapshot()
    first.pop("passwords"), second.pop("passwords")  # salted hashes differ, by design
    assert first == second


def test_a_different_seed_gives_different_people(db):
    demo_organisation_seed(employees=150, seed=7)
    emails = set(User.objects.values_list("email", flat=True))
    _wipe()
    demo_organisation_seed(employees=150, seed=8)
    assert set(User.objects.values_list("email", flat=True)) != emails


def test_known_values_of_the_default_seed(demo):
    codes = set(Department.objects.values_list("code", flat=True))
    assert {"EXC", "EXC-SAL", "EXC-MKT", "EXC-ENG", "EXC-OPS", "EXC-FIN", "EXC-HR"} <= codes
    assert {"EXC-LEG", "EXC-CS", "EXC-SAL-UK", "EXC-SAL-UK-01", "EXC-SAL-FR-01"} <= codes
    assert Department.objects.get(code="EXC").name == "Example Corp"
    assert Department.objects.get(code="EXC-SAL-UK-01").name == "Enterprise Accounts"
    ceo = Employee.objects.select_related("user").get(employee_number="D000001")
    assert ceo.job_title == "Chief Executive Officer"
    assert ceo.line_manager is None
    assert Employee.objects.get(user__email="manager@example.com").employee_number == "D000010"


def test_tree_has_four_levels_and_is_consistent(demo):
    assert set(Department.objects.values_list("depth", flat=True)) == {1, 2, 3, 4}
    assert demo.levels == 4
    assert Department.objects.filter(depth=2).count() == 8
    # treebeard agrees with the paths, depths and child counts built by hand.
    assert all(not problems for problems in Department.objects.find_problems())


def test_every_department_has_a_manager_who_works_there(demo):
    assert not Department.objects.filter(managers__isnull=True).exists()
    for department in Department.objects.prefetch_related("managers__employee"):
        (manager,) = department.managers.all()
        assert manager.employee.department_id == department.pk


def test_line_managers_follow_the_tree(demo):
    employees = Employee.objects.select_related("department", "line_manager__user")
    heads = dict(Department.managers.through.objects.values_list("department_id", "user_id"))
    parents = {d.pk: Department.objects.get_parent(d) for d in Department.objects.all()}
    for employee in employees:
        head = heads[employee.department_id]
        if employee.user_id == head:  # a manager reports to the parent's manager
            parent = parents[employee.department_id]
            expected = heads[parent.pk] if parent else None
        else:
            expected = head
        assert (employee.line_manager.user_id if employee.line_manager else None) == expected


def test_people_look_real(demo):
    emails = list(User.objects.values_list("email", flat=True))
    assert len(emails) == len(set(emails)) == 150
    assert all(email.isascii() and email == email.lower() for email in emails)
    today = timezone.localdate()
    for employee in Employee.objects.select_related("department", "user"):
        assert employee.employee_number.startswith("D") and len(employee.employee_number) == 7
        assert employee.job_title
        assert 0 <= (today - employee.hired_on).days <= 3650
        in_france = employee.department.code.split("-")[2:3] == ["FR"]
        if employee.user.email not in DEMO_EMAILS:
            assert employee.locale == ("fr" if in_france else "en")
            assert employee.user.email.endswith(f".{int(employee.employee_number[1:])}@example.com")
        assert employee.invited_at is not None  # the invitation job leaves demo people alone


def test_hr_division_is_hr_and_a_couple_of_authors(demo):
    hr_people = Employee.objects.filter(user__groups__name=HR_GROUP)
    assert (
        hr_people.count() == Employee.objects.filter(department__code__startswith="EXC-HR").count()
    )
    assert not hr_people.exclude(department__code__startswith="EXC-HR").exists()
    authors = User.objects.filter(groups__name=AUTHORS_GROUP)
    assert set(authors.values_list("email", flat=True)) >= {"author@example.com"}
    assert authors.count() == 3
    assert not User.objects.filter(groups__isnull=False, is_staff=False).exists()


@pytest.mark.parametrize("email", DEMO_EMAILS)
def test_demo_logins_authenticate_with_the_demo_password(demo, email):
    user = authenticate(email=email, password=DEMO_PASSWORD)
    assert user is not None and user.email == email


def test_only_demo_logins_have_a_password_hashed_once(demo):
    others = User.objects.exclude(email__in=DEMO_EMAILS)
    assert not any(user.has_usable_password() for user in others)
    assert (
        len(set(User.objects.filter(email__in=DEMO_EMAILS).values_list("password", flat=True))) == 1
    )


def test_demo_manager_manages_a_department_with_sub_departments(demo):
    manager = User.objects.get(email="manager@example.com")
    (department,) = manager.managed_departments.all()
    assert department.code == "EXC-SAL-UK" and department.depth == 3
    assert Department.objects.get_children(department).count() >= 2
    assert manager.employee.department == department
    assert demo.manager_department == department.name == "Sales UK"


def test_demo_manager_sees_their_subtree_only(demo):
    manager = User.objects.get(email="manager@example.com")
    visible = employees_visible_to(manager)
    employee = _employee("employee@example.com")
    assert employee.department.depth == 4
    assert employee.department.code.startswith("EXC-SAL-UK-")
    assert visible.filter(pk=employee.pk).exists()
    engineer = Employee.objects.filter(department__code__startswith="EXC-ENG").first()
    assert not visible.filter(pk=engineer.pk).exists()
    sales_france = Employee.objects.filter(department__code__startswith="EXC-SAL-FR").first()
    assert not visible.filter(pk=sales_france.pk).exists()
    assert (
        visible.count()
        == Employee.objects.filter(department__code__startswith="EXC-SAL-UK").count()
    )


def test_demo_hr_sees_everyone_and_author_writes(demo):
    hr = User.objects.get(email="hr@example.com")
    assert hr.groups.filter(name=HR_GROUP).exists() and hr.is_staff
    assert _employee("hr@example.com").department.code.startswith("EXC-HR")
    assert employees_visible_to(hr).count() == Employee.objects.count() == 150
    author = User.objects.get(email="author@example.com")
    assert author.has_perm("people.author_content") and author.is_staff
    employee = User.objects.get(email="employee@example.com")
    assert not employee.groups.exists() and not employee.managed_departments.exists()


def test_running_twice_changes_nothing(demo):
    before = _snapshot()
    again = demo_organisation_seed(employees=999, seed=1)
    assert _snapshot() == before
    assert not again.created and again.repaired == ()
    assert (again.departments, again.employees) == (demo.departments, demo.employees)


def test_rerun_repairs_the_demo_logins(demo):
    before = _snapshot()
    manager = User.objects.get(email="manager@example.com")
    manager.set_unusable_password()
    manager.save()
    manager.managed_departments.clear()
    hr = User.objects.get(email="hr@example.com")
    hr.groups.clear()
    User.objects.filter(email="employee@example.com").update(is_active=False)
    author = _employee("author@example.com")
    author_user = author.user
    author.delete()
    author_user.delete()

    summary = demo_organisation_seed(employees=150)

    assert set(summary.repaired) == set(DEMO_EMAILS)
    for email in DEMO_EMAILS:
        assert authenticate(email=email, password=DEMO_PASSWORD) is not None
    assert Department.objects.get(code="EXC-SAL-UK").managers.filter(pk=manager.pk).exists()
    assert hr.groups.filter(name=HR_GROUP).exists()
    author = _employee("author@example.com")
    assert author.department.code == "EXC-MKT-UK-01"
    assert author.user.groups.filter(name=AUTHORS_GROUP).exists()
    assert author.line_manager is not None
    assert User.objects.count() == before["users"]
    assert demo_organisation_seed(employees=150).repaired == ()


def test_an_existing_demo_address_is_reused_not_duplicated(db):
    User.objects.create_user("Manager@Example.com", first_name="Old", last_name="Account")
    summary = demo_organisation_seed(employees=150)
    assert summary.repaired == ("manager@example.com",)
    assert User.objects.count() == 151  # 150 generated people plus the existing account
    manager = User.objects.get(email="manager@example.com")
    assert manager.managed_departments.get().code == "EXC-SAL-UK"
    assert authenticate(email="manager@example.com", password=DEMO_PASSWORD) == manager


def test_seeding_queries_grow_with_batches_not_people(db):
    # Constant: savepoints; the root (treebeard: 2 SELECTs, INSERT, numchild UPDATE); one
    # department INSERT; the demo-address lookup; the role groups; the repair step (its
    # departments, groups, users, then groups, managed departments and profile per demo
    # login); the demo logins' authenticator apps (their users, their apps, one INSERT);
    # the summary (6). Growing with size: one INSERT per batch of users (111 rows
    # on SQLite's 999 parameters), of employees in each of the 5 tiers (99 rows), of
    # manager and group memberships. 100 -> 300 employees adds about four batches, never
    # a query per person.
    with CaptureQueriesContext(connection) as small:
        demo_organisation_seed(employees=100)
    _wipe()
    with CaptureQueriesContext(connection) as large:
        demo_organisation_seed(employees=300)
    assert len(small) <= 48
    assert len(large) - len(small) <= 6


def test_dry_run_saves_nothing(db):
    summary = demo_organisation_seed(employees=100, dry_run=True)
    assert summary.employees == 100 and summary.dry_run
    assert not Department.objects.exists() and not User.objects.exists()


def test_too_few_employees_is_refused(db):
    with pytest.raises(DemoSeedError, match="needs at least"):
        demo_organisation_seed(employees=20)
    assert not Department.objects.exists()


@pytest.mark.parametrize("employees", [200, 1_000, 50_000])
def test_team_sizes_scale_with_the_company(employees):
    plan = _plan(employees=employees, seed=2026)
    teams = [d for d in plan.departments if d.level == 4]
    assert len(plan.people) == employees
    assert len({d.code for d in plan.departments}) == len(plan.departments)
    if employees >= 1_000:
        average = (employees - len(plan.departments)) / len(teams) + 1  # members + the lead
        assert 40 <= average <= 80
    assert len(plan.departments) < 800


def test_command_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    call_command("seed_demo", "--employees", "60", "--allow-without-debug", stdout=StringIO())
    assert User.objects.count() == 60


def test_command_prints_the_summary_and_the_demo_logins(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--employees", "120", stdout=out)
    output = out.getvalue()
    assert "120 employees" in output
    assert "Demo logins (password: ambassador-demo):" in output
    assert "  employee@example.com  — employee\n" in output
    assert "  manager@example.com   — manager of Sales UK and its sub-departments\n" in output
    assert "  hr@example.com        — HR admin\n" in output
    assert "  author@example.com    — content author\n" in output

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "already exists" in out.getvalue()
    assert Employee.objects.count() == 120


def test_command_is_quiet_at_verbosity_0(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", employees=40, verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert Employee.objects.count() == 40


def test_command_rejects_bad_sizes(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="needs at least"):
        call_command("seed_demo", "--employees", "10", stdout=StringIO())
    with pytest.raises(CommandError, match="between"):
        call_command("seed_demo", "--employees", "0", stdout=StringIO())


def test_seed_needs_the_role_groups(db):
    Group.objects.filter(name=HR_GROUP).delete()
    with pytest.raises(DemoSeedError, match="migrate"):
        demo_organisation_seed(employees=100)
    assert not Department.objects.exists()
