"""A published indicator table made into a plan: what it would create or change (preview), then all
of it in one transaction (apply), or nothing.

The parse is plantable.to_json's (one dict per target). The analyst's corrections come per target, by
its index in the parse: the fields of CORRECTABLE, the indicator (`indicator`: an existing code, or
"new" with `new_indicator`'s fields), `omit` to leave the target out, and per table line `checked` to
say a problem the reader reported was dealt with.

Every parsed key is mapped to the Target field of the same name; a key the model has no field for is
refused with a "not stored" problem rather than dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField

from districts.access import can_edit_area, editable_area_ids
from districts.models import Area
from gzplan.lib.apitools import storable
from gzplan.lib.numbers import parse_number, plain_number
from indicators.domain import year_problem
from indicators.models import TARGET_COMPARATORS as _TARGET_COMPARATORS
from indicators.models import (
    Attribute,
    Comparator,
    Direction,
    Indicator,
    IndicatorCategory,
    Measure,
    Plan,
    PlanKind,
    PlanNote,
    SourceDocument,
    Target,
)
from indicators.services.loading import set_footnotes
from indicators.services.matching import Match, Wordings, growth_indicator, match_indicator
from indicators.services.targets import save_target
from indicators.services.values import BatchRejected, plan_values, upsert_values

# Who may make plans from tables: city analysts and administrators (districts.roles), in their areas.
PLAN_PERMISSIONS = ("indicators.add_plan", "indicators.add_target", "indicators.change_target")
NEW = "new"
CORRECTABLE = (
    "label_zh",
    "unit_label",
    "target_value",
    "comparator",
    "is_cumulative",
    "is_annual_average",
    "is_planning_scale",
    "attribute",
)
NEW_INDICATOR_FIELDS = ("code", "name_zh", "name_en", "unit_zh", "unit_en", "category", "direction", "measure")
# Parsed keys that are not Target fields of the same name, each handled on its own below.
_HANDLED = {
    "line",
    "kind",
    "table_label_zh",
    "baseline",
    "linked_indicator",
    "linked_relation",
    "footnotes",
    "completed",
    "group_zh",  # the group label is in table_label_zh
    "reference_year",  # a year printed beside a target: in its notation
    "printed_unit",  # the unit printed with a figure: converted into the row's by the reader
}
_TARGET_FIELDS = {f.name for f in Target._meta.concrete_fields} - {"id", "plan", "indicator"}
_PLAIN_FIELDS = {f.name for f in Target._meta.concrete_fields if not f.is_relation} - {"id"}
# The numbers a parse gives: the target and baseline values, and any other (tolerance…), each read as a figure is.
_NUMBER_FIELDS = tuple(f.name for f in Target._meta.concrete_fields if isinstance(f, DecimalField))
# Compared between a stored target and the table's, for a plan already recorded (field by field).
COMPARED = (
    "indicator", "position", "category_zh", "label_zh", "unit_label", "baseline_value", "baseline_qualifier",
    "baseline_year", "baseline_span_from", "baseline_notation", "target_year", "target_value", "comparator",
    "target_notation", "is_cumulative", "is_annual_average", "is_planning_scale", "linked_indicator",
    "linked_relation", "assigned_by", "attribute",
)  # fmt: skip


def may_make_plans(user, area: Area | int | None = None) -> bool:
    """May the user make plans from tables (for `area`, or for any area)? City analysts and administrators."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if not (user.is_superuser or user.has_perms(PLAN_PERMISSIONS)):
        return False
    if area is None:
        return editable_area_ids(user) != set()
    return can_edit_area(user, area)


@dataclass
class PlanSpec:
    """The plan a table is for: a new one, or (its code recorded already) one whose targets change."""

    code: str
    area: Area
    kind: str
    name_zh: str
    name_en: str
    start: int
    end: int
    source_key: str
    source_title_zh: str = ""
    source_ref: str = ""


@dataclass
class Problem:
    index: int | None  # the target's index in the parse, None for the plan or a line of the table
    line: int | None
    row: str
    label_zh: str
    field: str
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "line": self.line, "row": self.row, "label_zh": self.label_zh,
                "field": self.field, "problem": self.problem}  # fmt: skip


