"""Reads: everything the site holds about one employee (the subject-access export),
and the leavers whose retention period has passed.

`employee_personal_data` makes a fixed number of queries whatever the history's size
(one per kind of record); its result holds plain values (strings, numbers, booleans,
None, dates and datetimes: serialise with `DjangoJSONEncoder`, which writes ISO 8601)
and is versioned (`schema_version`). Coded values (a status, an email kind) come with
their label in the reader's language next to them.
"""

import datetime

from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db.models import QuerySet

from assignments.models import Assignment, AssignmentChange, DigestLog, ReminderLog
from certificates.models import Certificate
from core.personal_data import personal_data_sections
from courses.models import Course, Enrollment, Lesson, LessonCompletion
from courses.translation import translated, translations_prefetch
from people.models import Department, Employee, StagedImport
from quizzes.models import Attempt, AttemptAnswer, Quiz

from .models import PersonalDataExport

SCHEMA_VERSION = 2  # 2: other_records (sign-ins, second factors, SSO accounts)


def _value(value):
    return value


def _labelled(rows: list[dict], key: str, choices) -> list[dict]:
    labels = dict(choices)
    for row in rows:
        row[f"{key}_label"] = labels.get(row[key], row[key])
    return rows


def _rows(queryset: QuerySet, fields: dict[str, str]) -> list[dict]:
    """`fields` maps the exported key to the ORM lookup; one query."""
    lookups = list(fields.values())
    return [
        {key: _value(row[lookup]) for key, lookup in fields.items()}
        for row in queryset.values(*lookups)
    ]


def _answers(attempts: list[Attempt]) -> dict[int, list[dict]]:
    """The answers of the submitted attempts, as the employee saw the questions (from
    each attempt's snapshot, so later edits of a quiz do not change them). One query."""
    snapshots = {
        attempt.pk: {question["id"]: question for question in attempt.served_questions}
        for attempt in attempts
    }
    answers: dict[int, list[dict]] = {attempt.pk: [] for attempt in attempts}
    rows = AttemptAnswer.objects.filter(attempt__in=[a.pk for a in attempts]).order_by(
        "attempt", "position"
    )
    for answer in rows.values("attempt_id", "question_id", "chosen", "is_correct"):
        served = snapshots[answer["attempt_id"]].get(answer["question_id"], {})
        texts = {choice["id"]: choice["text"] for choice in served.get("choices", [])}
        answers[answer["attempt_id"]].append(
            {
                "question": served.get("prompt", ""),
                "chosen": [texts.get(choice_id, str(choice_id)) for choice_id in answer["chosen"]],
                "correct": answer["is_correct"],
            }
        )
    return answers


def employee_personal_data(employee: Employee) -> dict:
    """Everything held about `employee`, grouped by kind of record (about 25 queries,
    however long their history)."""
    return employee_personal_records(employee)[0]


