"""Time assigning a course to N employees, and the daily reminder run over N due enrollments.

    DEBUG=1 .venv/bin/python bench/assignments.py [N]          # default 10000, fresh SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/amb_bench \\
        DEBUG=1 .venv/bin/python bench/assignments.py 10000     # a throwaway database (flushed)

Builds the demo organisation of N employees (`people.demo`), publishes a one-lesson course,
then times, in this process:

1. `assignment_create` for everyone (audience resolution, one enrollment per person
   through `courses.services.enrollments_assign_bulk`, the "assigned" reminder log rows);
2. re-applying it (the daily sync when nothing changed);
3. `reminders_daily` when every enrollment is due in 5 days (one "due in 7 days" log row
   each, queued for the workers).

Sending the emails is the workers' job and is not timed: the outbox rows are written
(one per 100 emails), relaying them to the broker is replaced by a no-op. Prints queries and seconds for each step, as Markdown rows for bench/README.md.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    url = os.environ.get("BENCH_DATABASE_URL")
    tmp = None
    if not url:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambassador.settings")
    import django

    django.setup()
    import datetime

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from assignments import reminders
    from assignments.services import AssignmentSpec, assignment_create, assignments_sync
    from courses.models import Course, Enrollment, Lesson, Module
    from people.demo import demo_organisation_seed
    from people.models import User

    call_command("migrate", verbosity=0)
    if os.environ.get("BENCH_DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    demo_organisation_seed(employees=size, seed=2026)
    course = Course.objects.create(code="bench", title="Bench course", published=True)
    module = Module.objects.create(course=course, code="bench-m", title="M", position=1)
    Lesson.objects.create(module=module, code="bench-l", title="L", position=1, body="Hi")
    hr = User.objects.get(email="hr@example.com")
    # The outbox rows are written (timed); relaying them to the workers is not.
    from core import outbox

    outbox._relay_each = lambda ids: None

    def timed(label, function):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            with transaction.atomic():
                result = function()
            seconds = time.perf_counter() - started
        print(f"| {label} | {connection.vendor} | {size:,} | {len(queries)} | {seconds:.2f} s |")
        return result

    print("| step | database | employees | queries | time |")
    print("| --- | --- | ---: | ---: | ---: |")
    due = timezone.localdate() + datetime.timedelta(days=30)
    timed(
        "assign to everyone",
        lambda: assignment_create(
            spec=AssignmentSpec(course=course, everyone=True, due_on=due), by=hr
        ),
    )
    reached = Enrollment.objects.filter(course=course, assignment_id__isnull=False).count()
    timed("re-apply (no change)", assignments_sync)
    Enrollment.objects.filter(course=course).update(
        due_on=timezone.localdate() + datetime.timedelta(days=5)
    )
    # The "assigned" emails went out days ago (the run skips people assigned in the last day).
    from assignments.models import ReminderLog

    earlier = timezone.now() - datetime.timedelta(days=3)
    ReminderLog.objects.update(created_at=earlier, sent_at=earlier)
    run = timed("daily reminder run", reminders.reminders_daily)
    print(f"\n{reached:,} enrollments created; reminders queued: {dict(run.queued)}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
