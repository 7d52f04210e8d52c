"""Leavers are pseudonymised after the retention period; reports and certificate
verification stay true."""

import datetime
import io
import json
import uuid

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from ambassador.tests.mfa import enrol_totp
from assignments.models import ReminderLog
from certificates.models import Certificate
from certificates.services import certificate_revoke
from courses.models import Enrollment
from people.models import Employee
from privacy.models import Pseudonymisation
from privacy.selectors import leavers_due
from privacy.services import NotALeaver, employee_pseudonymise, leavers_pseudonymise
from privacy.tasks import leavers_pseudonymise_task
from quizzes.selectors import quiz_statistics
from reports.selectors import ReportFilters, course_summary, department_rollup, enrollments_for

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


def leave(employee, *, months_ago):
    left = NOW - datetime.timedelta(days=round(30.5 * months_ago))
    employee.user.is_active = False
    employee.user.save(update_fields=["is_active"])
    Employee.objects.filter(pk=employee.pk).update(deactivated_at=left)
    employee.refresh_from_db()
    return employee


def test_only_leavers_past_the_retention_period_are_due(personas, settings):
    settings.PRIVACY_RETENTION_MONTHS = 24
    old = leave(personas["employee"], months_ago=25)
    leave(personas["outsider"], months_ago=23)  # not yet
    assert list(leavers_due(NOW)) == [old]
    settings.PRIVACY_RETENTION_MONTHS = 12
    assert set(leavers_due(NOW)) == {old, personas["outsider"]}


def test_a_leaver_loses_what_identifies_them(personas, history, django_capture_on_commit_callbacks):
    employee = leave(personas["employee"], months_ago=30)
    EmailAddress.objects.create(user=employee.user, email=employee.user.email, verified=True)
    enrol_totp(employee.user)
    SocialAccount.objects.create(
        user=employee.user, provider="okta", uid="00u-leaver", extra_data={"name": "Leaver"}
    )
    enrollment = Enrollment.objects.filter(employee=employee).first()
    ReminderLog.objects.create(
        enrollment=enrollment, kind="overdue", recipient=employee.user.email, run=uuid.uuid4()
    )
    pdf = history["certificate"].pdf.name
    storage = history["certificate"].pdf.storage
    assert pdf and storage.exists(pdf)

    with django_capture_on_commit_callbacks(execute=True):  # the PDF is deleted on commit
        assert employee_pseudonymise(employee_id=employee.pk, now=NOW) is True

    employee.refresh_from_db()
    user = employee.user
    assert user.email == f"former-employee-{employee.pk}@pseudonymised.invalid"
    assert (user.first_name, user.last_name) == ("Former employee", f"#{employee.pk}")
    assert not user.has_usable_password() and user.last_login is None
    assert employee.employee_number == f"former-employee-{employee.pk}"
    assert (employee.job_title, employee.hired_on, employee.line_manager) == ("", None, None)
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not SocialAccount.objects.filter(user=user).exists()
    assert not ReminderLog.objects.exclude(recipient="").exists()
    certificate = Certificate.objects.get(pk=history["certificate"].pk)
    assert certificate.holder_name == "" and not certificate.pdf
    assert not storage.exists(pdf)
    record = Pseudonymisation.objects.get(employee=employee)
    assert record.left_at == employee.deactivated_at
    # Nothing identifying is left in the subject-access export either.
    from privacy.selectors import employee_personal_data

    exported = json.dumps(employee_personal_data(employee), cls=DjangoJSONEncoder)
    for trace in ("employee@example.com", "Persona", "manager@example.com"):
        assert trace not in exported
    # The training record stays.
    assert Enrollment.objects.filter(employee=employee).count() >= 2
    assert employee.quiz_attempts.get().answers.count() == 2


def test_certificate_verification_stays_true_without_the_name(personas, history, client):
    employee = leave(personas["employee"], months_ago=30)
    revoked = Certificate.objects.get(pk=history["certificate"].pk)
    holder = revoked.holder_name
    certificate_revoke(certificate=revoked, by=personas["hr"].user, reason="Issued in error")
    employee_pseudonymise(employee_id=employee.pk, now=NOW)

    page = client.get(reverse("certificate-verify", args=[revoked.display_code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "This certificate has been revoked" in text
    assert holder not in text
    assert "personal data has been removed" in text


def test_report_numbers_are_unchanged(personas, history, org):
    """The HR completion summary and roll-up (all departments, leavers' rows as the
    reports count them) and the question statistics (which count leavers' answers)."""
    hr = personas["hr"].user
    today = NOW.date()
    leave(personas["employee"], months_ago=30)

    def numbers():
        enrollments = enrollments_for(hr, ReportFilters(), today=today)
        return (
            repr(course_summary(enrollments, today=today)),
            repr(department_rollup(hr, enrollments, today=today)),
            repr(quiz_statistics(history["quiz"])),
            Enrollment.objects.filter(status="completed").count(),
            Certificate.objects.count(),
        )

    before = numbers()
    assert leavers_pseudonymise(now=NOW) == [personas["employee"].pk]
    assert numbers() == before


def test_an_active_employee_is_refused(personas):
    with pytest.raises(NotALeaver):
        employee_pseudonymise(employee_id=personas["employee"].pk, now=NOW)
    assert not Pseudonymisation.objects.exists()


def test_running_again_changes_nothing(personas):
    employee = leave(personas["employee"], months_ago=30)
    assert leavers_pseudonymise(now=NOW) == [employee.pk]
    first = Employee.objects.get(pk=employee.pk).updated_at
    assert leavers_pseudonymise(now=NOW) == []
    assert employee_pseudonymise(employee_id=employee.pk, now=NOW) is False
    assert Employee.objects.get(pk=employee.pk).updated_at == first


def test_the_command_and_the_task_run_the_same_job(personas, time_machine):
    time_machine.move_to(NOW, tick=False)
    employee = leave(personas["employee"], months_ago=30)
    leave(personas["outsider"], months_ago=30)
    out = io.StringIO()
    call_command("pseudonymise_leavers", "--dry-run", stdout=out)
    assert "2 leaver(s) would be pseudonymised" in out.getvalue()
    assert not Pseudonymisation.objects.exists()
    Employee.objects.filter(pk=personas["outsider"].pk).update(
        deactivated_at=timezone.now() - datetime.timedelta(days=10)
    )
    call_command("pseudonymise_leavers", stdout=out)
    assert "Pseudonymised 1 leaver(s)" in out.getvalue()
    assert list(Pseudonymisation.objects.values_list("employee", flat=True)) == [employee.pk]
    Employee.objects.filter(pk=personas["outsider"].pk).update(
        deactivated_at=timezone.now() - datetime.timedelta(days=800)
    )
    assert leavers_pseudonymise_task.delay().get() == 1


def test_beat_runs_the_job_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-daily-pseudonymise-leavers"]
    assert entry["task"] == leavers_pseudonymise_task.name
