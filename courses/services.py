"""Writes on the training record. Views, tasks, commands and tests all come here."""

import datetime
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import Employee

from . import completion
from .models import Course, Enrollment, Lesson, LessonCompletion
from .signals import enrollment_completed


def enrollment_get_or_create(*, employee: Employee, course: Course) -> Enrollment:
    """The employee's current enrollment in the course, created (self-enrolled) if none."""
    if not course.published:
        raise PermissionDenied(_("This course is not published."))
    enrollment = Enrollment.objects.filter(
        employee=employee, course=course, is_current=True
    ).first()
    if enrollment is not None:
        return enrollment
    try:
        with transaction.atomic():
            return Enrollment.objects.create(employee=employee, course=course)
    except IntegrityError:  # a concurrent request created it first
        return Enrollment.objects.get(employee=employee, course=course, is_current=True)


# `enrollment_refresh(best_score=...)` default: the best score is left as it is.
_KEEP_SCORE = object()


@transaction.atomic
def enrollment_refresh(
    *, enrollment: Enrollment, best_score: int | None | object = _KEEP_SCORE
) -> Enrollment:
    """Recompute progress and status from the completion rule; complete if every
    requirement is met. Idempotent. Call inside the transaction that changed the detail
    rows, with the enrollment locked (see `enrollment_lock`).

    `best_score` records the cycle's best score (quizzes pass it after grading), so that
    `courses` alone writes the enrollment; leave it out to keep the recorded one."""
    units = completion.enrollment_units(enrollment)
    now = timezone.now()
    fields = ["progress_percent", "last_activity_at", "started_at", "status", "completed_at"]
    if best_score is not _KEEP_SCORE:
        enrollment.best_score = best_score
        fields.append("best_score")
    if enrollment.status != Enrollment.Status.COMPLETED:
        # A completed cycle stays at 100% even if content is added later.
        enrollment.progress_percent = completion.progress_percent(units)
    enrollment.last_activity_at = now
    if enrollment.started_at is None:
        enrollment.started_at = now
    completed_now = False
    if enrollment.status != Enrollment.Status.COMPLETED:
        if completion.is_complete(units):
            completed_now = True
            enrollment.status = Enrollment.Status.COMPLETED
            enrollment.completed_at = now
            enrollment.progress_percent = 100
        else:
            enrollment.status = Enrollment.Status.IN_PROGRESS
    enrollment.save(update_fields=fields)
    if completed_now:
        # In the completing transaction, with the row locked: what receivers write
        # (the certificate) commits or rolls back with the completion; never lost.
        enrollment_completed.send(sender=Enrollment, enrollment_id=enrollment.pk)
    return enrollment


def enrollment_touch(*, enrollment: Enrollment) -> Enrollment:
    """Record activity that changes no progress figure (a quiz attempt started: one more
    attempt used). Moves the progress stamp, so cached progress is read again."""
    enrollment.last_activity_at = timezone.now()
    enrollment.save(update_fields=["last_activity_at"])
    return enrollment


def enrollment_lock(*, enrollment_id: int) -> Enrollment:
    """Lock the enrollment row, and only it, for the rest of the transaction (serialises
    one employee's progress writes on one course). No join: locking the course row too
    would make every learner of the course wait on each other. NO KEY UPDATE, so the
    foreign-key checks of rows pointing at the enrollment (completions, the certificate)
    never wait on it."""
    return Enrollment.objects.select_for_update(of=("self",), no_key=True).get(pk=enrollment_id)


@transaction.atomic
def lesson_complete(
    *, employee: Employee, lesson: Lesson, acknowledged: bool = False
) -> Enrollment:
    """Mark a lesson complete for the employee and update the enrollment, in one
    transaction. Completing it again changes nothing."""
    course = lesson.module.course
    if lesson.kind == Lesson.Kind.ACKNOWLEDGEMENT and not acknowledged:
        raise ValidationError(_("Tick the box to confirm that you have read and accept the text."))
    enrollment = enrollment_get_or_create(employee=employee, course=course)
    enrollment = enrollment_lock(enrollment_id=enrollment.pk)
    completed, created = LessonCompletion.objects.get_or_create(
        enrollment=enrollment,
        lesson=lesson,
        defaults={
            "completed_at": timezone.now(),
            "acknowledged_version": lesson.body_version
            if lesson.kind == Lesson.Kind.ACKNOWLEDGEMENT
            else "",
            "acknowledged_statement": lesson.acknowledgement
            if lesson.kind == Lesson.Kind.ACKNOWLEDGEMENT
            else "",
        },
    )
    if not created:
        return enrollment
    return enrollment_refresh(enrollment=enrollment)


@transaction.atomic
def enrollment_new_cycle(
    *, enrollment: Enrollment, due_on=None, mandatory: bool | None = None
) -> Enrollment:
    """Open the next cycle (recertification): the current row becomes history and a new,
    not-started current row is created. Idempotent per cycle: if a later cycle already
    exists, it is returned."""
    locked = enrollment_lock(enrollment_id=enrollment.pk)
    if not locked.is_current:
        return Enrollment.objects.get(
            employee_id=locked.employee_id, course_id=locked.course_id, is_current=True
        )
    Enrollment.objects.filter(pk=locked.pk).update(is_current=False)
    return Enrollment.objects.create(
        employee_id=locked.employee_id,
        course_id=locked.course_id,
        cycle=locked.cycle + 1,
        is_current=True,
        mandatory=locked.mandatory if mandatory is None else mandatory,
        due_on=due_on,
        # The assignment that owned the last cycle owns the next one (recurrence and
        # recertification are the same cycle mechanism).
        assignment_id=locked.assignment_id,
    )


