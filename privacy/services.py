"""Writes: the audit row of an export, and pseudonymising leavers.

Pseudonymisation replaces what identifies a leaver (name, email, employee number, job
title, hire date, line manager, sign-in traces, the name on their certificates and
their certificate PDFs, the addresses reminders were sent to, their name in the admin's
history) and keeps what the reports count: the employee row, its department, every
enrollment, lesson completion, quiz attempt and answer, and every certificate with its
code, dates and revocation. So report numbers and question statistics stay exactly as
they were, and a certificate's public verification still says valid, expired or
revoked, without a name (docs/privacy.md).
"""

import datetime
import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from assignments.models import ReminderLog
from certificates.models import Certificate
from people.models import Employee, User

from .models import PersonalDataExport, Pseudonymisation
from .selectors import leavers_due

logger = logging.getLogger(__name__)

PSEUDONYM_EMAIL_DOMAIN = "pseudonymised.invalid"  # RFC 2606: never delivered


def pseudonym_for(employee_id: int) -> str:
    return f"former-employee-{employee_id}"


def personal_data_export_record(*, employee: Employee, by: User, format: str) -> None:
    """Audit: `by` exported everything held about `employee` (also written to the log)."""
    PersonalDataExport.objects.create(
        employee=employee, exported_by=by, format=format, exported_at=timezone.now()
    )
    logger.info("Personal data of employee %s exported by user %s (%s)", employee.pk, by.pk, format)


class NotALeaver(ValueError):
    pass


@transaction.atomic
def employee_pseudonymise(*, employee_id: int, now: datetime.datetime | None = None) -> bool:
    """Pseudonymise one leaver; True if done now, False if it had been done already.

    Refuses (NotALeaver) an employee whose account is still active."""
    now = now or timezone.now()
    employee = (
        Employee.objects.select_for_update(of=("self",)).select_related("user").get(pk=employee_id)
    )
    if Pseudonymisation.objects.filter(employee=employee).exists():
        return False
    user = employee.user
    if user.is_active:
        raise NotALeaver(f"Employee {employee.pk} is active: only leavers are pseudonymised.")
    pseudonym = pseudonym_for(employee.pk)

    user.email = f"{pseudonym}@{PSEUDONYM_EMAIL_DOMAIN}"
    user.first_name = "Former employee"
    user.last_name = f"#{employee.pk}"
    user.last_login = None
    user.set_unusable_password()
    user.save(update_fields=["email", "first_name", "last_name", "last_login", "password"])
    EmailAddress.objects.filter(user=user).delete()
    # Second factors (allauth.mfa): TOTP secrets, passkeys and their names, recovery codes.
    Authenticator.objects.filter(user=user).delete()
    # Company accounts linked by SSO: the provider's identifier and the claims it sent.
    SocialAccount.objects.filter(user=user).delete()

    left_at = employee.deactivated_at or now
    employee.employee_number = pseudonym
    employee.job_title = ""
    employee.hired_on = None
    employee.line_manager = None
    employee.invited_at = None
    employee.save(
        update_fields=[
            "employee_number",
            "job_title",
            "hired_on",
            "line_manager",
            "invited_at",
            "updated_at",
        ]
    )

    ReminderLog.objects.filter(enrollment__employee=employee).exclude(recipient="").update(
        recipient=""
    )
    certificates = Certificate.objects.filter(employee=employee)
    pdfs = [name for name in certificates.exclude(pdf="").values_list("pdf", flat=True)]
    certificates.update(holder_name="", pdf="")
    transaction.on_commit(lambda: _delete_files(pdfs))

    for model, object_id in ((User, user.pk), (Employee, employee.pk)):
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=str(object_id)
        ).update(object_repr=pseudonym)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Certificate),
        object_id__in=[str(pk) for pk in certificates.values_list("pk", flat=True)],
    ).update(object_repr=pseudonym)

    Pseudonymisation.objects.create(employee=employee, left_at=left_at, pseudonymised_at=now)
    logger.info("Employee %s pseudonymised (left %s)", employee.pk, left_at.date())
    return True


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError as error:  # a missing file is already what we want
            logger.warning("Certificate PDF %s not deleted: %s", name, error)


def leavers_pseudonymise(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> list[int]:
    """Pseudonymise every leaver whose retention period has passed (the daily job).

    Returns their employee ids (those due, with `dry_run`). Each leaver is its own
    transaction: a failure leaves the others done and is retried the next day."""
    now = now or timezone.now()
    due = list(leavers_due(now).values_list("pk", flat=True))
    if dry_run:
        return due
    done = []
    for employee_id in due:
        try:
            if employee_pseudonymise(employee_id=employee_id, now=now):
                done.append(employee_id)
        except Exception:
            logger.exception("Employee %s not pseudonymised (retried next run)", employee_id)
    return done
