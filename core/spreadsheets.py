"""Spreadsheet cells that a spreadsheet program can never run as a formula.

Any app that writes CSV or XLSX for people to open in Excel, LibreOffice or Google
Sheets passes every cell through `safe_cell`. A text cell that begins with `=`, `+`,
`-`, `@`, a tab or a carriage return could be read as a formula ("CSV injection", OWASP);
it is prefixed with an apostrophe, which the programs show as plain text. Numbers,
dates and None pass through unchanged: they are data, not text a person typed.
"""

import datetime
from decimal import Decimal

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_PASS_THROUGH = (bool, int, float, Decimal, datetime.date, datetime.datetime, datetime.time)


def safe_cell(value):
    """The value to write in a cell: text beginning with a formula trigger is prefixed
    with `'`; other values are returned unchanged (None stays None)."""
    if value is None or isinstance(value, _PASS_THROUGH):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_row(values) -> list:
    """`safe_cell` applied to every value of a row."""
    return [safe_cell(value) for value in values]
