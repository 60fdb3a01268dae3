"""Target versus actual: judge one plan target against the figures reported for it.

Pure Python, no ORM: `evaluate()` takes a `TargetSpec` and plain `Observation`s and
returns an `Evaluation`: a status, the figures behind it, and notes. The status is final
(achieved / not_achieved) once a figure covers the target year or the whole period, or
the reviewing body recorded its judgement; mid-period it comes from the ratio of the
observed rate of progress to the rate required (after the UN / Open SDG progress
measure): on track from 0.95, at risk from 0.6, off track below or when moving away.
The rate follows the shape of the plan's path: a straight line for levels and shares,
compounding for 年均 growth, pro rata for `[ ]` period totals, so a figure exactly on
the path has ratio 1. docs/progress.md explains every rule and edge case with examples.

`indicators.progress.evaluation` feeds the engine from the database, and
`indicators.progress.explain` words its verdicts in each language of the message catalogue.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import pgettext_lazy

from indicators.progress.explain import Messages, Note, NoteKind, explain, note_texts

ACHIEVED = "achieved"  # final: the figures meet the target, or the reviewing body judged it met
NOT_ACHIEVED = "not_achieved"  # final: they do not, or it was judged not met
ON_TRACK = "on_track"  # mid-period: ratio >= ON_TRACK_RATIO, or the target is already met
AT_RISK = "at_risk"  # mid-period: ratio >= AT_RISK_RATIO
OFF_TRACK = "off_track"  # mid-period: below, or moving away from the target
NO_DATA = "no_data"  # no figure inside the plan period yet
TARGET_PENDING = "target_pending"  # 完成国家/省/市下达目标: the higher level has not set the figure yet
NOT_ASSESSED = "not_assessed"  # 保持在合理区间: a qualitative target, words with no number, never judged
# A planning scale (常住人口 1550万): a projection the plan provides for, neither better nor worse when exceeded.
WITHIN_SCALE = "within_scale"  # the figure lies within the band around the planned scale
ABOVE_SCALE = "above_scale"  # above it
BELOW_SCALE = "below_scale"  # below it
SCALE_STATUSES = (WITHIN_SCALE, ABOVE_SCALE, BELOW_SCALE)
STATUSES = (
    ACHIEVED, NOT_ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, TARGET_PENDING, NOT_ASSESSED, *SCALE_STATUSES
)  # fmt: skip
# The order pages list them in: worst news last so it stands out in a scorecard, then what cannot be judged yet,
# then what is never judged as achieved or missed.
STATUS_ORDER = (
    ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NOT_ACHIEVED, TARGET_PENDING, NO_DATA, NOT_ASSESSED, *SCALE_STATUSES
)  # fmt: skip
# Each status as a word in a sentence ("…: on track."); pages capitalise it for a badge.
STATUS_LABELS = {
    ACHIEVED: pgettext_lazy("status", "achieved"),
    NOT_ACHIEVED: pgettext_lazy("status", "not achieved"),
    ON_TRACK: pgettext_lazy("status", "on track"),
    AT_RISK: pgettext_lazy("status", "at risk"),
    OFF_TRACK: pgettext_lazy("status", "off track"),
    NO_DATA: pgettext_lazy("status", "no data"),
    TARGET_PENDING: pgettext_lazy("status", "target pending"),
    NOT_ASSESSED: pgettext_lazy("status", "not assessed"),
    WITHIN_SCALE: pgettext_lazy("status", "within the planned scale"),
    ABOVE_SCALE: pgettext_lazy("status", "above the planned scale"),
    BELOW_SCALE: pgettext_lazy("status", "below the planned scale"),
}
_LABELS = Messages(STATUS_LABELS)

ON_TRACK_RATIO = 0.95
AT_RISK_RATIO = 0.6
ABOUT_BAND = 0.05  # "about X": 5% of X unless the target sets its own tolerance
_EPSILON = 1e-9

COMPOUNDING_MEASURES = {"growth", "reduction"}
# The figures of a year are due by the end of the next: a period whose end year is further back than this is
# closed, and its targets are judged final on the latest figures there are (see TargetSpec.closed).
REPORTING_LAG = 1


def period_closed(target_year: int, current_year: int) -> bool:
    """Has the time for reporting the target year's figures passed (`REPORTING_LAG` years after it)?"""
    return current_year > target_year + REPORTING_LAG


