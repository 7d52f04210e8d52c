"""Writes on assignments: create, change, cancel, apply, sync, recurrence.

Assignments own audiences, courses own enrollments: `course_assignments_apply` resolves
the audience of every active assignment of a course, picks one winner per employee
(mandatory before recommended, then the earlier due date, then the older assignment)
and hands the result to `courses.services.enrollments_assign_bulk`, which writes the
enrollment rows set-based. Every HR change is recorded in `AssignmentChange`.

Due dates (`Assignment.due_for`): a fixed date; or N days after the person was
covered — the assignment's start for people already employed then, their provisioning
date for people added later; and, when `new_hire_days` is set, people hired after the
assignment started are due N days after their hire date.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Course, Enrollment
from courses.services import (
    AssignedTarget,
    BulkAssignResult,
    enrollment_new_cycle,
    enrollments_assign_bulk,
)
from people.models import Department, Employee

from .models import Assignment, AssignmentChange

logger = logging.getLogger(__name__)

# Recurrence: a new cycle is due this many days after it opens when the assignment has
# a fixed due date (a relative one uses its own number of days).
RECURRENCE_DUE_DAYS = 30


@dataclass
class AssignmentSpec:
    """What HR asks for, validated by the form, checked again here."""

    course: Course
    everyone: bool = False
    departments: list[Department] = field(default_factory=list)
    employees: list[Employee] = field(default_factory=list)
    excluded_departments: list[Department] = field(default_factory=list)
    excluded_employees: list[Employee] = field(default_factory=list)
    due_kind: str = Assignment.DueKind.FIXED
    due_on: datetime.date | None = None
    due_days: int | None = None
    new_hire_days: int | None = None
    mandatory: bool = True
    recurrence_months: int | None = None
    note: str = ""


SCALAR_FIELDS = (
    "course",
    "everyone",
    "due_kind",
    "due_on",
    "due_days",
    "new_hire_days",
    "mandatory",
    "recurrence_months",
    "note",
)
AUDIENCE_FIELDS = ("departments", "employees", "excluded_departments", "excluded_employees")


# --- Audience -------------------------------------------------------------------------


def _subtree_q(paths: Iterable[str], prefix: str = "department__") -> Q:
    q = Q(pk__in=[])
    for path in sorted(set(paths)):
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def audience_employees(
    *,
    everyone: bool,
    department_paths: Iterable[str] = (),
    employee_ids: Iterable[int] = (),
    excluded_paths: Iterable[str] = (),
    excluded_employee_ids: Iterable[int] = (),
) -> QuerySet[Employee]:
    """Active employees covered: everyone, or the subtrees of the departments and the
    named people; minus the excluded subtrees and people. One query when evaluated."""
    employee_ids, excluded_employee_ids = list(employee_ids), list(excluded_employee_ids)
    department_paths, excluded_paths = list(department_paths), list(excluded_paths)
    employees = Employee.objects.filter(user__is_active=True)
    if not everyone:
        employees = employees.filter(_subtree_q(department_paths) | Q(pk__in=employee_ids))
    if excluded_paths:
        employees = employees.exclude(_subtree_q(excluded_paths))
    if excluded_employee_ids:
        employees = employees.exclude(pk__in=excluded_employee_ids)
    return employees


def _assignment_audience(assignment: Assignment) -> QuerySet[Employee]:
    return audience_employees(
        everyone=assignment.everyone,
        department_paths=[d.path for d in assignment.departments.all()],
        employee_ids=[e.pk for e in assignment.employees.all()],
        excluded_paths=[d.path for d in assignment.excluded_departments.all()],
        excluded_employee_ids=[e.pk for e in assignment.excluded_employees.all()],
    )


def _covered_on(assignment: Assignment, created_at: datetime.datetime) -> datetime.date:
    return max(assignment.starts_on, timezone.localdate(created_at))


def _winner_key(assignment: Assignment, due_on: datetime.date | None):
    return (not assignment.mandatory, due_on or datetime.date.max, assignment.pk)


def course_targets(assignments: list[Assignment]) -> dict[int, AssignedTarget]:
    """employee id -> the winning assignment's link, due date and flag (one query each)."""
    best: dict[int, tuple] = {}
    for assignment in assignments:
        rows = _assignment_audience(assignment).values_list("pk", "hired_on", "created_at")
        for employee_id, hired_on, created_at in rows.iterator(chunk_size=5000):
            due_on = assignment.due_for(
                hired_on=hired_on, covered_on=_covered_on(assignment, created_at)
            )
            key = _winner_key(assignment, due_on)
            current = best.get(employee_id)
            if current is None or key < current[0]:
                best[employee_id] = (
                    key,
                    AssignedTarget(assignment.pk, due_on, assignment.mandatory),
                )
    return {employee_id: target for employee_id, (_key, target) in best.items()}


