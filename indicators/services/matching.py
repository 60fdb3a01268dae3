"""Which indicator a plan table's row measures, from its label as printed (指标) and its unit.

A row matches an indicator when its wording, reduced to one form, is the indicator's name or a
wording already known for it. The known wordings are the labels of the indicator's targets:
`Target.label_zh` keeps each table's wording, so every table loaded teaches the next one (the
Indicator model has no alias field). The one form is `notation.normalise` (Simplified, half-width,
no spaces) without punctuation, with a few words that the tables use interchangeably read as one
(比例/比重/占比/比率, 增长率/增速, 每万人口/每万人). Nothing fuzzy: 每万人发明专利拥有量 and
每万人口高价值发明专利拥有量 are different indicators (DOMAIN.md), and a similarity threshold that
tolerated one inserted word would merge them.

A row that matches nothing comes back with a proposal for a new indicator, its unit, direction,
measure and category guessed from the wording, for the analyst to confirm or correct.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from indicators.models import Direction, Indicator, IndicatorCategory, Measure, Target
from indicators.spreadsheets.notation import normalise

# Words the tables use for the same thing, each read as the first of its group.
SAME_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("比重", ("比例", "占比", "比率")),
    ("增速", ("增长率", "增长速度")),
    ("每万人", ("每万人口",)),
    ("每千人", ("每千人口",)),
    ("能耗", ("能源消耗",)),
    ("下降", ("降低",)),
]
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff\u2160-\u217f]")  # keeps Ⅴ, Ⅲ (roman numerals)
_BRACKETED = re.compile(r"\([^()]*\)")

# Guesses for a proposed indicator. A reduction (能耗下降 13.5%) is better when larger, as the
# indicators already recorded have it (energy_intensity_reduction: higher); what is measured
# directly as a concentration, emission, unemployment or death rate is better when lower.
_REDUCTION = re.compile(r"下降|降低|减少")
_LOWER = re.compile(r"浓度|能耗|排放|失业|死亡率|劣[ⅤV5]|事故|发病率|污染|贫困")
_GROWTH = re.compile(r"增速|增长率|年均增长|增长速度|增幅")
_SHARE = re.compile(r"比重|比例|占比|比率|率")
_PER_CAPITA = re.compile(r"^人均|每[十百千万]人|每千名|每万名")
_CATEGORIES: list[tuple[str, re.Pattern[str]]] = [
    (IndicatorCategory.INNOVATION, re.compile(r"创新|科技|研发|专利|高新|数字")),
    (IndicatorCategory.ENVIRONMENT, re.compile(r"生态|绿色|环境|低碳|能耗|排放|空气|水|森林|绿化|PM")),
    (IndicatorCategory.HUB, re.compile(r"枢纽|城市功能|开放|交通|机场|港口|铁路")),
    (IndicatorCategory.CULTURE, re.compile(r"文化|文明|教育")),
    (IndicatorCategory.SECURITY, re.compile(r"安全|储备|应急")),
    (IndicatorCategory.LIVELIHOOD, re.compile(r"民生|社会|人民|就业|收入|医|养老|住房|人口|福祉")),
    (IndicatorCategory.ECONOMY, re.compile(r"经济|产业|发展|生产总值|GDP")),
]


def wording(text: str) -> str:
    """A label reduced to the one form two tables' wordings of the same indicator share."""
    plain = normalise(text).lower()
    for word, others in SAME_WORDS:
        for other in others:
            plain = plain.replace(other, word)
    return _NOT_WORD.sub("", plain)


def loose_wording(text: str) -> str:
    """The wording without what is in brackets: 研发经费支出(R&D)占… as 研发经费支出占…."""
    return wording(_BRACKETED.sub("", normalise(text)))


@dataclass
class Proposal:
    """A new indicator for a row nothing matches: every field the analyst may change before it is made."""

    code: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    category: str
    direction: str
    measure: str

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class Match:
    """The indicator a row measures (`how`: name, wording, loose), or candidates, or a proposal."""

    indicator: Indicator | None = None
    how: str = ""  # "name", "wording" (a known table label), "loose" (the same without brackets)
    candidates: list[Indicator] = field(default_factory=list)  # several indicators share the wording
    proposal: Proposal | None = None
    unit_differs: bool = False  # the row's unit is not the indicator's: a magnitude to check

    @property
    def problem(self) -> str:
        if self.candidates:
            codes = ", ".join(i.code for i in self.candidates)
            return f"the wording fits several indicators ({codes}): choose one"
        if self.indicator and self.unit_differs:
            return (
                f"the unit printed is not {self.indicator.code}'s ({self.indicator.unit_zh}): "
                "choose another indicator or correct the unit"
            )
        return ""


