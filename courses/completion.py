"""The completion rule, in one place.

An enrollment is complete when every registered requirement is met. Each requirement
counts its own units for an enrollment — done and total — and the sum gives the
progress percentage. Lessons are one requirement (registered here); other apps
register theirs in their AppConfig.ready() (`quizzes` adds "every quiz passed"), so
`courses` never imports the apps above it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Units:
    done: int
    total: int


Requirement = Callable[["Enrollment"], Units]  # noqa: F821

_requirements: dict[str, Requirement] = {}


def register_requirement(name: str, requirement: Requirement) -> None:
    _requirements[name] = requirement


def requirement_names() -> list[str]:
    return list(_requirements)


def enrollment_units(enrollment) -> Units:
    done = total = 0
    for requirement in _requirements.values():
        units = requirement(enrollment)
        done += min(units.done, units.total)
        total += units.total
    return Units(done=done, total=total)


def is_complete(units: Units) -> bool:
    return units.total > 0 and units.done >= units.total


def progress_percent(units: Units) -> int:
    if units.total == 0:
        return 0
    return (100 * units.done) // units.total


def _lessons(enrollment) -> Units:
    from .models import Lesson, LessonCompletion

    total = Lesson.objects.filter(module__course_id=enrollment.course_id).count()
    done = LessonCompletion.objects.filter(
        enrollment=enrollment, lesson__module__course_id=enrollment.course_id
    ).count()
    return Units(done=done, total=total)


def register_builtin_requirements():
    register_requirement("lessons", _lessons)
