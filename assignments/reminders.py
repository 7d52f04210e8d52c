"""Assignment emails, each at most once: assigned, due in 7 days, due tomorrow, overdue,
escalation to the line manager (14 days overdue), and the managers' weekly digest.

How "exactly once" holds:

1. A run (the daily job, an assignment being applied) selects the candidates in one
   query per kind and inserts one `ReminderLog` row per (enrollment, kind) with
   `ignore_conflicts`, tagged with its own run id. The unique constraint lets only one
   insert win, so two beat processes running at once, or a retried run, cannot both
   own a row. The run then queues only the rows tagged with its id.
2. The queueing goes through the transactional outbox (`core.outbox`), in the same
   transaction as the rows: it is never lost. The sender claims each row with a
   conditional UPDATE (`sent_at IS NULL`, committed on its own) and then sends; a send
   that raises clears the claim so the task's retry can send it. A worker killed after
   the claim never sends twice (at most once); rows left unsent for an hour are queued
   again by the next daily run.

Leavers get nothing: candidates are active employees only, and the sender checks again.
"""

import datetime
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation

from core import outbox
from core.emails import send_templated_email
from courses.models import Course, Enrollment
from courses.translation import translations_prefetch
from people.models import Department, Employee

from .calendar import enrollments_ics
from .models import Assignment, DigestLog, ReminderLog

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
SEND_CHUNK = 100  # reminder ids per queued task
ESCALATION_DAYS = 14
DUE_SOON_DAYS = 7
REQUEUE_AFTER = datetime.timedelta(hours=1)
Kind = ReminderLog.Kind


# --- Queueing -----------------------------------------------------------------------------


def _dispatch(task_name: str, ids: list[int]) -> None:
    """Queue the sending of these rows, never lost: the transactional outbox records one
    `queue_send` task per chunk in the caller's transaction, and that task hands the
    chunk to the sending task. The sending task runs outside the outbox's transaction,
    so each claim commits before its email leaves: a worker killed mid-send never
    sends the same email twice."""
    from .tasks import queue_send_task

    chunks = [ids[start : start + SEND_CHUNK] for start in range(0, len(ids), SEND_CHUNK)]
    if chunks:
        outbox.enqueue_many(
            queue_send_task, [{"task_name": task_name, "ids": chunk} for chunk in chunks]
        )


def _insert_logs(enrollment_ids: list[int], kind: str, run: uuid.UUID) -> None:
    rows = [ReminderLog(enrollment_id=pk, kind=kind, run=run) for pk in enrollment_ids]
    ReminderLog.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)


def reminders_assigned_queue(*, enrollment_ids: list[int]) -> list[int]:
    """Queue "you have been assigned" for these enrollments, once each (on commit)."""
    run = uuid.uuid4()
    _insert_logs(list(enrollment_ids), Kind.ASSIGNED, run)
    won = list(ReminderLog.objects.filter(run=run).values_list("pk", flat=True))
    _dispatch("reminders_send_task", won)
    return won


def _open_assigned(today: datetime.date):
    """Current, unfinished, assigned enrollments with a due date, of active people, in
    published courses."""
    return Enrollment.objects.filter(
        is_current=True,
        assignment_id__isnull=False,
        due_on__isnull=False,
        employee__user__is_active=True,
        course__published=True,
    ).exclude(status=Enrollment.Status.COMPLETED)


def reminder_candidates(*, kind: str, today: datetime.date, now: datetime.datetime):
    """Enrollment ids due an email of `kind` today that have not had it (one query).

    People assigned in the last day are left for tomorrow, so a short deadline does not
    bring "assigned" and a reminder in the same hour."""
    windows = {
        Kind.DUE_IN_7_DAYS: Q(
            due_on__gt=today + datetime.timedelta(days=1),
            due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        ),
        Kind.DUE_IN_1_DAY: Q(due_on__gt=today, due_on__lte=today + datetime.timedelta(days=1)),
        Kind.OVERDUE: Q(due_on__lt=today),
        Kind.ESCALATION: Q(
            due_on__lte=today - datetime.timedelta(days=ESCALATION_DAYS),
            employee__line_manager__user__is_active=True,
        ),
    }
    already = ReminderLog.objects.filter(enrollment_id=OuterRef("pk"), kind=kind)
    fresh = ReminderLog.objects.filter(
        enrollment_id=OuterRef("pk"),
        kind=Kind.ASSIGNED,
        created_at__gt=now - datetime.timedelta(days=1),
    )
    return (
        _open_assigned(today)
        .filter(windows[kind])
        .filter(~Exists(already), ~Exists(fresh))
        .values_list("pk", flat=True)
    )


