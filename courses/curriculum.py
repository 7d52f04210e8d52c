"""Load course folders (fixtures/curriculum/<slug>/, see FORMAT.md) idempotently.

Upsert by `code`: loading twice changes nothing; loading after an edit updates the
text. Nothing is deleted and no enrollment or completion is touched, so nobody's
progress changes. Quizzes in the folder are loaded by `quizzes`, which listens to
`curriculum_course_loaded`.

The English files are the source; `translations/<lang>/` mirrors them for another
language (FORMAT.md, "Translations"). A language folder must be complete and aligned
with the English files (same codes, kinds, correct/risky flags and counts): the load
fails naming the file and the field otherwise, and rolls back.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Course, Lesson, Module
from .signals import curriculum_course_loaded

CURRICULUM_DIR = Path(settings.BASE_DIR) / "fixtures" / "curriculum"


class CurriculumError(Exception):
    pass


@dataclass
class LoadSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def record(self, code: str, created: bool, changed: bool):
        if created:
            self.created.append(code)
        elif changed:
            self.updated.append(code)
        else:
            self.unchanged += 1


def read_toml(path: Path) -> dict:
    """One curriculum TOML file as a dict; unreadable or malformed files raise
    CurriculumError naming the file (other apps' loaders use it too)."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CurriculumError(f"{path}: {error}") from error


def upsert(model, *, code: str, values: dict, summary: LoadSummary, texts: dict | None = None):
    """Create or update one row by code, `texts` being its translated fields in the
    source language (English); save only when something changed."""
    obj = model.objects.filter(code=code).first()
    created = obj is None
    if created:
        obj = model(code=code, **values)
    changed = [] if created else [n for n, v in values.items() if getattr(obj, n) != v]
    for name in changed:
        setattr(obj, name, values[name])
    changed_texts = translation_set(obj, language=settings.LANGUAGE_CODE, values=texts or {})
    if created or changed or changed_texts:
        obj.full_clean()
        if changed_texts:
            _clean_translation(obj, settings.LANGUAGE_CODE)
        obj.save()  # parler saves the changed translation row with it
    summary.record(code, created=created, changed=bool(changed or changed_texts))
    return obj


def translation_set(obj, *, language: str, values: dict) -> list[str]:
    """Put `values` in `obj`'s row for `language` (created if missing); the names of
    the fields that changed. Nothing is saved here."""
    row = None
    if obj.pk is not None:
        try:
            row = obj.get_translation(language)
        except obj._parler_meta.root_model.DoesNotExist:
            row = None
    obj.set_current_language(language)
    changed = (
        list(values) if row is None else [n for n, v in values.items() if getattr(row, n) != v]
    )
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _clean_translation(obj, language: str):
    row = obj.get_translation(language)
    row.full_clean(exclude=["master", "language_code"], validate_unique=False)
    return row


def translation_upsert(obj, *, language: str, values: dict, summary: LoadSummary, key: str):
    """Create or update `obj`'s translation into `language`; save only when changed.
    The object's own rules (`clean()`, e.g. a lesson's video host) apply to the
    translation too: a ValidationError leaves nothing saved."""
    changed = translation_set(obj, language=language, values=values)
    obj.clean()
    if changed:
        obj.save_translation(_clean_translation(obj, language))
    summary.record(f"{key} [{language}]", created=False, changed=bool(changed))
    obj.set_current_language(settings.LANGUAGE_CODE)


def _require(data: dict, key: str, where: str):
    if key not in data:
        raise CurriculumError(f"{where}: missing '{key}'")
    return data[key]


# --- Translations ----------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{\{\s*\w+\s*\}\}")


def translation_languages(folder: Path) -> list[str]:
    """The languages a course folder has a `translations/<lang>/` folder for."""
    root = Path(folder) / "translations"
    if not root.is_dir():
        return []
    return sorted(child.name for child in root.iterdir() if child.is_dir())


def translation_path(folder: Path, english: Path, language: str) -> Path:
    """Where the translation of the English file `english` into `language` lives."""
    return Path(folder) / "translations" / language / Path(english).relative_to(folder)


def _display(path: Path) -> str:
    """A path as the messages show it: from the curriculum folder down."""
    parts = Path(path).parts
    if "translations" not in parts:
        return str(path)
    index = len(parts) - 1 - parts[::-1].index("translations")
    return str(Path(*parts[index - 1 :]))


def _source_files(folder: Path) -> set[Path]:
    folder = Path(folder)
    return {
        path.relative_to(folder)
        for path in folder.rglob("*.toml")
        if path.relative_to(folder).parts[0] != "translations"
    }


def check_translation_files(folder: Path, language: str):
    """A language folder holds exactly the English course's files (and a known language)."""
    known = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    where = _display(Path(folder) / "translations" / language)
    if language not in known:
        raise CurriculumError(
            f"{where}: '{language}' is not one of the site's languages {sorted(known)} "
            f"(add its catalogue locale/{language}/LC_MESSAGES/django.po first)"
        )
    base = Path(folder) / "translations" / language
    english = _source_files(folder)
    translated = {path.relative_to(base) for path in base.rglob("*.toml")}
    for missing in sorted(english - translated):
        raise CurriculumError(
            f"{_display(base / missing)}: missing file (a translation must cover every file "
            f"of the English course; {missing} has no {language} version)"
        )
    for extra in sorted(translated - english):
        raise CurriculumError(f"{_display(base / extra)}: no English file {extra} to translate")


class TranslationReader:
    """Reads one translation file against its English file, failing with the file and
    the field named."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.data = read_toml(self.path)
        except CurriculumError as error:
            raise CurriculumError(f"{_display(self.path)}: {error.__cause__ or error}") from error

    def fail(self, where: str, message: str):
        raise CurriculumError(f"{_display(self.path)}: {where}: {message}")

    def table(self, english: dict, key: str) -> dict:
        value = self.data.get(key)
        if not isinstance(value, dict):
            self.fail(f"[{key}]", "missing table")
        return value

    def items(self, english: list, translated, where: str, name: str) -> list[dict]:
        """The translated `[[name]]` items, as many as the English has."""
        translated = translated or []
        if not isinstance(translated, list) or len(translated) != len(english):
            self.fail(
                where,
                f"{len(english)} [[{name}]] in English, {len(translated) if isinstance(translated, list) else 0} here",
            )
        for item in translated:
            if not isinstance(item, dict):
                self.fail(where, f"every [[{name}]] must be a table")
        return translated

    def same(self, english: dict, translated: dict, where: str, *keys: str, defaults=None):
        """Key fields copied unchanged (code, kind, correct, risky, module, platform)."""
        defaults = defaults or {}
        for key in keys:
            expected = english.get(key, defaults.get(key))
            actual = translated.get(key, defaults.get(key))
            if actual != expected:
                self.fail(where, f"'{key}' is {actual!r} here but {expected!r} in English")

    def texts(self, english: dict, translated: dict, where: str, *fields: str) -> dict:
        """Translated fields: required (non-empty text) when the English has them, with
        the same contact placeholders; empty when the English has none."""
        values = {}
        for name in fields:
            source = english.get(name)
            if not source:
                values[name] = ""
                continue
            value = translated.get(name)
            if not isinstance(value, str) or not value.strip():
                self.fail(where, f"missing '{name}' (the English has one)")
            if set(PLACEHOLDER.findall(value)) != set(PLACEHOLDER.findall(source)):
                self.fail(
                    where,
                    f"'{name}' must keep the English placeholders "
                    f"{sorted(set(PLACEHOLDER.findall(source))) or 'none'}",
                )
            values[name] = value.strip()
        return values


COURSE_TEXTS = ("title", "summary", "description")
MODULE_TEXTS = ("title", "summary")
LESSON_TEXTS = ("title", "body", "acknowledgement")


@transaction.atomic
def curriculum_load_course(*, folder: Path, summary: LoadSummary | None = None) -> LoadSummary:
    summary = summary or LoadSummary()
    languages = translation_languages(folder)
    for language in languages:
        check_translation_files(folder, language)
    data = read_toml(folder / "course.toml")
    course_data = _require(data, "course", str(folder / "course.toml"))
    months = course_data.get("certificate_valid_months") or None
    course = upsert(
        Course,
        code=_require(course_data, "code", "course"),
        values={
            "estimated_minutes": course_data.get("estimated_minutes", 30),
            "certificate_valid_months": months,
            "published": course_data.get("published", False),
        },
        texts={
            "title": course_data["title"],
            "summary": course_data.get("summary", ""),
            "description": course_data.get("description", "").strip(),
        },
        summary=summary,
    )
    module_files = sorted((folder / "modules").glob("*.toml"))
    for position, module_file in enumerate(module_files, start=1):
        module_data = read_toml(module_file)
        meta = _require(module_data, "module", str(module_file))
        module = upsert(
            Module,
            code=_require(meta, "code", str(module_file)),
            values={"course": course, "position": position},
            texts={"title": meta["title"], "summary": meta.get("summary", "")},
            summary=summary,
        )
        for lesson_position, lesson in enumerate(module_data.get("lessons", []), start=1):
            upsert(
                Lesson,
                code=_require(lesson, "code", str(module_file)),
                values={
                    "module": module,
                    "kind": lesson.get("kind", Lesson.Kind.READING),
                    "position": lesson_position,
                    "minutes": lesson.get("minutes", 5),
                },
                texts={
                    "title": lesson["title"],
                    "body": lesson.get("body", "").strip(),
                    "video_url": lesson.get("video_url", ""),
                    "acknowledgement": lesson.get("acknowledgement", ""),
                },
                summary=summary,
            )
    for language in languages:
        _load_course_translation(folder, language, course, data, module_files, summary)
    curriculum_course_loaded.send(sender=Course, course=course, folder=folder, summary=summary)
    return summary


def _load_course_translation(folder, language, course, data, module_files, summary):
    """`translations/<language>/course.toml` and `modules/*.toml` (quizzes: `quizzes`)."""
    reader = TranslationReader(translation_path(folder, folder / "course.toml", language))
    english = data["course"]
    translated = reader.table(english, "course")
    reader.same(english, translated, "[course]", "code")
    translation_upsert(
        course,
        language=language,
        values=reader.texts(english, translated, "[course]", *COURSE_TEXTS),
        summary=summary,
        key=course.code,
    )
    modules = {m.code: m for m in course.modules.all()}
    lessons = {lesson.code: lesson for lesson in Lesson.objects.filter(module__course=course)}
    for module_file in module_files:
        source = read_toml(module_file)
        reader = TranslationReader(translation_path(folder, module_file, language))
        translated = reader.table(source["module"], "module")
        reader.same(source["module"], translated, "[module]", "code")
        translation_upsert(
            modules[source["module"]["code"]],
            language=language,
            values=reader.texts(source["module"], translated, "[module]", *MODULE_TEXTS),
            summary=summary,
            key=source["module"]["code"],
        )
        english_lessons = source.get("lessons", [])
        items = reader.items(english_lessons, reader.data.get("lessons"), "[[lessons]]", "lessons")
        for number, (english, item) in enumerate(zip(english_lessons, items, strict=True), 1):
            where = f"lesson {number} ({english['code']})"
            reader.same(english, item, where, "code", "kind", defaults={"kind": "reading"})
            values = reader.texts(english, item, where, *LESSON_TEXTS)
            video_url = item.get("video_url") or english.get("video_url", "")
            if not isinstance(video_url, str):
                reader.fail(where, "'video_url' must be a text")
            values["video_url"] = video_url
            try:
                translation_upsert(
                    lessons[english["code"]],
                    language=language,
                    values=values,
                    summary=summary,
                    key=english["code"],
                )
            except ValidationError as error:
                reader.fail(where, "; ".join(error.messages))


def curriculum_load(*, root: Path = CURRICULUM_DIR) -> LoadSummary:
    summary = LoadSummary()
    folders = sorted(path.parent for path in root.glob("*/course.toml"))
    if not folders:
        raise CurriculumError(f"No course folder found in {root}")
    for folder in folders:
        curriculum_load_course(folder=folder, summary=summary)
    return summary
