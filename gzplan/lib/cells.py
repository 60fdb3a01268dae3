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
