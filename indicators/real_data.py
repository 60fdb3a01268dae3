"""Load the real plan data from the CSV files in fixtures/.

The files are read and checked in full before anything is written; the writes
then run in one transaction. A missing file, an unknown column, a malformed or
dangling cell stops the load with a message naming the file, the row and the
column, and the database is left as it was. Running the load again changes
nothing (rows are matched on their natural keys and saved only when they differ),
so no spurious history is recorded.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from districts.models import POSITIONING_FIELDS, Area
from indicators.domain import FIRST_YEAR, LAST_YEAR
from indicators.models import (
    METADATA_FIELDS,
    TARGET_COMPARATORS,
    Assessment,
    AssignedBy,
    Attribute,
    Comparator,
    Direction,
    Indicator,
    IndicatorCategory,
    LinkedRelation,
    Measure,
    Plan,
    PlanKind,
    PlanNote,
    ReportedValue,
    SourceDocument,
    Target,
    ValueStatus,
)
from indicators.services.loading import load_object, set_footnotes

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
HISTORY_REASON = "loaded from fixtures/ (real data)"


class FixtureError(Exception):
    """A problem in a fixture file, located by file, row and column."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column = file, row, column
        where = file
        if row is not None:
            where += f", row {row}"
        if column:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


# --- cell parsers: each takes the raw text and returns a value or raises ValueError ---


def text(raw: str) -> str:
    return raw.strip()


def required(raw: str) -> str:
    value = raw.strip()
    if not value:
        raise ValueError("is required")
    return value


def decimal(raw: str) -> Decimal | None:
    value = raw.strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def required_decimal(raw: str) -> Decimal:
    number = decimal(raw)
    if number is None:
        raise ValueError("is required")
    return number


