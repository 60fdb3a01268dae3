"""API: a plan from its published indicator table. `parse` reads a table and previews what it would
create or change (writes nothing); `apply` creates the plan, its targets, notes, new indicators and
figures from a parse and its corrections, in one transaction (city analysts and administrators)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from ninja import Router, Status
from ninja.errors import HttpError
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from accounts.auth import TokenRequest, token_auth
from districts.models import Area
from gzplan.lib.apitools import ONE_ERRORS, STORABLE, AreaCode, Code, Problem
from indicators.api.types import BodyYear, WholeNumber
from indicators.models import Plan
from indicators.services import plantables as service
from indicators.spreadsheets.plantable import TableProblem, read_file, read_text, to_json
from indicators.spreadsheets.reading import MAX_BYTES, ImportProblem

router = Router(tags=["plan tables"])

Text = Annotated[str, StringConstraints(max_length=300), STORABLE]
ShortText = Annotated[str, StringConstraints(max_length=64), STORABLE]
DecimalText = Annotated[str, StringConstraints(max_length=40, pattern=r"^[+-]?\d{1,15}(\.\d{1,6})?$")]


class PlanIn(BaseModel):
    """The plan the table is for: a new code makes a plan, a recorded plan's code changes its targets."""

    model_config = ConfigDict(extra="forbid")

    code: Code = Field(examples=["guangzhou-15th-fyp"])
    area: AreaCode = Field(examples=["440100"])
    kind: Literal["five_year", "annual", "vision"] = "five_year"
    name_zh: Annotated[str, StringConstraints(min_length=1, max_length=200), STORABLE] = Field(
        examples=["广州市“十五五”规划"]
    )
    name_en: Annotated[str, StringConstraints(min_length=1, max_length=200), STORABLE] = Field(
        examples=["Guangzhou 15th Five-Year Plan"]
    )
    start: BodyYear = Field(examples=[2026])
    end: BodyYear = Field(examples=[2030])
    source_key: Annotated[str, StringConstraints(min_length=1, max_length=32), STORABLE] = Field(examples=["015"])
    source_title_zh: Text = ""
    source_ref: Annotated[str, StringConstraints(max_length=150), STORABLE] = ""


class ParseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan: PlanIn
    text: Annotated[str, StringConstraints(max_length=1_000_000), STORABLE] = Field(
        "", description="The table pasted: one row a line, cells separated by tabs, the heading row included"
    )
    file: Annotated[str, StringConstraints(max_length=20_000_000)] = Field(
        "", description="Or a file (.xlsx, tab-separated or CSV), base64-encoded"
    )
    filename: Annotated[str, StringConstraints(max_length=200), STORABLE] = Field("", examples=["table.xlsx"])


class Completed(BaseModel):
    year: BodyYear
    value: DecimalText
    printed: ShortText = ""


class TableTarget(BaseModel):
    """One target as the parse gives it (the plan-table contract). Keys the model does not store yet are
    kept, and refused with a "not stored yet" problem when they say something."""

    model_config = ConfigDict(extra="allow")

    line: Annotated[WholeNumber, Field(ge=0, le=1_000_000)] | None = None
    row: Annotated[str, StringConstraints(max_length=8), STORABLE] = ""
    part: Annotated[WholeNumber, Field(ge=1, le=99)] = 1
    category_zh: ShortText = ""
    table_label_zh: Annotated[str, StringConstraints(max_length=200), STORABLE] = ""
    label_zh: Annotated[str, StringConstraints(max_length=200), STORABLE] = ""
    unit_label: Annotated[str, StringConstraints(max_length=32), STORABLE] = ""
    baseline: ShortText | None = None
    baseline_value: DecimalText | None = None
    baseline_qualifier: Literal["", "at_least", "more_than", "at_most", "less_than", "about", "exact"] = ""
    baseline_year: BodyYear | None = None
    baseline_span_from: BodyYear | None = None
    target_year: BodyYear
    target_value: DecimalText | None = None
    comparator: Literal["", "at_least", "more_than", "at_most", "less_than", "about", "exact"] = ""
    target_notation: ShortText = ""
    kind: Literal["level", "annual_average", "cumulative", "linked", "assigned", "qualitative", "scale"] = "level"
    is_cumulative: StrictBool = False
    is_annual_average: StrictBool = False
    is_planning_scale: StrictBool = False
    linked_indicator: Code | None = None
    linked_relation: Literal["", "in_step", "above"] = ""
    assigned_by: Literal["", "province", "city", "nation"] = ""
    attribute: Literal["", "binding", "anticipatory"] = ""
    footnotes: list[Annotated[WholeNumber, Field(ge=1, le=999)]] = Field(default_factory=list, max_length=20)
    completed: Completed | None = None