@dataclass
class RowPreview:
    """One target of the table: as printed, as understood (after corrections), and what it would do."""

    index: int
    printed: dict[str, Any]
    values: dict[str, Any]  # the Target's fields as they would be stored (indicator: its code)
    match: Match
    indicator: Indicator | None
    new_indicator: dict[str, str] | None
    action: str = "create"  # create, change, unchanged, omit
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)  # field, stored, new
    problems: list[Problem] = field(default_factory=list)
    omitted: bool = False
    corrected: dict[str, Any] = field(default_factory=dict)  # as the analyst typed them


@dataclass
class Preview:
    spec: PlanSpec
    plan: Plan | None  # the plan recorded already, or None for a new one
    rows: list[RowPreview]
    notes: list[dict[str, Any]]
    figures: list[dict[str, Any]]  # baselines and completed values to record
    kept_figures: list[dict[str, Any]]  # stored already with another value: left as they are
    problems: list[Problem]  # everything unresolved: the plan's, the table's and the rows'
    line_problems: dict[int, list[dict]] = field(default_factory=dict)  # the reader's, by line

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": {"code": self.spec.code, "exists": self.plan is not None, "area": self.spec.area.code,
                     "kind": self.spec.kind, "start": self.spec.start, "end": self.spec.end},
            "rows": [
                {
                    "index": r.index,
                    "line": r.printed.get("line"),
                    "row": r.printed.get("row", ""),
                    "part": r.printed.get("part", 1),
                    "action": r.action,
                    "indicator": r.values.get("indicator"),
                    "matched_by": r.match.how,
                    "new_indicator": r.new_indicator,
                    "target": {k: _json(v) for k, v in r.values.items()},
                    "changes": [{"field": f, "stored": _json(a), "new": _json(b)} for f, a, b in r.changes],
                    "problems": [p.as_dict() for p in r.problems],
                }
                for r in self.rows
            ],
            "notes": self.notes,
            "figures": [_figure_json(f) for f in self.figures],
            "kept_figures": [_figure_json(f) for f in self.kept_figures],
            "problems": [p.as_dict() for p in self.problems],
        }  # fmt: skip


