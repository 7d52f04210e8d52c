import datetime

import pytest

from core.spreadsheets import safe_cell, safe_row


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil")'],
)
def test_text_beginning_with_a_formula_trigger_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Alice", "", "a=b", "1-2", " =x", "O'Brien"])
def test_ordinary_text_is_unchanged(text):
    assert safe_cell(text) == text


def test_numbers_dates_and_none_pass_through_unchanged():
    day = datetime.date(2026, 12, 2)
    assert safe_row([-5, 3.5, day, None, True]) == [-5, 3.5, day, None, True]


def test_other_objects_are_written_as_their_text():
    class Name:
        def __str__(self):
            return "-Dash"

    assert safe_cell(Name()) == "'-Dash"