class Observation(NamedTuple):
    """One reported figure: for `year`, covering `span_from`–`year`, measuring `reference_year`.

    A named tuple rather than a dataclass: bulk evaluation builds hundreds of thousands.
    """

    year: int
    value: float | Decimal
    span_from: int | None = None
    reference_year: int | None = None
    qualifier: str = ""
    status: str = ""  # preliminary, final or revised, as reported (the engine does not read it)

    @property
    def is_single_year(self) -> bool:
        return self.span_from is None or self.span_from == self.year

    @property
    def measured_year(self) -> int:
        return self.reference_year or self.year


def latest_figure(series: Iterable[Observation], period_start: int, period_end: int) -> tuple[Observation | None, bool]:
    """What "latest figure" means everywhere (pages, exports, API): the most recent figure reported for
    one year (not a period's total or average) measuring a year up to the plan's end, never a later one;
    and whether it is the baseline (it measures a year before the period)."""
    singles = [o for o in series if o.is_single_year and o.measured_year <= period_end]
    if not singles:
        return None, False
    latest = max(singles, key=lambda o: (o.measured_year, o.year))
    return latest, latest.measured_year < period_start


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
    linked_relation: str = "in_step"  # for a linked target: in_step (与经济增长同步) or above (高于GDP增长)
    assigned: bool = False
    assigned_by: str = ""  # nation, province or city, which the explanation names; "" for "the higher level"
    notation: str = ""  # the target as printed: all there is of a qualitative target
    assessment: str = ""  # met / not_met, recorded by the reviewing body
    assessment_source: str = ""
    tolerance: float | Decimal | None = None
    planning_scale: bool = False  # a projection (常住人口 1550): judged within / above / below, never met or missed
    # The period has ended and its last year's figures are overdue (`period_closed`): the verdict is final on the
    # latest figures of the period even when none covers the target year (a 2016–2019 average, a 2018 share).
    closed: bool = False

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
    """A verdict and the figures behind it; its explanation is worded when asked for, in each language.

    `method` names the rule applied: level, annual_average, cumulative, linked, assessment,
    assigned, qualitative (words, no number: not assessed), or "" (no figure in the period yet).
    """

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
    note_items: list[Note] = field(default_factory=list)
    spec: TargetSpec | None = field(default=None, repr=False)  # the target judged, which explanations quote
    _worded: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def explanation(self, language: str) -> str:
        """The verdict in a sentence that shows its figures, in `language` (a Django language code).

        Worded by `indicators.progress.explain` when first asked for, once per language.
        """
        text = self._worded.get(language)
        if text is None:
            text = self._worded[language] = explain(self, language)
        return text

    def label(self, language: str) -> str:
        """The status as a word, in `language`."""
        return _LABELS.rendered(language)[self.status]

    @property
    def explanation_en(self) -> str:
        return self.explanation("en")

    @property
    def explanation_zh(self) -> str:
        return self.explanation("zh-hans")

    @property
    def label_en(self) -> str:
        return self.label("en")

    @property
    def label_zh(self) -> str:
        return self.label("zh-hans")

    @property
    def notes(self) -> list[str]:
        """The notes in English ("3 of 5 years"), as the API serves them."""
        return note_texts(self.note_items, "en")


def evaluate(
    spec: TargetSpec,
    series: Iterable[Observation],
    linked_series: Iterable[Observation] = (),
    level_series: Iterable[Observation] = (),
) -> Evaluation:
    """Judge one target against its area's figures for its indicator.

    `linked_series`: for an "in step with" or "above" target, the figures of the indicator it
    moves with (the area's GDP growth). `level_series`: for a growth target whose
    growth is not reported, the levels it can be computed from. The verdict keeps the spec,
    which its explanation quotes.
    """
    series = [o for o in series if o.value is not None]
    if spec.assessment in ("met", "not_met"):
        result = Evaluation(ACHIEVED if spec.assessment == "met" else NOT_ACHIEVED, final=True, method="assessment")
    elif spec.assigned and spec.target_value is None:
        result = Evaluation(TARGET_PENDING, method="assigned")
    elif spec.linked:
        result = _linked(spec, series, list(linked_series))
    elif spec.target_value is None:
        # Neither assigned nor linked, and no number: a target in words (保持在合理区间). There is
        # nothing to measure the figures against, so it is never counted as achieved or missed.
        result = Evaluation(NOT_ASSESSED, method="qualitative")
    elif spec.planning_scale:
        result = _scale(spec, series, float(spec.target_value))
    elif spec.cumulative:
        result = _cumulative(spec, series, float(spec.target_value))
    elif spec.annual_average:
        result = _annual_average(spec, series, list(level_series), float(spec.target_value))
    else:
        result = _level(spec, series, float(spec.target_value))
    result.spec = spec
    return result


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


