from django.core.management.base import BaseCommand

from assignments.reminders import reminders_daily
from assignments.services import assignments_recur, assignments_sync


class Command(BaseCommand):
    help = (
        "Re-apply every active assignment (new hires and transfers), open the next cycle "
        "of recurring training that falls due, and queue the reminders (7 days and 1 day "
        "before the due date, overdue, escalation to the line manager), each at most once. "
        "The same job Celery beat runs daily; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be done; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        synced = assignments_sync(dry_run=dry_run)
        opened = assignments_recur(dry_run=dry_run)
        run = reminders_daily(dry_run=dry_run)
        prefix = "Dry run: would have " if dry_run else ""
        if dry_run:
            self.stdout.write(
                f"Dry run: would re-apply the assignments of {synced.courses} course(s)."
            )
        else:
            self.stdout.write(
                f"Re-applied {synced.courses} course(s): {synced.created} enrollment(s) created, "
                f"{synced.updated} updated, {synced.released} released."
            )
        self.stdout.write(f"{prefix}opened {len(opened)} recurrence cycle(s).")
        queued = ", ".join(f"{kind}: {count}" for kind, count in sorted(run.queued.items()))
        self.stdout.write(
            f"{prefix}queued reminders ({queued or 'none'}); re-queued {run.requeued} unsent."
        )