class TableRejected(Exception):
    """Problems remain: nothing was written. `problems` names each one's row and field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) left; nothing was written")


# --- preview ------------------------------------------------------------------------------------


def preview(parse: dict, spec: PlanSpec, corrections: dict | None = None, *, user=None, reason: str = "") -> Preview:
    """What applying the table would create or change, with every problem left. Writes nothing."""
    corrections = corrections or {}
    plan = Plan.objects.filter(code=spec.code).select_related("area").first()
    problems = _plan_problems(spec, plan, user)
    checked = {int(line) for line in corrections.get("checked", [])}
    line_problems: dict[int, list[dict]] = {}
    for found in parse.get("problems", []):
        if found.get("line") is None:
            problems.append(Problem(None, None, "", "", "table", found["problem"]))
        else:
            line_problems.setdefault(found["line"], []).append(found)
    wordings = Wordings(Indicator.objects.all())
    notes: list[dict[str, Any]] = [{"number": int(n["number"]), "text": str(n["text"])} for n in parse.get("notes", [])]
    note_numbers = {n["number"] for n in notes}
    stored = _stored_targets(plan)
    rows: list[RowPreview] = []
    for index, printed in enumerate(parse.get("targets", [])):
        row = _understand(index, printed, corrections.get("targets", {}).get(str(index), {}), wordings, spec)
        rows.append(row)
    omitted_lines = {r.printed.get("line") for r in rows if r.omitted}
    for line, found in line_problems.items():
        if line in checked or line in omitted_lines:
            continue
        for item in found:
            owner = next((r for r in rows if r.printed.get("line") == line), None)
            problem = Problem(owner.index if owner else None, line, item.get("row", ""), item.get("label_zh", ""),
                              "table", item["problem"])  # fmt: skip
            (owner.problems if owner else problems).append(problem)
    if not rows:
        problems.append(Problem(None, None, "", "", "table", "the table has no targets"))
    _check_rows(rows, note_numbers, wordings)
    for row in rows:
        if not row.omitted and plan is not None:
            _compare(row, stored)
    if plan is not None and any(r.action == "change" for r in rows) and not reason.strip():
        problems.append(Problem(None, None, "", "", "reason", "changing a recorded plan's targets needs a reason"))
    figures, kept, figure_problems = _figures(rows, spec, user)
    problems += figure_problems
    problems += [p for r in rows if not r.omitted for p in r.problems]
    return Preview(spec, plan, rows, notes, figures, kept, problems, line_problems)


def _plan_problems(spec: PlanSpec, plan: Plan | None, user) -> list[Problem]:
    def problem(field: str, text: str) -> Problem:
        return Problem(None, None, "", "", field, text)

    found = []
    if user is not None and not may_make_plans(user, spec.area):
        found.append(problem("area", f"you may not make or change the plans of {spec.area.code} {spec.area.name_en}"))
    for name in ("start", "end"):
        if text := year_problem(getattr(spec, name)):
            found.append(problem(name, text))
    if spec.start > spec.end:
        found.append(problem("end", f"the plan's first year {spec.start} is after its last {spec.end}"))
    if spec.kind not in PlanKind.values:
        found.append(problem("kind", f"unknown plan kind “{spec.kind}”"))
    if plan is not None:
        recorded = {"area": plan.area.code, "kind": plan.kind, "start": plan.period_start, "end": plan.period_end}
        for name, stored in recorded.items():
            given = spec.area.code if name == "area" else getattr(spec, name)
            if stored != given:
                found.append(problem(name, f"plan {plan.code} is recorded with {name} {stored}, not {given}"))
    else:
        candidate = Plan(code=spec.code, area=spec.area, kind=spec.kind, name_zh=spec.name_zh, name_en=spec.name_en,
                         period_start=spec.start, period_end=spec.end)  # fmt: skip
        try:
            candidate.full_clean(exclude=["source_document"])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                found += [problem(_SPEC_FIELD.get(name, name), m) for m in messages]
        if not spec.source_key.strip():
            found.append(problem("source_key", "name the source document (an existing key, or a new one)"))
        elif len(spec.source_key) > 32:
            found.append(problem("source_key", "a source document's key has at most 32 characters"))
    return found


_SPEC_FIELD = {"period_start": "start", "period_end": "end", "__all__": "plan"}


def _understand(index: int, printed: dict, corrected: dict, wordings: Wordings, spec: PlanSpec) -> RowPreview:
    """The target as the table prints it, with the analyst's corrections, matched to an indicator."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []

    def problem(field: str, text: str) -> None:
        problems.append(
            Problem(index, printed.get("line"), printed.get("row", ""), printed.get("label_zh", ""), field, text)
        )

    for key, value in printed.items():
        if key in _HANDLED:
            continue
        if key in _TARGET_FIELDS:
            if isinstance(value, str):
                try:
                    storable(value)  # PostgreSQL refuses a NUL that SQLite would keep
                except ValueError as exc:
                    problem(key, f"the {key.replace('_', ' ')}: {exc}")
                    continue
            values[key] = value
        elif value not in (None, "", [], False, 0):
            problem(key, f"“{key}” ({value}) is not stored: correct the row or leave it out")
    values["baseline_notation"] = printed.get("baseline") or ""
    for key in CORRECTABLE:
        if key in corrected:
            values[key] = corrected[key]
    for key in _NUMBER_FIELDS:
        text = values.get(key)
        if text in (None, ""):
            values[key] = None
            continue
        try:
            values[key] = parse_number(text)
        except ValueError as exc:
            problem(key, f"the {key.replace('_', ' ')} {exc}")
            values[key] = None
    for key in ("baseline_qualifier", "comparator", "assigned_by", "attribute"):
        values[key] = values.get(key) or ""
    for key in ("is_cumulative", "is_annual_average", "is_planning_scale"):
        values[key] = bool(values.get(key))
    values["target_notation"] = str(values.get("target_notation") or "")[:64]
    kind = printed.get("kind", "")
    relation = printed.get("linked_relation") or ""
    values["linked_relation"] = relation or Target.LinkedRelation.IN_STEP
    linked = printed.get("linked_indicator")
    values["linked_indicator"] = linked or None
    if kind == "qualitative":  # its words as printed, no number: never judged as one
        values["target_value"], values["comparator"] = None, ""
    assigned = values["assigned_by"]
    if assigned and assigned not in {c for c, _ in Target._meta.get_field("assigned_by").choices or []}:
        problem("assigned_by", f"a target assigned by “{assigned}” is not stored yet: leave it out for now")
    if (table_label := printed.get("table_label_zh")) and table_label != values.get("label_zh"):
        values["note"] = f"Table label: {table_label} (part {printed.get('part', 1)})."
    ref = f"第{printed['row']}行" if printed.get("row") else f"line {printed.get('line')}"
    values["source_ref"] = f"{spec.source_ref} {ref}".strip()[:200]
    values["footnotes"] = [int(n) for n in printed.get("footnotes") or []]

    # The indicator: the analyst's choice, else the match (a 年均增长 column of a level: its growth).
    match = match_indicator(values.get("label_zh", ""), values.get("unit_label", ""), wordings,
                            row=str(printed.get("row", "")), part=int(printed.get("part", 1)),
                            category_zh=printed.get("category_zh", ""))  # fmt: skip
    if match.indicator and values["is_annual_average"] and match.indicator.measure != Measure.GROWTH:
        growth = growth_indicator(match.indicator)
        if growth is not None:
            match = Match(growth, match.how + "+growth")
    indicator, new = match.indicator, None
    chosen = str(corrected.get("indicator", "")).strip()
    if chosen == NEW or (not chosen and indicator is None and match.proposal is not None):
        proposal = match.proposal.as_dict() if match.proposal else {}
        new = {name: str(corrected.get("new_" + name, proposal.get(name, ""))).strip() for name in NEW_INDICATOR_FIELDS}
        indicator = None
    elif chosen:
        indicator = wordings.by_code(chosen)
        if indicator is None:
            problem("indicator", f"no indicator has the code “{chosen}”")
    elif match.problem:
        problem("indicator", match.problem)
    if (
        chosen
        and chosen != NEW
        and indicator is not None
        and match.indicator is not None
        and indicator != match.indicator
    ):
        match = Match(indicator, "chosen")
    elif chosen and indicator is not None and match.indicator is None:
        match = Match(indicator, "chosen")
    values["indicator"] = indicator.code if indicator else (new or {}).get("code", "")
    row = RowPreview(index, printed, values, match, indicator, new, problems=problems,
                     omitted=bool(corrected.get("omit")), corrected=corrected)  # fmt: skip
    if row.omitted:
        row.action = "omit"
    return row


