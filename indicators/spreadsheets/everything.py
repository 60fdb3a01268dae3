"""Everything in the database as portable tables, and back: CSV (a zip), XLSX or JSON.

Each table is one model; foreign keys are written as the natural keys people use (area
codes, indicator and plan codes, source keys), so an export reads on its own and imports
into an empty database. `import_everything()` writes in one transaction and is all or
nothing. Text that a spreadsheet could run as a formula is written with a leading
apostrophe in CSV and XLSX, and read back without it. In XLSX, numbers, years and
booleans are typed cells; they read back as the same text as the CSV's.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import models, transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from districts.models import Area
from gzplan.lib.cells import FORMULA_STARTS, workbook_cell
from gzplan.lib.numbers import plain_number
from indicators.models import Indicator, Plan, PlanNote, ReportedValue, SourceDocument, Target
from indicators.services.loading import load_object, set_footnotes

FORMAT_VERSION = 1
# Table name, model, natural key fields; in the order they can be loaded.
TABLES = [
    ("sources", SourceDocument, ["key"]),
    ("areas", Area, ["code"]),
    ("indicators", Indicator, ["code"]),
    ("plans", Plan, ["code"]),
    ("plan_notes", PlanNote, ["plan", "number"]),
    ("targets", Target, ["plan", "indicator", "target_year"]),
    ("values", ReportedValue, ["area", "indicator", "year", "quarter", "span_from"]),
]
# Written by the system, not data: left out of the export.
SKIPPED = {"id", "entered_by", "created_at", "updated_at"}
NATURAL = {SourceDocument: "key", Area: "code", Indicator: "code", Plan: "code"}


class PortableError(Exception):
    pass


def _fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED]


def _columns(model) -> list[str]:
    columns = [f.name for f in _fields(model)]
    if model is Target:
        columns.append("footnotes")
    return columns


def rows_of(model) -> list[dict]:
    """Every object of the model as a row of plain values (natural keys for relations)."""
    fields = _fields(model)
    lookups = {}
    for f in fields:
        if f.is_relation and isinstance(f.related_model, type):  # a concrete relation names its model
            lookups[f.name] = f"{f.name}__{NATURAL[f.related_model]}"
    query = model._default_manager.order_by("pk")
    names = [lookups.get(f.name, f.name) for f in fields]
    rows = []
    for values in query.values_list(*names):
        rows.append({f.name: _plain(v) for f, v in zip(fields, values, strict=True)})
    if model is Target:
        notes: dict[int, list[int]] = {}
        through = Target.footnotes.through.objects.values_list("target_id", "plannote__number").order_by(
            "plannote__number"
        )
        for target_id, number in through:
            notes.setdefault(target_id, []).append(number)
        for row, pk in zip(rows, query.values_list("pk", flat=True), strict=True):
            row["footnotes"] = " ".join(str(n) for n in notes.get(pk, []))
    return rows


def _plain(value):
    return plain_number(value) if isinstance(value, Decimal) else value


def export_everything() -> dict[str, list[dict]]:
    return {name: rows_of(model) for name, model, _ in TABLES}


def _text_fields(model) -> set[str]:
    return {f.name for f in _fields(model) if isinstance(f, models.CharField | models.TextField) and not f.is_relation}


def _escape(model, row: dict) -> dict:
    text = _text_fields(model)
    return {
        k: ("'" + v if k in text and isinstance(v, str) and v.startswith(FORMULA_STARTS) else v) for k, v in row.items()
    }


def to_json(data: dict) -> bytes:
    return json.dumps({"format": "gzplan", "version": FORMAT_VERSION, "tables": data}, ensure_ascii=False,
                      indent=1).encode()  # fmt: skip


def to_csv_zip(data: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, model, _ in TABLES:
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=_columns(model), lineterminator="\r\n")
            writer.writeheader()
            for row in data[name]:
                writer.writerow({k: "" if v is None else v for k, v in _escape(model, row).items()})
            archive.writestr(f"{name}.csv", out.getvalue().encode("utf-8-sig"))
    return buffer.getvalue()


def to_xlsx(data: dict) -> bytes:
    """A sheet per table; numbers, years and booleans in typed cells (a spreadsheet sums and filters them),
    text as text. A decimal a spreadsheet's float cannot hold exactly is written as text instead
    (gzplan.lib.cells.workbook_cell), so reading the export back never rounds a figure."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # a new workbook's empty sheet: each table gets its own
    for name, model, _ in TABLES:
        worksheet = workbook.create_sheet(name)
        columns = _columns(model)
        kinds = {f.name: f for f in _fields(model) if not f.is_relation}
        for column, heading in enumerate(columns, start=1):
            worksheet.cell(row=1, column=column, value=heading).font = Font(bold=True)
        for number, row in enumerate(data[name], start=2):
            escaped = _escape(model, row)
            for column, heading in enumerate(columns, start=1):
                value, number_format = workbook_cell(_typed(kinds.get(heading), escaped.get(heading)))
                cell = worksheet.cell(row=number, column=column, value=value)
                cell.number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _typed(field: models.Field | None, value):
    """A row's value (decimals as the text rows_of gives) as the type its field holds, for a typed cell;
    text fields and relations' natural keys (area codes are text) stay text."""
    if isinstance(field, models.DecimalField) and isinstance(value, str) and value:
        return Decimal(value)
    return value


