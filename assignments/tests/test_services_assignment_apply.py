"""Applying assignments: audiences, due dates, earlier-wins, idempotence, edits, cancel,
sync after an import, leavers, recurrence, bad input.

Organisation (root conftest): ACME > SALES (manager) > SALES-N (employee); ACME > FIN
(outsider); hr and author sit at ACME.
"""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from assignments.models import Assignment, AssignmentChange, ReminderLog
from assignments.services import (
    AssignmentSpec,
    assignment_cancel,
    assignment_create,
    assignment_preview,
    assignment_update,
    assignments_recur,
    assignments_sync,
)
from assignments.tests.factories import assign
from courses.models import Enrollment
from courses.services import lesson_complete
from courses.tests.factories import LessonFactory, course_with_lessons
from people.importing import employees_import
from people.tests.factories import DepartmentFactory, EmployeeFactory

TODAY = datetime.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def course(db):
    return course_with_lessons(modules=1, lessons=2)


def current(employee, course):
    return Enrollment.objects.filter(employee=employee, course=course, is_current=True).first()


def covered(course):
    return set(
        Enrollment.objects.filter(
            course=course, is_current=True, assignment_id__isnull=False
        ).values_list("employee__user__email", flat=True)
    )


def test_a_department_covers_its_whole_subtree_minus_exclusions(personas, org, course, hr):
    deep = DepartmentFactory(code="SALES-N-1", name="North One", parent=org["north"])
    deep_person = EmployeeFactory(department=deep, user__email="deep@example.com")
    excluded = EmployeeFactory(department=org["north"], user__email="skip@example.com")
    assign(
        course=course,
        by=hr.user,
        departments=[org["sales"]],
        excluded_employees=[excluded],
    )
    assert covered(course) == {"manager@example.com", "employee@example.com", "deep@example.com"}
    assert current(deep_person, course).mandatory is True


def test_excluded_subtree_and_named_people(personas, org, course, hr):
    assign(
        course=course,
        by=hr.user,
        departments=[org["root"]],
        excluded_departments=[org["sales"]],
        employees=[personas["employee"]],  # named explicitly, but inside an excluded subtree
    )
    # Exclusions win over inclusions: the named employee sits in excluded Sales.
    assert covered(course) == {"outsider@example.com", "hr@example.com", "author@example.com"}


def test_everyone_skips_leavers(personas, course, hr):
    personas["outsider"].user.is_active = False
    personas["outsider"].user.save()
    assign(course=course, by=hr.user, everyone=True)
    assert "outsider@example.com" not in covered(course)
    assert len(covered(course)) == 4


def test_due_rules_fixed_relative_and_hire_relative(personas, org, course, hr):
    fixed = assign(course=course, by=hr.user, employees=[personas["employee"]], days=20)
    assert current(personas["employee"], course).due_on == TODAY + datetime.timedelta(days=20)
    assert current(personas["employee"], course).assignment_id == fixed.pk

    other = course_with_lessons(modules=1, lessons=1)
    newcomer = EmployeeFactory(department=org["north"], hired_on=TODAY + datetime.timedelta(days=3))
    veteran = EmployeeFactory(department=org["north"], hired_on=datetime.date(2020, 1, 1))
    assign(
        course=other,
        by=hr.user,
        departments=[org["north"]],
        due_kind=Assignment.DueKind.DAYS_AFTER,
        due_on=None,
        due_days=10,
        new_hire_days=45,
    )
    assert current(veteran, other).due_on == TODAY + datetime.timedelta(days=10)
    assert current(newcomer, other).due_on == TODAY + datetime.timedelta(days=48)


def test_people_provisioned_later_get_relative_due_from_their_arrival(personas, org, course, hr):
    assign(
        course=course,
        by=hr.user,
        departments=[org["north"]],
        due_kind=Assignment.DueKind.DAYS_AFTER,
        due_on=None,
        due_days=14,
    )
    with time_machine.travel(datetime.datetime(2026, 12, 20, 9, tzinfo=datetime.UTC), tick=False):
        late = EmployeeFactory(department=org["north"], hired_on=None)
        assignments_sync()
    assert current(late, course).due_on == datetime.date(2027, 1, 3)
    # The people already there keep theirs.
    assert current(personas["employee"], course).due_on == TODAY + datetime.timedelta(days=14)


