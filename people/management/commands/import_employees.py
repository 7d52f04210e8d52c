from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from people.importing import employees_import

OPTIONS = {
    "--dry-run": "show what would change, change nothing",
    "--deactivate-missing": "deactivate active employees who are not in the file (leavers)",
    "--send-invitations": "email an invitation to every employee created",
}


class Command(BaseCommand):
    help = (
        "Import employees and departments from an HR file (CSV or XLSX). "
        "A file with any error changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .csv or .xlsx file")
        for flag, text in OPTIONS.items():
            parser.add_argument(flag, action="store_true", help=text)

    def handle(self, *args, file, dry_run, deactivate_missing, send_invitations, **options):
        path = Path(file)
        try:
            with path.open("rb") as handle:
                report = employees_import(
                    file=handle,
                    filename=path.name,
                    dry_run=dry_run,
                    deactivate_missing=deactivate_missing,
                    send_invitations=send_invitations,
                )
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror or exc}
            ) from exc

        for error in report.errors:
            self.stdout.write(str(error))
        if report.errors:
            raise CommandError(
                _("%(file)s has %(count)s error(s): nothing was changed.")
                % {"file": file, "count": len(report.errors)}
            )

        for line in report.summary_lines:
            self.stdout.write(line)
        if options["verbosity"] >= 1:
            for change in report.changes:
                self.stdout.write(f"  {change}")
            if report.changes_omitted:
                self.stdout.write(
                    "  " + _("… and %(count)s more changes.") % {"count": report.changes_omitted}
                )
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        if report.dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was changed.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("The import is complete.")))
