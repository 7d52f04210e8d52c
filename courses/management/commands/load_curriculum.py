from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.curriculum import CURRICULUM_DIR, CurriculumError, curriculum_load


class Command(BaseCommand):
    help = "Load or update the courses in fixtures/curriculum/ (idempotent; keeps progress)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=CURRICULUM_DIR)

    def handle(self, *args, path, **options):
        try:
            summary = curriculum_load(root=path)
        except CurriculumError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Curriculum loaded: {len(summary.created)} created, {len(summary.updated)} updated, "
            f"{summary.unchanged} unchanged."
        )