def _final(spec: TargetSpec, result: Evaluation, value: float, target: float) -> Evaluation:
    """The verdict once the figures cover the target year or the whole period."""
    result.final = True
    result.status = ACHIEVED if meets(spec, value, target) else NOT_ACHIEVED
    return result


def _so_far(
    method: str, first: int | None, last: Observation, value: float, target: float, expected: float
) -> Evaluation:
    """A verdict, not judged yet, on a figure over the period so far: an average, a total, a rate."""
    result = Evaluation(NO_DATA, method=method, year=last.year, first_year=first, reference_year=last.measured_year)
    result.value, result.target, result.expected, result.gap = value, target, expected, value - expected
    return result


# --- the kinds of target --------------------------------------------------


def _level(spec: TargetSpec, series: list[Observation], target: float) -> Evaluation:
    """A level or share to reach by the target year, along a straight path.

    Final on the target year's figure (or on the latest one once the period is closed). A target with a
    sense (at least, at most, or plain) that a figure of the period met before is met early (提前完成):
    achieved, even if the last figure fell back, and on track mid-period. An "about" and an exact target
    are judged on the last figure only: they must land there at the end.
    """
    singles = _period_singles(spec, series)
    if not singles:
        return Evaluation(NO_DATA, target=target)
    latest = singles[-1]
    value = float(latest.value)
    result = Evaluation(
        NO_DATA, method="level", year=latest.year, reference_year=latest.measured_year, value=value, target=target
    )
    base = _baseline(spec, series, latest)
    if base is not None and target != base[0]:
        result.progress = (value - base[0]) / (target - base[0])
    early = None if meets(spec, value, target) else _met_early(spec, singles[:-1], target)
    if latest.year == spec.target_year or spec.closed:
        result.expected, result.gap, result.anticipated = target, value - target, value
        _final(spec, result, value, target)
        if latest.year != spec.target_year:
            result.note_items.append(Note(NoteKind.PERIOD_ENDED, year=spec.target_year))
        if early is not None:
            result.status = ACHIEVED
            result.note_items.append(Note(NoteKind.MET_EARLY, year=early.measured_year, value=float(early.value)))
        return result
    t_value, t_target = latest.measured_year, spec.target_year
    observed: float | None = None
    required: float | None = None
    if base is not None and t_value > base[1]:
        baseline, base_year = base
        required = (target - baseline) / (t_target - base_year)
        observed = (value - baseline) / (t_value - base_year)
        result.required_rate, result.observed_rate = required, observed
        result.expected = baseline + required * (t_value - base_year)
        result.gap = value - result.expected
        result.anticipated = value + observed * (t_target - t_value)
    if meets(spec, value, target):
        result.status = ON_TRACK
        result.note_items.append(Note(NoteKind.ALREADY_MET))
    elif early is not None:
        result.status = ON_TRACK
        result.note_items.append(Note(NoteKind.MET_EARLY, year=early.measured_year, value=float(early.value)))
    elif observed is None or required is None:
        result.status = AT_RISK
        result.note_items.append(Note(NoteKind.NO_TREND))
    elif spec.sense * required <= 0:
        result.status = OFF_TRACK
        result.note_items.append(Note(NoteKind.BASELINE_MET))
    else:
        result.ratio = observed / required
        result.status = _mid_status(result.ratio)
        if result.ratio < 0:
            result.note_items.append(Note(NoteKind.MOVING_AWAY))
    return result


def _period_singles(spec: TargetSpec, series: list[Observation]) -> list[Observation]:
    """The period's single-year figures, in the order of the years they are for."""
    return sorted(
        (o for o in series if o.is_single_year and spec.period_start <= o.year <= spec.target_year),
        key=lambda o: (o.year, o.measured_year),
    )


