"""The translation catalogues: the completeness check (`ambassador/catalogues.py check`,
run by `make test`) finds each kind of fault; catalogues compile without GNU gettext;
the French interface, dates and numbers are served."""

import datetime
import gettext
import os
import re
import shutil

import polib
import pytest
from django.template import Context, Template
from django.utils import translation

from ambassador import catalogues

HEADER = {
    "Language": "fr",
    "Content-Type": "text/plain; charset=UTF-8",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}


def entry(msgid, msgstr="", *, plural=None, forms=None, flags=(), where="app/views.py"):
    made = polib.POEntry(msgid=msgid, msgstr=msgstr, occurrences=[(where, "")])
    if plural is not None:
        made.msgid_plural = plural
        made.msgstr_plural = dict(enumerate(forms or ["", ""]))
    made.flags = list(flags)
    return made


def pofile(*entries, metadata=HEADER):
    made = polib.POFile()
    made.metadata = dict(metadata)
    for item in entries:
        made.append(item)
    return made


def template_of(*entries):
    """The extracted strings: the same entries with empty translations."""
    return pofile(
        *(
            entry(e.msgid, plural=e.msgid_plural or None, flags=e.flags, where=e.occurrences[0][0])
            for e in entries
        ),
        metadata={},
    )


def problems(*entries, metadata=HEADER):
    return catalogues.catalogue_problems(template_of(*entries), pofile(*entries, metadata=metadata))


def test_a_complete_catalogue_has_no_problem():
    assert (
        problems(
            entry("My training", "Mes formations"),
            entry("Hello %(name)s,", "Bonjour %(name)s,", flags=["python-format"]),
            entry(
                "every month",
                plural="every %(months)s months",
                forms=["tous les mois", "tous les %(months)s mois"],
                flags=["python-format"],
            ),
            entry("%(percent)s%% done", "%(percent)s\u00a0%% effectué", flags=["python-format"]),
            entry("Hi {name}", "Salut {name}", flags=["python-brace-format"]),
            entry(
                "<strong>%(n)s</strong> left",
                "<strong>%(n)s</strong> restants",
                flags=["python-format"],
            ),
        )
        == []
    )


def test_a_string_of_the_code_missing_from_the_catalogue_is_named_with_its_file():
    template = template_of(entry("My training", where="ambassador/navigation.py"), entry("Team"))
    found = catalogues.catalogue_problems(template, pofile(entry("Team", "Équipe")))
    assert found == [
        "missing (run `make messages`, then translate): 'My training' [ambassador/navigation.py]"
    ]


def test_untranslated_and_fuzzy_entries_fail():
    found = problems(entry("Catalog", ""), entry("Team", "Équipe", flags=["fuzzy"]))
    assert found == [
        "untranslated: 'Catalog' [app/views.py]",
        "fuzzy (check the translation, then remove the flag): 'Team' [app/views.py]",
    ]


def test_a_plural_entry_needs_every_form_of_the_language():
    found = problems(
        entry(
            "%(n)s person",
            plural="%(n)s people",
            forms=["%(n)s personne", ""],
            flags=["python-format"],
        )
    )
    assert found == ["untranslated: '%(n)s person' [app/views.py]"]


def test_a_string_the_code_no_longer_has_fails_until_messages_are_regenerated():
    found = catalogues.catalogue_problems(template_of(), pofile(entry("Gone", "Parti")))
    assert found == ["no longer in the code (run `make messages`): 'Gone' [app/views.py]"]


@pytest.mark.parametrize(
    ("msgid", "msgstr", "flag", "expected"),
    [
        (
            "Due: %(course)s",
            "Échéance : %(cours)s",
            "python-format",
            "placeholders differ: msgid has %(course)s, translation has %(cours)s",
        ),
        (
            "Line %(line)s: %(error)s",
            "Ligne %(line)s",
            "python-format",
            "placeholders differ: msgid has %(error)s, %(line)s, translation has %(line)s",
        ),
        (
            "Cannot read %s",
            "Impossible de lire %s : %s",
            "python-format",
            "placeholders differ: msgid has %s (positional), translation has %s (positional), %s (positional)",
        ),
        (
            "%(percent)s%% done",
            "%(percent)s % effectué",
            "python-format",
            "a stray % at '% effectué' (write %% for a percent sign)",
        ),
        (
            "Hi {name}",
            "Salut {nom}",
            "python-brace-format",
            "placeholders differ: msgid has {name}, translation has {nom}",
        ),
        (
            "Hi {name}",
            "Salut {name",
            "python-brace-format",
            "not a valid format string (expected '}' before end of string)",
        ),
        (
            "It reaches <strong>%(n)s</strong> people.",
            "Elle concerne %(n)s personnes.",
            "python-format",
            "HTML tags differ: msgid has </strong>, <strong>, translation has none",
        ),
    ],
)
def test_a_translation_must_keep_the_placeholders_and_tags(msgid, msgstr, flag, expected):
    found = problems(entry(msgid, msgstr, flags=[flag]))
    assert found, "the fault went unnoticed"
    assert found[0].startswith(expected), found


