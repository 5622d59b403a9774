"""Keeping spreadsheet programs from running exported text as a formula (CSV injection).

Excel, WPS and LibreOffice treat a cell that begins with `=`, `+`, `-` or `@` as a formula
(a tab or carriage return in front of one is skipped by some of them), in .csv files and in
text cells of .xlsx files alike. Following the OWASP advice, every exported *text* cell that
begins with one of these characters is written with a leading apostrophe, which the
spreadsheet shows as plain text. Numbers are never touched: int, Decimal and float values,
and `NumberText`, the text the number widgets of the import/export resources render (a
negative amount "-5.00" is a number to a spreadsheet, not a formula).

Import strips exactly one such apostrophe again (`unescape_cell`), so that a file exported
here and imported back changes nothing; see docs/security-notes.md for the one value that
cannot round-trip (text that itself begins with an apostrophe and one of these characters).
"""

from __future__ import annotations

from typing import Any

#: characters a spreadsheet reads as the start of a formula (or skips before one)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


class NumberText(str):
    """The text of a number (rendered by core.widgets.DecimalWidget/IntegerWidget): it is
    written as it is, even when it begins with a minus sign."""

    __slots__ = ()


def escape_cell(value: Any) -> Any:
    """`value` as it may be written to a spreadsheet: text that would start a formula gets
    a leading apostrophe; anything that is not a str is returned unchanged.

    Already escaped text starts with the apostrophe, so escaping twice changes nothing."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not isinstance(value, NumberText)
    ):
        return ESCAPE + value
    return value


def unescape_cell(value: Any) -> Any:
    """The value an imported cell stands for: one apostrophe in front of a formula
    character is the escape written by `escape_cell` (or typed by a user for the same
    reason) and is removed; every other value is returned unchanged."""
    if isinstance(value, str) and value.startswith(ESCAPE) and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def escape_row(values: Any) -> list[Any]:
    return [escape_cell(value) for value in values]
