"""The parse of a plan table as the plan-table pages and API work from it: `{"targets", "notes",
"problems"}` with every key of TARGET_KEYS on each target (the contract the rewritten
plantable.to_json emits).

ADAPTER, to remove when plantable.to_json emits the contract itself (issue 15, the reader being
rewritten): `contract_parse` then returns to_json's answer unchanged, and `_from_table` goes. Until
then it builds the contract from the PlanTable: a year column before the plan's first year is the
baseline (today's to_json reads `2025年` in a 2026–2030 table as a second target), notes get their
numbers, and the baseline and completed cells are read with notation.read_cell.
"""

from __future__ import annotations

from indicators.spreadsheets.notation import NotationProblem, Part, read_cell
from indicators.spreadsheets.plantable import Column, PlanRow, PlanTable, to_json

TARGET_KEYS = (
    "line", "row", "part", "category_zh", "table_label_zh", "label_zh", "unit_label", "baseline", "baseline_value",
    "baseline_qualifier", "baseline_year", "baseline_span_from", "target_year", "target_value", "comparator",
    "target_notation", "kind", "is_cumulative", "is_annual_average", "linked_indicator", "linked_relation",
    "assigned_by", "attribute", "footnotes", "completed",
)  # fmt: skip
_EMPTY_CELLS = ("", "-", "—", "/")


def contract_parse(table: PlanTable, *, start: int, end: int) -> dict:
    """The table's targets, notes and problems in the contract's shape. Writes nothing."""
    parsed = to_json(table, start=start, end=end)
    if _is_contract(parsed):
        return parsed
    return _from_table(table, start=start, end=end)


def _is_contract(parsed: dict) -> bool:
    notes_numbered = all(isinstance(note, dict) for note in parsed.get("notes", []))
    return notes_numbered and all(set(TARGET_KEYS) <= target.keys() for target in parsed.get("targets", []))


def kind_of(part: Part) -> str:
    if part.assigned_by:
        return "assigned"
    if part.linked:
        return "linked"
    if part.qualitative:
        return "qualitative"
    if part.cumulative:
        return "cumulative"
    if part.annual_average:
        return "annual_average"
    return "level"


def _from_table(table: PlanTable, *, start: int, end: int) -> dict:
    baseline_columns = [c for c in table.columns if c.key == "baseline" or _before(c, start)]
    target_columns = [c for c in table.columns if c.key == "target" and not _before(c, start)]
    completed = table.column("completed")
    dated = [c.year for c in target_columns if c.year]
    target_year = dated[0] if dated else end
    targets: list[dict] = []
    problems: list[dict] = []
    for row in table.rows:
        parts, row_problems = _parts(row, target_columns)
        baseline_column = next((c for c in baseline_columns if row.raw.get(c.index)), None)
        units = row.unit.split("/") if len(parts) > 1 else [row.unit]
        baselines = _cells(row, baseline_column, len(parts), start)
        done = _cells(row, completed, len(parts), start)
        for number, part in enumerate(parts, start=1):
            baseline, baseline_part, baseline_problem = baselines[number - 1]
            if baseline_problem:
                row_problems.append(baseline_problem)
            finished, finished_part, finished_problem = done[number - 1]
            if finished_problem:
                row_problems.append(finished_problem)
            label = (
                row.label.split("/")[number - 1]
                if len(parts) > 1 and row.label.count("/") == len(parts) - 1
                else row.label
            )
            targets.append(
                {
                    "line": row.line,
                    "row": row.row,
                    "part": number,
                    "category_zh": row.category,
                    "table_label_zh": row.label,
                    "label_zh": label,
                    "unit_label": units[number - 1] if len(units) == len(parts) else row.unit,
                    "baseline": baseline or None,
                    "baseline_value": _decimal(baseline_part),
                    "baseline_qualifier": baseline_part.comparator if baseline_part else "",
                    "baseline_year": _year(baseline_part, baseline_column) if baseline_part else None,
                    "baseline_span_from": _span_from(baseline_part, baseline_column),
                    "target_year": target_year,
                    "target_value": _decimal(part),
                    "comparator": part.comparator,
                    "target_notation": part.text,
                    "kind": kind_of(part),
                    "is_cumulative": part.cumulative,
                    "is_annual_average": part.annual_average,
                    "linked_indicator": "gdp_growth" if part.linked else None,
                    "linked_relation": part.linked,
                    "assigned_by": part.assigned_by,
                    "attribute": row.attribute,
                    "footnotes": [],
                    "completed": (
                        {"year": completed.year, "value": _decimal(finished_part), "printed": finished}
                        if completed and completed.year and finished_part and finished_part.value is not None
                        else None
                    ),
                }
            )
        problems += [{"line": row.line, "row": row.row, "label_zh": row.label, "problem": p} for p in row_problems]
    if not start <= target_year <= end:
        outside = f"the target year {target_year} lies outside the plan's {start}–{end}"
        problems.append({"line": None, "row": "", "label_zh": "", "problem": outside})
    notes = [{"number": number, "text": text} for number, text in enumerate(table.notes, start=1)]
    return {"targets": targets, "notes": notes, "problems": problems}


def _before(column: Column, start: int) -> bool:
    return column.key == "target" and column.year is not None and column.year < start


def _parts(row: PlanRow, columns: list[Column]) -> tuple[list[Part], list[str]]:
    parts: list[Part] = []
    problems = [p for p in row.problems if "约束性 nor 预期性" in p]  # the attribute's: kept as read
    for column in columns:
        text = row.raw.get(column.index, "")
        if text in _EMPTY_CELLS:
            continue
        try:
            parts += read_cell(text, annual_average=column.annual_average, cumulative=column.cumulative)
        except NotationProblem as problem:
            problems.append(str(problem))
    if not parts and not problems:
        problems.append("no target in the row")
    return parts, problems


def _cells(row: PlanRow, column: Column | None, count: int, start: int) -> list[tuple[str, Part | None, str]]:
    """The baseline (or completed) cell's part for each of the row's `count` targets."""
    text = row.raw.get(column.index, "") if column else ""
    if text in _EMPTY_CELLS:
        return [("", None, "")] * max(count, 1)
    try:
        parts = read_cell(text)
    except NotationProblem as problem:
        return [(text, None, str(problem))] * max(count, 1)
    if len(parts) != count:
        return [(text, parts[0], "")] * max(count, 1) if count == 1 else [(text, None, "")] * count
    return [(part.text, part, "") for part in parts]


def _decimal(part: Part | None) -> str | None:
    return str(part.value) if part is not None and part.value is not None else None


def _year(part: Part, column: Column | None) -> int | None:
    return part.reference_year or (column.year if column else None)


def _span_from(part: Part | None, column: Column | None) -> int | None:
    if part is None or not (part.annual_average or part.cumulative):
        return None
    year = _year(part, column)
    return year - 4 if year else None
