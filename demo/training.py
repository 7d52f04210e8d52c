"""Months of training history for the demo company, so every screen has something true
to show: HR's assignments, the managers' reports and digests, reminders, certificates.

`demo_training_seed(seed=S)` runs after the organisation (`people.demo`) and the
curriculum (`manage.py load_curriculum`) exist; it does nothing if the demo assignments
are already there. What it writes, deterministically from the seed:

- the assignments a real company would have, as HR made them: Social Media 101,
  mandatory for everyone, made 150 days ago, due 90 days ago (new hires: 30 days after
  their hire date), renewed every 12 months; "Representing the brand on official
  accounts" for the communications teams, made 14 days ago, due in 21 days;
- enrollments through the same bulk path as the HR page
  (`assignments.services.course_targets` + `courses.services.enrollments_assign_bulk`),
  with the "assigned" emails logged as sent when the assignment was made (the demo sends
  no email);
- activity: most people done (certificates issued on the completion date), some in
  progress, some not started (overdue when their due date has passed); a few official-
  accounts certificates from last year expiring within a month; one revoked certificate;
- for a handful of people in the demo manager's department, the whole course taken
  through the real services (every lesson, every quiz, one failed and retried check), so
  quiz statistics and attempt reviews are real.

The demo logins stay untouched where a walkthrough starts: the demo employee has Social
Media 101 assigned and overdue, not started.

Bulk rows are written in one UPDATE per (status, day, score) bucket, never one per
person: 50,000 employees take seconds.
"""

import datetime
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from assignments.models import Assignment, AssignmentChange, ReminderLog
from assignments.services import course_targets
from certificates.models import Certificate
from certificates.services import certificate_code_generate, certificate_revoke
from courses.models import Course, Enrollment, Lesson
from courses.services import (
    HistoryState,
    enrollment_get_or_create,
    enrollments_assign_bulk,
    enrollments_record_history,
    lesson_complete,
)
from people.demo import DEMO_LOGINS
from people.models import Department, Employee, User
from quizzes.models import Quiz
from quizzes.services import attempt_start, attempt_submit

SM101, OFFICIAL = "SM101", "OFFICIAL"
SAMPLE = 6  # people who take the whole course through the real services
BATCH = 1000


@dataclass
class TrainingSummary:
    created: bool
    assignments: int = 0
    enrollments: int = 0
    completed: int = 0
    in_progress: int = 0
    overdue: int = 0
    certificates: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        if not self.created:
            return ["Training history: already there (nothing changed)."]
        return [
            f"Training history in {self.seconds:.1f} s: {self.assignments} assignments, "
            f"{self.enrollments:,} enrollments ({self.completed:,} completed, "
            f"{self.in_progress:,} in progress, {self.overdue:,} overdue), "
            f"{self.certificates:,} certificates."
        ]


def _say(stdout, line):
    if stdout is not None:
        stdout.write(line)


def _at(day: datetime.date) -> datetime.datetime:
    """A working-hours moment of `day`, aware (one per day, so rows bucket by day)."""
    moment = datetime.datetime.combine(day, datetime.time(9 + day.toordinal() % 8, 15))
    return timezone.make_aware(moment)


