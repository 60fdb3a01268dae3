"""API: reporting rounds and how complete each area's figures are in one (issue 17)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Path, Query, Router
from pydantic import BaseModel, Field

from gzplan.lib.apitools import ONE_ERRORS, READ_ERRORS, not_found
from indicators.api.types import Year
from reporting.models import Round
from reporting.owed import Status, completeness

router = Router(tags=["reporting rounds"])

RoundKind = Literal["preliminary", "final"]


class RoundOut(BaseModel):
    year: int = Field(description="The year the figures are for", examples=[2025])
    kind: RoundKind = Field(description="preliminary (early next year) or final (with the yearbook)")
    title_zh: str = Field(examples=["2025年初步数据报送"])
    title_en: str = Field(examples=["2025 preliminary figures"])
    opens_on: datetime.date = Field(examples=["2026-01-05"])
    due_on: datetime.date = Field(description="Figures still owed after this day are late", examples=["2026-03-31"])
    page: str = Field(description="Its completeness board", examples=["/rounds/2025/?kind=preliminary"])


class RoundList(BaseModel):
    count: int = Field(examples=[1])
    items: list[RoundOut]


class AreaCompletenessOut(BaseModel):
    code: str = Field(description="GB/T 2260 code", examples=["440104"])
    name_zh: str = Field(examples=["越秀区"])
    name_en: str = Field(examples=["Yuexiu"])
    owed: int = Field(description="Owed, not entered, not yet due", examples=[17])
    entered: int = Field(description="Entered (a whole-year figure exists)", examples=[1])
    submitted: int = Field(description="Submitted by the area (no submissions yet: always 0)", examples=[0])
    accepted: int = Field(description="The area's year is reviewed and frozen", examples=[0])
    late: int = Field(description="Owed, not entered, past the due date", examples=[0])
    missing: list[str] = Field(description="Codes of the indicators owed or late", examples=[["gdp", "rd_share"]])
    page: str = Field(examples=["/rounds/2025/440104/?kind=preliminary"])


class Completeness(BaseModel):
    round: RoundOut
    areas: list[AreaCompletenessOut]


def _round(round_: Round) -> dict:
    return {
        **{name: getattr(round_, name) for name in ("year", "kind", "title_zh", "title_en", "opens_on", "due_on")},
        "page": f"/rounds/{round_.year}/?kind={round_.kind}",
    }


@router.get("/rounds", response={200: RoundList, **READ_ERRORS}, summary="List reporting rounds")
def list_rounds(request: HttpRequest, year: Year | None = Query(None, description="Only this year's rounds")):
    """Every reporting round, the latest year first: one query."""
    rounds = Round.objects.order_by("-year", "-created_at")
    if year is not None:
        rounds = rounds.filter(year=year)
    items = [_round(r) for r in rounds]
    return {"count": len(items), "items": items}


@router.get(
    "/rounds/{year}/completeness",
    response={200: Completeness, **ONE_ERRORS},
    summary="How complete each area's figures are in a round",
)
def round_completeness(
    request: HttpRequest,
    year: Year = Path(..., examples=[2025]),
    kind: RoundKind | None = Query(None, description="When the year has both: the latest created by default"),
):
    """Per area (the city and its districts): how many owed figures are owed, entered, submitted, accepted
    or late, and the codes of those missing. Six queries, whatever the number of areas."""
    round_ = Round.objects.for_year(year, kind)
    if round_ is None:
        raise not_found(f"No {kind + ' ' if kind else ''}reporting round for {year}.")
    areas = []
    for state in completeness(round_):
        counts = state.counts
        areas.append(
            {
                "code": state.area.code,
                "name_zh": state.area.name_zh,
                "name_en": state.area.name_en,
                **{status.value: counts[status] for status in Status},
                "missing": [figure.indicator.code for figure in state.missing],
                "page": f"/rounds/{year}/{state.area.code}/?kind={round_.kind}",
            }
        )
    return {"round": _round(round_), "areas": areas}
