"""What other apps add to an employee's training list, without `courses` importing them.

`assignments` says who assigned a course, when, and with which note, and offers a
calendar link; `courses` only shows what the providers return. A provider receives the
employee and the list of their current enrollments and answers in a fixed number of
queries (one query for the whole list, never one per enrollment).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EnrollmentNote:
    """Shown on an enrollment's card: "Assigned by HR on 2 December 2026" and a note."""

    assigned_by: str = ""
    assigned_on: datetime.date | None = None
    note: str = ""


@dataclass(frozen=True)
class TrainingLink:
    label: str
    url: str
    icon: str = ""  # a Bootstrap Icons name
    help: str = ""


@dataclass
class TrainingExtras:
    notes: dict[int, EnrollmentNote] = field(default_factory=dict)  # enrollment id -> note
    links: list[TrainingLink] = field(default_factory=list)


Provider = Callable[[object, list], TrainingExtras]
_providers: list[Provider] = []


def register_training_provider(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def training_extras(employee, enrollments: list) -> TrainingExtras:
    extras = TrainingExtras()
    for provider in _providers:
        found = provider(employee, enrollments)
        extras.notes.update(found.notes)
        extras.links.extend(found.links)
    return extras
