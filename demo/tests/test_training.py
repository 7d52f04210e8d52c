"""`seed_demo` after `load_curriculum`: the demo company gets its training history."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from assignments.models import Assignment, ReminderLog
from certificates.models import Certificate
from courses.models import Enrollment
from quizzes.models import Attempt


@pytest.fixture
def demo(db, settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    call_command("load_curriculum", verbosity=0)
    out = StringIO()
    # On commit, the sample's completions issue their certificates (as in `make setup`).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", employees=150, stdout=out)
    return out.getvalue()


def test_the_demo_has_assignments_activity_and_certificates(demo):
    assert "Training history in" in demo
    today = timezone.localdate()
    everyone, official = Assignment.objects.order_by("pk")
    assert (everyone.course.code, everyone.everyone, everyone.recurrence_months) == (
        "SM101",
        True,
        12,
    )
    assert official.course.code == "OFFICIAL" and official.departments.exists()
    current = Enrollment.objects.filter(course__code="SM101", is_current=True)
    assert current.count() == 150 and not current.filter(assignment_id__isnull=True).exists()
    done = current.filter(status="completed").count()
    assert done > 150 * 0.6
    assert current.filter(status="in_progress").exists()
    assert current.filter(status="not_started", due_on__lt=today).exists()  # overdue
    # Every completion has its certificate; one is revoked; a few expire within a month.
    assert Certificate.objects.filter(course__code="SM101").count() == done
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 1
    soon = timezone.now() + datetime.timedelta(days=30)
    assert Certificate.objects.filter(expires_at__lte=soon, revoked_at__isnull=True).exists()
    # Real quiz attempts (one failed and retried), "assigned" emails logged as sent.
    assert Attempt.objects.filter(passed=False, submitted_at__isnull=False).exists()
    assert Attempt.objects.filter(passed=True).exists()
    assert not ReminderLog.objects.filter(sent_at__isnull=True).exists()
    # The demo employee starts the walkthrough: assigned, overdue, not started.
    mine = current.get(employee__user__email="employee@example.com")
    assert (mine.status, mine.mandatory) == ("not_started", True) and mine.due_on < today


def test_running_it_again_changes_nothing(demo):
    before = list(Enrollment.objects.order_by("pk").values_list("pk", "status", "due_on"))
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "already there" in out.getvalue()
    assert list(Enrollment.objects.order_by("pk").values_list("pk", "status", "due_on")) == before
    assert Assignment.objects.count() == 2


def test_the_demo_has_a_sign_in_log_and_a_second_run_adds_nothing(demo):
    from identity.models import AuditEvent

    assert "Sign-in log:" in demo
    events = AuditEvent.objects.all()
    signed_in = events.filter(kind="sign_in", success=True)
    assert signed_in.values("user").distinct().count() > 100  # of the 150 people
    guesses = events.filter(ip_address="203.0.113.50")
    assert guesses.count() == 12 and not guesses.filter(user__isnull=False).exists()
    times = list(events.order_by("pk").values_list("created_at", flat=True))
    assert times == sorted(times)  # the log's order by id is the order in time
    total = events.count()
    out = StringIO()
    call_command("seed_demo", employees=150, stdout=out)
    assert "Sign-in log: already there" in out.getvalue() and events.count() == total


def test_the_demo_has_scim_tokens_and_prints_no_secret(demo):
    from identity.scim.models import ScimToken

    assert "SCIM tokens: 2 (one revoked)" in demo
    assert "scim_" not in demo.replace("SCIM tokens", "")
    tokens = list(ScimToken.objects.order_by("created_at"))
    assert [(t.name, t.revoked_at is not None) for t in tokens] == [
        ("Entra ID (pilot)", True),
        ("Okta", False),
    ]
    out = StringIO()
    call_command("seed_demo", employees=150, stdout=out)
    assert "SCIM tokens: already there" in out.getvalue() and ScimToken.objects.count() == 2