def _with_audience(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.prefetch_related(
        "departments", "employees", "excluded_departments", "excluded_employees"
    )


@transaction.atomic
def course_assignments_apply(*, course_id: int) -> BulkAssignResult:
    """Bring the enrollments of one course in line with its active assignments.

    Idempotent: a second call changes nothing. Newly assigned people are emailed once
    (the "assigned" reminder log is inserted here; the email is queued on commit).
    Queries: the assignments and their audiences (5 + one per assignment), then the
    bulk write in `courses` — none per employee.
    """
    active = list(
        _with_audience(
            Assignment.objects.filter(course_id=course_id, status=Assignment.Status.ACTIVE)
        ).order_by("pk")
    )
    owners = Assignment.objects.filter(course_id=course_id).values_list("pk", flat=True)
    targets = course_targets(active)
    for attempt in range(2):
        try:
            with transaction.atomic():
                result = enrollments_assign_bulk(
                    course_id=course_id, targets=targets, owners=list(owners)
                )
            break
        except IntegrityError:
            # A learner self-enrolled between the read and the insert: read again.
            if attempt:
                raise
    if result.newly_assigned:
        from .reminders import reminders_assigned_queue

        reminders_assigned_queue(enrollment_ids=result.newly_assigned)
    return result


# --- HR writes ------------------------------------------------------------------------


def assignment_validate(spec: AssignmentSpec, *, today: datetime.date, is_new: bool) -> None:
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if not spec.course.published:
        add("course", _("This course is not published: publish it before assigning it."))
    if spec.due_kind == Assignment.DueKind.FIXED:
        if spec.due_on is None:
            add("due_on", _("Choose the due date."))
        elif spec.due_on < today:
            add("due_on", _("The due date is in the past. Choose today or a later date."))
    elif spec.due_kind == Assignment.DueKind.DAYS_AFTER:
        if not spec.due_days:
            add("due_days", _("Give the number of days people have to complete the course."))
    else:
        add("due_kind", _("Choose how the due date is set."))
    if spec.recurrence_months is not None and spec.recurrence_months < 1:
        add("recurrence_months", _("Repeat at least every month, or leave it empty."))
    if not (spec.everyone or spec.departments or spec.employees):
        add(
            "__all__",
            _("Choose who must take the course: everyone, departments or named employees."),
        )
    known = set(
        Department.objects.filter(
            pk__in=[d.pk for d in [*spec.departments, *spec.excluded_departments]]
        ).values_list("pk", flat=True)
    )
    if any(d.pk not in known for d in [*spec.departments, *spec.excluded_departments]):
        add("departments", _("A chosen department is not in the organisation tree."))
    if errors:
        raise ValidationError(errors)
    if spec.everyone or spec.departments or spec.employees:
        reach = _spec_audience(spec).exists()
        if not reach:
            raise ValidationError(
                _("This audience reaches nobody: every chosen person is excluded or has left.")
            )


def _spec_audience(spec: AssignmentSpec) -> QuerySet[Employee]:
    return audience_employees(
        everyone=spec.everyone,
        department_paths=[d.path for d in spec.departments],
        employee_ids=[e.pk for e in spec.employees],
        excluded_paths=[d.path for d in spec.excluded_departments],
        excluded_employee_ids=[e.pk for e in spec.excluded_employees],
    )


@dataclass(frozen=True)
class Preview:
    reach: int  # active employees the assignment covers
    done: int  # of whom the current enrollment is already completed
    overdue_at_once: int  # not done and due before today
    in_progress: int = 0


def assignment_preview(*, spec: AssignmentSpec, today: datetime.date | None = None) -> Preview:
    """What saving would do, without writing: reach, already done, overdue at once.
    Three queries, whatever the number of people."""
    today = today or timezone.localdate()
    starts_on = today
    probe = Assignment(
        course=spec.course,
        due_kind=spec.due_kind,
        due_on=spec.due_on,
        due_days=spec.due_days,
        new_hire_days=spec.new_hire_days,
        starts_on=starts_on,
    )
    audience = _spec_audience(spec)
    rows = list(audience.values_list("pk", "hired_on", "created_at"))
    status = dict(
        Enrollment.objects.filter(
            course=spec.course, is_current=True, employee__in=audience
        ).values_list("employee_id", "status")
    )
    done = in_progress = overdue = 0
    for employee_id, hired_on, created_at in rows:
        state = status.get(employee_id)
        if state == Enrollment.Status.COMPLETED:
            done += 1
            continue
        if state == Enrollment.Status.IN_PROGRESS:
            in_progress += 1
        due_on = probe.due_for(hired_on=hired_on, covered_on=_covered_on(probe, created_at))
        if due_on is not None and due_on < today:
            overdue += 1
    return Preview(reach=len(rows), done=done, overdue_at_once=overdue, in_progress=in_progress)


def _describe(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(v) for v in value)) or "—"
    return str(value)


