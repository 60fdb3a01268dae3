"""Invariants of the progress engine, checked on generated targets and series (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from indicators.progress.engine import STATUSES, Observation, TargetSpec, evaluate

MID_RANK = {"off_track": 0, "at_risk": 1, "on_track": 2}
FINAL_RANK = {"not_achieved": 0, "achieved": 1}
MIRROR = {"at_least": "at_most", "at_most": "at_least", "about": "about", "": ""}

figures = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.01"), max_value=10_000, places=2)


@st.composite
def level_case(draw):
    """A level target with a baseline and a yearly series inside its period."""
    start = draw(st.integers(2001, 2040))
    years = draw(st.integers(2, 10))
    spec = TargetSpec(
        target_year=start + years - 1,
        period_start=start,
        target_value=draw(figures),
        comparator=draw(st.sampled_from(["", "at_least", "at_most", "about"])),
        direction=draw(st.sampled_from(["higher", "lower"])),
        baseline_value=draw(figures),
        baseline_year=start - 1,
    )
    reported = draw(st.lists(st.integers(start, spec.target_year), min_size=1, max_size=years, unique=True))
    series = [Observation(year, draw(figures)) for year in sorted(reported)]
    return spec, series


@st.composite
def on_path_case(draw):
    """A target that needs progress, and a latest figure exactly on the straight path to it."""
    start = draw(st.integers(2001, 2040))
    years = draw(st.integers(2, 10))
    baseline, target = draw(figures), draw(figures)
    assume(abs(target - baseline) >= 1)
    direction = "higher" if target > baseline else "lower"
    comparator = draw(st.sampled_from(["", "about", "at_least" if direction == "higher" else "at_most"]))
    spec = TargetSpec(
        target_year=start + years - 1,
        period_start=start,
        target_value=target,
        comparator=comparator,
        direction=direction,
        baseline_value=baseline,
        baseline_year=start - 1,
    )
    latest = draw(st.integers(start, spec.target_year - 1))
    fraction = Decimal(latest - (start - 1)) / Decimal(years)
    return spec, [Observation(latest, baseline + (target - baseline) * fraction)]


@given(on_path_case())
def test_a_series_ending_exactly_on_the_path_is_on_track(case):
    spec, series = case
    assert evaluate(spec, series).status == "on_track"


@given(st.integers(2001, 2040), st.integers(2, 10), positive, st.integers(1, 9))
def test_a_steady_pace_to_a_period_total_is_on_track(start, years, total, elapsed):
    assume(elapsed < years)
    spec = TargetSpec(
        target_year=start + years - 1, period_start=start, target_value=total, cumulative=True, measure="flow"
    )
    series = [Observation(start + i, total / years) for i in range(elapsed)]
    assert evaluate(spec, series).status == "on_track"


@given(
    st.integers(2001, 2040),
    st.integers(2, 10),
    st.decimals(min_value=Decimal("0.1"), max_value=30, places=1),
    st.integers(1, 9),
)
def test_growing_at_the_target_rate_every_year_is_on_track(start, years, rate, elapsed):
    assume(elapsed < years)
    spec = TargetSpec(
        target_year=start + years - 1, period_start=start, target_value=rate, annual_average=True, measure="growth"
    )
    series = [Observation(start + i, rate) for i in range(elapsed)]
    assert evaluate(spec, series).status == "on_track"


def _rank(result):
    return (1, FINAL_RANK[result.status]) if result.final else (0, MID_RANK.get(result.status, -1))


@given(level_case(), positive)
def test_moving_the_latest_figure_in_the_good_direction_never_worsens_a_level_verdict(case, step):
    spec, series = case
    latest = series[-1]
    better = latest._replace(value=latest.value + spec.sense * step)
    before, after = evaluate(spec, series), evaluate(spec, series[:-1] + [better])
    assert before.final == after.final
    assert _rank(after) >= _rank(before), (before.explanation_en, after.explanation_en)


@given(
    st.integers(2001, 2040),
    st.integers(2, 6),
    positive,
    st.lists(st.decimals(min_value=-50, max_value=50, places=1), min_size=1, max_size=6),
    positive,
    st.sampled_from(
        [("cumulative", "flow"), ("cumulative", "reduction"), ("annual_average", "growth"), ("annual_average", "flow")]
    ),
)
def test_a_better_year_never_worsens_a_total_or_average_verdict(start, years, target, values, step, kind):
    assume(len(values) <= years)
    flag, measure = kind
    spec = TargetSpec(
        target_year=start + years - 1,
        period_start=start,
        target_value=target,
        measure=measure,
        cumulative=flag == "cumulative",
        annual_average=flag == "annual_average",
    )
    series = [Observation(start + i, v) for i, v in enumerate(values)]
    improved = series[:-1] + [series[-1]._replace(value=series[-1].value + step)]
    assert _rank(evaluate(spec, improved)) >= _rank(evaluate(spec, series))


@given(level_case())
def test_lower_is_better_mirrors_higher_is_better(case):
    spec, series = case
    mirrored = replace(
        spec,
        direction="lower" if spec.direction == "higher" else "higher",
        comparator=MIRROR[spec.comparator],
        target_value=-spec.target_value,
        baseline_value=-spec.baseline_value,
    )
    flipped = [o._replace(value=-o.value) for o in series]
    assert evaluate(mirrored, flipped).status == evaluate(spec, series).status


# --- the engine never raises on anything the model accepts -------------------------

model_numbers = st.decimals(
    min_value=Decimal("-1e13"), max_value=Decimal("1e13"), places=6, allow_nan=False, allow_infinity=False
)


@st.composite
def any_accepted_target(draw):
    start = draw(st.integers(1949, 2100))
    end = draw(st.integers(start, min(2100, start + 30)))
    kind = draw(st.sampled_from(["level", "cumulative", "annual_average", "linked", "assigned"]))
    measure = draw(st.sampled_from(["level", "share", "growth", "reduction", "flow", "per_capita"]))
    if kind == "cumulative":
        assume(measure != "share")
    value = None if kind == "linked" else draw(st.none() | model_numbers) if kind == "assigned" else draw(model_numbers)
    spec = TargetSpec(
        target_year=draw(st.integers(start, end)),
        period_start=start,
        target_value=value,
        comparator=draw(st.sampled_from(["", "at_least", "at_most", "about", "exact"])) if value is not None else "",
        direction=draw(st.sampled_from(["higher", "lower"])),
        measure=measure,
        baseline_value=draw(st.none() | model_numbers),
        baseline_year=draw(st.none() | st.integers(1949, start)),
        cumulative=kind == "cumulative",
        annual_average=kind == "annual_average" or (kind == "linked" and draw(st.booleans())),
        linked=kind == "linked",
        assigned=kind == "assigned",
        assessment=draw(st.sampled_from(["", "met", "not_met"])) if kind == "assigned" else "",
        tolerance=draw(st.none() | st.decimals(min_value=0, max_value=Decimal("1e6"), places=6)),
    )
    return spec


@st.composite
def any_series(draw):
    observations = []
    for _ in range(draw(st.integers(0, 25))):
        year = draw(st.integers(1949, 2100))
        span_from = draw(st.none() | st.integers(1949, year))
        reference_year = draw(st.none() | st.integers(1949, year))
        observations.append(Observation(year, draw(model_numbers), span_from, reference_year))
    return observations


@settings(max_examples=300)
@given(any_accepted_target(), any_series(), any_series(), any_series())
def test_the_engine_never_raises_on_data_the_model_accepts(spec, series, linked, levels):
    result = evaluate(spec, series, linked_series=linked, level_series=levels)
    assert result.status in STATUSES
    assert result.explanation_en and result.explanation_zh
