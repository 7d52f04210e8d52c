from django.core.management.base import BaseCommand

from assignments.reminders import manager_digests


class Command(BaseCommand):
    help = (
        "Queue this week's digest to every manager who has overdue or due-soon people in "
        "their departments (at most one per manager and week; none when there is nothing "
        "to say). The same job Celery beat runs on Mondays; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List how many managers would get one."
        )

    def handle(self, *args, dry_run=False, **options):
        managers = manager_digests(dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"Dry run: {len(managers)} manager(s) would get a digest.")
        else:
            self.stdout.write(f"Queued {len(managers)} digest(s).")
