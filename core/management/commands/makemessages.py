"""Django's makemessages with the project's settings for its catalogues (`locale/`).

- `N_` is this project's alias for `gettext_noop` (strings marked where they are built and
  translated where they are shown, e.g. the HR import's change examples): xgettext is told.
- Folders that hold no code of ours are never scanned (virtualenv, npm packages, tests,
  coverage and test output), so `make messages` and the completeness check
  (`ambassador/catalogues.py check`) see the same strings whatever else is on disk.
- `--pot-dir DIR` only extracts: every string goes to `DIR/<domain>.pot` (and a throwaway
  catalogue under DIR), and `locale/` is left alone. The completeness check uses it.
- New strings arrive untranslated, not "fuzzy" with a guess taken from a similar string.
- Locations are file names only and the header carries no creation date, so regenerating
  a catalogue changes it only where a string changed: parallel branches that each add
  strings then merge without conflicts on line numbers or timestamps.
"""

import re
from pathlib import Path

from django.core.management.commands import makemessages

IGNORED = ["node_modules", "tests", "conftest.py", "htmlcov", "test-results", "bench", "locale"]
_CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*\\n"\n', re.MULTILINE)


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
    # A new string arrives empty, never pre-filled with the translation of a look-alike
    # ("Due date" offered for "date"): a wrong guess is easy to wave through.
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--pot-dir",
            help="Only extract the strings, into POT_DIR/<domain>.pot; locale/ is not touched.",
        )

    def handle(self, *args, **options):
        self.pot_dir = options["pot_dir"] and str(Path(options["pot_dir"]).resolve())
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORED]
        if not options["add_location"] and not options["no_location"]:
            options["add_location"] = "file"
        return super().handle(*args, **options)

    def find_files(self, root):
        files = super().find_files(root)
        if self.pot_dir:
            self.locale_paths = [self.pot_dir]
            for file in files:
                file.locale_dir = self.pot_dir
        return files

    def write_po_file(self, potfile, locale):
        super().write_po_file(potfile, locale)
        pofile = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        text = pofile.read_text(encoding="utf-8")
        pofile.write_text(_CREATION_DATE.sub("", text, count=1), encoding="utf-8")