def _snapshot(assignment: Assignment) -> dict[str, str]:
    values = {}
    for name in SCALAR_FIELDS:
        if name == "due_kind":
            values[name] = str(assignment.get_due_kind_display())
        else:
            values[name] = _describe(getattr(assignment, name))
    for name in AUDIENCE_FIELDS:
        values[name] = _describe(getattr(assignment, name).all())
    return values


def _labels() -> dict[str, str]:
    return {
        name: str(Assignment._meta.get_field(name).verbose_name)
        for name in (*SCALAR_FIELDS, *AUDIENCE_FIELDS)
    }


def _counts(result: BulkAssignResult) -> dict[str, int]:
    return {
        "enrollments_created": result.created,
        "enrollments_updated": result.updated,
        "enrollments_released": result.released + result.removed,
    }


def _write(assignment: Assignment, spec: AssignmentSpec) -> None:
    for name in SCALAR_FIELDS:
        setattr(assignment, name, getattr(spec, name))
    if assignment.due_kind == Assignment.DueKind.FIXED:
        assignment.due_days = None
    else:
        assignment.due_on = None
    assignment.note = (assignment.note or "").strip()
    assignment.full_clean(exclude=["form_token", "created_by"])
    assignment.save()
    for name in AUDIENCE_FIELDS:
        getattr(assignment, name).set(getattr(spec, name))


@transaction.atomic
def assignment_create(
    *, spec: AssignmentSpec, by, form_token: uuid.UUID | None = None
) -> Assignment:
    """Create an assignment and apply it (enrollments in bulk, emails on commit).

    A second submit of the same form (same `form_token`) is refused with a message and
    writes nothing."""
    today = timezone.localdate()
    if form_token is not None and Assignment.objects.filter(form_token=form_token).exists():
        raise ValidationError(
            _("This form was already submitted: the assignment exists. Open it from the list.")
        )
    assignment_validate(spec, today=today, is_new=True)
    assignment = Assignment(starts_on=today, created_by=by, form_token=form_token)
    try:
        with transaction.atomic():
            _write(assignment, spec)
    except IntegrityError as error:  # the same form submitted twice at the same moment
        raise ValidationError(
            _("This form was already submitted: the assignment exists. Open it from the list.")
        ) from error
    result = course_assignments_apply(course_id=assignment.course_id)
    AssignmentChange.objects.create(
        assignment=assignment,
        action=AssignmentChange.Action.CREATED,
        changed_by=by,
        details={"schema_version": 1, "fields": {}, "counts": _counts(result)},
    )
    return assignment


