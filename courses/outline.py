"""Items other apps add to a course outline (e.g. a module's quiz), without `courses`
importing them. A provider gets the course and the employee's current enrollment (or
None) and returns, in a fixed number of queries, the items per module id."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OutlineItem:
    title: str
    url: str
    done: bool
    kind: str  # short label, e.g. "Quiz"
    icon: str  # a Bootstrap Icons name, e.g. "patch-question"
    status: str = ""  # e.g. "Passed · best score 90%"
    minutes: int = 0


Provider = Callable[[object, object], dict[int, list[OutlineItem]]]
_providers: list[Provider] = []


def register_outline_provider(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def module_items(course, enrollment) -> dict[int, list[OutlineItem]]:
    items: dict[int, list[OutlineItem]] = {}
    for provider in _providers:
        for module_id, extra in provider(course, enrollment).items():
            items.setdefault(module_id, []).extend(extra)
    return items
