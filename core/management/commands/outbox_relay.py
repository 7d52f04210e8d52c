from django.core.management.base import BaseCommand, CommandError

from core.outbox import outbox_relay_pending


class Command(BaseCommand):
    help = (
        "Relay the outbox tasks that are still unsent (a broker outage), lost or due for a "
        "retry, and prune old done rows. Celery beat runs the same every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000, help="at most this many rows")
        parser.add_argument("--dry-run", action="store_true", help="only list what is due")

    def handle(self, *args, limit, dry_run, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        ids = outbox_relay_pending(limit=limit, dry_run=dry_run)
        verb = "due" if dry_run else "relayed"
        self.stdout.write(f"{len(ids)} outbox task(s) {verb}.")
