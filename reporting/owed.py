"""What each area owes in a reporting round, and how far it has got: the read behind the completeness
board, its drill-down and the API.

An area owes a whole-year figure (quarter 0, span_from = year) for the round's year of:

1. each indicator of the targets of its own five-year and annual plans covering the year (a
   qualitative or assigned target still has an indicator that takes figures, so it counts; a long-range
   vision sets no yearly figures), and each indicator such a target is linked to (与经济增长同步: the
   verdict needs the linked figure of the same area). A growth target needs its growth figure only: the
   level it is the growth of (`growth_of`) is not asked for;
2. for a district, each indicator of its city's plans covering the year for which the district
   reported a whole-year figure in any of the three years before: the city's indicators its districts
   report;
3. adjusted by an administrator: added, or waived (reporting.models.OwedAdjustment).

Each owed figure has one status, the area's year first: `accepted` when a reviewer froze the area's
year (districts.models.YearReview), `submitted` when the area submitted it (see `submitted_area_ids`),
else `entered` when the figure exists, `late` when it does not and the round is past due, `owed` else.

Six queries for every area at once, whatever the number of areas, plans and figures.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from districts.access import frozen_reviews
from districts.models import Area
from indicators.models import Indicator, Plan, ReportedValue, Target
from reporting.models import OwedAdjustment, Round, Submission

# Plans whose targets ask for yearly figures: a long-range vision (2035) states objectives, no yearly figures.
YEARLY_PLAN_KINDS = (Plan.Kind.FIVE_YEAR, Plan.Kind.ANNUAL)
# How far back a district's figures for one of its city's indicators make it owe that indicator.
CITY_LOOKBACK_YEARS = 3


class Status(StrEnum):
    OWED = "owed"
    ENTERED = "entered"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    LATE = "late"


STATUS_LABELS = {
    Status.OWED: _("owed"),
    Status.ENTERED: _("entered"),
    Status.SUBMITTED: _("submitted"),
    Status.ACCEPTED: _("accepted"),
    Status.LATE: _("late"),
}
# A figure without a whole-year value in these statuses is missing (listed on the drill-down, in the API).
MISSING = (Status.OWED, Status.LATE)


class Why(StrEnum):
    TARGET = "target"  # a target of the area's own plan
    LINKED = "linked"  # a target of the area's own plan is linked to it
    CITY = "city"  # the city's plan, and the district reported it in the years before
    ADDED = "added"  # an administrator added it


@dataclass
class OwedFigure:
    indicator: Indicator
    why: Why
    targets: list[Target] = field(default_factory=list)  # the targets that need it, own or the city's
    adjustment: OwedAdjustment | None = None  # the administrator's addition (or, in `waived`, waiver)
    has_figure: bool = False
    status: Status = Status.OWED

    @property
    def is_missing(self) -> bool:
        return self.status in MISSING


@dataclass
class AreaCompleteness:
    area: Area
    figures: list[OwedFigure]
    waived: list[OwedFigure]

    @property
    def counts(self) -> dict[Status, int]:
        counted = Counter(figure.status for figure in self.figures)
        return {status: counted.get(status, 0) for status in Status}

    @property
    def missing(self) -> list[OwedFigure]:
        return [figure for figure in self.figures if figure.is_missing]


def submitted_area_ids(round_: Round) -> set[int]:
    """The areas whose submission for the round awaits review (submitted, not returned nor accepted):
    one query. An accepted one counts as accepted through its frozen YearReview."""
    return set(
        Submission.objects.filter(round=round_, state=Submission.State.SUBMITTED).values_list("area_id", flat=True)
    )


def completeness(
    round_: Round, areas: list[Area] | None = None, today: datetime.date | None = None
) -> list[AreaCompleteness]:
    """What every city and district (or the given areas) owes in the round, with each figure's status.

    Six queries: areas (unless given), targets, figures, adjustments, frozen reviews, submissions.
    """
    year = round_.year
    if areas is None:
        areas = list(Area.objects.filter(level__in=[Area.Level.CITY, Area.Level.DISTRICT]).order_by("level", "code"))
    area_ids = {area.pk for area in areas}
    parents = {area.parent_id for area in areas if area.level == Area.Level.DISTRICT and area.parent_id}
    targets = list(
        Target.objects.filter(plan__area_id__in=area_ids | parents, plan__kind__in=YEARLY_PLAN_KINDS)
        .filter(plan__period_start__lte=year, plan__period_end__gte=year)
        .select_related("plan", "indicator", "linked_indicator")
        .order_by("plan__kind", "plan__code", "position", "part")
    )
    # Whole-year figures of the year and the three before: which exist, and which the districts reported.
    figures: dict[int, dict[int, set[int]]] = {}
    for area_id, indicator_id, figure_year in (
        ReportedValue.objects.filter(
            area_id__in=area_ids, year__gte=year - CITY_LOOKBACK_YEARS, year__lte=year, quarter=0
        )
        .exclude(year=year, span_from__lt=year)  # a five-year total ending in the year is not its figure
        .values_list("area_id", "indicator_id", "year")
        .distinct()
    ):
        figures.setdefault(area_id, {}).setdefault(indicator_id, set()).add(figure_year)
    adjustments: dict[int, dict[int, OwedAdjustment]] = {}
    for adjustment in OwedAdjustment.objects.filter(round=round_, area_id__in=area_ids).select_related(
        "indicator", "by"
    ):
        adjustments.setdefault(adjustment.area_id, {})[adjustment.indicator_id] = adjustment
    frozen = {area_id for area_id, _year in frozen_reviews((area_id, year) for area_id in area_ids)}
    submitted = submitted_area_ids(round_)

    by_plan_area: dict[int, list[Target]] = {}
    for target in targets:
        by_plan_area.setdefault(target.plan.area_id, []).append(target)
    late = round_.is_late(today)
    result = []
    for area in areas:
        owed = _owed_by(area, by_plan_area, figures.get(area.pk, {}), year)
        waived = []
        for indicator_id, adjustment in adjustments.get(area.pk, {}).items():
            if adjustment.action == OwedAdjustment.Action.WAIVE:
                if indicator_id in owed:
                    waived.append(owed.pop(indicator_id))
                    waived[-1].adjustment = adjustment
            elif indicator_id not in owed:
                owed[indicator_id] = OwedFigure(adjustment.indicator, Why.ADDED, adjustment=adjustment)
        area_figures = figures.get(area.pk, {})
        for indicator_id, figure in owed.items():
            figure.has_figure = year in area_figures.get(indicator_id, ())
            figure.status = _status(figure.has_figure, area.pk in frozen, area.pk in submitted, late)
        result.append(AreaCompleteness(area, list(owed.values()), waived))
    return result


def _owed_by(
    area: Area, by_plan_area: dict[int, list[Target]], reported: dict[int, set[int]], year: int
) -> dict[int, OwedFigure]:
    """The figures the area's plans ask for (1.) and, for a district, its city's that it reports (2.)."""
    owed: dict[int, OwedFigure] = {}
    for target in by_plan_area.get(area.pk, []):
        figure = owed.setdefault(target.indicator_id, OwedFigure(target.indicator, Why.TARGET))
        if figure.why == Why.LINKED:
            figure.why = Why.TARGET
        figure.targets.append(target)
        if target.linked_indicator is not None:  # selected with the target: no query
            linked = owed.setdefault(target.linked_indicator.pk, OwedFigure(target.linked_indicator, Why.LINKED))
            if linked.why == Why.LINKED:
                linked.targets.append(target)
    if area.level == Area.Level.DISTRICT and area.parent_id:
        before = range(year - CITY_LOOKBACK_YEARS, year)
        for target in by_plan_area.get(area.parent_id, []):
            if not any(y in before for y in reported.get(target.indicator_id, ())):
                continue
            figure = owed.setdefault(target.indicator_id, OwedFigure(target.indicator, Why.CITY))
            if figure.why == Why.CITY:
                figure.targets.append(target)
    return owed


def _status(has_figure: bool, frozen: bool, submitted: bool, late: bool) -> Status:
    if frozen:
        return Status.ACCEPTED
    if submitted:
        return Status.SUBMITTED
    if has_figure:
        return Status.ENTERED
    return Status.LATE if late else Status.OWED
