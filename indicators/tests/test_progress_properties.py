"""Invariants of the progress engine, checked on generated targets and series (hypothesis)."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from indicators.progress.engine import STATUS_ORDER, STATUSES, Observation, TargetSpec, evaluate
from indicators.templatetags.gzplan import STATUS_TEXT, status_label

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


@settings(max_examples=300)
@given(any_accepted_target(), any_series(), any_series(), any_series())
def test_both_languages_say_the_same_figures(spec, series, linked, levels):
    result = evaluate(spec, series, linked_series=linked, level_series=levels)
    assert sorted(_figures(result.explanation_en)) == sorted(_figures(result.explanation_zh))
    assert result.explanation_en.endswith(".") and result.explanation_zh.endswith("。")


# --- the words: one sentence per verdict, from the message catalogue ----------------------


def _figures(text: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?", text)


def _yearly(*pairs):
    return [Observation(year, Decimal(str(value))) for year, value in pairs]


# Each kind of target mid-period and at the end, with its explanation in both languages (as before
# the sentences moved to the message catalogue: the same text, byte for byte).
KINDS = {
    "level": (
        TargetSpec(2025, 2021, Decimal(26), baseline_value=Decimal("21.8"), baseline_year=2020),
        _yearly((2021, 22.7), (2023, 24.4)),
        _yearly((2025, 25.9)),
        [],
        "2023: 24.4 vs expected 24.32 on the way to 26 in 2025 (ratio of observed to required progress 1.03); "
        "at this pace 26.13 in 2025: on track.",
        "2023年：24.4，按进度应为24.32，2025年目标26（实际进度与所需进度之比1.03）；按此速度2025年将达26.13：进度正常。",
        "2025: 25.9 against 26: not achieved.",
        "2025年：25.9，目标26：未完成。",
    ),
    "lower is better": (
        TargetSpec(2025, 2021, Decimal(20), direction="lower", baseline_value=Decimal(22), baseline_year=2020),
        _yearly((2023, 23)),
        _yearly((2025, 19)),
        [],
        "2023: 23 vs expected 20.8 on the way to 20 in 2025 (ratio of observed to required progress -0.83); "
        "at this pace 23.67 in 2025: off track. Moving away from the target.",
        "2023年：23，按进度应为20.8，2025年目标20（实际进度与所需进度之比-0.83）；按此速度2025年将达23.67：进度滞后。偏离目标方向。",
        "2025: 19 against 20: achieved.",
        "2025年：19，目标20：已完成。",
    ),
    "average growth": (
        TargetSpec(2025, 2021, Decimal(6), comparator="about", measure="growth", annual_average=True),
        _yearly((2021, 8.1), (2022, 1), (2023, 4.6)),
        _yearly(*[(year, 6.2) for year in range(2021, 2026)]),
        [],
        "2021–2023: 4.53 vs expected 6 on the way to about 6 in 2025 (ratio of observed to required progress 0.75): "
        "at risk. 3 of 5 years.",
        "2021—2023年：4.53，按进度应为6，2025年目标约6（实际进度与所需进度之比0.75）：有风险。已有3年数据（共5年）。",
        "2021–2025: 6.2 against about 6: achieved.",
        "2021—2025年：6.2，目标约6：已完成。",
    ),
    "period total": (
        TargetSpec(2025, 2021, Decimal(110), comparator="at_least", measure="flow", cumulative=True),
        _yearly((2021, 20), (2022, 21)),
        [Observation(2024, Decimal(112), 2021, 2024), Observation(2025, Decimal(115), 2021)],
        [],
        "2021–2022: 41 vs expected 44 on the way to at least 110 in 2025 (ratio of observed to required progress "
        "0.93); at this pace 102.5 in 2025: at risk. 2 of 5 years.",
        "2021—2022年：41，按进度应为44，2025年目标不低于110（实际进度与所需进度之比0.93）；按此速度2025年将达102.5：有风险。"
        "已有2年数据（共5年）。",
        "2021–2025: 115 against at least 110: achieved.",
        "2021—2025年：115，目标不低于110：已完成。",
    ),
    "in step with GDP": (
        TargetSpec(2025, 2021, measure="growth", linked=True, annual_average=True),
        _yearly((2021, 7), (2022, 5)),
        [Observation(2025, Decimal("7.9"), 2021)],
        [*_yearly((2021, 8), (2022, 3)), Observation(2025, Decimal(6), 2021)],
        "2021–2022: 6 against in step with 5.47 in 2025: on track.",
        "2021—2022年：6，2025年目标与5.47同步：进度正常。",
        "2021–2025: 7.9 against in step with 6: achieved.",
        "2021—2025年：7.9，目标与6同步：已完成。",
    ),
}
# The shape every verdict on figures takes: when, the figure, the target (and mid-period the path,
# the ratio and the pace), the status, then the notes.
EN_SHAPE = re.compile(
    r"(?P<when>\d{4}(–\d{4})?): (?P<value>\S+) (against|vs expected \S+ on the way to) (?P<target>[^:]+?)"
    r"( in \d{4})?( \(ratio of observed to required progress \S+\))?(; at this pace \S+ in \d{4})?"
    r": (?P<label>[a-z ]+)\.( (?P<notes>.+)\.)?"
)
ZH_SHAPE = re.compile(
    r"(?P<when>\d{4}(—\d{4})?)年：(?P<value>[^，]+)，(按进度应为[^，]+，)?(\d{4}年)?目标(?P<target>[^：（；]+)"
    r"(（实际进度与所需进度之比[^）]+）)?(；按此速度\d{4}年将达[^：]+)?：(?P<label>[^。]+)。((?P<notes>.+)。)?"
)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_explained_in_the_same_shape_in_both_languages(kind):
    spec, mid_series, final_series, linked, mid_en, mid_zh, final_en, final_zh = KINDS[kind]
    mid = evaluate(spec, mid_series, linked_series=linked)
    final = evaluate(spec, final_series, linked_series=linked)
    assert (mid.final, final.final) == (False, True)
    assert (mid.explanation_en, mid.explanation_zh, final.explanation_en, final.explanation_zh) == (
        mid_en,
        mid_zh,
        final_en,
        final_zh,
    )
    for result in (mid, final):
        en = EN_SHAPE.fullmatch(result.explanation_en)
        zh = ZH_SHAPE.fullmatch(result.explanation_zh)
        assert en and zh, (result.explanation_en, result.explanation_zh)
        assert (en["when"].replace("–", "—"), en["value"], en["label"]) == (zh["when"], zh["value"], result.label_en)
        assert zh["label"] == result.label_zh
        assert _figures(en["target"]) == _figures(zh["target"])
        assert bool(en["notes"]) == bool(zh["notes"]) == bool(result.note_items)


def test_the_chinese_explanation_is_the_catalogue_s_translation_of_the_english_sentence():
    spec = KINDS["level"][0]
    result = evaluate(spec, _yearly((2025, 26.1)))
    assert result.explanation_en == "2025: 26.1 against 26: achieved."
    with translation.override("zh-hans"):
        sentence = gettext("%(when)s: %(value)s against %(target)s: %(label)s.")
        year = pgettext("a year", "%(year)s") % {"year": 2025}
        label = pgettext("status", "achieved")
    assert (sentence, year, label) == ("%(when)s：%(value)s，目标%(target)s：%(label)s。", "2025年", "已完成")
    assert result.explanation_zh == sentence % {"when": year, "value": "26.1", "target": "26", "label": label}
    assert result.label_zh == label


def test_without_the_catalogue_the_chinese_explanation_is_the_english_sentence(settings):
    # Changing where the catalogues are read from forgets the sentences rendered so far, as Django
    # forgets its catalogues: the Chinese is then the English message itself.
    before = evaluate(KINDS["average growth"][0], KINDS["average growth"][1])
    assert before.explanation_zh == KINDS["average growth"][5]  # rendered once, and kept
    settings.LOCALE_PATHS = []
    result = evaluate(KINDS["average growth"][0], KINDS["average growth"][1])
    assert result.explanation_zh == result.explanation_en == KINDS["average growth"][4]
    assert (result.label_zh, result.notes) == ("at risk", ["3 of 5 years"])


def test_notes_are_served_in_english_uncapitalised_and_worded_in_each_language():
    spec, series = KINDS["lower is better"][0], KINDS["lower is better"][1]
    result = evaluate(spec, series)
    assert result.notes == ["moving away from the target"]
    assert result.explanation_zh.endswith("进度滞后。偏离目标方向。")


def test_the_badges_and_scorecards_list_the_engine_s_statuses_as_before():
    assert sorted(STATUS_ORDER) == sorted(STATUSES) == sorted(STATUS_TEXT)
    assert STATUS_ORDER == (
        "achieved", "on_track", "at_risk", "off_track", "not_achieved", "target_pending", "no_data", "not_assessed",
        "within_scale", "above_scale", "below_scale",
    )  # fmt: skip
    with translation.override("en"):
        english = [status_label(status) for status in STATUS_ORDER]
    with translation.override("zh-hans"):
        chinese = [status_label(status) for status in STATUS_ORDER]
    assert english == [
        "Achieved", "On track", "At risk", "Off track", "Not achieved", "Target pending", "No data", "Not assessed",
        "Within the planned scale", "Above the planned scale", "Below the planned scale",
    ]  # fmt: skip
    assert chinese == [
        "已完成", "进度正常", "有风险", "进度滞后", "未完成", "目标待下达", "暂无数据", "不评估",
        "在规划规模内", "高于规划规模", "低于规划规模",
    ]  # fmt: skip
    assert [STATUS_TEXT[status][1] for status in STATUS_ORDER] == [
        "✓", "●", "▲", "▼", "✕", "…", "–", "◇", "≈", "↑", "↓"
    ]  # fmt: skip
