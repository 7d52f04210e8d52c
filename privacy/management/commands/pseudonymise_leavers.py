from django.core.management.base import BaseCommand

from privacy.services import leavers_pseudonymise


class Command(BaseCommand):
    help = (
        "Pseudonymise the leavers whose retention period (PRIVACY_RETENTION_MONTHS after "
        "leaving) has passed: their name, email, employee number and other identifying "
        "data are replaced, their training record stays for the reports. The same job "
        "Celery beat runs daily; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many leavers are due."
        )

    def handle(self, *args, dry_run=False, **options):
        employees = leavers_pseudonymise(dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"Dry run: {len(employees)} leaver(s) would be pseudonymised.")
        else:
            self.stdout.write(f"Pseudonymised {len(employees)} leaver(s).")
