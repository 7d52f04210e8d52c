"""Load course folders (fixtures/curriculum/<slug>/, see FORMAT.md) idempotently.

Upsert by `code`: loading twice changes nothing; loading after an edit updates the
text. Nothing is deleted and no enrollment or completion is touched, so nobody's
progress changes. Quizzes in the folder are loaded by `quizzes`, which listens to
`curriculum_course_loaded`.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
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


def upsert(model, *, code: str, values: dict, summary: LoadSummary):
    """Create or update one row by code; save only when something changed."""
    obj = model.objects.filter(code=code).first()
    if obj is None:
        obj = model(code=code, **values)
        obj.full_clean()
        obj.save()
        summary.record(code, created=True, changed=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
    summary.record(code, created=False, changed=bool(changed))
    return obj


def _require(data: dict, key: str, where: str):
    if key not in data:
        raise CurriculumError(f"{where}: missing '{key}'")
    return data[key]


@transaction.atomic
def curriculum_load_course(*, folder: Path, summary: LoadSummary | None = None) -> LoadSummary:
    summary = summary or LoadSummary()
    data = read_toml(folder / "course.toml")
    course_data = _require(data, "course", str(folder / "course.toml"))
    months = course_data.get("certificate_valid_months") or None
    course = upsert(
        Course,
        code=_require(course_data, "code", "course"),
        values={
            "title": course_data["title"],
            "summary": course_data.get("summary", ""),
            "description": course_data.get("description", "").strip(),
            "estimated_minutes": course_data.get("estimated_minutes", 30),
            "certificate_valid_months": months,
            "published": course_data.get("published", False),
        },
        summary=summary,
    )
    for position, module_file in enumerate(sorted((folder / "modules").glob("*.toml")), start=1):
        module_data = read_toml(module_file)
        meta = _require(module_data, "module", str(module_file))
        module = upsert(
            Module,
            code=_require(meta, "code", str(module_file)),
            values={
                "course": course,
                "title": meta["title"],
                "summary": meta.get("summary", ""),
                "position": position,
            },
            summary=summary,
        )
        for lesson_position, lesson in enumerate(module_data.get("lessons", []), start=1):
            upsert(
                Lesson,
                code=_require(lesson, "code", str(module_file)),
                values={
                    "module": module,
                    "title": lesson["title"],
                    "kind": lesson.get("kind", Lesson.Kind.READING),
                    "position": lesson_position,
                    "minutes": lesson.get("minutes", 5),
                    "body": lesson.get("body", "").strip(),
                    "video_url": lesson.get("video_url", ""),
                    "acknowledgement": lesson.get("acknowledgement", ""),
                },
                summary=summary,
            )
    curriculum_course_loaded.send(sender=Course, course=course, folder=folder, summary=summary)
    return summary


def curriculum_load(*, root: Path = CURRICULUM_DIR) -> LoadSummary:
    summary = LoadSummary()
    folders = sorted(path.parent for path in root.glob("*/course.toml"))
    if not folders:
        raise CurriculumError(f"No course folder found in {root}")
    for folder in folders:
        curriculum_load_course(folder=folder, summary=summary)
    return summary
