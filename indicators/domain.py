"""Facts of the domain that every path applies the same way: the models' constraints, the write
services, imports, the API's schemas and the pages all read them from here.

Plain Python (no Django, no models), so the API's types and the progress engine may use them too.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

# Stored decimals: how many digits, and how many after the point (parse_number refuses more).
from gzplan.lib.numbers import DECIMAL_PLACES as DECIMAL_PLACES
from gzplan.lib.numbers import MAX_DIGITS as MAX_DIGITS

# Years a figure or a target may be for: from the People's Republic's first year to the end of
# the century (long-range visions reach 2035 and 2050).
FIRST_YEAR = 1949
LAST_YEAR = 2100

# A share (indicator measure "share") is a percentage of a whole.
SHARE_MIN = Decimal(0)
SHARE_MAX = Decimal(100)


def year_in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def year_problem(year: int) -> str | None:
    """Why `year` cannot be a figure's or a target's year, or None."""
    if year_in_range(year):
        return None
    return f"{year} is not a year between {FIRST_YEAR} and {LAST_YEAR}"


def share_in_range(value: Decimal) -> bool:
    return SHARE_MIN <= value <= SHARE_MAX


class TargetKind(StrEnum):
    """How a target is judged (the progress engine's methods)."""

    ASSIGNED = "assigned"  # 完成国家/省/市下达目标: set later by the higher level, judged met / not met
    LINKED = "linked"  # 与经济增长同步, 高于GDP增长: in step with, or above, another indicator's figure
    QUALITATIVE = "qualitative"  # 保持在合理区间: words, no number: kept as printed, never judged
    CUMULATIVE = "cumulative"  # [ ] a five-year total
    ANNUAL_AVERAGE = "annual_average"  # 年均: an average annual rate over the period
    LEVEL = "level"  # a figure to reach by the target year


def target_kind(*, assigned: bool, linked: bool, valued: bool, cumulative: bool, annual_average: bool) -> TargetKind:
    """The kind of a target from its flags, in this order of precedence.

    `valued`: the target has a number of its own. Without one, and neither assigned nor linked, it is
    qualitative (the models' constraints then require its words as printed).
    """
    if assigned:
        return TargetKind.ASSIGNED
    if linked:
        return TargetKind.LINKED
    if not valued:
        return TargetKind.QUALITATIVE
    if cumulative:
        return TargetKind.CUMULATIVE
    if annual_average:
        return TargetKind.ANNUAL_AVERAGE
    return TargetKind.LEVEL