class Note(BaseModel):
    number: Annotated[WholeNumber, Field(ge=1, le=999)]
    text: Annotated[str, StringConstraints(max_length=5000), STORABLE]


class ParseProblem(BaseModel):
    line: WholeNumber | None = None
    row: Annotated[str, StringConstraints(max_length=64), STORABLE] = ""
    label_zh: Text = ""
    problem: Annotated[str, StringConstraints(max_length=2000), STORABLE]


class TableParse(BaseModel):
    targets: list[TableTarget] = Field(max_length=2000)
    notes: list[Note] = Field(default_factory=list, max_length=200)
    problems: list[ParseProblem] = Field(default_factory=list, max_length=5000)


class TargetCorrection(BaseModel):
    """What the analyst changed in a target; `indicator` an existing code or "new" (with the new_ fields)."""

    model_config = ConfigDict(extra="forbid")

    label_zh: Annotated[str, StringConstraints(max_length=200), STORABLE] | None = None
    unit_label: Annotated[str, StringConstraints(max_length=32), STORABLE] | None = None
    target_value: Annotated[str, StringConstraints(max_length=40), STORABLE] | None = None
    comparator: Literal["", "at_least", "at_most", "about", "exact"] | None = None
    is_cumulative: StrictBool | None = None
    is_annual_average: StrictBool | None = None
    is_planning_scale: StrictBool | None = None
    attribute: Literal["", "binding", "anticipatory"] | None = None
    indicator: Code | None = None
    omit: StrictBool = False
    new_code: Code | None = None
    new_name_zh: Annotated[str, StringConstraints(max_length=200), STORABLE] | None = None
    new_name_en: Annotated[str, StringConstraints(max_length=200), STORABLE] | None = None
    new_unit_zh: Annotated[str, StringConstraints(max_length=32), STORABLE] | None = None
    new_unit_en: Annotated[str, StringConstraints(max_length=64), STORABLE] | None = None
    new_category: Literal["economy", "innovation", "hub", "environment", "livelihood", "culture", "security"] | None = (
        None
    )
    new_direction: Literal["higher", "lower"] | None = None
    new_measure: Literal["level", "share", "growth", "reduction", "flow", "per_capita"] | None = None


class ApplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan: PlanIn
    parse: TableParse
    corrections: dict[Annotated[str, StringConstraints(pattern=r"^\d{1,4}$")], TargetCorrection] = Field(
        default_factory=dict, description="By the target's index in `parse.targets`, from 0"
    )
    checked: list[Annotated[WholeNumber, Field(ge=0, le=1_000_000)]] = Field(
        default_factory=list, description="Lines whose reader problems were dealt with"
    )
    reason: Annotated[str, StringConstraints(max_length=300), STORABLE] = Field(
        "", description="Why: needed to change a recorded plan's targets, kept in each target's history"
    )


class PlanProblem(BaseModel):
    index: int | None = Field(description="The target's index in `parse.targets`; null for the plan or a line")
    line: int | None
    row: str
    label_zh: str
    field: str = Field(examples=["target_value"])
    problem: str


class ParseOut(BaseModel):
    parse: dict[str, Any] = Field(description="The plan-table contract: targets, notes, problems")
    preview: dict[str, Any] = Field(description="Per target: the indicator matched, the action, changes, problems")


class Applied(BaseModel):
    plan: str = Field(examples=["guangzhou-15th-fyp"])
    page: str = Field(examples=["/plans/guangzhou-15th-fyp/"])


class ApplyRejected(BaseModel):
    """Nothing was written: `problems` names each one's row and field (`detail` lists the fields of a
    malformed request instead)."""

    detail: str | list[dict]
    problems: list[PlanProblem] = Field(default_factory=list)


