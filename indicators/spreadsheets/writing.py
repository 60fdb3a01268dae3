"""Downloads: figures and plan tables as CSV (UTF-8 with BOM, for Excel) and XLSX (openpyxl).

Text a spreadsheet could run as a formula (starting with = + - @, or a tab or
carriage return) is written with a leading apostrophe, so a note or source typed
by a user is never executed when the file is opened. In XLSX, figures and years are
numeric cells with a number format that shows them as printed (gzplan.lib.cells.workbook_cell),
so a spreadsheet can sum and chart them; every figure has a column saying its year.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pandas as pd
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from gzplan.lib.cells import safe_cell, workbook_cell
from indicators.models import Plan, ReportedValue, Target
from indicators.progress.engine import Evaluation, Observation


class PlanTableRow(Protocol):
    """What the plan table reads of a row (indicators.web.dashboards.TargetRow): a target and its verdict."""

    @property
    def target(self) -> Target: ...

    @property
    def evaluation(self) -> Evaluation: ...

    @property
    def latest(self) -> Observation | None: ...

    @property
    def latest_is_baseline(self) -> bool: ...


def _frame(records: Sequence[Mapping[str, object]], columns: list[str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.map(safe_cell) if not frame.empty else frame


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def records_download(
    records: Sequence[Mapping[str, object]],
    basename: str,
    fmt_: str,
    sheet: str,
    *,
    title: str = "",
    columns: list[str] | None = None,
) -> HttpResponse:
    """Rows as a CSV or XLSX download, cells made safe (`columns`: their order, and the header of no
    rows); `title` goes in a merged first row of the XLSX sheet."""
    if fmt_ == "csv":
        # CSV is text whatever the cell: written as it always was (pandas), byte for byte.
        body = _frame(records, columns).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        names = columns if columns is not None else list(records[0]) if records else []
        response = HttpResponse(xlsx_bytes(records, names, sheet, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt_}"'
    return response


def xlsx_bytes(records: Sequence[Mapping[str, object]], columns: list[str], sheet: str, *, title: str = "") -> bytes:
    """One sheet: an optional merged title row, a bold header, then a row per record, each cell typed
    (numbers as numbers in their printed precision, years without a thousands separator)."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None  # a new workbook has its one sheet
    worksheet.title = sheet[:31]
    row = 1
    if title:
        worksheet.cell(row=1, column=1, value=title)
        worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(columns)))
        row = 2
    for column, name in enumerate(columns, start=1):
        worksheet.cell(row=row, column=column, value=name).font = Font(bold=True)
    for record in records:
        row += 1
        for column, name in enumerate(columns, start=1):
            value, number_format = workbook_cell(record.get(name))
            cell = worksheet.cell(row=row, column=column, value=value)
            cell.number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VALUE_COLUMNS = ["area_code", "area_zh", "area_en", "indicator", "indicator_zh", "indicator_en", "unit", "year",
                 "quarter", "span_from", "reference_year", "value", "qualifier", "notation", "status", "source",
                 "note"]  # fmt: skip


def values_download(values: Iterable[ReportedValue], basename: str, fmt_: str) -> HttpResponse:
    records = [
        {
            "area_code": v.area.code,
            "area_zh": v.area.name_zh,
            "area_en": v.area.name_en,
            "indicator": v.indicator.code,
            "indicator_zh": v.indicator.name_zh,
            "indicator_en": v.indicator.name_en,
            "unit": v.indicator.unit_zh,
            "year": v.year,
            "quarter": v.quarter or "",
            "span_from": v.span_from if v.span_from != v.year else "",
            "reference_year": v.reference_year if v.reference_year != v.year else "",
            "value": v.value,
            "qualifier": v.qualifier,
            "notation": v.notation,
            "status": v.status,
            "source": v.source,
            "note": v.note,
        }
        for v in values
    ]
    # The CSV's columns come from its rows, as they always have; the workbook has its header even when empty.
    return records_download(records, basename, fmt_, "values", columns=None if fmt_ == "csv" else VALUE_COLUMNS)


def plan_table_xlsx(plan: Plan, rows: Iterable[PlanTableRow]) -> HttpResponse:
    records: list[dict[str, object]] = []
    language = get_language() or "zh-hans"
    status_words = dict(ReportedValue.Status.choices)
    for row in rows:
        t, e, latest = row.target, row.evaluation, row.latest
        if latest is None:
            figure_status = ""
        elif row.latest_is_baseline:
            figure_status = _("baseline")
        else:
            figure_status = str(status_words.get(latest.status, latest.status))
        records.append(
            {
                _("Category"): t.category_zh,
                _("No."): t.row,
                _("Indicator"): t.label_zh or t.indicator.name_zh,
                _("Unit"): t.unit_label,
                # Each figure as printed (with its qualifier: 约14, >97), as a number, and the year it measures.
                _("Baseline"): t.baseline_notation,
                _("Baseline value"): t.baseline_value,
                _("Baseline year"): t.baseline_year,
                _("Target"): t.target_notation,
                _("Target value"): t.target_value,
                _("Target year"): t.target_year,
                _("Attribute"): t.get_attribute_display(),
                # The latest single-year figure (as on the pages), then the figure the verdict judged: for a
                # five-year total or annual average that is the total or average, not one year's figure.
                _("Latest figure"): latest.value if latest else None,
                _("Latest figure year"): latest.measured_year if latest else None,
                _("Latest figure status"): figure_status,
                _("Figure judged"): e.value,
                _("Year judged"): e.reference_year or e.year,
                _("Status"): e.label(language),
                _("Explanation"): e.explanation(language),
                _("Notes"): "; ".join(f"注{n.number}" for n in t.footnotes.all()),
            }
        )
    return records_download(records, f"gzplan-{plan.code}", "xlsx", plan.code)