def _check_rows(rows: list[RowPreview], note_numbers: set[int], wordings: Wordings) -> None:
    """Each kept target by the model's own rules, positions from the table's order, no indicator twice."""
    position, last_row = 0, None
    seen: dict[tuple[str, int], int] = {}
    new_codes: dict[str, int] = {}
    for row in rows:
        key = (row.printed.get("row", ""), row.printed.get("line"))
        if key != last_row:
            position, last_row = position + 1, key
        row.values["position"] = position
        if row.omitted:
            continue

        def problem(field: str, text: str, row: RowPreview = row) -> None:
            row.problems.append(Problem(row.index, row.printed.get("line"), row.printed.get("row", ""),
                                        row.printed.get("label_zh", ""), field, text))  # fmt: skip

        if row.new_indicator is not None:
            _check_new_indicator(row.new_indicator, wordings, new_codes, row.index, problem)
        code = row.values["indicator"]
        if code:
            target_key = (code, row.values.get("target_year") or 0)
            if target_key in seen:
                problem(
                    "indicator",
                    f"{code} is already the indicator of the target at index {seen[target_key]} (same year)",
                )
            seen[target_key] = row.index
        for number in row.values["footnotes"]:
            if number not in note_numbers:
                problem("footnotes", f"note {number} is not among the notes under the table")
        if row.values["comparator"] not in {c.value for c in _TARGET_COMPARATORS} | {""}:
            problem("comparator", f"unknown comparator “{row.values['comparator']}”")
        if row.values["attribute"] not in {*Attribute.values, ""}:
            problem("attribute", f"unknown attribute “{row.values['attribute']}”")
        if row.problems:
            continue
        target = _target(row, None, indicator=row.indicator or _unsaved_indicator(row.new_indicator))
        # The model's rules without its database constraints (a query each, for every row); apply checks
        # those too, through save_target, and the few they add are checked here.
        try:
            target.full_clean(exclude=["plan", "source_document", "indicator", "linked_indicator"],
                              validate_unique=False, validate_constraints=False)  # fmt: skip
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    problem(name if name != "__all__" else "target", message)
        v = row.values
        if v["comparator"] and v["target_value"] is None:
            problem("target_value", "a target with a comparator (about, at least…) needs a value")
        if v["is_cumulative"] and v["is_annual_average"]:
            problem("is_cumulative", "a target is either a period total or an annual average, not both")
        if v.get("baseline_year") and v.get("target_year") and v["baseline_year"] > v["target_year"]:
            problem("baseline_year", "the baseline year must not be after the target year")
        if row.values.get("linked_indicator") and wordings.by_code(row.values["linked_indicator"]) is None:
            problem("linked_indicator", f"no indicator has the code “{row.values['linked_indicator']}”")


