"""The shapes of the API's objects: explicit fields, both language names on each object."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gzplan.lib.apitools import AreaCode, Code
from indicators.api.types import (
    VERDICT_STATUSES_TEXT,
    BodyYear,
    FigureStatus,
    Notation,
    NoteText,
    Number,
    Qualifier,
    ReasonText,
    SourceText,
    WholeNumber,
)


class AreaRef(BaseModel):
    code: str = Field(examples=["440104"])
    name_zh: str = Field(examples=["越秀区"])
    name_en: str = Field(examples=["Yuexiu"])


class IndicatorRef(BaseModel):
    code: str = Field(examples=["gdp"])
    name_zh: str = Field(examples=["地区生产总值"])
    name_en: str = Field(examples=["Gross domestic product"])
    unit_zh: str = Field(examples=["亿元"])
    unit_en: str = Field(examples=["100 million yuan"])


class SourceRef(BaseModel):
    key: str = Field(examples=["004"])
    title_zh: str
    title_en: str
    url: str


class IndicatorMetadata(BaseModel):
    """What the indicator measures and who reports it, as on its page, in both languages; blank where
    nobody has stated it. `source` is the document that states it."""

    definition_zh: str
    definition_en: str
    scope_zh: str = Field(description="统计口径: what the figures cover")
    scope_en: str
    department_zh: str = Field(description="The department responsible for the figures")
    department_en: str
    data_source_zh: str
    data_source_en: str
    release_zh: str = Field(description="When the figures are published")
    release_en: str
    source: str | None = Field(description="The key of the source document that states it", examples=["003"])
    source_ref: str


class IndicatorOut(IndicatorRef):
    category: str = Field(examples=["economy"])
    direction: str = Field(description="higher or lower (is better)", examples=["higher"])
    measure: str = Field(description="level, share (0–100), growth, reduction, flow or per_capita", examples=["level"])
    growth_of: str | None = Field(description="For a growth rate: the level it is the growth of", examples=[None])
    page: str = Field(examples=["/indicators/gdp/"])
    note: str = Field(
        description="How to read the figures: definitions, wording in the plans, changes of method",
        examples=["Real growth on the previous year."],
    )
    metadata: IndicatorMetadata


class PlanOut(BaseModel):
    code: str = Field(examples=["guangzhou-14th-fyp"])
    area: AreaRef
    kind: str = Field(description="five_year, annual or vision", examples=["five_year"])
    name_zh: str = Field(examples=["广州市国民经济和社会发展第十四个五年规划"])
    name_en: str = Field(examples=["Guangzhou 14th Five-Year Plan"])
    period_start: int = Field(examples=[2021])
    period_end: int = Field(examples=[2025])
    source: SourceRef
    source_ref: str
    page: str = Field(examples=["/plans/guangzhou-14th-fyp/"])


class PlanNoteOut(BaseModel):
    number: int = Field(examples=[1])
    text_zh: str


class PlanDetail(PlanOut):
    note: str
    notes: list[PlanNoteOut] = Field(description="The footnotes printed under the plan's table (注)")
    targets: int = Field(description="How many targets the plan sets", examples=[28])


class Baseline(BaseModel):
    value: float | None = Field(examples=[25019.06])
    qualifier: str = Field(examples=[""])
    year: int | None = Field(description="The year the baseline measures", examples=[2020])
    span_from: int | None = Field(description="For a five-year total or average: its first year", examples=[None])
    notation: str = Field(description="As printed in the table", examples=["25019"])


class TargetOut(BaseModel):
    id: int = Field(examples=[42])
    plan: str = Field(examples=["guangzhou-14th-fyp"])
    area: AreaRef
    indicator: IndicatorRef
    row: str = Field(description="Row number in the table (序号); empty for a target from the plan's text")
    part: int = Field(description="1, 2… for the indicators sharing one row (A/B)")
    category_zh: str = Field(examples=["经济发展"])
    label_zh: str = Field(description="The indicator as worded in the table")
    unit_label: str = Field(description="The unit as printed", examples=["亿元"])
    baseline: Baseline
    target_year: int = Field(examples=[2025])
    target_value: float | None = Field(examples=[28000])
    comparator: str = Field(description="'', at_least, at_most, about or exact; '' reads the direction")
    target_notation: str = Field(description="The target as printed", examples=["28000"])
    kind: str = Field(
        description="level, cumulative, annual_average, linked, assigned, qualitative (words, no number: "
        "never judged) or scale (a planning scale: within, above or below it, never met or missed)",
        examples=["level"],
    )
    is_cumulative: bool = Field(description="A total over the plan's years ([ ] in the table)")
    is_annual_average: bool = Field(description="An average annual figure (年均)")
    is_planning_scale: bool = Field(description="A planning scale (常住人口 1550万), not a goal")
    linked_indicator: str | None = Field(
        description="For 'in step with' and 'above' targets: the indicator it moves with", examples=[None]
    )
    linked_relation: str | None = Field(
        description="For a linked target: in_step (与经济增长同步) or above (高于GDP增长: strictly above the "
        "linked indicator's figure); null when the target is not linked",
        examples=[None],
    )
    assigned_by: str = Field(description="nation, province or city when the figure is set by the higher level")
    attribute: str = Field(description="binding (约束性), anticipatory (预期性) or '' when not stated")
    tolerance: float | None = Field(description="The band within which 'about' counts as met, in the unit")
    assessment: str = Field(description="met / not_met when judged by the reviewing body")
    assessment_source: str
    original_value: float | None = Field(description="The value first published, if revised")
    revision_reason: str
    footnotes: list[int] = Field(description="Numbers of the plan notes that apply", examples=[[1]])
    note: str
    source: SourceRef
    source_ref: str


class ValueOut(BaseModel):
    id: int = Field(examples=[7])
    area: AreaRef
    indicator: IndicatorRef
    year: int = Field(description="The year (column) reported for", examples=[2023])
    quarter: int = Field(description="0 for the whole year, 1–4 for a quarter", examples=[0])
    span_from: int = Field(description="First year covered; before `year` for a five-year total or average")
    reference_year: int = Field(description="The year the figure measures, if not the year", examples=[2023])
    value: float = Field(examples=[30355.73])
    qualifier: str = Field(description="about, more_than… when the source qualifies the figure", examples=[""])
    notation: str = Field(description="As printed in the source", examples=["30355.73"])
    status: FigureStatus = Field(examples=["final"])
    source: str
    source_document: str | None = Field(description="Key of the source document", examples=["005"])
    note: str
    version: int = Field(description="Send it back when updating the figure", examples=[1])
    updated_at: datetime


class ValuePage(BaseModel):
    count: int = Field(description="All matching values", examples=[79])
    limit: int
    offset: int
    next: str | None
    previous: str | None
    items: list[ValueOut]


class TargetPage(BaseModel):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None
    items: list[TargetOut]


class IndicatorPage(BaseModel):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None
    items: list[IndicatorOut]


class PlanPage(BaseModel):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None
    items: list[PlanOut]


class Verdict(BaseModel):
    status: str = Field(
        description=VERDICT_STATUSES_TEXT,
        examples=["on_track"],
    )
    label_en: str = Field(examples=["on track"])
    label_zh: str = Field(examples=["进度正常"])
    final: bool = Field(description="True once a figure covers the target year")
    method: str = Field(examples=["level"])
    year: int | None = Field(description="The latest year judged")
    first_year: int | None
    reference_year: int | None
    value: float | None = Field(description="The figure judged (a total or average for those targets)")
    target: float | None
    expected: float | None = Field(description="Where the plan's path would be by now")
    gap: float | None
    progress: float | None = Field(description="Share of the way from baseline to target")
    anticipated: float | None = Field(description="At the target year, if the trend holds")
    observed_rate: float | None
    required_rate: float | None
    ratio: float | None = Field(description="Observed over required rate (≥0.95 on track, ≥0.6 at risk)")
    explanation_en: str
    explanation_zh: str
    notes: list[str]


class TargetRef(BaseModel):
    id: int
    plan: str = Field(examples=["guangzhou-14th-fyp"])
    area: AreaRef
    indicator: IndicatorRef
    row: str
    part: int
    label_zh: str
    target_year: int
    target_notation: str
    attribute: str
    kind: str


class CommentaryOut(BaseModel):
    """What the people responsible say about the year judged: 原因分析 and 下一步措施 (English optional)."""

    year: int = Field(examples=[2024])
    analysis_zh: str
    measures_zh: str
    analysis_en: str
    measures_en: str
    updated_at: datetime


class LatestFigure(BaseModel):
    """The most recent figure reported for one year measuring a year up to the plan's end (never a later
    one), or the baseline when none in the period is: what the pages show as the latest figure. For a
    five-year total or an annual average the verdict judges the total or average (`verdict.value`)."""

    value: float = Field(examples=[28839.0])
    year: int = Field(description="The year the figure measures", examples=[2022])
    status: str = Field(description="preliminary, final or revised, as reported; empty if not said")
    baseline: bool = Field(description="True when the figure measures a year before the plan's period")


class ProgressItem(BaseModel):
    target: TargetRef
    verdict: Verdict
    latest: LatestFigure | None = Field(description="The latest figure, as on the pages; null when there is none")
    commentary: CommentaryOut | None = Field(None, description="The commentary on the year judged, if any")


class ProgressPage(BaseModel):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None
    items: list[ProgressItem]


class PathPoint(BaseModel):
    year: int = Field(examples=[2023])
    value: float = Field(examples=[26000])


class SeriesPoint(BaseModel):
    year: int
    quarter: int
    span_from: int
    reference_year: int
    value: float
    qualifier: str
    status: str


class SeriesTarget(BaseModel):
    id: int
    plan: str
    target_year: int
    target_value: float | None
    comparator: str
    target_notation: str
    kind: str
    attribute: str
    baseline_value: float | None
    baseline_year: int | None
    expected_path: list[PathPoint] = Field(description="The figure expected each year along the plan's path")
    verdict: Verdict


class AreaSeries(BaseModel):
    area: AreaRef
    values: list[SeriesPoint] = Field(description="Every figure reported, oldest first")
    targets: list[SeriesTarget]


class SeriesOut(BaseModel):
    indicator: IndicatorOut
    areas: list[AreaSeries]


# --- writes -------------------------------------------------------------------------


class ValueIn(BaseModel):
    """One figure to create or revise. Omitted details keep their stored text when revising.

    Rules between fields, which a JSON schema cannot state and the API enforces (422 naming the
    field): `span_from` and `reference_year` are at most `year`; a quarterly figure (`quarter` 1-4)
    covers one year (`span_from` equal to `year`); a share indicator's `value` lies between 0 and 100.
    """

    model_config = ConfigDict(extra="forbid")

    area: AreaCode = Field(description="GB/T 2260 code", examples=["440104"])
    indicator: Code = Field(examples=["gdp"])
    year: BodyYear = Field(examples=[2020])
    quarter: WholeNumber = Field(0, ge=0, le=4)
    span_from: BodyYear | None = Field(
        None, description="First year covered, for a total or average over years; at most `year`"
    )
    reference_year: BodyYear | None = Field(
        None, description="The year the figure measures, if not `year`; at most `year` (a later year is a 422)"
    )
    value: Number = Field(examples=["3370.05"])
    qualifier: Qualifier | None = None
    notation: Notation | None = Field(None, description="As printed in the source")
    status: FigureStatus | None = Field(None, description="preliminary unless given")
    source: SourceText | None = Field(None, examples=["越秀区“十四五”规划纲要 (source 004)"])
    note: NoteText | None = None
    version: WholeNumber | None = Field(
        None, ge=0, le=2**31 - 1, description="The version being replaced; needed to change a stored figure"
    )


class ValueUpdate(BaseModel):
    """A revision of one stored figure; `version` is the one being replaced. `reference_year` is at most
    the figure's year, and a share's `value` lies between 0 and 100 (else 422 naming the field)."""

    model_config = ConfigDict(extra="forbid")

    value: Number = Field(examples=["3370.05"])
    version: WholeNumber = Field(ge=1, le=2**31 - 1, examples=[1])
    reference_year: BodyYear | None = None
    qualifier: Qualifier | None = None
    notation: Notation | None = None
    status: FigureStatus | None = None
    source: SourceText | None = None
    note: NoteText | None = None
    reason: ReasonText = Field("", description="Why the figure changes (kept in its history)")


class BulkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: list[ValueIn] = Field(min_length=1, max_length=10000, description="Up to 10,000 figures")
    reason: ReasonText = Field("", description="Why (kept in each figure's history)", examples=["2024 yearbook"])


class RowOutcome(BaseModel):
    index: int = Field(description="Position of the row in `rows`, from 0")
    outcome: Literal["created", "updated", "unchanged"]
    value: ValueOut


class BulkOut(BaseModel):
    created: int
    updated: int
    unchanged: int
    rows: list[RowOutcome]


class RowError(BaseModel):
    index: int = Field(description="Position of the row in `rows`, from 0", examples=[17])
    area: str
    indicator: str
    year: int
    code: Literal["forbidden", "invalid", "frozen", "submitted", "conflict"]
    field: str = Field(examples=["version"])
    message: str
    current: ValueOut | None = Field(description="The stored figure, for a conflict")


class Rejected(BaseModel):
    """An error: `detail` says what is wrong (a list of field errors for a malformed request);
    `errors` lists every rejected row of a write."""

    detail: str | list[dict] = Field(examples=["1 of 500 rows rejected; nothing was written"])
    errors: list[RowError] = Field(default_factory=list)
    current: ValueOut | None = Field(None, description="For a conflict on one figure: the stored figure")
