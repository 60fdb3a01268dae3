"""One cell of a plan's indicator table, read as it is printed (DOMAIN.md, "the notation").

`read_cell("年均7.5以上/28000")` gives one `Part` per `/`-separated target of the row, each with its
number, its comparator, whether it is a five-year total (`[X]`, `〔X〕`) or an average annual rate
(`年均`), the year it really measures (`7339 (2019年)`), a footnote mark (`X*`), or no number at all:
a target assigned by the higher level (`完成省下达目标`), linked to economic growth (`与经济增长同步`,
`高于GDP增长`) or qualitative (`保持在合理区间`). Traditional Chinese reads as Simplified. A cell it
cannot read raises NotationProblem quoting the cell: it never guesses.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from indicators.spreadsheets.reading import _t2s

AT_LEAST, MORE_THAN, AT_MOST, LESS_THAN, ABOUT = "at_least", "more_than", "at_most", "less_than", "about"


class NotationProblem(ValueError):
    """A cell that cannot be read; the message quotes it and says why."""

    def __init__(self, cell: str, why: str) -> None:
        self.cell = cell
        super().__init__(f"“{cell}”: {why}")


@dataclass(frozen=True)
class Part:
    """One target as a cell prints it. `value` is None for an assigned, linked or qualitative target."""

    text: str
    value: Decimal | None = None
    comparator: str = ""  # "" when the cell states none: the indicator's direction decides
    cumulative: bool = False  # [X] or 〔X〕: a total over the plan's years (or an increase, for a level)
    annual_average: bool = False  # 年均: the average annual rate over the period
    reference_year: int | None = None  # the year the figure measures, when printed beside it
    footnoted: bool = False  # X*: a note under the table explains it
    assigned_by: str = ""  # "province", "city" or "nation": 完成…下达目标
    linked: str = ""  # "in_step" (与经济增长同步) or "above" (高于GDP增长): to economic growth
    qualitative: bool = False  # a target in words, with no number to judge
    unit: str = ""  # a unit printed with the number (亿元, 万亿元, billion yuan), else ""


# Words around the number, as they stand after Traditional → Simplified and NFKC.
# Targets of annual plans are sometimes known only from an English source ("more than 6%").
_PREFIXES = [
    (re.compile(r"^(?:≥|>=|不低于|不少于|突破|达到|(?:no|not) less than|at least)", re.I), AT_LEAST),
    (re.compile(r"^(?:≤|<=|不高于|不超过|低于|控制在|(?:no|not) more than|at most|within)", re.I), AT_MOST),
    (re.compile(r"^(?:>|超过|高于|more than|over|above|exceeds?|greater than)", re.I), MORE_THAN),
    (re.compile(r"^(?:<|less than|below)", re.I), LESS_THAN),
    (re.compile(r"^(?:约|大约|about|around|approximately)", re.I), ABOUT),
]
_SUFFIXES = [
    (re.compile(r"(?:以上|及以上)$"), AT_LEAST),
    (re.compile(r"(?:以下|及以下|以内|之内)$"), AT_MOST),
    (re.compile(r"左右$"), ABOUT),
]
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
# A number followed by its unit as printed (4100亿元, 3.5万亿元, 62 billion yuan): the unit is kept for
# the table reader, which knows the indicator's unit.
_WITH_UNIT = re.compile(r"^([+-]?\d+(?:\.\d+)?)([A-Za-z\u4e00-\u9fff][A-Za-z\u4e00-\u9fff ]*)$")
_AVERAGE = re.compile(r"^年均(?:增长率|增长|增速|增幅)?")
_REFERENCE_YEAR = re.compile(r"\((\d{4})(?:年)?(?:数据|数)?\)$")
_COMPARATOR_WORDS = re.compile(r"以上|以下|以内|之内|左右|约|不低于|不高于|超过|突破")
_ASSIGNED = re.compile(r"^完成(省|市|国家)(?:级)?下达(?:的)?(?:目标|任务)(?:任务)?$")
_LINKED = re.compile(
    r"^(?:与|同)(?:经济|GDP|地区生产总值|经济社会发展)(?:增长|增速|发展)?(?:基本)?(?:保持)?(?:基本)?(?:同步|相适应)$"
)
_ABOVE = re.compile(r"^(?:略)?(?:高于|快于)(?:经济|GDP|地区生产总值)(?:增长|增速)$")
_QUALITATIVE = re.compile(r"保持|视情|合理区间|稳步|逐步|持续|不断|稳定|明显|显著|进一步|全面")
_ASSIGNERS = {"省": "province", "市": "city", "国家": "nation"}


@functools.lru_cache(maxsize=8192)  # OpenCC's conversion is slow; a table reads each cell several times
def normalise(text: str) -> str:
    """The cell as one form: Simplified Chinese, half-width digits and signs, no spaces."""
    simplified = _t2s().convert(text)
    plain = unicodedata.normalize("NFKC", simplified)
    plain = plain.replace("〔", "[").replace("〕", "]").replace("【", "[").replace("】", "]")
    plain = plain.replace("−", "-").replace("—", "-").replace("≧", "≥").replace("≦", "≤")
    # Spaces go, but for those between two words of an English source ("more than").
    return re.sub(r"(?<![A-Za-z]) | (?![A-Za-z])", "", re.sub(r"\s+", " ", plain).strip())


def read_cell(text: str, *, annual_average: bool = False, cumulative: bool = False) -> list[Part]:
    """Every target a cell states. `annual_average` and `cumulative` say the column itself is one
    (a 年均增长 column, a 累计 column): its plain numbers are rates or totals."""
    cell = normalise(text)
    if not cell:
        raise NotationProblem(text, "the cell is empty: a target needs a number or words such as 完成省下达目标")
    pieces = _split(cell)
    if len(pieces) > 1 and any(not piece for piece in pieces):
        raise NotationProblem(text, "one side of the “/” is empty")
    return [_read_part(text, piece, annual_average, cumulative) for piece in pieces]


def _split(cell: str) -> list[str]:
    """The `/`-separated targets of a row (`7339/192`), not splitting inside brackets."""
    pieces, depth, current = [], 0, ""
    for char in cell:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == "/" and depth == 0:
            pieces.append(current)
            current = ""
        else:
            current += char
    pieces.append(current)
    return pieces


def _read_part(original: str, piece: str, annual_average: bool, cumulative: bool) -> Part:
    if match := _ASSIGNED.match(piece):
        return Part(piece, assigned_by=_ASSIGNERS[match.group(1)])
    if _LINKED.match(piece):
        return Part(piece, linked="in_step")
    if _ABOVE.match(piece):
        return Part(piece, linked="above")
    if not re.search(r"\d", piece):
        if _QUALITATIVE.search(piece) and re.search(r"[\u4e00-\u9fff]", piece):
            return Part(piece, qualitative=True)
        raise NotationProblem(original, f"no number and no wording this reader knows in “{piece}”")
    rest = piece
    footnoted = False
    if rest.endswith("*") or rest.startswith("*"):
        footnoted, rest = True, rest.strip("*")
    reference_year = None
    if match := _REFERENCE_YEAR.search(rest):
        reference_year, rest = int(match.group(1)), rest[: match.start()]
    if rest.endswith("*"):
        footnoted, rest = True, rest.rstrip("*")
    average = annual_average
    if match := _AVERAGE.match(rest):
        average, rest = True, rest[match.end() :]
    total = cumulative
    comparator = ""
    rest, comparator = _comparator(original, rest, comparator)
    if rest.startswith("[") and rest.endswith("]"):
        total, rest = True, rest[1:-1]
        if match := _AVERAGE.match(rest):
            average, rest = True, rest[match.end() :]
        rest, comparator = _comparator(original, rest, comparator)
    rest = rest.removesuffix("%")
    if match := _AVERAGE.match(rest):
        average, rest = True, rest[match.end() :]
        rest, comparator = _comparator(original, rest, comparator)
    unit = ""
    if (match := _WITH_UNIT.match(rest)) and not _COMPARATOR_WORDS.search(match.group(2)):
        rest, unit = match.group(1), match.group(2).strip()
    if not _NUMBER.match(rest):
        raise NotationProblem(original, f"cannot read “{piece}” as a number with 以上/以下/左右/约/[ ]/年均")
    try:
        value = Decimal(rest)
    except InvalidOperation:
        raise NotationProblem(original, f"“{rest}” is not a number") from None
    return Part(piece, value=value, comparator=comparator, cumulative=total, annual_average=average,
                reference_year=reference_year, footnoted=footnoted, unit=unit)  # fmt: skip


def _comparator(original: str, rest: str, found: str) -> tuple[str, str]:
    """Take comparator words off both ends of `rest`; two that disagree are a problem."""
    for pattern, comparator in _PREFIXES:
        if match := pattern.match(rest):
            rest, found = rest[match.end() :], _agree(original, found, comparator)
            break
    for pattern, comparator in _SUFFIXES:
        if match := pattern.search(rest):
            rest, found = rest[: match.start()], _agree(original, found, comparator)
            break
    return rest.removesuffix("%"), found


def _agree(original: str, found: str, comparator: str) -> str:
    # 控制在X以内 and 不超过X以下 say "at most" twice: the same comparator from both ends is one.
    if found and found != comparator:
        raise NotationProblem(original, f"it says both “{found}” and “{comparator}”")
    return comparator
