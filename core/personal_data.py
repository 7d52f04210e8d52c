"""Personal data held by apps that the subject-access export may not import.

`privacy` reads the apps below it directly; an app that nothing may import (`identity`)
registers a provider here instead, and the export asks every provider:

    register_personal_data_provider(sign_in_records)   # in the app's ready()

A provider takes an employee and returns `PersonalDataSection`s: a key (the JSON
export's), a title, the columns (key, label) and the rows (plain values). A provider
makes a fixed number of queries whatever the history's length.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class PersonalDataSection:
    key: str
    title: str
    columns: tuple[tuple[str, str], ...]
    rows: list[dict]

    @property
    def cells(self) -> list[list[str]]:
        """The rows as text, column by column, for a printable page."""
        return [[_shown(row.get(key)) for key, _label in self.columns] for row in self.rows]


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return str(value)


_providers: list[Callable] = []


def register_personal_data_provider(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def personal_data_sections(employee) -> list[PersonalDataSection]:
    """Every registered provider's sections for `employee`, in registration order."""
    return [section for provider in _providers for section in provider(employee)]
