"""The review report downloads: /plans/<code>/report.pdf and report.docx (and under /en/ in English)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gzplan.lib.pages import refusal_page
from indicators.models import Plan
from reports import content, services
from reports.models import ReportState


def _refuse(request: HttpRequest, message: str, status: int, plan: Plan) -> HttpResponse:
    """A report that cannot be had: the reason, and the way back to the plan, whose page lists the reports there are."""
    back_label = _("The reports of %(plan)s") % {"plan": plan.name}
    return refusal_page(request, message, status, back_url=reverse("plan", args=[plan.code]), back_label=back_label)


def report_language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def report_file(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The plan's report in the page's language: the file when ready, else a page showing its progress."""
    plan = get_object_or_404(Plan.objects.select_related("area", "source_document"), code=code)
    text = request.GET.get("year", "").strip()
    if text and not (text.isascii() and text.isdigit() and len(text) == 4):
        return _refuse(
            request, _("“%(year)s” is not a year: give four digits, such as 2026.") % {"year": text}, 400, plan
        )
    try:
        obtained = services.obtain(plan, report_language(), fmt, int(text) if text else None)
    except content.NoSuchReport as problem:
        return _refuse(request, str(problem), 404, plan)
    document = obtained.document
    if document.state == ReportState.DONE:
        response = HttpResponse(bytes(document.data or b""), content_type=services.FORMATS[fmt][0])
        name = f"{plan.code}-{obtained.report.kind}-{obtained.report.year}-{obtained.report.language}.{fmt}"
        response["Content-Disposition"] = content_disposition_header(False, name) or ""
        response["X-Gzplan-Report-Fingerprint"] = document.fingerprint
        return response
    return render(
        request,
        "reports/preparing.html",
        {"plan": plan, "report": obtained.report, "document": document, "fmt": fmt.upper()},
        status=202,
    )