@dataclass
class ReminderRun:
    queued: dict[str, int] = field(default_factory=dict)
    requeued: int = 0


def reminders_daily(*, dry_run: bool = False) -> ReminderRun:
    """The daily reminder run (Celery beat and `manage.py assignment_reminders`).

    Queries: one candidate query and one insert per batch for each of the four kinds,
    one read of the rows this run won, one of the rows left unsent: the count does not
    grow with the number of people beyond the insert batches."""
    now = timezone.now()
    today = timezone.localdate(now)
    result = ReminderRun()
    kinds = [Kind.DUE_IN_7_DAYS, Kind.DUE_IN_1_DAY, Kind.OVERDUE, Kind.ESCALATION]
    if dry_run:
        for kind in kinds:
            result.queued[kind] = reminder_candidates(kind=kind, today=today, now=now).count()
        return result
    run = uuid.uuid4()
    with transaction.atomic():
        for kind in kinds:
            ids = list(reminder_candidates(kind=kind, today=today, now=now))
            _insert_logs(ids, kind, run)
        won = list(ReminderLog.objects.filter(run=run).values_list("pk", "kind"))
        for _pk, kind in won:
            result.queued[kind] = result.queued.get(kind, 0) + 1
        stale = list(
            ReminderLog.objects.filter(sent_at__isnull=True, created_at__lt=now - REQUEUE_AFTER)
            .exclude(run=run)
            .values_list("pk", flat=True)[: BATCH_SIZE * 10]
        )
        result.requeued = len(stale)
        _dispatch("reminders_send_task", [pk for pk, _kind in won] + stale)
    return result


# --- Sending ------------------------------------------------------------------------------


def course_url(enrollment: Enrollment) -> str:
    return settings.SITE_URL.rstrip("/") + enrollment.course.get_absolute_url()


def _context(enrollment: Enrollment, assignment: Assignment | None, today) -> dict:
    employee = enrollment.employee
    return {
        "enrollment": enrollment,
        "employee": employee,
        "user": employee.user,
        "course": enrollment.course,
        "assignment": assignment,
        "course_url": course_url(enrollment),
        "my_training_url": settings.SITE_URL.rstrip("/") + reverse("home"),
        "days_overdue": (today - enrollment.due_on).days if enrollment.due_on else 0,
    }


def reminder_send(*, reminder_id: int) -> bool:
    """Send one logged email, at most once. True if it was sent now."""
    claimed = ReminderLog.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        return _reminder_deliver(reminder_id)
    except Exception:
        # Let the task's retry claim it again.
        ReminderLog.objects.filter(pk=reminder_id).update(sent_at=None)
        raise


def _reminder_deliver(reminder_id: int) -> bool:
    log = ReminderLog.objects.select_related(
        "enrollment__course",
        "enrollment__employee__user",
        "enrollment__employee__line_manager__user",
    ).get(pk=reminder_id)
    enrollment = log.enrollment
    employee = enrollment.employee
    today = timezone.localdate()
    still_due = (
        employee.user.is_active
        and enrollment.is_current
        and enrollment.assignment_id is not None
        and (log.kind == Kind.ASSIGNED or not enrollment.is_completed)
    )
    if not still_due:
        return False  # finished, released or left meanwhile: claimed, nothing sent
    assignment = Assignment.objects.filter(pk=enrollment.assignment_id).first()
    context = _context(enrollment, assignment, today)
    attachments = []
    if log.kind == Kind.ESCALATION:
        manager = employee.line_manager
        if manager is None or not manager.user.is_active:
            return False
        recipient, language = manager.user.email, manager.locale
        context["manager"] = manager
        name = "assignment_escalation"
    else:
        recipient, language = employee.user.email, employee.locale
        name = {
            Kind.ASSIGNED: "assignment_assigned",
            Kind.DUE_IN_7_DAYS: "assignment_due_soon",
            Kind.DUE_IN_1_DAY: "assignment_due_soon",
            Kind.OVERDUE: "assignment_overdue",
        }[log.kind]
        context["days_left"] = (enrollment.due_on - today).days if enrollment.due_on else None
        if log.kind == Kind.ASSIGNED and enrollment.due_on:
            with translation.override(language):  # the event's text, as the email's
                ics = enrollments_ics([enrollment])
            attachments.append(("training-due-date.ics", ics, "text/calendar"))
    send_templated_email(
        name=name, to=recipient, context=context, language=language, attachments=attachments
    )
    ReminderLog.objects.filter(pk=reminder_id).update(recipient=recipient)
    return True


