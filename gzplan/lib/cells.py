"""Spreadsheet-safe cells: text a spreadsheet could run as a formula is written as text."""

from __future__ import annotations

import re
from decimal import Decimal

from gzplan.lib.numbers import plain_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters no cell, field or address takes: C0 controls other than tab, line feed and carriage
# return, and DEL (PostgreSQL cannot even store NUL).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_cell(value: object) -> object:
    """A cell value that spreadsheet software shows as text, never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, Decimal):
        return plain_number(value)
    return value


# Number formats of written workbooks: no thousands separator (a year or a code must read 2025, not 2,025),
# and exactly the decimals the figure was printed with (6.36 shows 6.36, 25019 shows 25019).
INTEGER_FORMAT = "0"
TEXT_FORMAT = "@"
GENERAL_FORMAT = "General"


def decimal_format(places: int) -> str:
    """The number format that shows `places` decimals: 0 → "0", 2 → "0.00"."""
    return INTEGER_FORMAT if places <= 0 else "0." + "0" * places


def workbook_cell(value: object) -> tuple[object, str]:
    """A value as a workbook cell holds it, and the cell's number format.

    Numbers go in as numbers (a spreadsheet sums them), integers as integers, decimals at the
    precision they were printed with; booleans as booleans; text made safe as in `safe_cell`. A
    spreadsheet number is a binary float: a decimal that one cannot hold exactly (more than about
    15 significant digits) is written as text rather than silently rounded.
    """
    if value is None or value == "":
        return None, GENERAL_FORMAT
    if isinstance(value, bool):
        return value, GENERAL_FORMAT
    if isinstance(value, int):
        return value, INTEGER_FORMAT
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, GENERAL_FORMAT
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        text = plain_number(value)
        number = Decimal(text)
        if "." not in text:
            return int(number), INTEGER_FORMAT
        as_float = float(number)
        if Decimal(repr(as_float)) != number:
            return text, TEXT_FORMAT
        return as_float, decimal_format(len(text.split(".")[1]))
    return safe_cell(value), GENERAL_FORMAT
