"""The interface's translation catalogues: `locale/<language>/LC_MESSAGES/<domain>.po`.

    python ambassador/catalogues.py compile [PO ...]
        Compile catalogues to .mo with polib (pure Python: `make run` needs no system
        package). Without arguments, every catalogue whose .mo is missing or older.
    python ambassador/catalogues.py check
        Fail, naming the strings, unless every catalogue under locale/ is complete and
        current: extracts the strings of the code and templates into a temporary folder
        with the project's `makemessages` (GNU gettext's xgettext) and compares. `make
        test` runs it.

A catalogue fails the check when a string of the code is missing from it, untranslated or
fuzzy; when it keeps a string the code no longer has (run `make messages`); when a
translation changes the placeholders of its msgid (`%(name)s`, `%s`, `{name}`) or its
HTML tags, or has a stray `%` in a formatted string; when a plural entry lacks a form
of the language's `Plural-Forms`; or when a language of settings.LANGUAGES has no catalogue.
Every language is held to the same rules, so a third one added later must be complete too.
"""

from __future__ import annotations

import os
import re
import shutil
import string
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from contextlib import chdir
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
DOMAINS = ("django", "djangojs")

# A %-format conversion as Python applies it: %(name)s, %5.1f, %%, ... Python also reads
# "% e" (space flag) as one, but in a translation that is a percent sign gone wrong
# ("50 % effectué"), so the space flag is left out and such a % is reported as stray.
PERCENT_SPEC = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\-+]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
ATTRIBUTE_NAME = re.compile(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=")


# ---------------------------------------------------------------- compiling


def catalogue_paths(domain: str | None = None) -> list[Path]:
    pattern = f"*/LC_MESSAGES/{domain or '*'}.po"
    return sorted(LOCALE_DIR.glob(pattern))


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo next to `po_path` (atomically: parallel test workers may read it)."""
    mo_path = po_path.with_suffix(".mo")
    temporary = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
    polib.pofile(str(po_path)).save_as_mofile(str(temporary))
    os.replace(temporary, mo_path)
    return mo_path


def compile_stale() -> list[Path]:
    """Compile every catalogue whose .mo is missing or older than its .po."""
    compiled = []
    for po_path in catalogue_paths():
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            compiled.append(compile_catalogue(po_path))
    return compiled


# ---------------------------------------------------------------- checking


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _label(entry: polib.POEntry) -> str:
    text = entry.msgid if len(entry.msgid) <= 90 else entry.msgid[:87] + "..."
    where = ", ".join(sorted({path for path, _line in entry.occurrences}))
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"{text!r}{context}" + (f" [{where}]" if where else "")


def percent_specs(text: str) -> tuple[Counter, list[str], list[str]]:
    """(named specs, positional conversion types, problems) of a %-format string."""
    named: Counter = Counter()
    positional: list[str] = []
    problems: list[str] = []
    position = 0
    while True:
        index = text.find("%", position)
        if index < 0:
            break
        match = PERCENT_SPEC.match(text, index)
        if match is None:
            problems.append(
                f"a stray % at {text[index : index + 12]!r} (write %% for a percent sign)"
            )
            position = index + 1
            continue
        if match["type"] != "%":
            if match["name"] is not None:
                named[f"%({match['name']})" + match["type"]] += 1
            else:
                positional.append(match["type"])
        position = match.end()
    if named and positional:
        problems.append("mixes named and positional placeholders")
    return named, positional, problems


def brace_fields(text: str) -> tuple[Counter, list[str]]:
    try:
        fields = Counter(
            "{" + name + "}"
            for _literal, name, _spec, _conversion in string.Formatter().parse(text)
            if name is not None
        )
    except ValueError as error:
        return Counter(), [f"not a valid format string ({error})"]
    return fields, []


def tags(text: str) -> Counter:
    """HTML tags by name and attribute names (attribute values may be translated)."""
    return Counter(
        f"<{slash}{name.lower()} {' '.join(sorted(ATTRIBUTE_NAME.findall(rest)))}".rstrip() + ">"
        for slash, name, rest in TAG.findall(text)
    )


def _describe(counter: Counter) -> str:
    return ", ".join(sorted(counter.elements())) or "none"


def _compare_forms(template: polib.POEntry, forms: list[str]) -> list[str]:
    """Placeholder and tag problems of the translated `forms` (one, or one per plural form)."""
    problems: list[str] = []
    sources = (
        [template.msgid] if not template.msgid_plural else [template.msgid, template.msgid_plural]
    )
    python = "python-format" in template.flags
    brace = "python-brace-format" in template.flags

    def fields(text: str) -> tuple[Counter, list[str]]:
        found: Counter = Counter()
        issues: list[str] = []
        if python:
            named, positional, issues = percent_specs(text)
            found.update(named)
            found.update(f"%{kind} (positional)" for kind in positional)
        if brace:
            braced, brace_issues = brace_fields(text)
            found.update(braced)
            issues = issues + brace_issues
        return found, issues

    source_fields = [fields(text)[0] for text in sources]
    allowed = set().union(*source_fields)
    source_tags = tags(template.msgid)
    for index, form in enumerate(forms):
        found, issues = fields(form)
        problems.extend(f"form {index}: {issue}" if len(forms) > 1 else issue for issue in issues)
        if template.msgid_plural:
            # Form 0 may carry the count that English leaves out ("every month"); the last
            # form is the general plural and must have exactly the plural's placeholders.
            expected = source_fields[1] if index == len(forms) - 1 else None
            if not set(found) <= allowed or (expected is not None and found != expected):
                problems.append(
                    f"form {index} has placeholders {_describe(found)}, "
                    f"the msgid {_describe(source_fields[0])} / plural {_describe(source_fields[1])}"
                )
            elif index == 0 and not set(source_fields[0]) <= set(found):
                problems.append(
                    f"form 0 drops placeholders of the msgid ({_describe(source_fields[0])})"
                )
        elif found != source_fields[0]:
            problems.append(
                f"placeholders differ: msgid has {_describe(source_fields[0])}, "
                f"translation has {_describe(found)}"
            )
        if tags(form) != source_tags:
            problems.append(
                f"HTML tags differ: msgid has {_describe(source_tags)}, translation has {_describe(tags(form))}"
            )
    return problems


def plural_count(catalogue: polib.POFile) -> int | None:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else None


def catalogue_problems(template: polib.POFile, catalogue: polib.POFile) -> list[str]:
    """Everything wrong with `catalogue` against the strings extracted from the code."""
    problems: list[str] = []
    nplurals = plural_count(catalogue)
    if nplurals is None:
        problems.append("the header has no Plural-Forms (e.g. nplurals=2; plural=(n > 1);)")
    if not catalogue.metadata.get("Language"):
        problems.append("the header has no Language")
    if catalogue.metadata_is_fuzzy:
        problems.append("the header is marked fuzzy")
    entries = {_key(entry): entry for entry in catalogue if not entry.obsolete}
    wanted = {_key(entry): entry for entry in template if not entry.obsolete}
    for key, source in wanted.items():
        entry = entries.get(key)
        if entry is None or entry.msgid_plural != source.msgid_plural:
            problems.append(f"missing (run `make messages`, then translate): {_label(source)}")
            continue
        if "fuzzy" in entry.flags:
            problems.append(
                f"fuzzy (check the translation, then remove the flag): {_label(source)}"
            )
            continue
        if source.msgid_plural:
            forms = [entry.msgstr_plural.get(index, "") for index in range(nplurals or 2)]
        else:
            forms = [entry.msgstr]
        if not all(form.strip() for form in forms):
            problems.append(f"untranslated: {_label(source)}")
            continue
        problems.extend(f"{issue}: {_label(source)}" for issue in _compare_forms(source, forms))
    problems.extend(
        f"no longer in the code (run `make messages`): {_label(entry)}"
        for key, entry in entries.items()
        if key not in wanted
    )
    return problems


def extract_templates(work_dir: Path) -> dict[str, polib.POFile]:
    """The strings of the code and templates, per domain, as `makemessages` finds them."""
    from django.core.management import call_command

    templates: dict[str, polib.POFile] = {}
    with chdir(BASE_DIR):
        for domain in DOMAINS:
            call_command(
                "makemessages",
                locale=["en"],
                domain=domain,
                keep_pot=True,
                pot_dir=str(work_dir),
                verbosity=0,
            )
            pot = work_dir / f"{domain}.pot"
            templates[domain] = polib.pofile(str(pot)) if pot.exists() else polib.POFile()
    return templates


def check() -> list[str]:
    from django.conf import settings

    if shutil.which("xgettext") is None:
        return [
            "GNU gettext is not installed (xgettext is missing): the catalogue check extracts "
            "the strings with it. Install it: apt-get install gettext"
        ]
    with tempfile.TemporaryDirectory(prefix="catalogues-") as work_dir:
        templates = extract_templates(Path(work_dir))
    problems: list[str] = []
    languages = sorted(
        path.name for path in LOCALE_DIR.glob("*") if (path / "LC_MESSAGES").is_dir()
    )
    default = settings.LANGUAGE_CODE.split("-")[0]
    for code, _name in settings.LANGUAGES:
        if code != default and code not in languages:
            problems.append(
                f"locale/{code}: settings.LANGUAGES has {code!r} but it has no catalogue"
            )
    for language in languages:
        for domain in DOMAINS:
            path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
            template = templates[domain]
            if not path.exists():
                if len(template):
                    problems.append(f"{path.relative_to(BASE_DIR)}: missing (run `make messages`)")
                continue
            problems.extend(
                f"{path.relative_to(BASE_DIR)}: {problem}"
                for problem in catalogue_problems(template, polib.pofile(str(path)))
            )
    return problems


def _setup_django() -> None:
    # Run as a script, this file's folder comes first on the path, where `celery.py`
    # would shadow the Celery package: the project root goes there instead.
    sys.path[:] = [
        path for path in sys.path if Path(path or ".").resolve() != Path(__file__).parent
    ]
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambassador.settings")
    import django

    django.setup()


def main(argv: Iterable[str]) -> int:
    args = list(argv)
    if args[:1] == ["compile"]:
        paths = [Path(path) for path in args[1:]]
        for path in map(compile_catalogue, paths) if paths else compile_stale():
            print(f"compiled {path}")
        return 0
    if args[:1] == ["check"]:
        _setup_django()
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} catalogue problem(s).", file=sys.stderr)
            return 1
        names = [f"{path.parent.parent.name}/{path.name}" for path in catalogue_paths()]
        print(f"Catalogues complete: {', '.join(names)}.")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
