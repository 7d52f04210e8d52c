"""Receivers and providers: `people` announces imports, `courses` asks for training notes."""

from django.core import signing
from django.core.cache import cache
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
    """Sent inside an HR import's transaction (a file, or one person through SCIM): the
    sync is recorded in the outbox and runs ASSIGNMENT_SYNC_DELAY_SECONDS after the
    commit, once for a burst of imports (new hires and transfers picked up within
    minutes; a provisioning run of thousands of people costs one sync, not thousands)."""
    from django.conf import settings

    from core import outbox

    from .tasks import assignments_sync_task

    outbox.enqueue_coalesced(
        assignments_sync_task, delay_seconds=settings.ASSIGNMENT_SYNC_DELAY_SECONDS
    )


# What My training shows of each assignment (its author's name, start, note): kept in the
# cache, since every learner's page shows the same few. Dropped when the assignment is
# saved or deleted; the expiry bounds a rename of its author.
NOTE_SECONDS = 10 * 60


def _note_key(assignment_id: int) -> str:
    return f"assignments:note:{assignment_id}"


def assignment_notes(ids) -> dict[int, EnrollmentNote]:
    """The notes of these assignments: from the cache, the missing ones in one query."""
    keys = {_note_key(pk): pk for pk in ids}
    rows = {keys[key]: row for key, row in cache.get_many(keys).items()}
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        fresh = {
            assignment.pk: (
                assignment.created_by.get_full_name() if assignment.created_by else "",
                assignment.starts_on,
                assignment.note,
            )
            for assignment in Assignment.objects.filter(pk__in=missing).select_related("created_by")
        }
        cache.set_many({_note_key(pk): row for pk, row in fresh.items()}, NOTE_SECONDS)
        rows |= fresh
    return {
        pk: EnrollmentNote(
            assigned_by=_("HR (%(name)s)") % {"name": name} if name else _("HR"),
            assigned_on=starts_on,
            note=note,
        )
        for pk, (name, starts_on, note) in rows.items()
    }


def assignment_note_forget(sender, instance, **kwargs) -> None:
    cache.delete(_note_key(instance.pk))


def training_extras_for(employee, enrollments) -> TrainingExtras:
    """Who assigned each course and when, with the note; the calendar link. At most one
    query (the notes not in the cache)."""
    extras = TrainingExtras()
    if employee is None:
        return extras
    ids = {e.assignment_id for e in enrollments if e.assignment_id}
    if ids:
        notes = assignment_notes(ids)
        for enrollment in enrollments:
            note = notes.get(enrollment.assignment_id)
            if note is not None:
                extras.notes[enrollment.pk] = note
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
