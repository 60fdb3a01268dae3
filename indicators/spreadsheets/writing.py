"""Downloads: figures and plan tables as CSV (UTF-8 with BOM, for Excel) and XLSX (pandas + openpyxl).

Text a spreadsheet could run as a formula (starting with = + - @, or a tab or
carriage return) is written with a leading apostrophe, so a note or source typed
by a user is never executed when the file is opened.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pandas as pd
from django.http import HttpResponse
from django.utils.translation import gettext as _

from gzplan.lib.cells import safe_cell
from gzplan.lib.numbers import fmt
from indicators.models import Plan, ReportedValue, Target
from indicators.progress.engine import Evaluation


class PlanTableRow(Protocol):
    """What the plan table reads of a row (indicators.web.dashboards.TargetRow): a target and its verdict."""

    @property
    def target(self) -> Target: ...

    @property
    def evaluation(self) -> Evaluation: ...


def _frame(records: Sequence[Mapping[str, object]], columns: list[str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.map(safe_cell) if not frame.empty else frame


def records_download(
    records: Sequence[Mapping[str, object]],
    basename: str,
    fmt_: str,
    sheet: str,
    *,
    title: str = "",
    columns: list[str] | None = None,
) -> HttpResponse:
    """Rows as a CSV or XLSX download, cells made safe (`columns`: their order, and the header of no rows)."""
    return _response(_frame(records, columns), basename, fmt_, sheet, title=title)


def _response(frame: pd.DataFrame, basename: str, fmt_: str, sheet: str, title: str = "") -> HttpResponse:
    """The frame as a CSV or XLSX download; `title` goes in a merged first row of the XLSX sheet."""
    if fmt_ == "csv":
        body = frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name=sheet[:31], startrow=1 if title else 0)
            if title:
                worksheet = writer.sheets[sheet[:31]]
                worksheet.cell(row=1, column=1, value=title)
                worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(frame.columns)))
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt_}"'
    return response


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
    return _response(_frame(records), basename, fmt_, "values")


def plan_table_xlsx(plan: Plan, rows: Iterable[PlanTableRow]) -> HttpResponse:
    records: list[dict[str, object]] = []
    for row in rows:
        t, e = row.target, row.evaluation
        records.append(
            {
                _("Category"): t.category_zh,
                _("No."): t.row,
                _("Indicator"): t.label_zh or t.indicator.name_zh,
                _("Unit"): t.unit_label,
                _("Baseline"): t.baseline_notation,
                _("Target"): t.target_notation,
                _("Attribute"): t.get_attribute_display(),
                _("Latest figure"): fmt(e.value) if e.value is not None else "",
                _("Status"): e.label_zh,
                _("Explanation"): e.explanation_zh,
                _("Notes"): "; ".join(f"注{n.number}" for n in t.footnotes.all()),
            }
        )
    return _response(_frame(records), f"gzplan-{plan.code}", "xlsx", plan.code)