@transaction.atomic
def assignment_update(
    *, assignment: Assignment, spec: AssignmentSpec, by, revision: int
) -> Assignment:
    """Change an assignment and re-apply it; only the enrollments it owns move.

    `revision` is the one the form was shown with: a double submit or a concurrent edit
    is refused with a message and writes nothing."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.revision != revision:
        raise ValidationError(
            _("This assignment changed since you opened the form. Reload it and try again.")
        )
    if not locked.is_active:
        raise ValidationError(_("A cancelled assignment cannot be changed."))
    if spec.course.pk != locked.course_id:
        raise ValidationError({"course": _("The course of an assignment cannot be changed.")})
    today = timezone.localdate()
    due_unchanged = spec.due_kind == locked.due_kind and spec.due_on == locked.due_on
    if due_unchanged and spec.due_on is not None and spec.due_on < today:
        # An untouched fixed date may have passed since the assignment was made.
        assignment_validate(
            AssignmentSpec(**{**spec.__dict__, "due_on": today}), today=today, is_new=False
        )
    else:
        assignment_validate(spec, today=today, is_new=False)
    before = _snapshot(locked)
    _write(locked, spec)
    locked.revision = revision + 1
    locked.save(update_fields=["revision"])
    after = _snapshot(locked)
    labels = _labels()
    changed = {
        labels[name]: [before[name], after[name]] for name in before if before[name] != after[name]
    }
    result = course_assignments_apply(course_id=locked.course_id)
    AssignmentChange.objects.create(
        assignment=locked,
        action=AssignmentChange.Action.UPDATED,
        changed_by=by,
        details={"schema_version": 1, "fields": changed, "counts": _counts(result)},
    )
    return locked


@transaction.atomic
def assignment_cancel(*, assignment: Assignment, by) -> bool:
    """Cancel: its open enrollments are released (completed ones stay completed).
    False if it was already cancelled (nothing changes)."""
    changed = Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.ACTIVE).update(
        status=Assignment.Status.CANCELLED,
        cancelled_at=timezone.now(),
        updated_at=timezone.now(),
    )
    assignment.refresh_from_db()
    if not changed:
        return False
    result = course_assignments_apply(course_id=assignment.course_id)
    AssignmentChange.objects.create(
        assignment=assignment,
        action=AssignmentChange.Action.CANCELLED,
        changed_by=by,
        details={"schema_version": 1, "fields": {}, "counts": _counts(result)},
    )
    return True


# --- Staying true over time ----------------------------------------------------------------


@dataclass
class SyncResult:
    courses: int = 0
    created: int = 0
    updated: int = 0
    released: int = 0


def assignments_sync(*, dry_run: bool = False) -> SyncResult:
    """Re-apply every course with active assignments (after an HR import and daily):
    new hires and transfers in are picked up, transfers out released (what they did
    stays), leavers left as they are. Idempotent; one transaction per course."""
    result = SyncResult()
    course_ids = list(
        Assignment.objects.filter(status=Assignment.Status.ACTIVE)
        .order_by("course_id")
        .values_list("course_id", flat=True)
        .distinct()
    )
    result.courses = len(course_ids)
    if dry_run:
        return result
    for course_id in course_ids:
        with transaction.atomic():
            applied = course_assignments_apply(course_id=course_id)
            result.created += applied.created
            result.updated += applied.updated
            result.released += applied.released + applied.removed
            if applied.created or applied.released or applied.removed:
                AssignmentChange.objects.bulk_create(
                    AssignmentChange(
                        assignment_id=assignment_id,
                        action=AssignmentChange.Action.SYNCED,
                        details={"schema_version": 1, "fields": {}, "counts": _counts(applied)},
                    )
                    for assignment_id in Assignment.objects.filter(
                        course_id=course_id, status=Assignment.Status.ACTIVE
                    ).values_list("pk", flat=True)
                )
    return result


def recurrence_candidates(*, now: datetime.datetime) -> list[tuple[Enrollment, Assignment]]:
    """Completed current cycles owned by a recurring active assignment whose next cycle
    falls due (completed at least `recurrence_months` ago), of active people. One query
    per recurring assignment."""
    found = []
    recurring = Assignment.objects.filter(
        status=Assignment.Status.ACTIVE, recurrence_months__isnull=False
    ).order_by("pk")
    for assignment in recurring:
        cutoff = now - relativedelta(months=assignment.recurrence_months)
        enrollments = Enrollment.objects.filter(
            assignment_id=assignment.pk,
            is_current=True,
            status=Enrollment.Status.COMPLETED,
            completed_at__lte=cutoff,
            employee__user__is_active=True,
        ).order_by("pk")
        found += [(enrollment, assignment) for enrollment in enrollments]
    return found


def assignments_recur(*, dry_run: bool = False) -> list[int]:
    """Open the next cycle of recurring training that falls due; returns the ids of the
    new cycles. The same cycle mechanism as certificate renewal
    (`courses.services.enrollment_new_cycle`): idempotent per cycle."""
    now = timezone.now()
    candidates = recurrence_candidates(now=now)
    if dry_run:
        return [enrollment.pk for enrollment, _assignment in candidates]
    opened = []
    today = timezone.localdate()
    for enrollment, assignment in candidates:
        days = assignment.due_days if assignment.due_kind == Assignment.DueKind.DAYS_AFTER else None
        due_on = today + datetime.timedelta(days=days or RECURRENCE_DUE_DAYS)
        with transaction.atomic():
            new = enrollment_new_cycle(
                enrollment=enrollment, due_on=due_on, mandatory=assignment.mandatory
            )
        opened.append(new.pk)
    if opened:
        from .reminders import reminders_assigned_queue

        with transaction.atomic():
            reminders_assigned_queue(enrollment_ids=opened)
    return opened