def _check_new_indicator(new: dict, wordings: Wordings, codes: dict[str, int], index: int, problem) -> None:
    if wordings.by_code(new["code"]) is not None:
        problem("new_code", f"an indicator with the code “{new['code']}” exists already: choose it, or another code")
    elif new["code"] in codes:
        problem("new_code", f"the code “{new['code']}” is proposed twice (also at index {codes[new['code']]})")
    codes.setdefault(new["code"], index)
    candidate = _unsaved_indicator(new)
    try:
        candidate.full_clean(exclude=["growth_of"], validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                problem("new_" + name, message)


def _unsaved_indicator(new: dict | None) -> Indicator:
    new = new or {}
    return Indicator(**{name: new.get(name, "") for name in NEW_INDICATOR_FIELDS})


def _target(row: RowPreview, plan: Plan | None, *, indicator: Indicator, linked: Indicator | None = None) -> Target:
    fields = {k: v for k, v in row.values.items() if k in _PLAIN_FIELDS}
    target = Target(**fields)
    target.indicator = indicator
    if plan is not None:
        target.plan = plan
        target.source_document_id = plan.source_document_id
    if linked is not None:
        target.linked_indicator = linked
    elif row.values.get("linked_indicator"):
        # Checked by full_clean as "linked": an unsaved stand-in until the real one is set at apply.
        target.linked_indicator_id = -1
    return target


def _stored_targets(plan: Plan | None) -> dict[tuple, Target]:
    if plan is None:
        return {}
    stored = {}
    for target in Target.objects.filter(plan=plan).select_related("indicator", "linked_indicator"):
        stored[("row", target.row, target.part) if target.row else ("indicator", target.indicator.code)] = target
    return stored


def _compare(row: RowPreview, stored: dict[tuple, Target]) -> None:
    key = (
        ("row", row.values.get("row"), row.values.get("part"))
        if row.values.get("row")
        else ("indicator", row.values["indicator"])
    )
    current = stored.get(key)
    if current is None:
        row.action = "create"
        return
    row.values["_stored_pk"] = current.pk
    for name in COMPARED:
        old = getattr(current, name)
        new = row.values.get(name)
        if name in ("indicator", "linked_indicator"):
            old = old.code if old is not None else None
        if isinstance(old, Decimal) and new is not None:
            same = old == Decimal(str(new))
        else:
            same = (old or None) == (new or None)
        if not same:
            row.changes.append((name, old, new))
    row.action = "change" if row.changes else "unchanged"


def _figures(rows: list[RowPreview], spec: PlanSpec, user) -> tuple[list[dict], list[dict], list[Problem]]:
    """The baselines (and completed values of a review table) as figures: those to record, those stored
    already with another value (kept as they are), and problems (another area's, a reviewed year)."""
    wanted: list[tuple[RowPreview, dict]] = []
    problems: list[Problem] = []
    column_year = spec.start - 1
    source = SourceDocument.objects.filter(key=spec.source_key).first()
    for row in rows:
        if row.omitted or not row.values["indicator"]:
            continue
        v = row.values
        common = {"area": spec.area.code, "indicator": v["indicator"], "status": "preliminary",
                  "source": f"{spec.name_zh} {v['source_ref']}".strip()[:300],
                  "source_document_id": source.pk if source else None}  # fmt: skip
        if v.get("baseline_value") is not None:
            reference = v.get("baseline_year") or column_year
            year = max(column_year, reference)
            wanted.append((row, {**common, "year": year, "reference_year": reference,
                                 "span_from": v.get("baseline_span_from") or year, "value": v["baseline_value"],
                                 "qualifier": v.get("baseline_qualifier") or "",
                                 "notation": v.get("baseline_notation", "")[:64],
                                 "note": "baseline 基期值"}))  # fmt: skip
        done = row.printed.get("completed")
        if done and done.get("value") is not None:
            try:
                value = parse_number(done["value"])  # the contract's text may hold more digits than a figure
            except ValueError as exc:
                problems.append(Problem(row.index, row.printed.get("line"), row.printed.get("row", ""),
                                        row.printed.get("label_zh", ""), "completed",
                                        f"the completed value {exc}"))  # fmt: skip
                continue
            year = int(done["year"])
            spans = v["is_annual_average"] or v["is_cumulative"]
            wanted.append((row, {**common, "year": year, "reference_year": year,
                                 "span_from": spec.start if spans and spec.start <= year else year,
                                 "value": value, "notation": str(done.get("printed", ""))[:64],
                                 "note": "completed 完成值"}))  # fmt: skip
    new_codes = {r.values["indicator"] for r in rows if r.new_indicator is not None}
    checkable = [(r, f) for r, f in wanted if f["indicator"] not in new_codes]
    figures = [f for r, f in wanted if f["indicator"] in new_codes]
    kept: list[dict] = []
    if checkable:
        results, found = plan_values([f for _, f in checkable], user=user, may_write=lambda area: True,
                                     require_versions=False, build_new=False)  # fmt: skip
        refused = {p.index: p for p in found}
        outcome = {r.index: r.outcome for r in results}
        for index, (row, figure) in enumerate(checkable):
            if index in refused:
                p = refused[index]
                problems.append(Problem(row.index, row.printed.get("line"), row.printed.get("row", ""),
                                        row.printed.get("label_zh", ""), "baseline_value", p.message))  # fmt: skip
            elif outcome.get(index) == "created":
                figures.append(figure)
            elif outcome.get(index) == "updated":
                kept.append(figure)
    return figures, kept, problems


def _figure_json(figure: dict) -> dict:
    return {k: _json(v) for k, v in figure.items() if k != "source_document_id"}


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_number(value)
    return value


# --- apply --------------------------------------------------------------------------------------


def apply(parse: dict, spec: PlanSpec, corrections: dict | None = None, *, user, reason: str = "") -> Plan:
    """Create (or change) the plan, its targets, notes, new indicators and figures, all in one transaction.

    Raises TableRejected, having written nothing, while any problem is left.
    """
    with transaction.atomic():
        result = preview(parse, spec, corrections, user=user, reason=reason)
        if not result.ok:
            raise TableRejected(result.problems)
        why = reason.strip() or f"made from the table of {spec.name_zh}"
        plan = result.plan or _new_plan(spec)
        notes = _notes(plan, result.notes)
        new_indicators = _new_indicators(r.new_indicator for r in result.rows if r.new_indicator and not r.omitted)
        by_code = {i.code: i for i in Indicator.objects.filter(code__in=_codes(result.rows))} | new_indicators
        for row in result.rows:
            if row.omitted or row.action == "unchanged":
                continue
            indicator = by_code[row.values["indicator"]]
            linked = by_code.get(row.values.get("linked_indicator") or "")
            try:
                if row.action == "change":
                    target = _revise(row, indicator, linked, user=user, reason=why)
                else:
                    target = save_target(_target(row, plan, indicator=indicator, linked=linked), user=user, reason=why)
            except ValidationError as exc:
                raise TableRejected(_validation_problems(row, exc)) from None
            set_footnotes(target, [notes[n] for n in row.values["footnotes"]])
        for figure in result.figures:
            figure["source_document_id"] = plan.source_document_id
        if result.figures:
            try:
                upsert_values(result.figures, user=user, reason=why, may_write=lambda area: True,
                              create_only=True, channel="plan table")  # fmt: skip
            except BatchRejected as exc:
                raise TableRejected([Problem(None, None, "", "", p.field, p.message) for p in exc.problems]) from None
    return plan


def _codes(rows: Iterable[RowPreview]) -> set[str]:
    codes = set()
    for row in rows:
        codes.add(row.values["indicator"])
        if row.values.get("linked_indicator"):
            codes.add(row.values["linked_indicator"])
    return codes


def _new_plan(spec: PlanSpec) -> Plan:
    source, _ = SourceDocument.objects.get_or_create(key=spec.source_key, defaults={"title_zh": spec.source_title_zh})
    plan = Plan(code=spec.code, area=spec.area, kind=spec.kind, name_zh=spec.name_zh, name_en=spec.name_en,
                period_start=spec.start, period_end=spec.end, source_document=source,
                source_ref=spec.source_ref)  # fmt: skip
    plan.full_clean()
    plan.save()
    return plan


def _notes(plan: Plan, notes: list[dict]) -> dict[int, PlanNote]:
    stored = {n.number: n for n in plan.notes.all()}
    for note in notes:
        current = stored.get(note["number"])
        if current is None:
            stored[note["number"]] = PlanNote.objects.create(plan=plan, number=note["number"], text_zh=note["text"])
        elif current.text_zh != note["text"]:
            current.text_zh = note["text"]
            current.save()
    return stored


def _new_indicators(proposals: Iterable[dict]) -> dict[str, Indicator]:
    made = {}
    for proposal in proposals:
        indicator = Indicator(**{name: proposal[name] for name in NEW_INDICATOR_FIELDS})
        indicator.note = "Made from a plan table: check the English name, unit, direction and measure."
        indicator.full_clean(exclude=["growth_of"])
        indicator.save()
        made[indicator.code] = indicator
    return made


def _validation_problems(row: RowPreview, exc: ValidationError) -> list[Problem]:
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"target": exc.messages}
    return [
        Problem(row.index, row.printed.get("line"), row.printed.get("row", ""), row.printed.get("label_zh", ""),
                name if name != "__all__" else "target", message)
        for name, texts in messages.items()
        for message in texts
    ]  # fmt: skip


def _revise(row: RowPreview, indicator: Indicator, linked: Indicator | None, *, user, reason: str) -> Target:
    """A stored target changed by the table: field by field, keeping its first value and the reason."""
    target = Target.objects.select_for_update().get(pk=row.values["_stored_pk"])
    for name, _, new in row.changes:
        if name == "indicator":
            target.indicator = indicator
        elif name == "linked_indicator":
            target.linked_indicator = linked
        elif name == "target_value":
            if target.original_value is None:
                target.original_value = target.target_value
            target.target_value = new
            target.revision_reason = reason
        else:
            setattr(target, name, new)
    return save_target(target, user=user, reason=reason)


__all__ = [
    "NEW",
    "PlanSpec",
    "Preview",
    "Problem",
    "RowPreview",
    "TableRejected",
    "apply",
    "may_make_plans",
    "preview",
    # The choices a correction may take, for the page and the API.
    "Comparator",
    "Attribute",
    "Direction",
    "IndicatorCategory",
    "Measure",
]
