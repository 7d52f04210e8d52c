"""`manage.py seed_demo --employees N`: the demo company (see `people.demo`) and its
training history (see `demo.training`)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.identity import demo_scim_tokens_seed, demo_sign_ins_seed
from demo.training import demo_training_seed
from people.demo import DEFAULT_EMPLOYEES, DEMO_PASSWORD, DemoSeedError, demo_organisation_seed


class Command(BaseCommand):
    help = (
        "Build the demo organisation Example Corp (a 4-level department tree, managers, HR, "
        "authors) deterministically from a seed, and the demo logins; then, once the "
        "curriculum is loaded, months of training history (assignments, enrollments, "
        "completions, quiz attempts, certificates). Idempotent: what exists is kept, only "
        "the demo logins are checked and repaired."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--employees",
            type=int,
            default=DEFAULT_EMPLOYEES,
            help=f"How many employees (default {DEFAULT_EMPLOYEES}; 50000 takes seconds).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: same seed, same company."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Build the organisation and report, then roll back (no training history).",
        )
        parser.add_argument(
            "--no-training",
            action="store_true",
            help="Only the organisation and the demo logins, no training history.",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even though DEBUG is off (a throwaway staging or benchmark database).",
        )

    def handle(self, *args, employees, seed, dry_run, no_training, allow_without_debug, **options):
        if not settings.DEBUG and not allow_without_debug:
            # The demo logins have a published password and one of them is an HR admin:
            # they must never appear in a production database by accident.
            raise CommandError(
                f"seed_demo creates logins with the public password {DEMO_PASSWORD!r}, "
                "including an HR admin; it runs only with DEBUG on. On a throwaway "
                "database, pass --allow-without-debug."
            )
        stdout = self.stdout if options["verbosity"] > 0 else None
        try:
            demo_organisation_seed(employees=employees, seed=seed, dry_run=dry_run, stdout=stdout)
        except DemoSeedError as error:
            raise CommandError(str(error)) from error
        if not (dry_run or no_training):
            demo_training_seed(seed=seed, stdout=stdout)
            demo_sign_ins_seed(seed=seed, stdout=stdout)
            demo_scim_tokens_seed(stdout=stdout)
