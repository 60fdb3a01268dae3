"""API: reporting rounds, how complete each area's figures are in one, and the areas' submissions (issue 17)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja import Status as Answer
from ninja.errors import HttpError
from pydantic import BaseModel, Field, StringConstraints

from accounts.auth import TokenRequest, token_auth
from districts.models import Area
from gzplan.lib.apitools import ONE_ERRORS, READ_ERRORS, STORABLE, AreaCode, Problem, not_found
from indicators.api.types import Year
from reporting import services
from reporting.models import Round, Submission
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
    submitted: int = Field(description="Submitted by the area, awaiting review", examples=[0])
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


# --- Submission and acceptance (issue 17 part 5) ---

SubmissionStateName = Literal["open", "submitted", "returned", "accepted"]


class NotReady(BaseModel):
    """Why the area may not submit yet: every problem, each a sentence (or a body that is not JSON)."""

    detail: str = Field(examples=["Yuexiu cannot submit yet: 2 problems."])
    # Empty for a body that is not JSON at all (django-ninja's 400 "Cannot parse request body").
    problems: list[str] = Field([], examples=[["No figure for R&D expenditure as a share of GDP (rd_share): …"]])


STEP_ERRORS = {**ONE_ERRORS, 400: NotReady, 403: Problem, 409: Problem}


class SubmissionOut(BaseModel):
    code: str = Field(description="GB/T 2260 code", examples=["440104"])
    name_zh: str = Field(examples=["越秀区"])
    name_en: str = Field(examples=["Yuexiu"])
    state: SubmissionStateName = Field(description="open → submitted → returned → submitted … → accepted")
    by: str | None = Field(None, description="Who took the last step", examples=["yuexiu"])
    at: datetime.datetime | None = Field(None, description="When the last step was taken")
    comment: str = Field("", description="Why: required to return and to reopen", examples=["请核实 GDP"])


class SubmissionList(BaseModel):
    round: RoundOut
    areas: list[SubmissionOut]


class StepIn(BaseModel):
    comment: Annotated[str, StringConstraints(max_length=5000), STORABLE] = Field(
        "", description="Why this step (required to return and to reopen)"
    )


def _submission(area: Area, submission: Submission | None) -> dict:
    names = {"code": area.code, "name_zh": area.name_zh, "name_en": area.name_en}
    if submission is None:
        return {**names, "state": "open"}
    by = submission.by.get_username() if submission.by else None
    return {**names, "state": submission.state, "by": by, "at": submission.at, "comment": submission.comment}


def _round_for(year: int, kind: str | None) -> Round:
    round_ = Round.objects.for_year(year, kind)
    if round_ is None:
        raise not_found(f"No {kind + ' ' if kind else ''}reporting round for {year}.")
    return round_


@router.get(
    "/rounds/{year}/submissions",
    response={200: SubmissionList, **ONE_ERRORS},
    summary="Where each area's submission stands in a round",
)
def round_submissions(
    request: HttpRequest,
    year: Year = Path(..., examples=[2025]),
    kind: RoundKind | None = Query(None, description="When the year has both: the latest created by default"),
):
    """Per area (the city and its districts): the submission's state and its last step, who, when and why.
    Two queries after the round's."""
    round_ = _round_for(year, kind)
    areas = Area.objects.filter(level__in=[Area.Level.CITY, Area.Level.DISTRICT]).order_by("level", "code")
    submissions = {s.area_id: s for s in Submission.objects.filter(round=round_).select_related("by")}
    return {"round": _round(round_), "areas": [_submission(a, submissions.get(a.pk)) for a in areas]}


STEPS: dict[str, Callable[..., Submission]] = {
    "submit": lambda user, round_, area, comment: services.submit(user, round_, area, comment),
    "return": lambda user, round_, area, comment: services.return_to_area(user, round_, area, comment),
    "accept": lambda user, round_, area, comment: services.accept(user, round_, area, comment),
    "reopen": lambda user, round_, area, comment: services.reopen(user, round_, area, comment),
}


@router.post(
    "/rounds/{year}/areas/{code}/{step}",
    response={200: SubmissionOut, **STEP_ERRORS},
    auth=token_auth,
    summary="Submit, return, accept or reopen an area's submission",
)
def submission_step(
    request: TokenRequest,
    payload: StepIn,
    year: Year = Path(..., examples=[2025]),
    code: AreaCode = Path(..., examples=["440104"]),
    step: Literal["submit", "return", "accept", "reopen"] = Path(..., examples=["submit"]),
    kind: RoundKind | None = Query(None, description="When the year has both: the latest created by default"),
):
    """`submit` (the area's analysts: 400 listing every problem when not ready), `return` (a city reviewer,
    `comment` required), `accept` (a reviewer: freezes the area's year), `reopen` (a reviewer, `comment`
    the reason required). 403 for a role or area that may not, 409 for a step the state does not allow."""
    round_ = _round_for(year, kind)
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise not_found(f"No area with code {code}.")
    try:
        submission = STEPS[step](request.auth, round_, area, payload.comment)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except services.WrongState as exc:
        raise HttpError(409, exc.messages[0]) from None
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):  # a field of the body: the comment
            raise HttpError(422, " ".join(exc.messages)) from None
        detail = f"{area.name_en} cannot submit yet: {len(exc.messages)} problems."
        return Answer(400, {"detail": detail, "problems": exc.messages})
    return _submission(area, submission)