APPLY_EXAMPLE = {
    "plan": {"code": "guangzhou-15th-fyp", "area": "440100", "kind": "five_year", "name_zh": "广州市“十五五”规划",
             "name_en": "Guangzhou 15th Five-Year Plan", "start": 2026, "end": 2030, "source_key": "015",
             "source_title_zh": "广州市国民经济和社会发展第十五个五年规划纲要", "source_ref": "专栏2"},
    "parse": {
        "targets": [{"line": 3, "row": "2", "part": 1, "category_zh": "经济发展",
                     "table_label_zh": "研发经费支出(R&D)占地区生产总值比例",
                     "label_zh": "研发经费支出(R&D)占地区生产总值比例",
                     "unit_label": "%", "baseline": "3.6", "baseline_value": "3.6", "baseline_qualifier": "",
                     "baseline_year": 2025, "baseline_span_from": None, "target_year": 2030, "target_value": "4",
                     "comparator": "at_least", "target_notation": "4以上", "kind": "level", "is_cumulative": False,
                     "is_annual_average": False, "linked_indicator": None, "linked_relation": "", "assigned_by": "",
                     "attribute": "anticipatory", "footnotes": [], "completed": None}],
        "notes": [{"number": 1, "text": "〔 〕内为五年累计数。"}],
        "problems": [],
    },
    "corrections": {"0": {"indicator": "rd_share"}},
    "reason": "",
}  # fmt: skip


def _spec(request: TokenRequest, plan: PlanIn) -> service.PlanSpec:
    area = Area.objects.filter(code=plan.area).first()
    if area is None:
        raise HttpError(422, f"No area with code {plan.area}.")
    if not service.may_make_plans(request.auth, area):
        raise HttpError(
            403,
            f"The account {request.auth.get_username()} may not make plans for {area.code} "
            "(it needs the city analyst or administrator role, and the area).",
        )
    return service.PlanSpec(area=area, **plan.model_dump(exclude={"area"}))


@router.post(
    "/plan-tables/parse",
    response={200: ParseOut, **ONE_ERRORS, 400: Problem, 403: Problem},
    auth=token_auth,
    summary="Read a plan table (dry run)",
)
def parse_table(request: TokenRequest, payload: ParseIn):
    """Read a published indicator table (`text` pasted, or a `file` in base64) for the plan given, and
    say what applying it would create or change, row by row, with every problem. Writes nothing."""
    spec = _spec(request, payload.plan)
    if bool(payload.text.strip()) == bool(payload.file):
        raise HttpError(400, "Send the table as `text` or as a base64 `file`, one of the two.")
    data = b""
    if payload.file:
        try:
            data = base64.b64decode(payload.file, validate=True)
        except (binascii.Error, ValueError):
            raise HttpError(400, "`file` is not base64.") from None
        if len(data) > MAX_BYTES:
            raise HttpError(400, "The file is larger than the import limit.")
    try:
        table = read_file(payload.filename or "table", data) if payload.file else read_text(payload.text)
    except (TableProblem, ImportProblem) as exc:
        raise HttpError(422, f"The table cannot be read: {exc}") from None
    parse = to_json(table, start=spec.start, end=spec.end)
    result = service.preview(parse, spec, user=request.auth)
    return {"parse": parse, "preview": result.as_dict()}


@router.post(
    "/plan-tables/apply",
    response={201: Applied, 200: Applied, **ONE_ERRORS, 400: Problem, 403: Problem, 422: ApplyRejected},
    auth=token_auth,
    summary="Make a plan from a table",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": APPLY_EXAMPLE}}}},
)
def apply_table(request: TokenRequest, payload: ApplyIn):
    """Create the plan (or change a recorded one), its targets in the table's order, its notes, the new
    indicators confirmed in `corrections`, and the baselines (and a review table's completed values) as
    figures, in one transaction. Any problem left answers 422 listing each with its row and field, and
    nothing is written. 201 with the plan's code when it was created, 200 when a recorded plan changed."""
    spec = _spec(request, payload.plan)
    parse = payload.parse.model_dump(exclude_none=False)
    corrections = {
        "targets": {index: c.model_dump(exclude_none=True) for index, c in payload.corrections.items()},
        "checked": [str(line) for line in payload.checked],
    }
    existed = Plan.objects.filter(code=spec.code).exists()
    try:
        plan = service.apply(parse, spec, corrections, user=request.auth, reason=payload.reason)
    except service.TableRejected as exc:
        return Status(422, {"detail": str(exc), "problems": [p.as_dict() for p in exc.problems]})
    return Status(200 if existed else 201, {"plan": plan.code, "page": f"/plans/{plan.code}/"})