def _met_early(spec: TargetSpec, earlier: list[Observation], target: float) -> Observation | None:
    """The first figure of the period before the last that met the target (提前完成), if any.

    A target with a sense (at least X, at most X, or a plain X read in the indicator's direction) is a
    mark to reach, and stays reached, in either direction. An "about" target must land near its figure
    and an exact one on it, at the end: an earlier figure does not decide them.
    """
    if spec.comparator not in ("", "at_least", "at_most"):
        return None
    return next((o for o in earlier if meets(spec, float(o.value), target)), None)


def _scale(spec: TargetSpec, series: list[Observation], target: float) -> Evaluation:
    """A planning scale (常住人口 1550万): the figure within, above or below the band around the scale.

    Against the target itself once final (the target year's figure, or the latest once the period is
    closed); mid-period against the straight path from the baseline to the scale, as a level target's
    expected figure, or the scale itself without a baseline.
    """
    singles = _period_singles(spec, series)
    if not singles:
        return Evaluation(NO_DATA, method="scale", target=target)
    latest = singles[-1]
    value = float(latest.value)
    result = Evaluation(
        NO_DATA, method="scale", year=latest.year, reference_year=latest.measured_year, value=value, target=target
    )
    final = latest.year == spec.target_year or spec.closed
    expected = target
    if not final:
        base = _baseline(spec, series, latest)
        if base is not None and latest.measured_year > base[1]:
            baseline, base_year = base
            expected = baseline + (target - baseline) * (latest.measured_year - base_year) / (
                spec.target_year - base_year
            )
    result.expected, result.gap = expected, value - expected
    band = _band(spec, expected)
    if value > expected + band:
        result.status = ABOVE_SCALE
    elif value < expected - band:
        result.status = BELOW_SCALE
    else:
        result.status = WITHIN_SCALE
    result.final = final
    if final and latest.year != spec.target_year:
        result.note_items.append(Note(NoteKind.PERIOD_ENDED, year=spec.target_year))
    return result


def _baseline(spec: TargetSpec, series: list[Observation], latest: Observation) -> tuple[float, int] | None:
    """The target's baseline and its year, or failing that the earliest single-year figure before the latest."""
    if spec.baseline_value is not None:
        return float(spec.baseline_value), spec.baseline_year or spec.period_start - 1
    earlier = [
        o
        for o in series
        if o.is_single_year and o.measured_year < latest.measured_year and o.year >= spec.period_start - 1
    ]
    if not earlier:
        return None
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


def _over_period(
    span: Observation | None, yearly: list[Observation], spec: TargetSpec, combine: Callable[[list[float]], float]
) -> tuple[float, int, int | None, Observation] | None:
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


def _annual_average(
    spec: TargetSpec, series: list[Observation], levels: list[Observation], target: float
) -> Evaluation:
    """年均: an average annual rate (compound) or amount (arithmetic) over the period."""
    span, yearly = _period_figures(spec, series)
    from_levels = False
    if not yearly and not span and levels and spec.measure == "growth":
        yearly = _growth_from_levels(spec, levels)
        from_levels = True
    period = _over_period(span, yearly, spec, lambda values: _average_of(spec, values))
    if period is None:
        return Evaluation(NO_DATA, target=target)
    average, covered, first, last = period
    result = _so_far("annual_average", first, last, average, target, target)
    result.observed_rate, result.required_rate, result.anticipated = average, target, average
    if from_levels:
        result.note_items.append(Note(NoteKind.FROM_LEVELS))
    if spec.measure in COMPOUNDING_MEASURES:
        achieved = _compound_total([average] * covered, spec.measure)
        required = _compound_total([target] * spec.years, spec.measure)
    else:
        achieved, required = average * covered, target * spec.years
    result.progress = achieved / required if required else None
    if covered >= spec.years:
        return _final(spec, result, average, target)
    result.note_items.append(Note(NoteKind.YEARS_COVERED, covered, spec.years))
    if spec.closed:
        return _closed(spec, result, average, target)
    return _judge_rate(spec, result, average, target)


def _closed(spec: TargetSpec, result: Evaluation, value: float, target: float) -> Evaluation:
    """Final on the years the figures cover, the period being closed without a figure for the rest."""
    result.note_items.append(Note(NoteKind.PERIOD_ENDED, year=spec.target_year))
    return _final(spec, result, value, target)


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
    return result


