"""The SQL aggregates against a brute-force count in Python, on random organisations."""

import random

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import Enrollment
from people.models import Department
from people.roles import HR_GROUP
from people.tests.factories import EmployeeFactory
from reports.selectors import (
    ReportFilters,
    course_summary,
    department_rollup,
    enrollments_for,
)

from .factories import random_organisation

SEEDS = [1, 7, 42, 2026]


def brute_tally(enrollments, today):
    rows = list(enrollments)
    scores = [e.best_score for e in rows if e.best_score is not None]
    return {
        "total": len(rows),
        "completed": sum(e.status == "completed" for e in rows),
        "in_progress": sum(e.status == "in_progress" for e in rows),
        "not_started": sum(e.status == "not_started" for e in rows),
        "overdue": sum(e.is_overdue(today) for e in rows),
        "average_score": round(sum(scores) / len(scores)) if scores else None,
    }


def as_dict(tally):
    return {
        "total": tally.total,
        "completed": tally.completed,
        "in_progress": tally.in_progress,
        "not_started": tally.not_started,
        "overdue": tally.overdue,
        "average_score": tally.average_score,
    }


def visible(enrollments, paths):
    """Brute force scope: current enrollments of active employees under `paths`."""
    return [
        e
        for e in enrollments
        if e.is_current
        and e.employee.user.is_active
        and (paths is None or e.employee.department.path.startswith(tuple(paths)))
    ]


@pytest.fixture
def hr_user(db):
    user = EmployeeFactory().user
    user.groups.add(Group.objects.get(name=HR_GROUP))
    return user


@pytest.mark.parametrize("seed", SEEDS)
def test_course_and_department_counts_match_brute_force_for_hr(seed, hr_user):
    org = random_organisation(seed=seed)
    today = timezone.localdate()
    all_enrollments = list(
        Enrollment.objects.select_related("employee__user", "employee__department")
    )
    scoped = visible(all_enrollments, None)

    rows = course_summary(enrollments_for(hr_user, ReportFilters(), today=today), today=today)
    for row in rows:
        expected = brute_tally([e for e in scoped if e.course_id == row.course_id], today)
        assert as_dict(row.tally) == expected, (seed, row.title)
    assert {row.course_id for row in rows} == {e.course_id for e in scoped}

    rollup = department_rollup(
        hr_user, enrollments_for(hr_user, ReportFilters(), today=today), today=today
    )
    for department in Department.objects.all():
        node = rollup.get(department.pk)
        under = [e for e in scoped if e.employee.department.path.startswith(department.path)]
        own = [e for e in scoped if e.employee.department_id == department.pk]
        assert as_dict(node.subtree) == brute_tally(under, today), (seed, department.name)
        assert as_dict(node.own) == brute_tally(own, today), (seed, department.name)
        # Segments of the stacked bar are exclusive and fill the bar.
        assert sum(count for _, count, _ in node.subtree.segments) == node.subtree.total
        assert sum(w for _, _, w in node.subtree.segments) in (0, 100)
    assert {top.pk for top in rollup.tops} == {org.root.pk, hr_user.employee.department_id}
    # Per course from the same grouped rows, for the whole scope and for one subtree.
    assert [(r.course_id, as_dict(r.tally)) for r in rollup.by_course()] == [
        (r.course_id, as_dict(r.tally)) for r in rows
    ]
    node = rollup.get(org.departments[1].pk)
    for row in rollup.by_course(node):
        under = [
            e
            for e in scoped
            if e.course_id == row.course_id and e.employee.department.path.startswith(node.path)
        ]
        assert as_dict(row.tally) == brute_tally(under, today)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_managers_counts_cover_exactly_their_subtrees(seed, db):
    org = random_organisation(seed=seed, departments=9)
    rng = random.Random(seed)
    managed = rng.sample(org.departments[1:], 2)
    manager = EmployeeFactory(department=org.root).user
    for department in managed:
        department.managers.add(manager)
    paths = [d.path for d in Department.objects.filter(pk__in=[d.pk for d in managed])]
    today = timezone.localdate()
    all_enrollments = list(
        Enrollment.objects.select_related("employee__user", "employee__department")
    )
    scoped = visible(all_enrollments, paths)
    course = org.courses[0]
    filters = ReportFilters(course=course, mandatory=True)
    rows = course_summary(enrollments_for(manager, filters, today=today), today=today)
    expected = brute_tally([e for e in scoped if e.course_id == course.pk and e.mandatory], today)
    assert (as_dict(rows[0].tally) if rows else brute_tally([], today)) == expected

    rollup = department_rollup(manager, enrollments_for(manager, filters, today=today), today=today)
    in_scope = Department.objects.filter(pk__in=rollup.nodes)
    assert all(d.path.startswith(tuple(paths)) for d in in_scope)
    assert rollup.get(org.root.pk) is None  # above the manager's subtrees
    for top in rollup.tops:
        under = [
            e
            for e in scoped
            if e.employee.department.path.startswith(top.path)
            and e.course_id == course.pk
            and e.mandatory
        ]
        assert as_dict(top.subtree) == brute_tally(under, today)