def test_earlier_due_date_wins_and_the_link_says_which(personas, org, course, hr):
    late = assign(course=course, by=hr.user, departments=[org["sales"]], days=60)
    early = assign(course=course, by=hr.user, employees=[personas["employee"]], days=10)
    enrollment = current(personas["employee"], course)
    assert (enrollment.assignment_id, enrollment.due_on) == (
        early.pk,
        TODAY + datetime.timedelta(days=10),
    )
    assert current(personas["manager"], course).assignment_id == late.pk
    # Cancelling the early one hands the person back to the later one.
    assignment_cancel(assignment=early, by=hr.user)
    enrollment.refresh_from_db()
    assert (enrollment.assignment_id, enrollment.due_on) == (
        late.pk,
        TODAY + datetime.timedelta(days=60),
    )
    assert Enrollment.objects.filter(employee=personas["employee"], course=course).count() == 1


def test_mandatory_wins_over_an_earlier_recommendation(personas, org, course, hr):
    mandatory = assign(course=course, by=hr.user, departments=[org["sales"]], days=60)
    assign(course=course, by=hr.user, employees=[personas["employee"]], days=5, mandatory=False)
    enrollment = current(personas["employee"], course)
    assert (enrollment.assignment_id, enrollment.mandatory) == (mandatory.pk, True)


def test_reapplying_is_idempotent(personas, org, course, hr):
    assignment = assign(course=course, by=hr.user, everyone=True)
    before = list(Enrollment.objects.order_by("pk").values())
    result = assignments_sync()
    assert (result.created, result.updated, result.released) == (0, 0, 0)
    assert list(Enrollment.objects.order_by("pk").values()) == before
    assert ReminderLog.objects.filter(kind="assigned").count() == 5
    assert assignment.changes.count() == 1  # nothing to record for a no-op sync


def test_progress_and_completion_are_kept(personas, org, hr):
    course = course_with_lessons(modules=1, lessons=2)
    lessons = list(course.modules.first().lessons.order_by("position"))
    lesson_complete(employee=personas["employee"], lesson=lessons[0])
    lesson_complete(employee=personas["outsider"], lesson=lessons[0])
    lesson_complete(employee=personas["outsider"], lesson=lessons[1])
    assign(course=course, by=hr.user, everyone=True)
    started = current(personas["employee"], course)
    done = current(personas["outsider"], course)
    assert (started.status, started.progress_percent, started.mandatory) == (
        "in_progress",
        50,
        True,
    )
    assert done.status == "completed" and done.assignment_id is not None
    # The completed person gets no "assigned" email; the one in progress does.
    assert not ReminderLog.objects.filter(enrollment=done).exists()
    assert ReminderLog.objects.filter(enrollment=started, kind="assigned").exists()


def test_editing_moves_only_owned_enrollments(personas, org, course, hr):
    self_enrolled_course_lesson = LessonFactory(module=course.modules.first())
    lesson_complete(employee=personas["outsider"], lesson=self_enrolled_course_lesson)
    assignment = assign(course=course, by=hr.user, departments=[org["sales"]], days=30)
    assignment_update(
        assignment=assignment,
        spec=AssignmentSpec(
            course=course, departments=[org["north"]], due_on=TODAY + datetime.timedelta(days=40)
        ),
        by=hr.user,
        revision=assignment.revision,
    )
    assert covered(course) == {"employee@example.com"}
    assert current(personas["employee"], course).due_on == TODAY + datetime.timedelta(days=40)
    # The manager left the audience before starting: their untouched row is gone.
    assert current(personas["manager"], course) is None
    # The outsider's self-enrolment was never the assignment's: untouched.
    outsider = current(personas["outsider"], course)
    assert (outsider.assignment_id, outsider.status) == (None, "in_progress")
    change = assignment.changes.get(action="updated")
    assert change.changed_by == hr.user
    labels = change.details["fields"]
    assert any("due date" in label for label in labels)
    assert any("departments" in label for label in labels)


def test_transfer_out_keeps_what_was_done(personas, org, hr):
    course = course_with_lessons(modules=1, lessons=1)
    assign(course=course, by=hr.user, departments=[org["sales"]])
    lesson = course.modules.first().lessons.first()
    lesson_complete(employee=personas["employee"], lesson=lesson)
    employee = personas["employee"]
    employee.department = org["finance"]
    employee.save()
    assignments_sync()
    enrollment = current(employee, course)
    assert enrollment.status == "completed"
    assert enrollment.assignment_id is None  # no longer in the audience