def year(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise ValueError(f"{value!r} is not a year between {FIRST_YEAR} and {LAST_YEAR}")
    return int(value)


def required_year(raw: str) -> int:
    value = year(raw)
    if value is None:
        raise ValueError("is required")
    return value


def positive_int(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{value!r} is not a positive whole number")
    return int(value)


def flag(raw: str) -> bool:
    value = raw.strip()
    if value not in ("", "0", "1"):
        raise ValueError(f"{value!r} is not 1, 0 or empty")
    return value == "1"


def one_of(choices: Iterable[str], blank: bool = False) -> Callable[[str], str]:
    allowed = [str(c) for c in choices]

    def parse(raw: str) -> str:
        value = raw.strip()
        if value == "" and blank:
            return ""
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    return parse


def numbers_list(raw: str) -> list[int]:
    value = raw.strip()
    if not value:
        return []
    try:
        return [int(part) for part in value.split(";")]
    except ValueError:
        raise ValueError(f"{value!r} is not a ';'-separated list of note numbers") from None


@dataclass
class Row:
    file: str
    number: int  # the line in the file, counting the header as line 1
    cells: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.cells[key]

    def error(self, message: str, column: str | None = None) -> FixtureError:
        return FixtureError(self.file, message, self.number, column)


SCHEMAS: dict[str, dict[str, Callable[[str], Any]]] = {
    "sources.csv": {
        "key": required,
        "file": text,
        "title_zh": text,
        "title_en": text,
        "publisher": text,
        "published": text,
        "url": text,
        "note": text,
    },
    "areas.csv": {
        "code": required,
        "level": one_of(Area.Level.values),
        "parent": text,
        "name_zh": required,
        "name_en": required,
        "positioning_zh": text,
        "focus_zh": text,
        "platforms_zh": text,
        "positioning_en": text,
        "focus_en": text,
        "platforms_en": text,
        "source": text,
        "source_ref": text,
    },
    "plans.csv": {
        "code": required,
        "area": required,
        "kind": one_of(PlanKind.values),
        "name_zh": required,
        "name_en": required,
        "period_start": required_year,
        "period_end": required_year,
        "source": required,
        "source_ref": text,
        "note": text,
    },
    "indicators.csv": {
        "code": required,
        "name_zh": required,
        "name_en": required,
        "unit_zh": text,
        "unit_en": text,
        "category": one_of(IndicatorCategory.values),
        "direction": one_of(Direction.values),
        "measure": one_of(Measure.values),
        "growth_of": text,
        "note": text,
    },
    # What a source states about an indicator (Open SDG's metadata), cited; the columns left blank are not set,
    # so a reload keeps what was entered in the admin console for them.
    "indicator_metadata.csv": {
        "code": required,
        **{f"{key}_{lang}": text for key, _label in METADATA_FIELDS for lang in ("zh", "en")},
        "source": required,
        "source_ref": required,
    },
    "plan_notes.csv": {
        "plan": required,
        "number": positive_int,
        "text_zh": required,
        "source": text,
        "source_ref": text,
    },
    "targets.csv": {
        "plan": required,
        "row": text,
        "part": positive_int,
        "category_zh": text,
        "label_zh": text,
        "indicator": required,
        "unit_label": text,
        "baseline_value": decimal,
        "baseline_qualifier": one_of(Comparator.values, blank=True),
        "baseline_year": year,
        "baseline_span_from": year,
        "baseline_notation": text,
        "target_year": year,  # required, but read from the plan's table for a row of it
        "target_value": decimal,
        "comparator": one_of([c.value for c in TARGET_COMPARATORS], blank=True),
        "target_notation": text,
        "cumulative": flag,
        "annual_average": flag,
        "planning_scale": flag,
        "linked_indicator": text,
        "linked_relation": one_of(LinkedRelation.values, blank=True),  # blank: in step
        "assigned_by": one_of(AssignedBy.values, blank=True),
        "attribute": one_of(Attribute.values, blank=True),
        "tolerance": decimal,
        "assessment": one_of(Assessment.values, blank=True),
        "assessment_source": text,
        "original_value": decimal,
        "revision_reason": text,
        "footnotes": numbers_list,
        "note": text,
        "source": required,
        "source_ref": text,
    },
    "plan_table_corrections.csv": {
        "plan": required,
        "row": required,
        "part": positive_int,
        "field": required,
        "value": text,
        "reason": required,
    },
    "values.csv": {
        "area": required,
        "indicator": required,
        "year": required_year,
        "quarter": text,
        "span_from": year,
        "reference_year": year,
        "value": required_decimal,
        "qualifier": one_of(Comparator.values, blank=True),
        "notation": text,
        "status": one_of(ValueStatus.values),
        "source": required,
        "source_ref": text,
        "note": text,
    },
    # A plan's annex of major projects (重大建设项目): the printed total, each programme's row and, where the
    # source lists them, its projects. Checked to add up; each programme is a target of the plan in targets.csv.
    "major_projects.csv": {
        "plan": required,
        "programme": positive_int,  # empty on the total row
        "number": positive_int,  # a project's number in its programme; empty on the total and programme rows
        "name_zh": required,
        "projects": positive_int,  # the number of projects printed for the total or programme
        "total_investment": required_decimal,
        "planned_investment": required_decimal,
        "indicator": text,  # a programme's indicator: its target in targets.csv is the planned investment
        "source": required,
        "source_ref": text,
        "note": text,
    },
}
LOAD_ORDER = list(SCHEMAS)
INVESTMENT_COLUMNS = ("total_investment", "planned_investment")


def read_file(directory: Path, name: str) -> list[Row]:
    """Read one fixture file and parse every cell, or raise FixtureError."""
    path = directory / name
    schema = SCHEMAS[name]
    if not path.is_file():
        raise FixtureError(name, f"file not found in {directory}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, strict=True)
            header = reader.fieldnames or []
            missing = [column for column in schema if column not in header]
            if missing:
                raise FixtureError(name, f"missing column(s): {', '.join(missing)}", row=1)
            unknown = [column for column in header if column not in schema]
            if unknown:
                raise FixtureError(name, f"unknown column(s): {', '.join(unknown)}", row=1)
            rows = []
            for raw in reader:
                number = reader.line_num
                extra = raw.pop(None, None)
                short = sum(value is None for value in raw.values())
                if extra or short:
                    found = len(header) + len(extra or []) - short
                    raise FixtureError(name, f"has {found} cells, the header has {len(header)}", row=number)
                row = Row(name, number)
                for column, parse in schema.items():
                    try:
                        row.cells[column] = parse(raw[column])
                    except ValueError as exc:
                        raise FixtureError(name, str(exc), number, column) from None
                rows.append(row)
    except UnicodeDecodeError as exc:
        raise FixtureError(name, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise FixtureError(name, f"malformed CSV: {exc}") from None
    return rows


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


# The columns of targets.csv a plan's table determines: for a plan whose table is kept as published
# under plan_tables/, they are read from it through the plan-table parser and left blank in targets.csv,
# which keeps the indicator each row measures and what the analyst added (notes, revisions, judgements);
# plan_table_corrections.csv records, with its reason, each judgement the printed notation cannot decide.
TABLE_COLUMNS = {
    "category_zh": "category_zh",
    "label_zh": "label_zh",
    "unit_label": "unit_label",
    "baseline_value": "baseline_value",
    "baseline_qualifier": "baseline_qualifier",
    "baseline_year": "baseline_year",
    "baseline_span_from": "baseline_span_from",
    "baseline_notation": "baseline",
    "target_year": "target_year",
    "target_value": "target_value",
    "comparator": "comparator",
    "target_notation": "target_notation",
    "cumulative": "is_cumulative",
    "annual_average": "is_annual_average",
    "planning_scale": "is_planning_scale",
    "linked_indicator": "linked_indicator",
    "linked_relation": "linked_relation",
    "assigned_by": "assigned_by",
    "attribute": "attribute",
    "footnotes": "footnotes",
}


def _cell(column: str, parsed: Any) -> Any:
    """A value of the parse as the loader's cell for `column` (numbers as Decimal, None as blank)."""
    if column in ("baseline_value", "target_value"):
        return None if parsed is None else Decimal(parsed)
    if column in ("baseline_year", "baseline_span_from", "target_year"):
        return parsed
    if column in ("cumulative", "annual_average", "planning_scale"):
        return bool(parsed)
    if column == "footnotes":
        return list(parsed)
    return parsed or ""


class Loader:
    def __init__(self, directory: Path):
        self.directory = directory
        self.rows = {name: read_file(directory, name) for name in LOAD_ORDER}
        self._read_plan_tables()
        self._check_major_projects()
        self.changed = 0
        self.kept: list[str] = []
        self.counts: dict[str, int] = {}
        self._seen: dict[tuple, int] = {}

    def _read_plan_tables(self) -> None:
        """Fill the table columns of targets.csv from each plan's table as published (plan_tables/<plan>.txt),
        read by the plan-table parser, then apply the recorded corrections. Everything is checked before
        anything is written: a parse problem, a table row without its targets.csv row or the reverse, a
        table column filled in by hand, a correction of nothing."""
        from indicators.spreadsheets.plantable import TableProblem, read_text, to_json

        corrections: dict[tuple[str, str, int], list[Row]] = {}
        for row in self.rows["plan_table_corrections.csv"]:
            if row["field"] not in TABLE_COLUMNS:
                raise row.error(f"{row['field']!r} is not a column a plan's table determines", "field")
            corrections.setdefault((row["plan"], row["row"], row["part"] or 1), []).append(row)
        used: set[int] = set()
        for plan in self.rows["plans.csv"]:
            path = self.directory / "plan_tables" / f"{plan['code']}.txt"
            if not path.is_file():
                continue
            name = f"plan_tables/{path.name}"
            try:
                table = to_json(
                    read_text(path.read_text(encoding="utf-8")), start=plan["period_start"], end=plan["period_end"]
                )
            except (TableProblem, UnicodeDecodeError) as exc:
                raise FixtureError(name, str(exc)) from None
            if table["problems"]:
                first = table["problems"][0]
                raise FixtureError(name, f"row {first['row']} ({first['label_zh']}): {first['problem']}", first["line"])
            parsed = {(t["row"], t["part"]): t for t in table["targets"]}
            listed = set()
            for row in self.rows["targets.csv"]:
                if row["plan"] != plan["code"] or not row["row"]:
                    continue
                key = (row["row"], row["part"] or 1)
                listed.add(key)
                target = parsed.get(key)
                if target is None:
                    raise row.error(f"{name} has no row {key[0]} part {key[1]}", "row")
                for column, field_name in TABLE_COLUMNS.items():
                    value = row[column]
                    if not (value is None or value is False or value == "" or value == []):
                        raise row.error(
                            f"is read from {name}; record a change in plan_table_corrections.csv with its reason",
                            column,
                        )
                    row.cells[column] = _cell(column, target[field_name])
                for correction in corrections.get((plan["code"], *key), []):
                    used.add(id(correction))
                    try:
                        row.cells[correction["field"]] = SCHEMAS["targets.csv"][correction["field"]](
                            correction["value"]
                        )
                    except ValueError as exc:
                        raise correction.error(str(exc), "value") from None
            for key in parsed.keys() - listed:
                raise FixtureError(
                    "targets.csv", f"row {key[0]} part {key[1]} of {name} has no row naming its indicator"
                )
            notes = [(n["number"], n["text"]) for n in table["notes"]]
            kept = [(n["number"], n["text_zh"]) for n in self.rows["plan_notes.csv"] if n["plan"] == plan["code"]]
            if notes != kept:
                raise FixtureError("plan_notes.csv", f"the notes of {plan['code']} differ from those under {name}")
        for row in self.rows["plan_table_corrections.csv"]:
            if id(row) not in used:
                raise row.error("corrects no row of a plan table kept under plan_tables/", "row")
        for row in self.rows["targets.csv"]:
            if row["target_year"] is None:
                raise row.error("is required", "target_year")

    def _check_major_projects(self) -> None:
        """Check the annexes of major projects before anything is written: the projects listed under a programme
        are all of them and add up to the programme's row, the programmes add up to the printed total (the
        number of projects, the total and the planned investment), and each programme's planned investment is
        the five-year target of its indicator in targets.csv."""
        name = "major_projects.csv"
        plans = {row["code"] for row in self.rows["plans.csv"]}
        indicators = {row["code"] for row in self.rows["indicators.csv"]}
        sources = {row["key"] for row in self.rows["sources.csv"]}
        totals: dict[str, Row] = {}
        programmes: dict[tuple[str, int], Row] = {}
        projects: dict[tuple[str, int], list[Row]] = {}
        for row in self.rows[name]:
            if row["plan"] not in plans:
                raise row.error(f"unknown plan {row['plan']!r}", "plan")
            if row["source"] not in sources:
                raise row.error(f"unknown source {row['source']!r}", "source")
            if row["planned_investment"] > row["total_investment"]:
                raise row.error(
                    f"the planned investment {row['planned_investment']} exceeds the total investment "
                    f"{row['total_investment']}",
                    "planned_investment",
                )
            key = (row["plan"], row["programme"])
            if row["programme"] is None:
                if row["number"] is not None:
                    raise row.error("a project needs the number of its programme", "programme")
                if row["plan"] in totals:
                    raise row.error(f"repeats the total of {row['plan']} (row {totals[row['plan']].number})")
                totals[row["plan"]] = row
            elif row["number"] is None:
                if key in programmes:
                    raise row.error(f"repeats programme {row['programme']} (row {programmes[key].number})", "programme")
                programmes[key] = row
            else:
                projects.setdefault(key, []).append(row)
            if row["number"] is None and row["projects"] is None:
                raise row.error("is required: the number of projects printed", "projects")
            if row["number"] is None and row["programme"] is not None and row["indicator"] not in indicators:
                raise row.error(
                    f"unknown indicator {row['indicator']!r}" if row["indicator"] else "is required", "indicator"
                )
        for key, listed in projects.items():
            head = programmes.get(key)
            if head is None:
                raise listed[0].error(
                    f"{key[0]} has no row for programme {key[1]} (list it above its projects)", "programme"
                )
            rows = f"rows {listed[0].number}–{listed[-1].number}" if len(listed) > 1 else f"row {listed[0].number}"
            numbers = [row["number"] for row in listed]
            if numbers != list(range(1, len(listed) + 1)):
                raise head.error(
                    f"its projects ({rows}) are numbered {numbers}, not 1 to {len(listed)} in order", "number"
                )
            if len(listed) != head["projects"]:
                raise head.error(
                    f"{len(listed)} listed ({rows}), the programme prints {head['projects']} projects", "projects"
                )
            for column in INVESTMENT_COLUMNS:
                added = sum(row[column] for row in listed)
                if added != head[column]:
                    raise head.error(
                        f"its projects ({rows}) add up to {added}, the programme prints {head[column]}", column
                    )
        for key, head in programmes.items():
            if key[0] not in totals:
                raise head.error(f"{key[0]} has no total row (the printed 合计)", "plan")
        for plan, total in totals.items():
            heads = [head for key, head in programmes.items() if key[0] == plan]
            rows = ", ".join(str(head.number) for head in heads)
            for column in ("projects", *INVESTMENT_COLUMNS):
                added = sum(head[column] for head in heads)
                if added != total[column]:
                    raise total.error(
                        f"the programmes (rows {rows}) add up to {added}, the total prints {total[column]}", column
                    )
        targets = {(row["plan"], row["indicator"]): row for row in self.rows["targets.csv"]}
        for (plan, _), head in programmes.items():
            target = targets.get((plan, head["indicator"]))
            if target is None:
                raise head.error(f"targets.csv has no target of {plan} for {head['indicator']!r}", "indicator")
            if target["target_value"] != head["planned_investment"] or not target["cumulative"]:
                raise target.error(
                    f"a programme's target is its planned investment over the plan's years: cumulative, "
                    f"{head['planned_investment']} ({name}, row {head.number})",
                    "target_value",
                )

    def lookup(self, row: Row, column: str, table: dict[str, Any], what: str, blank: bool = False):
        key = row[column]
        if not key:
            if blank:
                return None
            raise row.error("is required", column)
        try:
            return table[key]
        except KeyError:
            raise row.error(f"unknown {what} {key!r}", column) from None

    def save(self, row: Row, model, lookup, values):
        key = (row.file, *((k, getattr(v, "code", getattr(v, "pk", v))) for k, v in sorted(lookup.items())))
        if key in self._seen:
            raise row.error(f"repeats row {self._seen[key]} ({', '.join(f'{k}={v}' for k, v in key[1:])})")
        self._seen[key] = row.number
        try:
            obj, outcome = load_object(model, lookup, values, reason=HISTORY_REASON, keep_edited=True)
        except ValidationError as exc:
            raise row.error(_messages(exc)) from None
        except IntegrityError as exc:
            raise row.error(f"refused by the database: {exc}") from None
        self.changed += outcome in ("created", "updated")
        if outcome == "kept":
            self.kept.append(f"{row.file} row {row.number} ({obj})")
        return obj

    def run(self) -> dict[str, int]:
        sources = {}
        for row in self.rows["sources.csv"]:
            sources[row["key"]] = self.save(
                row,
                SourceDocument,
                {"key": row["key"]},
                {k: row[k] for k in ("file", "title_zh", "title_en", "publisher", "published", "url", "note")},
            )
        areas: dict[str, Area] = {}
        for row in self.rows["areas.csv"]:
            values = {k: row[k] for k in ("level", "name_zh", "name_en", "source_ref", *POSITIONING_FIELDS)}
            values["parent"] = self.lookup(row, "parent", areas, "parent area (list parents first)", blank=True)
            values["source_document"] = self.lookup(row, "source", sources, "source", blank=True)
            areas[row["code"]] = self.save(row, Area, {"code": row["code"]}, values)
        plans: dict[str, Plan] = {}
        for row in self.rows["plans.csv"]:
            values = {
                k: row[k] for k in ("kind", "name_zh", "name_en", "period_start", "period_end", "source_ref", "note")
            }
            values["area"] = self.lookup(row, "area", areas, "area")
            values["source_document"] = self.lookup(row, "source", sources, "source")
            plans[row["code"]] = self.save(row, Plan, {"code": row["code"]}, values)
        indicators: dict[str, Indicator] = {}
        for row in self.rows["indicators.csv"]:
            values = {
                k: row[k]
                for k in ("name_zh", "name_en", "unit_zh", "unit_en", "category", "direction", "measure", "note")
            }
            values["growth_of"] = self.lookup(row, "growth_of", indicators, "indicator (list it first)", blank=True)
            indicators[row["code"]] = self.save(row, Indicator, {"code": row["code"]}, values)
        for row in self.rows["indicator_metadata.csv"]:
            self.lookup(row, "code", indicators, "indicator (listed in indicators.csv)")
            values = self._metadata(row)
            values.update(
                metadata_source=self.lookup(row, "source", sources, "source"), metadata_source_ref=row["source_ref"]
            )
            self.save(row, Indicator, {"code": row["code"]}, values)
        notes: dict[tuple[str, int], PlanNote] = {}
        for row in self.rows["plan_notes.csv"]:
            plan = self.lookup(row, "plan", plans, "plan")
            notes[(row["plan"], row["number"])] = self.save(
                row,
                PlanNote,
                {"plan": plan, "number": row["number"]},
                {"text_zh": row["text_zh"], "source_ref": row["source_ref"]},
            )
        self._load_targets(plans, indicators, notes, sources)
        self._load_values(areas, indicators, sources)
        self.counts = {
            "sources": len(sources),
            "areas": len(areas),
            "plans": len(plans),
            "indicators": len(indicators),
            "indicator metadata": len(self.rows["indicator_metadata.csv"]),
            "plan notes": len(notes),
            "targets": len(self.rows["targets.csv"]),
            "values": len(self.rows["values.csv"]),
            "major-project programmes": sum(
                1 for row in self.rows["major_projects.csv"] if row["programme"] and row["number"] is None
            ),
        }
        return self.counts

    @staticmethod
    def _metadata(row: Row) -> dict[str, str]:
        """The metadata a row states, in both languages (a page shows each in its own language); blank cells are
        not stated and left as they are."""
        values = {}
        for key, _label in METADATA_FIELDS:
            zh, en = row[f"{key}_zh"], row[f"{key}_en"]
            if bool(zh) != bool(en):
                raise row.error("is required in both languages, or in neither", f"{key}_en" if zh else f"{key}_zh")
            if zh:
                values.update({f"{key}_zh": zh, f"{key}_en": en})
        if not values:
            raise row.error("states nothing: fill in at least one field")
        return values

    def _load_targets(self, plans, indicators, notes, sources) -> None:
        positions: dict[str, int] = {}
        for row in self.rows["targets.csv"]:
            plan = self.lookup(row, "plan", plans, "plan")
            indicator = self.lookup(row, "indicator", indicators, "indicator")
            positions[row["plan"]] = positions.get(row["plan"], 0) + (1 if row["part"] in (None, 1) else 0)
            values = {
                k: row[k]
                for k in (
                    "row",
                    "category_zh",
                    "label_zh",
                    "unit_label",
                    "baseline_value",
                    "baseline_qualifier",
                    "baseline_year",
                    "baseline_span_from",
                    "baseline_notation",
                    "target_value",
                    "comparator",
                    "target_notation",
                    "attribute",
                    "original_value",
                    "revision_reason",
                    "note",
                    "source_ref",
                    "assigned_by",
                    "tolerance",
                    "assessment",
                    "assessment_source",
                )
            }
            values.update(
                part=row["part"] or 1,
                position=positions[row["plan"]],
                is_cumulative=row["cumulative"],
                is_annual_average=row["annual_average"],
                is_planning_scale=row["planning_scale"],
                linked_relation=row["linked_relation"] or LinkedRelation.IN_STEP,
                linked_indicator=self.lookup(row, "linked_indicator", indicators, "indicator", blank=True),
                source_document=self.lookup(row, "source", sources, "source"),
            )
            if not plan.covers(row["target_year"]):
                raise row.error(
                    f"{row['target_year']} is outside the plan's period {plan.period_start}–{plan.period_end}",
                    "target_year",
                )
            target = self.save(
                row, Target, {"plan": plan, "indicator": indicator, "target_year": row["target_year"]}, values
            )
            wanted = []
            for number in row["footnotes"]:
                note = notes.get((row["plan"], number))
                if note is None:
                    raise row.error(f"plan {row['plan']} has no note {number}", "footnotes")
                wanted.append(note)
            self.changed += set_footnotes(target, wanted)

    def _load_values(self, areas, indicators, sources) -> None:
        for row in self.rows["values.csv"]:
            quarter = row["quarter"]
            if quarter not in ("", "1", "2", "3", "4"):
                raise row.error(f"{quarter!r} is not a quarter (1–4) or empty", "quarter")
            source = self.lookup(row, "source", sources, "source")
            lookup = {
                "area": self.lookup(row, "area", areas, "area"),
                "indicator": self.lookup(row, "indicator", indicators, "indicator"),
                "year": row["year"],
                "quarter": int(quarter or 0),
                "span_from": row["span_from"] or row["year"],
            }
            citation = f"{source.file} {row['source_ref']}".strip()
            values = {
                "reference_year": row["reference_year"] or row["year"],
                "value": row["value"],
                "qualifier": row["qualifier"],
                "notation": row["notation"],
                "status": row["status"],
                "source_document": source,
                "source": citation,
                "note": row["note"],
            }
            self.save(row, ReportedValue, lookup, values)


def load_real_data(directory: Path | None = None) -> Loader:
    """Load every fixture file in one transaction; raise FixtureError and write nothing on bad input."""
    loader = Loader(directory or FIXTURES_DIR)  # reads and parses everything first
    with transaction.atomic():
        loader.run()
    return loader