def test_plural_forms_keep_the_plural_placeholders_and_may_add_the_count_to_the_first():
    def check(forms):
        return problems(
            entry(
                "every month",
                plural="every %(months)s months",
                forms=forms,
                flags=["python-format"],
            )
        )

    assert check(["tous les %(months)s mois", "tous les %(months)s mois"]) == []
    assert check(["tous les mois", "tous les mois"])[0].startswith("form 1 has placeholders none")
    assert check(["tous les %(mois)s mois", "tous les %(months)s mois"])[0].startswith(
        "form 0 has placeholders %(mois)s"
    )


def test_the_header_must_give_the_language_and_its_plural_forms():
    found = problems(
        entry("Team", "Équipe"), metadata={"Content-Type": "text/plain; charset=UTF-8"}
    )
    assert found == [
        "the header has no Plural-Forms (e.g. nplurals=2; plural=(n > 1);)",
        "the header has no Language",
    ]


def test_catalogues_compile_with_polib_into_what_gettext_reads(tmp_path):
    po_path = tmp_path / "django.po"
    pofile(
        entry("Team", "Équipe"),
        entry("%(n)s person", plural="%(n)s people", forms=["%(n)s personne", "%(n)s personnes"]),
        entry("Catalog", "Catalogue", flags=["fuzzy"]),
    ).save(str(po_path))
    mo_path = catalogues.compile_catalogue(po_path)
    with mo_path.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    assert compiled.gettext("Team") == "Équipe"
    assert compiled.ngettext("%(n)s person", "%(n)s people", 2) == "%(n)s personnes"
    assert compiled.ngettext("%(n)s person", "%(n)s people", 0) == "%(n)s personne"  # n > 1 rule
    assert compiled.gettext("Catalog") == "Catalog"  # a fuzzy entry is never served


@pytest.fixture
def xgettext():
    if shutil.which("xgettext") is None:
        message = "the catalogue check needs GNU gettext: apt-get install gettext"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_extraction_finds_template_python_and_noop_strings_without_touching_locale(
    xgettext, tmp_path
):
    before = sorted(str(path) for path in catalogues.LOCALE_DIR.rglob("*"))
    templates = catalogues.extract_templates(tmp_path)
    found = {e.msgid: e for e in templates["django"]}
    assert "Skip to main content" in found  # templates/base.html
    assert "This course is not published." in found  # courses/services.py
    assert "New employee %(employee)s in %(department)s" in found  # N_() in the HR import
    assert "python-format" in found["Hello %(name)s,"].flags
    assert not any("tests/" in path for e in templates["django"] for path, _ in e.occurrences)
    assert sorted(str(path) for path in catalogues.LOCALE_DIR.rglob("*")) == before


@pytest.mark.parametrize(
    ("language", "rendered"),
    [
        (
            "fr",
            "2 décembre 2026 · 2 décembre 2026 14:30 · 02/12/2026 · 1234,5 · 42\u00a0% · 66,5\u00a0%",
        ),
        ("en", "2 December 2026 · 2 December 2026, 14:30 · 02/12/2026 · 1234.5 · 42% · 66.5%"),
    ],
)
def test_dates_and_numbers_follow_the_language(settings, language, rendered):
    settings.TIME_ZONE = "UTC"
    template = Template(
        '{{ day|date:"DATE_FORMAT" }} · {{ moment|date:"DATETIME_FORMAT" }} · '
        '{{ day|date:"SHORT_DATE_FORMAT" }} · {{ number|floatformat:1 }} · '
        "{% load numbers %}{{ 42|percent }} · {{ share|percent }}{{ missing|percent }}"
    )
    context = Context(
        {
            "day": datetime.date(2026, 12, 2),
            "moment": datetime.datetime(2026, 12, 2, 14, 30, tzinfo=datetime.UTC),
            "number": 1234.5,
            "share": 66.5,
            "missing": None,
        }
    )
    with translation.override(language):
        assert template.render(context) == rendered


