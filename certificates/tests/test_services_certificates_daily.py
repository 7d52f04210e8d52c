import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from certificates.models import Certificate
from certificates.services import certificate_revoke, certificates_daily
from certificates.tests.factories import complete_course, issue_certificate
from courses.models import Enrollment

ISSUED = datetime.datetime(2025, 1, 10, 9, tzinfo=datetime.UTC)  # valid 12 months
WARNING_DAY = datetime.datetime(2025, 12, 15, 6, tzinfo=datetime.UTC)  # 26 days before expiry
AFTER_EXPIRY = datetime.datetime(2026, 1, 11, 6, tzinfo=datetime.UTC)


def travel(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def certificate(employee):
    with travel(ISSUED):
        return issue_certificate(
            employee=employee, title="Social Media 101", certificate_valid_months=12, mandatory=True
        )


def test_expiry_warning_is_sent_once(certificate, employee):
    with travel(datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)):  # 40 days before
        assert certificates_daily().warned == []
    with travel(WARNING_DAY):
        assert certificates_daily().warned == [certificate.pk]
        assert certificates_daily().warned == []
    with travel(WARNING_DAY + datetime.timedelta(days=1)):
        assert certificates_daily().warned == []
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [employee.user.email]
    assert "Social Media 101" in message.subject
    assert "10 January 2026" in message.subject
    assert "Your certificate for “Social Media 101” expires on 10 January 2026." in message.body
    assert "/certificates/" in message.body
    html = message.alternatives[0][0]
    assert "Social Media 101" in html and "mandatory" in html
    certificate.refresh_from_db()
    assert certificate.expiry_warning_sent_at == WARNING_DAY


def test_a_failed_send_releases_the_claim_for_the_next_run(certificate, monkeypatch):
    from certificates import services

    def broken(**kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(services, "send_templated_email", broken)
    with travel(WARNING_DAY):
        assert certificates_daily().warned == []
    certificate.refresh_from_db()
    assert certificate.expiry_warning_sent_at is None
    monkeypatch.undo()
    with travel(WARNING_DAY):
        assert certificates_daily().warned == [certificate.pk]


def test_revoked_or_superseded_certificates_get_no_warning(employee, certificate, hr):
    with travel(ISSUED):
        other = issue_certificate(employee=employee, certificate_valid_months=12)
    certificate_revoke(certificate=other, reason="Mistake", by=hr.user)
    with travel(WARNING_DAY):
        assert certificates_daily().warned == [certificate.pk]


def test_an_expired_mandatory_certificate_opens_one_new_cycle(certificate, employee):
    with travel(AFTER_EXPIRY):
        first = certificates_daily()
        second = certificates_daily()
    assert first.renewed == [certificate.pk]
    assert second.renewed == []
    cycles = Enrollment.objects.filter(employee=employee, course=certificate.course).order_by(
        "cycle"
    )
    assert [(e.cycle, e.is_current, e.status) for e in cycles] == [
        (1, False, "completed"),
        (2, True, "not_started"),
    ]
    renewed = cycles[1]
    assert renewed.mandatory is True
    assert renewed.due_on == datetime.date(2026, 2, 9)  # expiry day + 30 days
    # History is kept: the old certificate is still there, now expired.
    certificate.refresh_from_db()
    assert certificate.enrollment == cycles[0]
    assert certificate.current_state == Certificate.State.EXPIRED


def test_optional_courses_are_not_reopened(employee):
    with travel(ISSUED):
        issue_certificate(employee=employee, certificate_valid_months=12, mandatory=False)
    with travel(AFTER_EXPIRY):
        assert certificates_daily().renewed == []
    assert Enrollment.objects.filter(cycle=2).count() == 0


def test_missing_certificates_are_issued(employee):
    enrollment = complete_course(employee=employee)
    # Completion issues it in the same transaction now; a completed enrollment without
    # one can only come from older data (or a hand edit).
    Certificate.objects.all().delete()
    assert certificates_daily().issued == [enrollment.pk]
    assert Certificate.objects.get().enrollment == enrollment
    assert certificates_daily().issued == []


def test_candidates_are_selected_with_one_query_each(
    employee, certificate, django_assert_num_queries
):
    # missing certificates, warning candidates, renewal candidates: nothing to do.
    with (
        travel(datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)),
        django_assert_num_queries(3),
    ):
        certificates_daily()


def test_management_command_runs_the_same_job_and_has_a_dry_run(certificate):
    out = StringIO()
    with travel(AFTER_EXPIRY):
        call_command("certificates_daily", "--dry-run", stdout=out)
        assert "Dry run: would have" in out.getvalue()
        assert "opened 1 recertification cycle(s)" in out.getvalue()
        assert Enrollment.objects.filter(cycle=2).count() == 0
        out = StringIO()
        call_command("certificates_daily", stdout=out)
        assert "opened 1 recertification cycle(s)" in out.getvalue()
        call_command("certificates_daily", stdout=StringIO())
    assert Enrollment.objects.filter(cycle=2).count() == 1


def test_the_daily_task_calls_the_service(certificate):
    from certificates.tasks import certificates_daily_task

    with travel(AFTER_EXPIRY):
        assert certificates_daily_task.delay().get() == {"issued": 0, "warned": 0, "renewed": 1}
