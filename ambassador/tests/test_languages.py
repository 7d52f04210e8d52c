"""The site's languages come from its files: English plus every catalogue in locale/.

A third language is added here from files alone — a tiny catalogue compiled in the test
and a curriculum translation — and is served: the interface, the content, the profile's
language choice and the signed-out pages' Accept-Language.
"""

import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from ambassador.languages import language_choices, languages_in
from courses.curriculum import curriculum_load
from courses.models import Lesson
from courses.tests.test_curriculum_translations import FRENCH, write_course

# German strings for a few interface messages (msgids of the templates).
GERMAN = {
    "Sign in": "Anmelden",
    "Mark as complete": "Als erledigt markieren",
    "My training": "Meine Schulungen",
}


def write_mo(path: Path, messages: dict[str, str]):
    """A compiled gettext catalogue (the GNU .mo format), written without any tool."""
    catalog = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(catalog)
    ids = [key.encode() for key in keys]
    strs = [catalog[key].encode() for key in keys]
    start = 7 * 4 + 16 * len(keys)
    ids_blob = b"".join(i + b"\0" for i in ids)
    strs_blob = b"".join(s + b"\0" for s in strs)
    offsets, position = [], start
    for i in ids:
        offsets += [len(i), position]
        position += len(i) + 1
    for s in strs:
        offsets += [len(s), position]
        position += len(s) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + struct.pack(f"{len(offsets)}i", *offsets) + ids_blob + strs_blob)


def write_po(path: Path, messages: dict[str, str]):
    lines = ['msgid ""', 'msgstr "Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid, msgstr in messages.items():
        lines += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_the_languages_are_english_and_each_catalogue_present(tmp_path):
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    write_po(tmp_path / "de" / "LC_MESSAGES" / "django.po", GERMAN)
    (tmp_path / "pt_BR" / "LC_MESSAGES").mkdir(parents=True)
    write_mo(tmp_path / "pt_BR" / "LC_MESSAGES" / "django.mo", {})
    (tmp_path / "backup-of-de").mkdir()  # no catalogue in it: not a language
    assert languages_in([tmp_path]) == ["en", "de", "pt-br"]
    assert language_choices(["en", "de", "pt-br"]) == [
        ("en", "English"),
        ("de", "Deutsch"),
        ("pt-br", "Português Brasileiro"),
    ]
    # This checkout: English and every catalogue under locale/.
    here = {
        path.parent.parent.name
        for path in (settings.BASE_DIR / "locale").glob("*/LC_MESSAGES/django.po")
    }
    assert [code for code, _name in settings.LANGUAGES] == ["en", *sorted(here)]


@pytest.fixture
def german(tmp_path):
    """A German catalogue and a German translation of a small course, as files."""
    locale = tmp_path / "locale"
    (locale / "de" / "LC_MESSAGES").mkdir(parents=True)
    write_po(locale / "de" / "LC_MESSAGES" / "django.po", GERMAN)
    write_mo(locale / "de" / "LC_MESSAGES" / "django.mo", GERMAN)
    paths = [locale, *settings.LOCALE_PATHS]
    with override_settings(LOCALE_PATHS=paths, LANGUAGES=language_choices(languages_in(paths))):
        german_course = {
            name: text.replace("Pourquoi c'est important", "Warum es wichtig ist")
            for name, text in FRENCH.items()
        }
        write_course(tmp_path / "curriculum", french=german_course, language="de")
        yield tmp_path / "curriculum"


def test_a_third_language_is_added_with_files_only(db, german, client_for, employee, client):
    assert ("de", "Deutsch") in settings.LANGUAGES
    curriculum_load(root=german)
    # The employee chooses it on their profile (the choices are the settings').
    signed_in = client_for(employee)
    response = signed_in.post(reverse("people:profile"), {"locale": "de"})
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.locale == "de"
    lesson = Lesson.objects.get(code="TR1-M1-L1")
    page = signed_in.get(
        reverse("courses:lesson-detail", kwargs={"code": "TR1", "lesson_id": lesson.pk})
    )
    content = page.content.decode()
    assert page.headers["Content-Language"] == "de"
    assert '<html lang="de">' in content
    assert "Als erledigt markieren" in content  # the interface, from the catalogue
    assert 'lang="de">Warum es wichtig ist</h1>' in content  # the content, from the files
    with translation.override("de"):
        assert lesson.title == "Warum es wichtig ist"
    # Signed out, the browser's language chooses it.
    signed_in.logout()
    login = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert '<html lang="de">' in login.content.decode()
    assert "Anmelden" in login.content.decode()


def test_a_language_without_files_is_not_offered(client_for, employee):
    response = client_for(employee).post(reverse("people:profile"), {"locale": "de"})
    assert response.status_code == 200 and response.context["form"].errors["locale"]