@pytest.mark.parametrize("seed", SEEDS)
def test_status_overdue_and_name_filters_match_brute_force(seed, hr_user):
    org = random_organisation(seed=seed)
    today = timezone.localdate()
    scoped = visible(
        Enrollment.objects.select_related("employee__user", "employee__department"), None
    )
    rng = random.Random(seed)
    department = rng.choice(org.departments)
    for status in ("", "completed", "in_progress", "not_started"):
        filters = ReportFilters(department=department, status=status, overdue=status != "completed")
        got = set(enrollments_for(hr_user, filters, today=today).values_list("pk", flat=True))
        expected = {
            e.pk
            for e in scoped
            if e.employee.department.path.startswith(department.path)
            and (not status or e.status == status)
            and (not filters.overdue or e.is_overdue(today))
        }
        assert got == expected, (seed, status)
    person = rng.choice([e.employee for e in scoped])
    got = set(
        enrollments_for(hr_user, ReportFilters(q=person.user.last_name), today=today).values_list(
            "employee_id", flat=True
        )
    )
    assert person.pk in got
    assert all(
        person.user.last_name.lower()
        in " ".join(
            [e.employee.user.first_name, e.employee.user.last_name, e.employee.user.email]
        ).lower()
        for e in scoped
        if e.employee_id in got
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_completions_per_week_match_brute_force(seed, db, settings):
    """Each bar counts the completions (every cycle, active people) of one local week,
    Monday 00:00 to Monday 00:00, including completions exactly on a boundary."""
    from datetime import datetime, time, timedelta

    from reports.selectors import completions_per_week

    settings.TIME_ZONE = "Europe/Paris"  # weeks start at local, not UTC, midnight
    timezone.deactivate()
    org = random_organisation(seed=seed)
    rng = random.Random(seed)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    edges = [
        timezone.make_aware(datetime.combine(monday - timedelta(weeks=w), time.min))
        for w in (0, 1, 20, 51, 52)
    ]
    changed = []
    for enrollment in rng.sample(org.enrollments, 8):
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.progress_percent = 100
        enrollment.completed_at = rng.choice(edges) - timedelta(microseconds=rng.choice((0, 1)))
        changed.append(enrollment)
    Enrollment.objects.bulk_update(changed, ["status", "progress_percent", "completed_at"])
    bars = completions_per_week(today=today)
    expected = {}
    for enrollment in Enrollment.objects.select_related("employee__user"):
        if enrollment.completed_at is None or not enrollment.employee.user.is_active:
            continue
        local = timezone.localtime(enrollment.completed_at).date()
        week = local - timedelta(days=local.weekday())
        expected[week] = expected.get(week, 0) + 1
    assert len(bars) == 52
    assert [bar.week for bar in bars] == [monday - timedelta(weeks=51 - i) for i in range(52)]
    assert [bar.count for bar in bars] == [expected.get(bar.week, 0) for bar in bars]
    assert sum(bar.count for bar in bars) > 0
