"""API: the review reports a plan has, with where to download each (the files are served by the pages)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from ninja import Path, Router
from pydantic import BaseModel, Field

from gzplan.lib.apitools import ONE_ERRORS, Code, not_found
from indicators.models import Plan
from indicators.progress.evaluation import current_year
from reports.models import ReportDocument, ReportState

router = Router(tags=["review reports"])


class ReportFile(BaseModel):
    language: Literal["zh-hans", "en"]
    format: Literal["pdf", "docx"]
    url: str = Field(examples=["/en/plans/guangzhou-13th-fyp/report.pdf?year=2026"])
    ready: bool = Field(description="Whether the file for the current figures is made (else it is made when asked for)")


class ReportOut(BaseModel):
    kind: Literal["final", "midterm", "progress"] = Field(
        description="final: the final evaluation (总结评估), after the period; midterm: the mid-term evaluation "
        "(中期评估), from a five-year plan's third year; progress: a progress report"
    )
    year: int = Field(description="The year the report is written in: it judges the figures of earlier years")
    files: list[ReportFile]


class ReportList(BaseModel):
    plan: str
    items: list[ReportOut]


@router.get(
    "/plans/{code}/reports",
    response={200: ReportList, **ONE_ERRORS},
    summary="A plan's review reports",
)
def plan_reports(request: HttpRequest, code: Code = Path(..., examples=["guangzhou-13th-fyp"])):
    """The mid-term and final evaluations (or this year's progress report) of a plan, each as PDF and Word,
    in Chinese and English. A file is made when first asked for, and again only once the figures, targets
    or commentary it shows change; a large plan's report is made by the worker (the address answers 202
    with its progress until it is ready)."""
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise not_found(f"No plan with code {code}.")
    ready = set(
        ReportDocument.objects.filter(plan=plan, state=ReportState.DONE).values_list("year", "language", "format")
    )
    items = []
    evaluated = plan.reports(current_year()) if plan.targets.exists() else []  # no targets: nothing to evaluate
    for kind, year in evaluated:
        files = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for fmt in ("pdf", "docx"):
                    url = reverse(f"plan-report-{fmt}", args=[plan.code]) + f"?year={year}"
                    files.append(
                        {"language": language, "format": fmt, "url": url, "ready": (year, language, fmt) in ready}
                    )
        items.append({"kind": kind, "year": year, "files": files})
    return {"plan": plan.code, "items": items}
