"""Facts of the domain that every path applies the same way: the models' constraints, the write
services, imports, the API's schemas and the pages all read them from here.

Plain Python (no Django, no models), so the API's types and the progress engine may use them too.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

# Stored decimals: how many digits, how many after the point, the largest (parse_number refuses more).
from gzplan.lib.numbers import DECIMAL_PLACES as DECIMAL_PLACES
from gzplan.lib.numbers import LARGEST as LARGEST
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
    SCALE = "scale"  # 规划规模 (常住人口 1550万): a projection, judged within / above / below, never met or missed


def target_kind(
    *, assigned: bool, linked: bool, valued: bool, cumulative: bool, annual_average: bool, scale: bool = False
) -> TargetKind:
    """The kind of a target from its flags, in this order of precedence.

    `valued`: the target has a number of its own. Without one, and neither assigned nor linked, it is
    qualitative (the models' constraints then require its words as printed). `scale`: a planning scale,
    a level the plan provides for (the models' constraints keep it a plain valued level).
    """
    if assigned:
        return TargetKind.ASSIGNED
    if linked:
        return TargetKind.LINKED
    if not valued:
        return TargetKind.QUALITATIVE
    if scale:
        return TargetKind.SCALE
    if cumulative:
        return TargetKind.CUMULATIVE
    if annual_average:
        return TargetKind.ANNUAL_AVERAGE
    return TargetKind.LEVEL


# --- units as codes ----------------------------------------------------------------------
# SDMX codes a unit (UNIT_MEASURE) instead of printing it: a statistical tool compares codes, not
# the free text of `Indicator.unit_zh` / `unit_en` ("亿元" / "100 million yuan"). The code stays the
# same when an English label is reworded, so it is keyed by the unit as printed in Chinese, the
# unit the plan tables use. Multiples of 10,000 (万) and 100 million (亿) keep their own codes,
# because the figures are stored in them.
#
# unit as printed (zh) → (code, name in Chinese, name in English)
UNIT_CODES: dict[str, tuple[str, str, str]] = {
    "%": ("PCT", "百分比", "per cent"),
    "‰": ("PERMILLE", "千分比", "per mille"),
    "个百分点": ("PP", "个百分点", "percentage points"),
    "元": ("CNY", "元", "yuan"),
    "万元": ("CNY_10K", "万元", "10,000 yuan"),
    "亿元": ("CNY_100M", "亿元", "100 million yuan"),
    "元/人": ("CNY_PER_PS", "元/人", "yuan per person"),
    "万元/人": ("CNY_10K_PER_PS", "万元/人", "10,000 yuan per person"),
    "人": ("PS", "人", "persons"),
    "万人": ("PS_10K", "万人", "10,000 persons"),
    "人次": ("TRIPS", "人次", "person-trips"),
    "万人次": ("TRIPS_10K", "万人次", "10,000 person-trips"),
    "亿人次": ("TRIPS_100M", "亿人次", "100 million person-trips"),
    "个": ("NUM", "个", "number (个)"),
    "万个": ("NUM_10K", "万个", "10,000 (个)"),
    "件": ("NUM_ITEMS", "件", "number (件)"),
    "家": ("NUM_ENTERPRISES", "家", "number of enterprises (家)"),
    "张": ("NUM_BEDS", "张", "number of beds (张)"),
    "栋": ("NUM_BUILDINGS", "栋", "number of buildings (栋)"),
    "套": ("DWELLINGS", "套", "dwellings (套)"),
    "万套": ("DWELLINGS_10K", "万套", "10,000 dwellings (套)"),
    "吨": ("T", "吨", "tonnes"),
    "万吨": ("T_10K", "万吨", "10,000 tonnes"),
    "亿吨": ("T_100M", "亿吨", "100 million tonnes"),
    "标箱": ("TEU", "标箱", "TEU"),
    "万标箱": ("TEU_10K", "万标箱", "10,000 TEU"),
    "平方米": ("M2", "平方米", "square metres"),
    "万平方米": ("M2_10K", "万平方米", "10,000 square metres"),
    "平方公里": ("KM2", "平方公里", "square kilometres"),
    "公顷": ("HA", "公顷", "hectares"),
    "亩": ("MU", "亩", "mu"),
    "公里": ("KM", "公里", "kilometres"),
    "立方米": ("M3", "立方米", "cubic metres"),
    "万立方米": ("M3_10K", "万立方米", "10,000 cubic metres"),
    "微克/立方米": ("UG_M3", "微克/立方米", "micrograms per cubic metre"),
    "兆位/秒": ("MBIT_S", "兆位/秒", "megabits per second"),
    "岁": ("YR_AGE", "岁", "years of age"),
    "年": ("YR", "年", "years"),
    "天": ("DAYS", "天", "days"),
    "万千瓦": ("KW_10K", "万千瓦", "10,000 kilowatts"),
}
# What stands for a unit outside the table, derived from the printed unit so it is stable.
UNIT_CODE_PREFIX = "U_"


def unit_code(unit_zh: str, unit_en: str = "") -> str:
    """The SDMX code of a unit: from UNIT_CODES, else derived from the unit so it stays the same.

    A unit entered later that the table lacks gets `U_` and its English name in capitals
    ("kilowatt hours" → U_KILOWATT_HOURS), or, without an English name in ASCII, the hex of its
    Chinese one; "" for an indicator without a unit.
    """
    unit_zh = unit_zh.strip()
    if unit_zh in UNIT_CODES:
        return UNIT_CODES[unit_zh][0]
    if not unit_zh and not unit_en.strip():
        return ""
    ascii_name = re.sub(r"[^A-Z0-9]+", "_", unit_en.upper()).strip("_")
    if ascii_name:
        return UNIT_CODE_PREFIX + ascii_name
    return UNIT_CODE_PREFIX + unit_zh.encode("utf-8").hex().upper()


def unit_names(unit_zh: str, unit_en: str = "") -> tuple[str, str]:
    """The names (zh, en) of a unit's code: the table's, else the indicator's own."""
    entry = UNIT_CODES.get(unit_zh.strip())
    if entry:
        return entry[1], entry[2]
    return unit_zh.strip() or unit_en.strip(), unit_en.strip() or unit_zh.strip()
