from django.core.management.base import BaseCommand

from certificates.services import certificates_daily


class Command(BaseCommand):
    help = (
        "Issue missing certificates, email expiry warnings (once) and open "
        "recertification cycles of mandatory courses whose certificate expired. "
        "The same job Celery beat runs daily; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be done; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        result = certificates_daily(dry_run=dry_run)
        prefix = "Dry run: would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}issued {len(result.issued)} missing certificate(s), "
            f"sent {len(result.warned)} expiry warning(s), "
            f"opened {len(result.renewed)} recertification cycle(s)."
        )