def _cumulative(spec: TargetSpec, series: list[Observation], target: float) -> Evaluation:
    """[ ]: a total over the period's years, compared pro rata mid-period."""
    span, yearly = _period_figures(spec, series)
    compounding = spec.measure in COMPOUNDING_MEASURES
    period = _over_period(
        span, yearly, spec, lambda values: _compound_total(values, spec.measure) if compounding else sum(values)
    )
    if period is None:
        return Evaluation(NO_DATA, target=target)
    total, covered, first, last = period
    expected = target * covered / spec.years
    result = _so_far("cumulative", first, last, total, target, expected)
    result.progress = total / target if target else None
    result.anticipated = total * spec.years / covered
    if covered >= spec.years:
        return _final(spec, result, total, target)
    result.note_items.append(Note(NoteKind.YEARS_COVERED, covered, spec.years))
    if spec.closed:
        return _closed(spec, result, total, target)
    if meets(spec, total, target):
        result.status = ON_TRACK
        result.note_items.append(Note(NoteKind.TOTAL_REACHED))
        return result
    return _judge_rate(spec, result, total, expected)


def _linked(spec: TargetSpec, series: list[Observation], linked: list[Observation]) -> Evaluation:
    """与经济增长同步 / 高于GDP增长: the area's own rate against the linked rate, over the same years."""
    own_span, own_yearly = _period_figures(spec, series)
    ref_span, ref_yearly = _period_figures(spec, linked)
    if own_span and ref_span and own_span.year == ref_span.year:
        own, ref = float(own_span.value), float(ref_span.value)
        covered, first, last = own_span.year - spec.period_start + 1, own_span.span_from, own_span
    else:
        common = sorted({o.year for o in own_yearly} & {o.year for o in ref_yearly})
        if not common:
            return Evaluation(NO_DATA, method="linked")
        own_by_year = {o.year: float(o.value) for o in own_yearly}
        ref_by_year = {o.year: float(o.value) for o in ref_yearly}
        own = _compound_mean([own_by_year[y] for y in common], "growth")
        ref = _compound_mean([ref_by_year[y] for y in common], "growth")
        covered, first, last = len(common), common[0], next(o for o in own_yearly if o.year == common[-1])
    result = _so_far("linked", first, last, own, ref, ref)
    result.observed_rate, result.required_rate, result.anticipated = own, ref, own
    if spec.linked_relation == "above":
        return _above(spec, result, own, ref, covered)
    # In step: "about" the linked rate, within the band on the unfavourable side.
    linked_spec = TargetSpec(
        spec.target_year, spec.period_start, comparator="about", direction=spec.direction, tolerance=spec.tolerance
    )
    if covered >= spec.years:
        return _final(linked_spec, result, own, ref)
    if spec.closed:
        result.note_items.append(Note(NoteKind.YEARS_COVERED, covered, spec.years))
        return _closed(linked_spec, result, own, ref)
    return _judge_rate(linked_spec, result, own, ref)


def _above(spec: TargetSpec, result: Evaluation, own: float, ref: float, covered: int) -> Evaluation:
    """高于GDP增长: the own rate must be strictly above the linked rate; no band, since equal is not above.

    Final once the figures cover the period: achieved only when above. Mid-period: on track when above;
    otherwise at risk while the own rate is at least AT_RISK_RATIO of the linked one (equal counts here:
    close, but not yet above), off track below that.
    """
    above = own - ref > _EPSILON * max(1.0, abs(ref))  # a float's rounding is not "above"
    if covered >= spec.years or spec.closed:
        if covered < spec.years:
            result.note_items += [
                Note(NoteKind.YEARS_COVERED, covered, spec.years),
                Note(NoteKind.PERIOD_ENDED, year=spec.target_year),
            ]
        result.final = True
        result.status = ACHIEVED if above else NOT_ACHIEVED
    elif above:
        result.status = ON_TRACK
    elif own > 0 and ref > 0:
        result.ratio = own / ref
        result.status = AT_RISK if result.ratio >= AT_RISK_RATIO else OFF_TRACK
    else:
        result.status = OFF_TRACK
    return result


def expected_path(spec: TargetSpec, series: Iterable[Observation] = ()) -> list[tuple[int, float]]:
    """The figure expected each year if the area keeps to the plan, as the verdicts assume.

    A level or share: the straight line from the baseline (or the year before the period)
    to the target, one point a year; without a baseline only the target itself. A 年均
    average: the target rate, every year of the period. A `[ ]` total: the running total
    pro rata (target × years so far / years). None for a target without a value of its
    own ("in step with" or "above", assigned by the higher level and not yet set, or qualitative). Without a
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
