"""Target versus actual: judge one plan target against the figures reported for it.

Pure Python, no ORM: `evaluate()` takes a `TargetSpec` and plain `Observation`s
and returns an `Evaluation`. `indicators.progress.evaluation` feeds it from the database.
docs/progress.md explains every rule below with examples.

Statuses
    achieved / not_achieved   final: a figure covers the target year (or the whole
                              period, for period totals and averages), or the
                              reviewing body recorded its judgement
    on_track / at_risk / off_track
                              mid-period, from the ratio of the observed rate of
                              progress to the rate required (below)
    no_data                   no figure inside the plan period yet
    target_pending            完成省/市下达目标: the higher level has not yet set the figure

Mid-period rule (after the UN / Open SDG progress measure)
    ratio = observed rate since the baseline / rate required from baseline to target
    ratio >= 0.95 on track; 0.6 <= ratio < 0.95 at risk; ratio < 0.6 off track;
    a negative ratio means moving away from the target (off track).
    The rate follows the shape of the plan's path: level and share targets are
    drawn as a straight line from baseline to target, so the rates are changes per
    year; 年均 growth targets compound, so the observed rate is the compound average
    of the yearly growth rates; `[ ]` period totals accumulate, so the figure so far is
    compared with the pro-rata share of the total. A figure exactly on the path has
    ratio 1. (Open SDG uses compound growth for every indicator; on a falling
    straight-line path that would call an on-path series "off track".)

Edge cases
    - A target already met mid-period is on track ("already meets the target").
    - A baseline that already meets the target ("maintain"): on track while the latest
      figure still meets it, off track once it does not.
    - No baseline and a single figure: on track if it meets the target, else at risk
      (no trend yet). Without a baseline, the earliest figure serves as one.
    - Zero or negative baselines need no special case: level rates are linear.
      A yearly growth of -100% or worse leaves nothing: its factor (1 + rate) is
      floored just above zero, so compound averages stay defined.
    - "about X" (X左右, 约X): achieved within a band of 5% of X (ABOUT_BAND) on the
      unfavourable side; overshooting in the indicator's good direction counts as met.
      A target's `tolerance` overrides the band, in the indicator's unit.
    - "in step with economic growth": the area's own growth (e.g. income) over the
      same years as its GDP growth, met when not lower than GDP growth minus the band.
    - A figure reported for the table year but measuring another (`7339 (2019年)`)
      counts for the year it is reported for; paths use the year it measures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from gzplan.lib.numbers import fmt

ACHIEVED = "achieved"
NOT_ACHIEVED = "not_achieved"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
NO_DATA = "no_data"
TARGET_PENDING = "target_pending"
STATUSES = [ACHIEVED, NOT_ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, TARGET_PENDING]

STATUS_LABELS = {
    ACHIEVED: ("achieved", "已完成"),
    NOT_ACHIEVED: ("not achieved", "未完成"),
    ON_TRACK: ("on track", "进度正常"),
    AT_RISK: ("at risk", "有风险"),
    OFF_TRACK: ("off track", "进度滞后"),
    NO_DATA: ("no data", "暂无数据"),
    TARGET_PENDING: ("target pending", "目标待下达"),
}

ON_TRACK_RATIO = 0.95
AT_RISK_RATIO = 0.6
ABOUT_BAND = 0.05  # "about X": 5% of X unless the target sets its own tolerance
_EPSILON = 1e-9

COMPOUNDING_MEASURES = {"growth", "reduction"}


class Observation(NamedTuple):
    """One reported figure: for `year`, covering `span_from`–`year`, measuring `reference_year`.

    A named tuple rather than a dataclass: bulk evaluation builds hundreds of thousands.
    """

    year: int
    value: float | Decimal
    span_from: int | None = None
    reference_year: int | None = None
    qualifier: str = ""

    @property
    def is_single_year(self) -> bool:
        return self.span_from is None or self.span_from == self.year

    @property
    def measured_year(self) -> int:
        return self.reference_year or self.year


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """What the engine needs to know about a target, as plain values."""

    target_year: int
    period_start: int
    target_value: float | Decimal | None = None
    comparator: str = ""  # "", at_least, at_most, about, exact; "" reads the direction
    direction: str = "higher"
    measure: str = "level"
    baseline_value: float | Decimal | None = None
    baseline_year: int | None = None
    cumulative: bool = False
    annual_average: bool = False
    linked: bool = False
    assigned: bool = False
    assessment: str = ""  # met / not_met, recorded by the reviewing body
    assessment_source: str = ""
    tolerance: float | Decimal | None = None

    @property
    def sense(self) -> int:
        """+1 when more is better for this target, -1 when less is."""
        if self.comparator == "at_least":
            return 1
        if self.comparator == "at_most":
            return -1
        return -1 if self.direction == "lower" else 1

    @property
    def years(self) -> int:
        return self.target_year - self.period_start + 1


@dataclass(slots=True)
class Evaluation:
    status: str
    final: bool = False
    method: str = ""
    year: int | None = None  # the latest year judged (the period's end year for a span)
    first_year: int | None = None  # for averages and totals: the first year they cover
    reference_year: int | None = None
    value: float | None = None
    target: float | None = None
    expected: float | None = None
    gap: float | None = None
    progress: float | None = None  # share of the way from baseline to target (0–1+)
    anticipated: float | None = None  # at the target year, if the observed trend holds
    observed_rate: float | None = None
    required_rate: float | None = None
    ratio: float | None = None
    explanation_en: str = ""
    explanation_zh: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def label_en(self) -> str:
        return STATUS_LABELS[self.status][0]

    @property
    def label_zh(self) -> str:
        return STATUS_LABELS[self.status][1]


def evaluate(
    spec: TargetSpec,
    series: Iterable[Observation],
    linked_series: Iterable[Observation] = (),
    level_series: Iterable[Observation] = (),
) -> Evaluation:
    """Judge one target against its area's figures for its indicator.

    `linked_series`: for an "in step with" target, the figures of the indicator it
    moves with (the area's GDP growth). `level_series`: for a growth target whose
    growth is not reported, the levels it can be computed from.
    """
    if spec.assessment in ("met", "not_met"):
        return _assessed(spec)
    if spec.assigned and spec.target_value is None:
        return Evaluation(
            TARGET_PENDING,
            method="assigned",
            explanation_en="Target to be assigned by the higher level; no figure recorded yet.",
            explanation_zh="完成上级下达目标:下达目标值尚未录入。",
        )
    series = [o for o in series if o.value is not None]
    if spec.linked:
        return _linked(spec, series, list(linked_series))
    if spec.target_value is None:
        return Evaluation(NO_DATA, method="none", explanation_en="No target value.", explanation_zh="无目标值。")
    if spec.cumulative:
        return _cumulative(spec, series)
    if spec.annual_average:
        return _annual_average(spec, series, list(level_series))
    return _level(spec, series)


# --- comparisons ----------------------------------------------------------


def _band(spec: TargetSpec, reference: float) -> float:
    if spec.tolerance is not None:
        return abs(float(spec.tolerance))
    return abs(reference) * ABOUT_BAND


def meets(spec: TargetSpec, value: float, target: float) -> bool:
    """Does `value` satisfy the target `target` under the spec's comparator?"""
    eps = _EPSILON * max(1.0, abs(target))
    comparator = spec.comparator
    if comparator == "exact":
        return abs(value - target) <= eps
    if comparator == "about":
        band = _band(spec, target)
        return value >= target - band - eps if spec.sense > 0 else value <= target + band + eps
    return value >= target - eps if spec.sense > 0 else value <= target + eps


def _mid_status(ratio: float) -> str:
    if ratio >= ON_TRACK_RATIO:
        return ON_TRACK
    if ratio >= AT_RISK_RATIO:
        return AT_RISK
    return OFF_TRACK


def _final_status(spec: TargetSpec, value: float, target: float) -> str:
    return ACHIEVED if meets(spec, value, target) else NOT_ACHIEVED


# --- the kinds of target --------------------------------------------------


def _level(spec: TargetSpec, series: list[Observation]) -> Evaluation:
    """A level or share to reach by the target year, along a straight path."""
    target = float(spec.target_value)
    singles = sorted(
        (o for o in series if o.is_single_year and spec.period_start <= o.year <= spec.target_year),
        key=lambda o: (o.year, o.measured_year),
    )
    if not singles:
        return _no_data(spec, target)
    latest = singles[-1]
    value = float(latest.value)
    result = Evaluation(
        NO_DATA, method="level", year=latest.year, reference_year=latest.measured_year, value=value, target=target
    )
    baseline, base_year = _baseline(spec, series, latest)
    if baseline is not None and target != baseline:
        result.progress = (value - baseline) / (target - baseline)
    if latest.year == spec.target_year:
        result.final = True
        result.status = _final_status(spec, value, target)
        result.expected, result.gap, result.anticipated = target, value - target, value
        return _explain_final(spec, result)
    t_value, t_target = latest.measured_year, spec.target_year
    if baseline is not None and t_value > base_year:
        required = (target - baseline) / (t_target - base_year)
        observed = (value - baseline) / (t_value - base_year)
        result.required_rate, result.observed_rate = required, observed
        result.expected = baseline + required * (t_value - base_year)
        result.gap = value - result.expected
        result.anticipated = value + observed * (t_target - t_value)
    if meets(spec, value, target):
        result.status = ON_TRACK
        result.notes.append("already meets the target")
    elif result.required_rate is None:
        result.status = AT_RISK
        result.notes.append("one figure, no trend yet")
    elif spec.sense * result.required_rate <= 0:
        result.status = OFF_TRACK
        result.notes.append("the baseline met the target; the latest figure no longer does")
    else:
        result.ratio = result.observed_rate / result.required_rate
        result.status = _mid_status(result.ratio)
        if result.ratio < 0:
            result.notes.append("moving away from the target")
    return _explain_mid(spec, result)


def _baseline(spec: TargetSpec, series: list[Observation], latest: Observation) -> tuple[float | None, int | None]:
    """The target's baseline, or failing that the earliest single-year figure before the latest."""
    if spec.baseline_value is not None:
        return float(spec.baseline_value), spec.baseline_year or spec.period_start - 1
    earlier = [
        o
        for o in series
        if o.is_single_year and o.measured_year < latest.measured_year and o.year >= spec.period_start - 1
    ]
    if not earlier:
        return None, None
    first = min(earlier, key=lambda o: o.measured_year)
    return float(first.value), first.measured_year


def _period_figures(spec: TargetSpec, series: list[Observation]) -> tuple[Observation | None, list[Observation]]:
    """The latest figure for a span starting with the period, and the period's yearly figures."""
    spans = [
        o for o in series if not o.is_single_year and o.span_from == spec.period_start and o.year <= spec.target_year
    ]
    span = max(spans, key=lambda o: o.year) if spans else None
    yearly = {}
    for o in series:
        if o.is_single_year and spec.period_start <= o.year <= spec.target_year:
            yearly[o.year] = o
    return span, [yearly[y] for y in sorted(yearly)]


_MIN_FACTOR = 1e-9  # a yearly factor (1 + rate) cannot fall below nothing left


def _factors(rates: Sequence[float], measure: str) -> tuple[float, list[float]]:
    """Yearly factors 1 + growth (or 1 - reduction), floored just above zero.

    A rate of -100% or worse (or a reduction of 100% or more) leaves nothing; the floor
    keeps the averages defined and still rising with every rate.
    """
    sign = -1.0 if measure == "reduction" else 1.0
    return sign, [max(_MIN_FACTOR, 1 + sign * r / 100) for r in rates]


def _over_period(span, yearly, spec: TargetSpec, combine):
    """(value, years covered, first year, last figure) for the period so far, or None without figures.

    A figure reported for a span from the period's start wins when it covers at least as many
    years as the yearly figures; otherwise the yearly figures are combined (summed, averaged…).
    """
    span_years = span.year - spec.period_start + 1 if span else 0
    if span and span_years >= len(yearly):
        return float(span.value), span_years, span.span_from, span
    if yearly:
        return combine([float(o.value) for o in yearly]), len(yearly), yearly[0].year, yearly[-1]
    return None


def _compound_mean(rates: Sequence[float], measure: str) -> float:
    """Average annual rate, in %, compounding the yearly rates (geometric mean of the factors)."""
    sign, factors = _factors(rates, measure)
    mean_factor = math.exp(sum(math.log(f) for f in factors) / len(factors))
    return sign * (mean_factor - 1) * 100


def _compound_total(rates: Sequence[float], measure: str) -> float:
    """Change over several years, in %, from yearly rates: growth compounds, reductions too."""
    sign, factors = _factors(rates, measure)
    log_total = sum(math.log(f) for f in factors)
    if log_total > 700:  # beyond a float: an absurd figure, but not a crash
        return sign * math.inf
    return sign * (math.exp(log_total) - 1) * 100


def _average_of(spec: TargetSpec, values: Sequence[float]) -> float:
    if spec.measure in COMPOUNDING_MEASURES:
        return _compound_mean(values, spec.measure)
    return sum(values) / len(values)


def _growth_from_levels(spec: TargetSpec, levels: list[Observation]) -> list[Observation]:
    by_year = {o.year: float(o.value) for o in levels if o.is_single_year}
    derived = []
    for year in range(spec.period_start, spec.target_year + 1):
        before, now = by_year.get(year - 1), by_year.get(year)
        if before and now is not None and before > 0:
            derived.append(Observation(year, (now / before - 1) * 100))
    return derived


def _annual_average(spec: TargetSpec, series: list[Observation], levels: list[Observation]) -> Evaluation:
    """年均: an average annual rate (compound) or amount (arithmetic) over the period."""
    target = float(spec.target_value)
    span, yearly = _period_figures(spec, series)
    note = ""
    if not yearly and not span and levels and spec.measure == "growth":
        yearly = _growth_from_levels(spec, levels)
        note = "growth computed from the reported levels (nominal)"
    period = _over_period(span, yearly, spec, lambda values: _average_of(spec, values))
    if period is None:
        return _no_data(spec, target)
    average, covered, first, last = period
    result = Evaluation(
        NO_DATA,
        method="annual_average",
        year=last.year,
        first_year=first,
        reference_year=last.measured_year,
        value=average,
        target=target,
        expected=target,
        gap=average - target,
        observed_rate=average,
        required_rate=target,
        anticipated=average,
    )
    if note:
        result.notes.append(note)
    if spec.measure in COMPOUNDING_MEASURES:
        achieved = _compound_total([average] * covered, spec.measure)
        required = _compound_total([target] * spec.years, spec.measure)
    else:
        achieved, required = average * covered, target * spec.years
    result.progress = achieved / required if required else None
    if covered >= spec.years:
        result.final = True
        result.status = _final_status(spec, average, target)
        return _explain_final(spec, result)
    result.notes.append(f"{covered} of {spec.years} years")
    return _judge_rate(spec, result, average, target)


def _judge_rate(spec: TargetSpec, result: Evaluation, observed: float, required: float) -> Evaluation:
    """Mid-period verdict when the target is itself a rate: observed against required."""
    if meets(spec, observed, required):
        result.status = ON_TRACK
    elif spec.sense > 0 and required > 0:
        result.ratio = observed / required
        result.status = _mid_status(result.ratio)
    elif spec.sense < 0 and observed > 0 and required > 0:
        result.ratio = required / observed
        result.status = _mid_status(result.ratio)
    else:
        result.status = OFF_TRACK
    return _explain_mid(spec, result)


def _cumulative(spec: TargetSpec, series: list[Observation]) -> Evaluation:
    """[ ]: a total over the period's years, compared pro rata mid-period."""
    target = float(spec.target_value)
    span, yearly = _period_figures(spec, series)
    compounding = spec.measure in COMPOUNDING_MEASURES
    period = _over_period(
        span, yearly, spec, lambda values: _compound_total(values, spec.measure) if compounding else sum(values)
    )
    if period is None:
        return _no_data(spec, target)
    total, covered, first, last = period
    expected = target * covered / spec.years
    result = Evaluation(
        NO_DATA,
        method="cumulative",
        year=last.year,
        first_year=first,
        reference_year=last.measured_year,
        value=total,
        target=target,
        expected=expected,
        gap=total - expected,
        progress=total / target if target else None,
        anticipated=total * spec.years / covered,
    )
    if covered >= spec.years:
        result.final = True
        result.status = _final_status(spec, total, target)
        return _explain_final(spec, result)
    result.notes.append(f"{covered} of {spec.years} years")
    if meets(spec, total, target):
        result.status = ON_TRACK
        result.notes.append("the period total is already reached")
        return _explain_mid(spec, result)
    return _judge_rate(spec, result, total, expected)


def _linked(spec: TargetSpec, series: list[Observation], linked: list[Observation]) -> Evaluation:
    """与经济增长同步: the area's own rate against the linked rate, over the same years."""
    own_span, own_yearly = _period_figures(spec, series)
    ref_span, ref_yearly = _period_figures(spec, linked)
    if own_span and ref_span and own_span.year == ref_span.year:
        own, ref = float(own_span.value), float(ref_span.value)
        covered, first, last = own_span.year - spec.period_start + 1, own_span.span_from, own_span
    else:
        common = sorted({o.year for o in own_yearly} & {o.year for o in ref_yearly})
        if not common:
            return Evaluation(
                NO_DATA,
                method="linked",
                explanation_en="No figures for the same years as the linked indicator yet.",
                explanation_zh="尚无与关联指标同期的数据。",
            )
        own_by_year = {o.year: float(o.value) for o in own_yearly}
        ref_by_year = {o.year: float(o.value) for o in ref_yearly}
        own = _compound_mean([own_by_year[y] for y in common], "growth")
        ref = _compound_mean([ref_by_year[y] for y in common], "growth")
        covered, first, last = len(common), common[0], next(o for o in own_yearly if o.year == common[-1])
    linked_spec = TargetSpec(
        target_year=spec.target_year,
        period_start=spec.period_start,
        comparator="about",
        direction=spec.direction,
        tolerance=spec.tolerance,
    )
    result = Evaluation(
        NO_DATA,
        method="linked",
        year=last.year,
        first_year=first,
        reference_year=last.measured_year,
        value=own,
        target=ref,
        expected=ref,
        gap=own - ref,
        observed_rate=own,
        required_rate=ref,
        anticipated=own,
    )
    if covered >= spec.years:
        result.final = True
        result.status = _final_status(linked_spec, own, ref)
        return _explain_final(spec, result)
    return _judge_rate(linked_spec, result, own, ref)


def _assessed(spec: TargetSpec) -> Evaluation:
    met = spec.assessment == "met"
    source = spec.assessment_source or "the reviewing body"
    return Evaluation(
        ACHIEVED if met else NOT_ACHIEVED,
        final=True,
        method="assessment",
        explanation_en=f"Judged {'met' if met else 'not met'} by {source}.",
        explanation_zh=f"经{source}评定{'已完成' if met else '未完成'}。",
    )


def _no_data(spec: TargetSpec, target: float) -> Evaluation:
    return Evaluation(
        NO_DATA,
        target=target,
        explanation_en=f"No figure for {spec.period_start}–{spec.target_year} yet; target {fmt(target)} in "
        f"{spec.target_year}.",
        explanation_zh=f"{spec.period_start}—{spec.target_year}年尚无数据;{spec.target_year}年目标{fmt(target)}。",
    )


def expected_path(spec: TargetSpec, series: Iterable[Observation] = ()) -> list[tuple[int, float]]:
    """The figure expected each year if the area keeps to the plan, as the verdicts assume.

    A level or share: the straight line from the baseline (or the year before the period)
    to the target, one point a year; without a baseline only the target itself. A 年均
    average: the target rate, every year of the period. A `[ ]` total: the running total
    pro rata (target × years so far / years). None for a target without a value of its
    own ("in step with", or assigned by the higher level and not yet set). Without a
    baseline, the earliest figure from the year before the period serves, as in the verdicts.
    """
    if spec.target_value is None or spec.linked:
        return []
    target = float(spec.target_value)
    years = range(spec.period_start, spec.target_year + 1)
    if spec.annual_average:
        return [(year, target) for year in years]
    if spec.cumulative:
        return [(year, target * (year - spec.period_start + 1) / spec.years) for year in years]
    if spec.baseline_value is not None:
        baseline, base_year = float(spec.baseline_value), spec.baseline_year or spec.period_start - 1
    else:
        first = min(
            (o for o in series if o.is_single_year and o.year >= spec.period_start - 1 and o.value is not None),
            key=lambda o: o.measured_year,
            default=None,
        )
        if first is None:
            return [(spec.target_year, target)]
        baseline, base_year = float(first.value), first.measured_year
    if base_year >= spec.target_year:
        return [(spec.target_year, target)]
    step = (target - baseline) / (spec.target_year - base_year)
    return [(year, baseline + step * (year - base_year)) for year in range(base_year, spec.target_year + 1)]


# --- explanations -----------------------------------------------------------


_COMPARATOR_WORDS = {
    "at_least": ("at least ", "不低于"),
    "at_most": ("at most ", "不高于"),
    "about": ("about ", "约"),
    "exact": ("", ""),
    "": ("", ""),
}


def _target_words(spec: TargetSpec, result: Evaluation) -> tuple[str, str]:
    if result.method == "linked":
        return f"in step with {fmt(result.target)}", f"与{fmt(result.target)}同步"
    en, zh = _COMPARATOR_WORDS.get(spec.comparator, ("", ""))
    return f"{en}{fmt(result.target)}", f"{zh}{fmt(result.target)}"


def _when(spec: TargetSpec, result: Evaluation) -> tuple[str, str]:
    """The years a figure covers, and the year it is reported for when that differs."""
    end = result.reference_year or result.year
    start = result.first_year if result.first_year is not None else end
    en = f"{start}–{end}" if start != end else str(end)
    zh = f"{start}—{end}年" if start != end else f"{end}年"
    if end != result.year:
        en += f" (reported for {result.year})"
        zh += f"(作为{result.year}年数据)"
    return en, zh


def _explain_final(spec: TargetSpec, result: Evaluation) -> Evaluation:
    when_en, when_zh = _when(spec, result)
    target_en, target_zh = _target_words(spec, result)
    label_en, label_zh = STATUS_LABELS[result.status]
    result.explanation_en = f"{when_en}: {fmt(result.value)} against {target_en}: {label_en}."
    result.explanation_zh = f"{when_zh}:{fmt(result.value)},目标{target_zh}:{label_zh}。"
    return _add_notes(result)


def _explain_mid(spec: TargetSpec, result: Evaluation) -> Evaluation:
    when_en, when_zh = _when(spec, result)
    target_en, target_zh = _target_words(spec, result)
    label_en, label_zh = STATUS_LABELS[result.status]
    if result.expected is not None and result.method != "linked":
        en = (
            f"{when_en}: {fmt(result.value)} vs expected {fmt(result.expected)} "
            f"on the way to {target_en} in {spec.target_year}"
        )
        zh = f"{when_zh}:{fmt(result.value)},按进度应为{fmt(result.expected)},{spec.target_year}年目标{target_zh}"
    else:
        en = f"{when_en}: {fmt(result.value)} against {target_en} in {spec.target_year}"
        zh = f"{when_zh}:{fmt(result.value)},{spec.target_year}年目标{target_zh}"
    if result.ratio is not None:
        en += f" (ratio of observed to required progress {fmt(result.ratio)})"
        zh += f"(实际进度与所需进度之比{fmt(result.ratio)})"
    if result.anticipated is not None and result.method in ("level", "cumulative"):
        en += f"; at this pace {fmt(result.anticipated)} in {spec.target_year}"
        zh += f";按此速度{spec.target_year}年将达{fmt(result.anticipated)}"
    result.explanation_en = f"{en}: {label_en}."
    result.explanation_zh = f"{zh}:{label_zh}。"
    return _add_notes(result)


_NOTE_ZH = {
    "already meets the target": "已达到目标",
    "one figure, no trend yet": "仅一个数据,尚无趋势",
    "the baseline met the target; the latest figure no longer does": "基期已达标,最新数据未达标",
    "moving away from the target": "偏离目标方向",
    "the period total is already reached": "期内累计已达目标",
    "growth computed from the reported levels (nominal)": "增速按总量计算(名义)",
}


def _add_notes(result: Evaluation) -> Evaluation:
    if result.notes:
        result.explanation_en += " " + "; ".join(n[0].upper() + n[1:] for n in result.notes) + "."
        zh = []
        for note in result.notes:
            if note.endswith("years") and " of " in note:
                done, total = note.split(" of ")
                zh.append(f"已有{done}年数据(共{total.split()[0]}年)")
            else:
                zh.append(_NOTE_ZH.get(note, note))
        result.explanation_zh += ";".join(zh) + "。"
    return result
