"""Spreadsheet-safe cells: text a spreadsheet could run as a formula is written as text."""

from __future__ import annotations

from decimal import Decimal

from gzplan.lib.numbers import plain_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell value that spreadsheet software shows as text, never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, Decimal):
        return plain_number(value)
    return value