class Wordings:
    """The indicators by each wording known for them: names and their targets' table labels (two queries)."""

    def __init__(self, indicators: Iterable[Indicator]):
        self.indicators = {i.pk: i for i in indicators}
        self.exact: dict[str, set[int]] = {}
        self.loose: dict[str, set[int]] = {}
        labels = Target.objects.filter(indicator_id__in=list(self.indicators)).exclude(label_zh="")
        known = [(i.pk, i.name_zh) for i in self.indicators.values()]
        known += list(labels.values_list("indicator_id", "label_zh").distinct())
        for pk, text in known:
            self.exact.setdefault(wording(text), set()).add(pk)
            self.loose.setdefault(loose_wording(text), set()).add(pk)
        units = Counter((i.unit_zh, i.unit_en) for i in self.indicators.values() if i.unit_zh)
        self.unit_en: dict[str, str] = {}
        for (zh, en), _ in units.most_common():
            self.unit_en.setdefault(zh, en)

    def by_code(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators.values() if i.code == code), None)


def match_indicator(
    label_zh: str,
    unit_label: str,
    indicators: Wordings | Iterable[Indicator],
    *,
    row: str = "",
    part: int = 1,
    category_zh: str = "",
) -> Match:
    """The indicator the label names (exactly, then as a known wording, then without brackets), or a proposal."""
    index = indicators if isinstance(indicators, Wordings) else Wordings(indicators)
    for how, table, key in (
        ("wording", index.exact, wording(label_zh)),
        ("loose", index.loose, loose_wording(label_zh)),
    ):
        found = [index.indicators[pk] for pk in sorted(table.get(key, ()))]
        if len(found) > 1:
            return Match(candidates=found, how=how)
        if found:
            (indicator,) = found
            if how == "wording" and wording(indicator.name_zh) == key:
                how = "name"
            return Match(indicator, how, unit_differs=not same_unit(unit_label, indicator.unit_zh))
    return Match(
        proposal=propose(label_zh, unit_label, row=row, part=part, category_zh=category_zh, units=index.unit_en)
    )


def same_unit(printed: str, unit_zh: str) -> bool:
    """Whether a unit as printed is the indicator's (either left empty counts as the same)."""
    a, b = normalise(printed), normalise(unit_zh)
    return not a or not b or a == b


def growth_indicator(indicator: Indicator) -> Indicator | None:
    """For a level read from a 年均增长 column (地区生产总值 … 年均增长 5): the indicator of its growth."""
    if indicator.measure == Measure.GROWTH:
        return indicator
    return Indicator.objects.filter(growth_of=indicator, measure=Measure.GROWTH).order_by("code").first()


def propose(
    label_zh: str, unit_label: str, *, row: str = "", part: int = 1, category_zh: str = "", units: dict | None = None
) -> Proposal:
    name = normalise(label_zh)
    unit = normalise(unit_label)
    slug = re.sub(r"[^a-z0-9]+", "_", row.lower()).strip("_") or "x"
    return Proposal(
        code=f"new_{slug}_{part}",
        name_zh=name,
        name_en=name,  # for the analyst to translate; the English pages show it until then
        unit_zh=unit,
        unit_en=(units or {}).get(unit, unit),
        category=guess_category(category_zh, name),
        direction=guess_direction(name),
        measure=guess_measure(name, unit),
    )


def guess_measure(name: str, unit: str) -> str:
    if _REDUCTION.search(name):
        return Measure.REDUCTION
    if _GROWTH.search(name) or (unit == "%" and "增长" in name):
        return Measure.GROWTH
    if unit == "%" and _SHARE.search(name):
        return Measure.SHARE
    if _PER_CAPITA.search(name):
        return Measure.PER_CAPITA
    return Measure.LEVEL


def guess_direction(name: str) -> str:
    if not _REDUCTION.search(name) and _LOWER.search(name):
        return Direction.LOWER
    return Direction.HIGHER


def guess_category(category_zh: str, name: str) -> str:
    for text in (normalise(category_zh), name):
        for category, pattern in _CATEGORIES:
            if pattern.search(text):
                return category
    return IndicatorCategory.ECONOMY