# --- Bulk assignment (called by `assignments`; courses owns the enrollment rows) ----------

BULK_BATCH_SIZE = 1000


@dataclass(frozen=True)
class AssignedTarget:
    """What an assignment asks of one employee's current enrollment in a course."""

    assignment_id: int
    due_on: datetime.date | None
    mandatory: bool


@dataclass
class BulkAssignResult:
    created: int = 0
    updated: int = 0
    released: int = 0
    removed: int = 0
    # Current, not completed enrollments that an assignment owns now and did not before
    # (new rows and self-enrolments taken over): the "you have been assigned" emails.
    newly_assigned: list[int] = field(default_factory=list)


def _untouched(status, started_at, cycle) -> bool:
    return status == Enrollment.Status.NOT_STARTED and started_at is None and cycle == 1


@transaction.atomic
def enrollments_assign_bulk(
    *,
    course_id: int,
    targets: Mapping[int, AssignedTarget],
    owners: Collection[int],
) -> BulkAssignResult:
    """Make the current enrollments in a course match what assignments ask, set-based.

    `targets` maps employee id -> the winning assignment's link, due date and mandatory
    flag; `owners` are the ids of every assignment of the course the caller speaks for.
    One current row per employee: missing rows are created, differing rows updated
    (status, progress and completion are never touched: completed stays completed), and
    rows owned by one of `owners` whose employee is no longer a target are released —
    untouched first cycles are removed, any other keeps its progress as a self-enrolment.
    Rows of inactive employees (leavers) are left exactly as they are.

    Queries: one read, then one write per batch of changes; never one per employee.
    """
    owners = set(owners)
    existing = Enrollment.objects.filter(
        course_id=course_id, is_current=True, employee__user__is_active=True
    ).values_list(
        "pk", "employee_id", "assignment_id", "due_on", "mandatory", "status", "started_at", "cycle"
    )
    result = BulkAssignResult()
    by_employee = {}
    updates: dict[AssignedTarget, list[int]] = defaultdict(list)
    release, remove = [], []
    for pk, employee_id, assignment_id, due_on, mandatory, status, started_at, cycle in existing:
        by_employee[employee_id] = pk
        target = targets.get(employee_id)
        if target is None:
            if assignment_id in owners:
                if _untouched(status, started_at, cycle):
                    remove.append(pk)
                else:
                    release.append(pk)
            continue
        if (assignment_id, due_on, mandatory) != (
            target.assignment_id,
            target.due_on,
            target.mandatory,
        ):
            updates[target].append(pk)
        if assignment_id is None and status != Enrollment.Status.COMPLETED:
            result.newly_assigned.append(pk)
    for target, pks in updates.items():
        for start in range(0, len(pks), BULK_BATCH_SIZE):
            result.updated += Enrollment.objects.filter(
                pk__in=pks[start : start + BULK_BATCH_SIZE]
            ).update(
                assignment_id=target.assignment_id, due_on=target.due_on, mandatory=target.mandatory
            )
    for start in range(0, len(release), BULK_BATCH_SIZE):
        result.released += Enrollment.objects.filter(
            pk__in=release[start : start + BULK_BATCH_SIZE]
        ).update(assignment_id=None, due_on=None, mandatory=False)
    for start in range(0, len(remove), BULK_BATCH_SIZE):
        Enrollment.objects.filter(pk__in=remove[start : start + BULK_BATCH_SIZE]).delete()
        result.removed += len(remove[start : start + BULK_BATCH_SIZE])
    new_rows = [
        Enrollment(
            employee_id=employee_id,
            course_id=course_id,
            assignment_id=target.assignment_id,
            due_on=target.due_on,
            mandatory=target.mandatory,
        )
        for employee_id, target in targets.items()
        if employee_id not in by_employee
    ]
    # A learner who self-enrols meanwhile makes this fail on the one-current-row
    # constraint: the whole call rolls back and the caller's retry sees their row.
    created = Enrollment.objects.bulk_create(new_rows, batch_size=BULK_BATCH_SIZE)
    result.created = len(created)
    result.newly_assigned += [row.pk for row in created]
    return result


# --- Imported history (another LMS's records, the demo company) ---------------------------


@dataclass(frozen=True)
class HistoryState:
    """The state to give current enrollments whose history comes from elsewhere."""

    status: str
    progress_percent: int = 0
    started_at: datetime.datetime | None = None
    completed_at: datetime.datetime | None = None
    last_activity_at: datetime.datetime | None = None
    best_score: int | None = None


@transaction.atomic
def enrollments_record_history(*, states: Mapping[HistoryState, list[int]]) -> int:
    """Set the state of many enrollments at once, from history recorded elsewhere.

    One UPDATE per distinct state and batch of ids, never one per person. Nothing is
    announced (no "completed" signal): the caller issues what history implies
    (certificates). Returns the number of rows written."""
    written = 0
    for state, pks in states.items():
        if state.status not in Enrollment.Status.values:
            raise ValidationError(f"Unknown enrollment status {state.status!r}.")
        if state.status == Enrollment.Status.COMPLETED and state.completed_at is None:
            raise ValidationError("A completed enrollment needs its completion date.")
        if not 0 <= state.progress_percent <= 100:
            raise ValidationError("Progress is a percentage.")
        values = {name: getattr(state, name) for name in HistoryState.__dataclass_fields__}
        for start in range(0, len(pks), BULK_BATCH_SIZE):
            written += Enrollment.objects.filter(
                pk__in=pks[start : start + BULK_BATCH_SIZE]
            ).update(**values)
    return written