def test_the_french_interface_is_served_from_the_compiled_catalogue():
    with translation.override("fr"):
        assert translation.gettext("My training") == "Mes formations"
        assert (
            translation.ngettext("%(minutes)s minute", "%(minutes)s minutes", 2)
            == "%(minutes)s minutes"
        )
        rendered = Template(
            "{% load i18n %}{% blocktranslate count counter=3 %}It reaches {{ counter }} person."
            "{% plural %}It reaches {{ counter }} people.{% endblocktranslate %}"
        ).render(Context())
    assert rendered == "Elle concerne 3 personnes."


FRENCH_SPACING = re.compile(r"(?: [:;!?»]|« |[A-Za-zÀ-ÿ]'[A-Za-zÀ-ÿ])")


def test_the_french_catalogue_uses_french_typography():
    """Non-breaking spaces before : ; ! ? and inside « », and typographic apostrophes."""
    french = polib.pofile(str(catalogues.LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"))
    wrong = [
        text
        for item in french
        for text in ([item.msgstr] if not item.msgid_plural else list(item.msgstr_plural.values()))
        if FRENCH_SPACING.search(text)
    ]
    assert wrong == []


def test_this_repository_s_catalogues_are_complete(xgettext):
    """What `make test` runs before the suite (here too, so a run of the suite alone
    also notices a string added without its translation)."""
    assert catalogues.check() == []


@pytest.fixture
def locale_dir(tmp_path, monkeypatch):
    """A locale/ folder of our own, and extraction that finds one string."""
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(catalogues, "BASE_DIR", tmp_path)
    monkeypatch.setattr(catalogues.shutil, "which", lambda name: f"/usr/bin/{name}")
    found = {"django": template_of(entry("Team")), "djangojs": template_of(entry("Close"))}
    monkeypatch.setattr(catalogues, "extract_templates", lambda work_dir: found)
    return tmp_path / "locale"


def write(locale_dir, language, domain, *entries, metadata=HEADER):
    folder = locale_dir / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    pofile(*entries, metadata={**metadata, "Language": language}).save(str(folder / f"{domain}.po"))
    return folder / f"{domain}.po"


def test_a_third_language_is_held_to_the_same_rules(locale_dir, settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "French"), ("de", "German"), ("nl", "Dutch")]
    write(locale_dir, "fr", "django", entry("Team", "Équipe"))
    write(locale_dir, "fr", "djangojs", entry("Close", "Fermer"))
    write(locale_dir, "de", "django", entry("Team", ""))
    assert catalogues.check() == [
        "locale/nl: settings.LANGUAGES has 'nl' but it has no catalogue",
        "locale/de/LC_MESSAGES/django.po: untranslated: 'Team' [app/views.py]",
        "locale/de/LC_MESSAGES/djangojs.po: missing (run `make messages`)",
    ]


def test_the_check_says_how_to_install_gettext_when_it_is_missing(locale_dir, monkeypatch):
    monkeypatch.setattr(catalogues.shutil, "which", lambda name: None)
    assert catalogues.check() == [
        "GNU gettext is not installed (xgettext is missing): the catalogue check extracts "
        "the strings with it. Install it: apt-get install gettext"
    ]


def test_the_command_line_compiles_stale_catalogues_and_reports_problems(
    locale_dir, settings, capsys
):
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    po_path = write(locale_dir, "fr", "django", entry("Team", "Équipe"))
    write(locale_dir, "fr", "djangojs", entry("Close", "Fermer"))
    assert catalogues.main(["compile"]) == 0
    assert po_path.with_suffix(".mo").exists()
    assert catalogues.main(["compile"]) == 0  # nothing stale the second time
    assert capsys.readouterr().out.count("compiled") == 2  # django.mo and djangojs.mo

    assert catalogues.main(["check"]) == 0
    assert capsys.readouterr().out == "Catalogues complete: fr/django.po, fr/djangojs.po.\n"

    write(locale_dir, "fr", "django", entry("Team", "Équipe", flags=["fuzzy"]))
    assert catalogues.main(["check"]) == 1
    assert capsys.readouterr().err == (
        "locale/fr/LC_MESSAGES/django.po: fuzzy (check the translation, then remove the "
        "flag): 'Team' [app/views.py]\n1 catalogue problem(s).\n"
    )
    assert catalogues.main([]) == 2