# --- Manager digest -------------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _digest_rows(today: datetime.date):
    """Overdue and due-soon assigned enrollments of active people, with the department
    path of each (one query)."""
    return (
        _open_assigned(today)
        .filter(due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        .values_list("pk", "employee__department__path")
    )


def digest_managers(*, today: datetime.date) -> set[int]:
    """Active managers with something to say this week: two queries, then prefix
    matching in memory (departments × managers, never people × queries)."""
    per_path: dict[str, int] = defaultdict(int)
    for _pk, path in _digest_rows(today).iterator(chunk_size=5000):
        per_path[path] += 1
    if not per_path:
        return set()
    managed = Department.managers.through.objects.filter(user__is_active=True).values_list(
        "user_id", "department__path"
    )
    paths = sorted(per_path)
    managers = set()
    for user_id, top in managed:
        if user_id in managers:
            continue
        if any(path.startswith(top) for path in paths):
            managers.add(user_id)
    return managers


def manager_digests(*, dry_run: bool = False) -> list[int]:
    """The weekly digest run (Celery beat on Mondays and `manage.py manager_digests`):
    one digest per manager and week, none when there is nothing to say."""
    today = timezone.localdate()
    managers = digest_managers(today=today)
    if dry_run:
        return sorted(managers)
    run = uuid.uuid4()
    week = week_start(today)
    with transaction.atomic():
        DigestLog.objects.bulk_create(
            [DigestLog(manager_id=user_id, week=week, run=run) for user_id in sorted(managers)],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        won = list(DigestLog.objects.filter(run=run).values_list("pk", flat=True))
        _dispatch("manager_digest_send_task", won)
    return won


DIGEST_LIMIT = 50  # people listed in one email; the rest are counted


def digest_content(*, manager, today: datetime.date) -> dict:
    """The overdue and due-soon people in the manager's scope (their managed subtrees)."""
    paths = list(Department.objects.filter(managers=manager).values_list("path", flat=True))
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(employee__department__path__startswith=path)
    rows = (
        _open_assigned(today)
        .filter(q, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        .select_related("employee__user", "employee__department", "course")
        .prefetch_related(translations_prefetch(Course, "course"))
        .order_by("due_on", "employee__user__last_name", "pk")
    )
    overdue = [e for e in rows if e.due_on < today]
    due_soon = [e for e in rows if e.due_on >= today]
    return {
        "overdue": overdue[:DIGEST_LIMIT],
        "overdue_more": max(0, len(overdue) - DIGEST_LIMIT),
        "overdue_count": len(overdue),
        "due_soon": due_soon[:DIGEST_LIMIT],
        "due_soon_more": max(0, len(due_soon) - DIGEST_LIMIT),
        "due_soon_count": len(due_soon),
        "today": today,
    }


def manager_digest_send(*, digest_id: int) -> bool:
    claimed = DigestLog.objects.filter(pk=digest_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        digest = DigestLog.objects.select_related("manager").get(pk=digest_id)
        manager = digest.manager
        if not manager.is_active:
            return False
        content = digest_content(manager=manager, today=timezone.localdate())
        if not (content["overdue_count"] or content["due_soon_count"]):
            return False  # resolved since the run: nothing to say
        employee = Employee.objects.filter(user=manager).first()
        send_templated_email(
            name="assignment_digest",
            to=manager.email,
            context={
                **content,
                "manager": manager,
                "people_url": settings.SITE_URL.rstrip("/") + reverse("people:employee-list"),
            },
            language=employee.locale if employee else None,
        )
        return True
    except Exception:
        DigestLog.objects.filter(pk=digest_id).update(sent_at=None)
        raise
