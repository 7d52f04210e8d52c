"""What other apps show about each person in the People directory, without `people`
importing them (`assignments` adds each person's assigned training: status, due date).

A provider gets the employees of the page being shown and answers in a fixed number of
queries: employee id -> a list of `DirectoryItem`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DirectoryItem:
    label: str  # e.g. the course title
    status: str  # e.g. "In progress"
    due_on: datetime.date | None = None
    overdue: bool = False
    done: bool = False


Provider = Callable[[list], dict[int, list[DirectoryItem]]]
_providers: list[Provider] = []


def register_directory_provider(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def directory_items(employees: list) -> dict[int, list[DirectoryItem]]:
    items: dict[int, list[DirectoryItem]] = {}
    for provider in _providers:
        for employee_id, found in provider(employees).items():
            items.setdefault(employee_id, []).extend(found)
    return items


def has_providers() -> bool:
    return bool(_providers)
