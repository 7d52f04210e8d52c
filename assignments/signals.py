"""Receivers and providers: `people` announces imports, `courses` asks for training notes."""

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.annotations import EnrollmentNote, TrainingExtras, TrainingLink
from people.directory import DirectoryItem

from .models import Assignment

CALENDAR_SALT = "assignments.calendar"


def calendar_token(employee_id: int) -> str:
    return signing.dumps(employee_id, salt=CALENDAR_SALT, compress=True)


def calendar_employee_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=CALENDAR_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def sync_after_import(sender, **kwargs) -> None:
    """Sent inside an HR import's transaction: the sync is recorded in the outbox and
    runs after the commit (new hires and transfers picked up within minutes)."""
    from core import outbox

    from .tasks import assignments_sync_task

    outbox.enqueue(assignments_sync_task)


def training_extras_for(employee, enrollments) -> TrainingExtras:
    """Who assigned each course and when, with the note; the calendar link. One query."""
    extras = TrainingExtras()
    if employee is None:
        return extras
    ids = {e.assignment_id for e in enrollments if e.assignment_id}
    if ids:
        assignments = Assignment.objects.filter(pk__in=ids).select_related("created_by")
        by_id = {a.pk: a for a in assignments}
        for enrollment in enrollments:
            assignment = by_id.get(enrollment.assignment_id)
            if assignment is None:
                continue
            extras.notes[enrollment.pk] = EnrollmentNote(
                assigned_by=_("HR (%(name)s)") % {"name": assignment.created_by.get_full_name()}
                if assignment.created_by and assignment.created_by.get_full_name()
                else _("HR"),
                assigned_on=assignment.starts_on,
                note=assignment.note,
            )
    if any(e.due_on and not e.is_completed for e in enrollments):
        extras.links.append(
            TrainingLink(
                label=_("Add my due dates to my calendar"),
                url=reverse(
                    "assignments:calendar-feed", kwargs={"token": calendar_token(employee.pk)}
                ),
                icon="calendar-plus",
                help=_("Subscribe to this address in your calendar app: it stays up to date."),
            )
        )
    return extras


def directory_items_for(employees) -> dict[int, list[DirectoryItem]]:
    """Each person's assigned training for the People directory (one query a page)."""
    from .selectors import assignments_for_employees

    today = timezone.localdate()
    return {
        employee_id: [
            DirectoryItem(
                label=e.course.title,
                status=str(e.get_status_display()),
                due_on=e.due_on,
                overdue=e.is_overdue(today),
                done=e.is_completed,
            )
            for e in enrollments
        ]
        for employee_id, enrollments in assignments_for_employees(
            [employee.pk for employee in employees]
        ).items()
    }