def test_cancel_releases_open_rows_and_keeps_completed_ones(personas, org, hr):
    course = course_with_lessons(modules=1, lessons=2)
    assignment = assign(course=course, by=hr.user, everyone=True)
    lessons = list(course.modules.first().lessons.all())
    for lesson in lessons:
        lesson_complete(employee=personas["employee"], lesson=lesson)
    lesson_complete(employee=personas["manager"], lesson=lessons[0])
    assert assignment_cancel(assignment=assignment, by=hr.user) is True
    assert assignment_cancel(assignment=assignment, by=hr.user) is False
    assert current(personas["employee"], course).status == "completed"
    manager_row = current(personas["manager"], course)
    assert (manager_row.progress_percent, manager_row.mandatory, manager_row.due_on) == (
        50,
        False,
        None,
    )
    assert current(personas["hr"], course) is None  # never started: removed
    assert list(assignment.changes.values_list("action", flat=True)) == ["cancelled", "created"]


def test_sync_after_an_import_picks_up_new_hires_and_transfers(
    personas, org, course, hr, django_capture_on_commit_callbacks
):
    assign(course=course, by=hr.user, departments=[org["sales"]])
    header = (
        "employee_number,email,first_name,last_name,department_code,department_name,"
        "parent_department_code,line_manager_number,job_title,locale,hired_on"
    )
    outsider = personas["outsider"]
    rows = [
        "N-1,new.hire@example.com,New,Hire,SALES-N,Sales North,SALES,,Rep,en,2026-12-01",
        f"{outsider.employee_number},outsider@example.com,Out,Sider,SALES,Sales,ACME,,Rep,en,",
    ]
    data = ("\n".join([header, *rows]) + "\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        report = employees_import(file=io.BytesIO(data), filename="hr.csv")
    assert report.ok, report.errors
    assert covered(course) >= {"new.hire@example.com", "outsider@example.com"}
    assert ReminderLog.objects.filter(
        enrollment__employee__user__email="new.hire@example.com", kind="assigned"
    ).exists()
    assert AssignmentChange.objects.filter(action="synced").exists()


def test_a_burst_of_imports_queues_one_sync_run_after_the_delay(
    personas, org, course, hr, settings, django_capture_on_commit_callbacks
):
    # As SCIM provisioning makes it: one import per person, in quick succession.
    from core.models import OutboxTask
    from core.outbox import outbox_relay_pending

    settings.ASSIGNMENT_SYNC_DELAY_SECONDS = 30
    assign(course=course, by=hr.user, departments=[org["sales"]])
    header = (
        "employee_number,email,first_name,last_name,department_code,department_name,"
        "parent_department_code,line_manager_number,job_title,locale,hired_on"
    )
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(3):
            row = f"N-{n},hire{n}@example.com,New,Hire{n},SALES-N,Sales North,SALES,,Rep,en,"
            with django_capture_on_commit_callbacks(execute=True):
                report = employees_import(
                    file=io.BytesIO(f"{header}\n{row}\n".encode()), filename="hr.csv"
                )
            assert report.ok, report.errors
            clock.shift(2)
        syncs = OutboxTask.objects.filter(task_name="assignments.tasks.assignments_sync")
        assert syncs.count() == 1
        assert not covered(course) & {f"hire{n}@example.com" for n in range(3)}
        clock.shift(30)
        outbox_relay_pending()
    assert covered(course) >= {f"hire{n}@example.com" for n in range(3)}
    assert syncs.get().done_at is not None


def test_leavers_keep_their_rows_and_get_nothing_new(personas, org, course, hr):
    assign(course=course, by=hr.user, everyone=True)
    leaver = personas["outsider"]
    row = current(leaver, course)
    leaver.user.is_active = False
    leaver.user.save()
    assignments_sync()
    row.refresh_from_db()
    assert row.assignment_id is not None and row.is_current  # history stays as it was


def test_recurrence_opens_the_next_cycle_once(personas, org, hr):
    course = course_with_lessons(modules=1, lessons=1)
    assignment = assign(
        course=course, by=hr.user, employees=[personas["employee"]], recurrence_months=12
    )
    lesson_complete(employee=personas["employee"], lesson=course.modules.first().lessons.first())
    assert assignments_recur() == []
    with time_machine.travel(datetime.datetime(2027, 12, 3, 9, tzinfo=datetime.UTC), tick=False):
        opened = assignments_recur()
        assert assignments_recur() == []
    assert len(opened) == 1
    new = Enrollment.objects.get(pk=opened[0])
    assert (new.cycle, new.status, new.assignment_id, new.mandatory) == (
        2,
        "not_started",
        assignment.pk,
        True,
    )
    assert new.due_on == datetime.date(2028, 1, 2)
    assert ReminderLog.objects.filter(enrollment=new, kind="assigned").exists()
    assert Enrollment.objects.filter(employee=personas["employee"], course=course).count() == 2


def test_preview_counts_reach_done_and_overdue_at_once(personas, org, hr):
    course = course_with_lessons(modules=1, lessons=1)
    lesson_complete(employee=personas["manager"], lesson=course.modules.first().lessons.first())
    EmployeeFactory(department=org["north"], hired_on=datetime.date(2025, 1, 1))
    spec = AssignmentSpec(
        course=course,
        departments=[org["sales"]],
        due_kind=Assignment.DueKind.DAYS_AFTER,
        due_days=30,
        new_hire_days=30,
    )
    preview = assignment_preview(spec=spec)
    assert (preview.reach, preview.done, preview.overdue_at_once) == (3, 1, 0)
    old_joiner_spec = AssignmentSpec(**{**spec.__dict__, "new_hire_days": None})
    assert assignment_preview(spec=old_joiner_spec).overdue_at_once == 0
    assert not Enrollment.objects.filter(assignment_id__isnull=False).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"due_on": TODAY - datetime.timedelta(days=1)}, "in the past"),
        ({"everyone": False, "departments": []}, "Choose who must take the course"),
        ({"unpublished": True}, "not published"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(personas, org, course, hr, change, message):
    values = {"course": course, "everyone": True, "due_on": TODAY + datetime.timedelta(days=5)}
    if change.pop("unpublished", False):
        course.published = False
        course.save()
    values.update(change)
    with pytest.raises(ValidationError) as error:
        assignment_create(spec=AssignmentSpec(**values), by=hr.user)
    assert message in str(error.value)
    assert not Assignment.objects.exists()
    assert not Enrollment.objects.exists()


def test_a_department_outside_the_tree_is_refused(personas, org, course, hr):
    ghost = DepartmentFactory.build(pk=987654, path="9999", depth=1, code="GHOST")
    with pytest.raises(ValidationError, match="not in the organisation tree"):
        assignment_create(
            spec=AssignmentSpec(course=course, departments=[ghost], due_on=TODAY), by=hr.user
        )
    assert not Assignment.objects.exists()


def test_an_audience_reaching_nobody_is_refused(personas, org, course, hr):
    with pytest.raises(ValidationError, match="reaches nobody"):
        assignment_create(
            spec=AssignmentSpec(
                course=course,
                departments=[org["north"]],
                excluded_departments=[org["sales"]],
                due_on=TODAY,
            ),
            by=hr.user,
        )
    assert not Assignment.objects.exists()


def test_a_double_submit_is_refused(personas, org, course, hr):
    import uuid

    token = uuid.uuid4()
    spec = AssignmentSpec(course=course, everyone=True, due_on=TODAY)
    assignment_create(spec=spec, by=hr.user, form_token=token)
    with pytest.raises(ValidationError, match="already submitted"):
        assignment_create(spec=spec, by=hr.user, form_token=token)
    assert Assignment.objects.count() == 1


def test_a_stale_edit_is_refused(personas, org, course, hr):
    assignment = assign(course=course, by=hr.user, everyone=True)
    spec = AssignmentSpec(course=course, everyone=True, due_on=TODAY + datetime.timedelta(days=9))
    assignment_update(assignment=assignment, spec=spec, by=hr.user, revision=1)
    with pytest.raises(ValidationError, match="changed since you opened"):
        assignment_update(assignment=assignment, spec=spec, by=hr.user, revision=1)
    assert assignment.changes.filter(action="updated").count() == 1