def _apply_quietly(course: Course, *, sent_at: datetime.datetime) -> list[int]:
    """Apply the course's assignments through the HR page's bulk path; log the
    "assigned" emails as sent when the assignment was made. Returns the new rows' ids."""
    active = list(
        Assignment.objects.filter(course=course, status=Assignment.Status.ACTIVE)
        .prefetch_related("departments", "employees", "excluded_departments", "excluded_employees")
        .order_by("pk")
    )
    result = enrollments_assign_bulk(
        course_id=course.pk,
        targets=course_targets(active),
        owners=[assignment.pk for assignment in active],
    )
    run = uuid.uuid4()
    ReminderLog.objects.bulk_create(
        [
            ReminderLog(enrollment_id=pk, kind=ReminderLog.Kind.ASSIGNED, run=run, sent_at=sent_at)
            for pk in result.newly_assigned
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    ReminderLog.objects.filter(run=run).update(created_at=sent_at)
    return result.newly_assigned


def _assignment(*, course, by, starts_on, note, **fields) -> Assignment:
    departments = fields.pop("departments", [])
    assignment = Assignment.objects.create(
        course=course, created_by=by, starts_on=starts_on, note=note, **fields
    )
    assignment.departments.set(departments)
    change = AssignmentChange.objects.create(
        assignment=assignment,
        action=AssignmentChange.Action.CREATED,
        changed_by=by,
        details={"schema_version": 1, "fields": {}, "counts": {}},
    )
    made_at = timezone.make_aware(datetime.datetime.combine(starts_on, datetime.time(9, 30)))
    Assignment.objects.filter(pk=assignment.pk).update(created_at=made_at)
    AssignmentChange.objects.filter(pk=change.pk).update(changed_at=made_at)
    return assignment


class _Buckets:
    """Rows with identical states, written with one UPDATE each by `courses`."""

    def __init__(self):
        self.rows: dict[HistoryState, list[int]] = defaultdict(list)

    def add(self, state: HistoryState, pk: int):
        self.rows[state].append(pk)

    def write(self):
        enrollments_record_history(states=self.rows)


def _activity(*, course, rng, today, starts_on, exclude, recent_share=0.35, done_share=0.82):
    """Draw each enrollment's state; returns the completed (pk, employee id, when) rows."""
    rows = list(
        Enrollment.objects.filter(course=course, is_current=True)
        .exclude(employee_id__in=exclude)
        .order_by("employee_id")
        .values_list("pk", "employee_id", "due_on")
    )
    buckets, completed = _Buckets(), []
    counts = {"completed": 0, "in_progress": 0, "overdue": 0}
    span = max((today - starts_on).days, 1)
    for pk, employee_id, due_on in rows:
        draw = rng.random()
        future = due_on is not None and due_on >= today
        done, started = (recent_share, 0.65) if future else (done_share, done_share + 0.08)
        if draw < done:
            day = starts_on + datetime.timedelta(days=min(int(rng.triangular(1, span, 20)), span))
            score = min(100, max(70, 5 * round(rng.gauss(86, 8) / 5)))
            finished = _at(min(day, today - datetime.timedelta(days=1)))
            buckets.add(
                HistoryState(
                    status=Enrollment.Status.COMPLETED,
                    progress_percent=100,
                    best_score=score,
                    started_at=finished - datetime.timedelta(days=2),
                    completed_at=finished,
                    last_activity_at=finished,
                ),
                pk,
            )
            completed.append((pk, employee_id, finished))
            counts["completed"] += 1
        elif draw < started:
            day = today - datetime.timedelta(days=rng.randrange(1, 30))
            moment = _at(day)
            buckets.add(
                HistoryState(
                    status=Enrollment.Status.IN_PROGRESS,
                    progress_percent=10 * rng.randrange(1, 10),
                    started_at=moment - datetime.timedelta(days=3),
                    last_activity_at=moment,
                ),
                pk,
            )
            counts["in_progress"] += 1
            counts["overdue"] += not future
        else:
            counts["overdue"] += not future
    buckets.write()
    return completed, counts


def _certificates(*, course, completed, names, months):
    certificates = [
        Certificate(
            enrollment_id=pk,
            employee_id=employee_id,
            course_id=course.pk,
            code=certificate_code_generate(),
            holder_name=names.get(employee_id, ""),
            course_title=course.title,
            issued_at=finished,
            expires_at=finished + relativedelta(months=months) if months else None,
        )
        for pk, employee_id, finished in completed
    ]
    return Certificate.objects.bulk_create(certificates, batch_size=BATCH)


def _take_course(employee, course, rng, *, fail_once: bool):
    """The whole course through the real services: every lesson, every quiz."""
    for lesson in Lesson.objects.filter(module__course=course).order_by(
        "module__position", "position", "pk"
    ):
        lesson_complete(employee=employee, lesson=lesson, acknowledged=True)
    quizzes = Quiz.objects.filter(module__course=course).order_by("module__position", "pk")
    for index, quiz in enumerate(quizzes):
        if fail_once and index == 0:
            attempt = attempt_start(employee=employee, quiz=quiz)
            attempt_submit(attempt=attempt, employee=employee, answers=_answers(attempt, rng, 0.3))
        attempt = attempt_start(employee=employee, quiz=quiz)
        attempt_submit(attempt=attempt, employee=employee, answers=_answers(attempt, rng, 1.0))


def _answers(attempt, rng, right_share):
    answers = {}
    for question in attempt.served_questions:
        correct = [c["id"] for c in question["choices"] if c["is_correct"]]
        wrong = [c["id"] for c in question["choices"] if not c["is_correct"]]
        answers[question["id"]] = correct if rng.random() < right_share or not wrong else wrong[:1]
    return answers


def demo_training_seed(*, seed: int = 2026, stdout=None) -> TrainingSummary:
    """Create the demo training history once (see the module docstring)."""
    started = time.monotonic()
    sm101 = Course.objects.filter(code=SM101).first()
    official = Course.objects.filter(code=OFFICIAL).first()
    if sm101 is None or official is None:
        _say(stdout, "Training history: skipped (load the curriculum first: load_curriculum).")
        return TrainingSummary(created=False)
    if Assignment.objects.filter(course=sm101).exists():
        summary = TrainingSummary(created=False)
        for line in summary.lines():
            _say(stdout, line)
        return summary
    rng = random.Random(seed)
    today = timezone.localdate()
    logins = {spec.email for spec in DEMO_LOGINS}
    hr = User.objects.filter(email="hr@example.com").first()
    summary = TrainingSummary(created=True)
    with transaction.atomic():
        everyone = _assignment(
            course=sm101,
            by=hr,
            starts_on=today - datetime.timedelta(days=150),
            note="Everyone who speaks about us online speaks for us. "
            "Please take the course before the due date; it takes about an hour.",
            everyone=True,
            due_kind=Assignment.DueKind.FIXED,
            due_on=today - datetime.timedelta(days=90),
            new_hire_days=30,
            mandatory=True,
            recurrence_months=12,
        )
        comms = list(Department.objects.filter(name__icontains="communications"))
        official_assignment = _assignment(
            course=official,
            by=hr,
            starts_on=today - datetime.timedelta(days=14),
            note="You run or contribute to our official accounts: this one is for you.",
            departments=comms or list(Department.objects.filter(depth=1)),
            due_kind=Assignment.DueKind.FIXED,
            due_on=today + datetime.timedelta(days=21),
            mandatory=True,
        )
        summary.assignments = 2
        # Last year's official-accounts certificates, expiring within a month.
        veterans = list(
            Employee.objects.filter(department__in=comms, user__is_active=True)
            .exclude(user__email__in=logins)
            .order_by("pk")[:5]
        )
        history = defaultdict(list)
        for index, employee in enumerate(veterans):
            finished = (
                timezone.now() - relativedelta(months=12) + datetime.timedelta(days=8 + 4 * index)
            )
            enrollment = enrollment_get_or_create(employee=employee, course=official)
            state = HistoryState(
                status=Enrollment.Status.COMPLETED,
                progress_percent=100,
                best_score=90,
                started_at=finished - datetime.timedelta(days=1),
                completed_at=finished,
                last_activity_at=finished,
            )
            history[state].append(enrollment.pk)
        enrollments_record_history(states=history)
        for assignment, course in ((everyone, sm101), (official_assignment, official)):
            made_at = timezone.make_aware(
                datetime.datetime.combine(assignment.starts_on, datetime.time(9, 30))
            )
            summary.enrollments += len(_apply_quietly(course, sent_at=made_at))
        login_ids = set(
            Employee.objects.filter(user__email__in=logins).values_list("pk", flat=True)
        )
        managed = Department.objects.filter(managers__email="manager@example.com").first()
        sample = list(
            Employee.objects.filter(
                department__path__startswith=managed.path if managed else "-", user__is_active=True
            )
            .exclude(pk__in=login_ids)
            .select_related("user")
            .order_by("pk")[:SAMPLE]
        )
        names = {
            pk: f"{first} {last}".strip()
            for pk, first, last in Employee.objects.values_list(
                "pk", "user__first_name", "user__last_name"
            )
        }
        certificates = 0
        for course, assignment, share in (
            (sm101, everyone, 0.82),
            (official, official_assignment, 0),
        ):
            completed, counts = _activity(
                course=course,
                rng=rng,
                today=today,
                starts_on=assignment.starts_on,
                exclude=login_ids | {e.pk for e in sample} | {e.pk for e in veterans},
                done_share=share,
                recent_share=0.35 if course == sm101 else 0.3,
            )
            created = _certificates(
                course=course,
                completed=completed,
                names=names,
                months=course.certificate_valid_months,
            )
            certificates += len(created)
            summary.completed += counts["completed"]
            summary.in_progress += counts["in_progress"]
            summary.overdue += counts["overdue"]
        # The veterans' certificates (issued last year, expiring soon).
        veteran_rows = Enrollment.objects.filter(
            course=official, employee__in=veterans, status=Enrollment.Status.COMPLETED
        ).values_list("pk", "employee_id", "completed_at")
        certificates += len(
            _certificates(course=official, completed=list(veteran_rows), names=names, months=12)
        )
        revoked = (
            Certificate.objects.filter(course=sm101, revoked_at__isnull=True)
            .order_by("issued_at", "pk")
            .first()
        )
        if revoked is not None and hr is not None:
            certificate_revoke(
                certificate=revoked,
                reason="Shared confidential launch details from a personal account; retake required.",
                by=hr,
            )
        summary.certificates = certificates
    # The sample takes the course for real (own transactions, as learners would).
    for index, employee in enumerate(sample):
        _take_course(employee, sm101, rng, fail_once=index == 0)
        summary.completed += 1
    summary.certificates += len(sample)
    summary.seconds = time.monotonic() - started
    for line in summary.lines():
        _say(stdout, line)
    return summary