def read_export(name: str, data: bytes) -> dict[str, list[dict]]:
    """The tables of an export in any of the three formats, cells as text (None for empty)."""
    if data[:4] == b"PK\x03\x04" and name.endswith(".zip"):
        tables = {}
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for table, model, _ in TABLES:
                try:
                    text = archive.read(f"{table}.csv").decode("utf-8-sig")
                except KeyError:
                    raise PortableError(f"the archive has no {table}.csv") from None
                tables[table] = [_unescape(model, row) for row in csv.DictReader(io.StringIO(text))]
        return tables
    if data[:4] == b"PK\x03\x04":
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, keep_default_na=False)
        tables = {}
        for table, model, _ in TABLES:
            if table not in sheets:
                raise PortableError(f"the workbook has no sheet {table}")
            tables[table] = [_unescape(model, row) for row in sheets[table].to_dict("records")]
        return tables
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PortableError(f"not a gzplan export (zip of CSV, XLSX or JSON): {exc}") from None
    if not isinstance(document, dict) or document.get("format") != "gzplan":
        raise PortableError('not a gzplan export: the JSON has no "format": "gzplan"')
    return {t: [{k: _json_text(v) for k, v in row.items()} for row in document["tables"].get(t, [])]
            for t, _, _ in TABLES}  # fmt: skip


def _json_text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


def _unescape(model, row: dict) -> dict:
    text = _text_fields(model)
    out = {}
    for key, value in row.items():
        value = None if value == "" and key not in text else value
        if (
            key in text
            and isinstance(value, str)
            and value.startswith("'")
            and value[1:2]
            and value[1:].startswith(FORMULA_STARTS)
        ):
            value = value[1:]
        out[key] = "" if value is None and key in text else value
    return out


IMPORT_REASON = "imported from an export"


def import_everything(tables: dict[str, list[dict]]) -> dict[str, int]:
    """Create or update every object of the export, in one transaction; returns counts per table."""
    counts = {}
    related = _Related()
    with transaction.atomic():
        for name, model, key_fields in TABLES:
            counts[name] = 0
            for number, row in enumerate(tables.get(name, []), start=2):
                try:
                    _save(model, key_fields, row, related)
                except ValidationError as exc:
                    raise PortableError(f"{name}, row {number}: {'; '.join(exc.messages)}") from None
                except (ValueError, TypeError, KeyError, models.ObjectDoesNotExist) as exc:
                    raise PortableError(f"{name}, row {number}: {exc}") from None
                counts[name] += 1
    return counts


class _Related:
    """Objects by natural key, fetched once per key for the whole import (not a query per row)."""

    def __init__(self):
        self.found: dict[tuple, models.Model] = {}

    def get(self, model, key):
        if (model, key) not in self.found:
            self.found[(model, key)] = model._default_manager.get(**{NATURAL[model]: key})
        return self.found[(model, key)]


def _convert(field: models.Field, raw, related: _Related):
    if field.is_relation:
        if raw in (None, ""):
            return None
        return related.get(field.related_model, raw)
    if raw is None or raw == "":
        if isinstance(field, models.CharField | models.TextField):
            return ""
        if isinstance(field, models.BooleanField):
            return False
        return None
    if isinstance(field, models.BooleanField):
        return str(raw).strip().lower() in ("1", "true", "yes")
    if isinstance(field, models.DecimalField):
        return Decimal(str(raw))
    if isinstance(field, models.IntegerField):
        return int(str(raw).split(".")[0]) if str(raw).endswith(".0") else int(raw)
    return raw


def _save(model, key_fields: list[str], row: dict, related: _Related) -> None:
    fields = {f.name: f for f in _fields(model)}
    values = {}
    for name, field in fields.items():
        if name in row:
            values[name] = _convert(field, row[name], related)
    lookup = {k: values.pop(k) for k in key_fields}
    obj, _ = load_object(model, lookup, values, reason=IMPORT_REASON)
    if model is Target:
        numbers = [int(n) for n in (row.get("footnotes") or "").split()]
        set_footnotes(obj, PlanNote.objects.filter(plan=obj.plan, number__in=numbers))
