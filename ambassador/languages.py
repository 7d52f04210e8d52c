"""The site's languages, found in the files: English plus every UI catalogue present.

Adding a language is adding files — `locale/<code>/LC_MESSAGES/django.po` (compiled to
`.mo` by the make targets) and the curriculum's `translations/<code>/` folders — with no
code and no migration (decision record in docs/decisions.md). Standard library only: the
settings module imports it before Django is set up.
"""

from pathlib import Path

SOURCE_LANGUAGE = "en"


def languages_in(locale_dirs: list[Path]) -> list[str]:
    """English first, then the code of every catalogue found, sorted.

    A folder counts when it holds `LC_MESSAGES/django.po` or `django.mo`, so a stray
    folder (an editor's backup, a half-copied language) is not served."""
    found = set()
    for folder in locale_dirs:
        if not Path(folder).is_dir():
            continue
        for child in Path(folder).iterdir():
            messages = child / "LC_MESSAGES"
            if (messages / "django.po").is_file() or (messages / "django.mo").is_file():
                found.add(child.name.replace("_", "-").lower())
    found.discard(SOURCE_LANGUAGE)
    return [SOURCE_LANGUAGE, *sorted(found)]


def language_choices(codes: list[str]) -> list[tuple[str, str]]:
    """(code, name) pairs, each name in its own language ("Français"), as a language
    menu shows them; a code Django does not know is shown as itself."""
    from django.conf.locale import LANG_INFO  # a plain data module, safe before setup

    choices = []
    for code in codes:
        info = LANG_INFO.get(code) or LANG_INFO.get(code.split("-")[0]) or {}
        if "fallback" in info:
            info = LANG_INFO.get(info["fallback"][0], {})
        name = info.get("name_local") or code
        choices.append((code, name[:1].upper() + name[1:]))
    return choices


def site_languages() -> list[tuple[str, str]]:
    """`settings.LANGUAGES`, as a callable: a model field's `choices` (the employee's
    language) read at run time, so a new language needs no migration."""
    from django.conf import settings

    return list(settings.LANGUAGES)