def employee_personal_records(employee: Employee) -> tuple[dict, list]:
    """`employee_personal_data`, and the sections of the apps that register theirs
    (`core.personal_data`: sign-ins, second factors, SSO accounts) with their titles and
    columns for the printable page; their rows are in the data under `other_records`."""
    sections = personal_data_sections(employee)
    user = employee.user
    enrollments = (
        Enrollment.objects.filter(employee=employee)
        .annotate(course_name=translated(Course, "title", outer="course_id"))
        .order_by("course__code", "cycle")
    )
    attempts = list(
        Attempt.objects.filter(employee=employee)
        .select_related("quiz")
        .prefetch_related(translations_prefetch(Quiz, "quiz"))
        .order_by("started_at", "pk")
        .only(
            "pk",
            "quiz__code",
            "enrollment_id",
            "number",
            "started_at",
            "deadline",
            "submitted_at",
            "late",
            "score_percent",
            "passed",
            "served",
        )
    )
    answers = _answers(attempts)
    line_manager = employee.line_manager
    return {
        "schema_version": SCHEMA_VERSION,
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "active": user.is_active,
            "account_created_at": _value(user.date_joined),
            "last_sign_in_at": _value(user.last_login),
            "staff": user.is_staff,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        "email_addresses": _rows(
            EmailAddress.objects.filter(user=user).order_by("pk"),
            {"email": "email", "verified": "verified", "primary": "primary"},
        ),
        "profile": {
            "employee_number": employee.employee_number,
            "job_title": employee.job_title,
            "language": employee.locale,
            "hired_on": _value(employee.hired_on),
            "left_at": _value(employee.deactivated_at),
            "invited_at": _value(employee.invited_at),
            "profile_created_at": _value(employee.created_at),
            "profile_updated_at": _value(employee.updated_at),
            "department": {"code": employee.department.code, "name": employee.department.name},
            "line_manager": None
            if line_manager is None
            else {
                "name": line_manager.user.get_full_name(),
                "email": line_manager.user.email,
                "employee_number": line_manager.employee_number,
            },
        },
        "departments_managed": _rows(
            Department.objects.filter(managers=user).order_by("code"),
            {"code": "code", "name": "name"},
        ),
        "enrollments": _labelled(
            _rows(
                enrollments,
                {
                    "id": "pk",
                    "course": "course_name",
                    "course_code": "course__code",
                    "cycle": "cycle",
                    "current": "is_current",
                    "status": "status",
                    "progress_percent": "progress_percent",
                    "mandatory": "mandatory",
                    "due_on": "due_on",
                    "best_score": "best_score",
                    "enrolled_at": "enrolled_at",
                    "started_at": "started_at",
                    "completed_at": "completed_at",
                    "last_activity_at": "last_activity_at",
                },
            ),
            "status",
            Enrollment.Status.choices,
        ),
        "lesson_completions": _rows(
            LessonCompletion.objects.filter(enrollment__employee=employee)
            .annotate(lesson_name=translated(Lesson, "title", outer="lesson_id"))
            .order_by("completed_at", "pk"),
            {
                "enrollment": "enrollment_id",
                "lesson": "lesson_name",
                "completed_at": "completed_at",
                "acknowledged_statement": "acknowledged_statement",
            },
        ),
        "quiz_attempts": [
            {
                "quiz": attempt.quiz.title,
                "enrollment": attempt.enrollment_id,
                "number": attempt.number,
                "started_at": _value(attempt.started_at),
                "deadline": _value(attempt.deadline),
                "submitted_at": _value(attempt.submitted_at),
                "late": attempt.late,
                "score_percent": attempt.score_percent,
                "passed": attempt.passed,
                "answers": answers[attempt.pk],
            }
            for attempt in attempts
        ],
        "certificates": _rows(
            Certificate.objects.filter(employee=employee).order_by("issued_at", "pk"),
            {
                "code": "code",
                "holder_name": "holder_name",
                "course": "course_title",
                "issued_at": "issued_at",
                "expires_at": "expires_at",
                "revoked_at": "revoked_at",
                "revoked_reason": "revoked_reason",
                "expiry_warning_sent_at": "expiry_warning_sent_at",
            },
        ),
        "assignments_naming_them": _rows(
            Assignment.objects.filter(employees=employee)
            .annotate(course_name=translated(Course, "title", outer="course_id"))
            .order_by("pk"),
            {"id": "pk", "course": "course_name", "status": "status", "starts_on": "starts_on"},
        ),
        "assignments_excluding_them": _rows(
            Assignment.objects.filter(excluded_employees=employee)
            .annotate(course_name=translated(Course, "title", outer="course_id"))
            .order_by("pk"),
            {"id": "pk", "course": "course_name", "status": "status", "starts_on": "starts_on"},
        ),
        "reminder_emails": _labelled(
            _rows(
                ReminderLog.objects.filter(enrollment__employee=employee).order_by(
                    "created_at", "pk"
                ),
                {
                    "enrollment": "enrollment_id",
                    "kind": "kind",
                    "created_at": "created_at",
                    "sent_at": "sent_at",
                    "sent_to": "recipient",
                },
            ),
            "kind",
            ReminderLog.Kind.choices,
        ),
        "manager_digests": _rows(
            DigestLog.objects.filter(manager=user).order_by("week"),
            {"week": "week", "sent_at": "sent_at"},
        ),
        "actions_recorded": {
            "assignment_changes": _rows(
                AssignmentChange.objects.filter(changed_by=user).order_by("changed_at", "pk"),
                {"assignment": "assignment_id", "action": "action", "at": "changed_at"},
            ),
            "certificates_revoked": _rows(
                Certificate.objects.filter(revoked_by=user).order_by("revoked_at", "pk"),
                {"code": "code", "revoked_at": "revoked_at"},
            ),
            "admin_changes": _rows(
                LogEntry.objects.filter(user=user).order_by("action_time", "pk"),
                {
                    "at": "action_time",
                    "object": "object_repr",
                    "type": "content_type__model",
                    "action_flag": "action_flag",
                },
            ),
            "hr_files_uploaded": _rows(
                StagedImport.objects.filter(uploaded_by=user).order_by("created_at", "pk"),
                {"filename": "filename", "uploaded_at": "created_at"},
            ),
            "personal_data_exports_made": _rows(
                PersonalDataExport.objects.filter(exported_by=user).order_by("exported_at", "pk"),
                {"employee": "employee__employee_number", "format": "format", "at": "exported_at"},
            ),
        },
        "personal_data_exports_of_them": _labelled(
            _rows(
                PersonalDataExport.objects.filter(employee=employee).order_by("exported_at", "pk"),
                {"by": "exported_by__email", "format": "format", "at": "exported_at"},
            ),
            "format",
            PersonalDataExport.Format.choices,
        ),
        "other_records": {section.key: section.rows for section in sections},
    }, sections


def employee_export_get(employee_id: int) -> Employee:
    """The employee with what the export reads alongside (one query)."""
    return Employee.objects.select_related("user", "department", "line_manager__user").get(
        pk=employee_id
    )


def retention_cutoff(now: datetime.datetime) -> datetime.datetime:
    """Leavers who left before this moment are due for pseudonymisation."""
    return now - relativedelta(months=settings.PRIVACY_RETENTION_MONTHS)


def leavers_due(now: datetime.datetime) -> QuerySet[Employee]:
    """Leavers (deactivated by the HR import) whose retention period has passed and who
    are not pseudonymised yet."""
    return Employee.objects.filter(
        user__is_active=False,
        deactivated_at__isnull=False,
        deactivated_at__lt=retention_cutoff(now),
        pseudonymisation__isnull=True,
    ).order_by("deactivated_at", "pk")
