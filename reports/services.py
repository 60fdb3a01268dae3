"""Make a review report, or hand it to the worker, and keep it until what it says changes.

`obtain()` words the report (a few queries: cheap), and looks for a document with the same
fingerprint. None: a small plan's report is made in the request; a large one is queued for the
worker, which records how many targets it has laid out so the page can show the progress.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from indicators.models import Plan
from reports import content, render
from reports.models import ReportDocument, ReportState

FORMATS = {
    "pdf": ("application/pdf", render.pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", render.docx),
}
LANGUAGES = ("zh-hans", "en")


@dataclass
class Obtained:
    document: ReportDocument
    report: content.Report


def obtain(plan: Plan, language: str, fmt: str, year: int | None = None) -> Obtained:
    """The report's document: ready (made now when small), or queued or being made by the worker."""
    report = content.build(plan, language, year)
    key: dict[str, Any] = {"plan": plan, "language": language, "format": fmt, "year": report.year}
    found = ReportDocument.objects.filter(**key, fingerprint=report.fingerprint).first()
    if found is not None and found.state != ReportState.FAILED and not _stalled(found):
        return Obtained(found, report)
    if report.target_count <= settings.GZPLAN_REPORT_IN_REQUEST_TARGETS:
        data = FORMATS[fmt][1](report)
        document = _keep(key, report, data)
        return Obtained(document, report)
    with transaction.atomic():
        document, _created = ReportDocument.objects.update_or_create(
            **key,
            fingerprint=report.fingerprint,
            defaults={"state": ReportState.QUEUED, "done": 0, "total": report.target_count, "error": ""},
        )
        transaction.on_commit(lambda: _enqueue(document.pk))
    return Obtained(document, report)


def _enqueue(document_id: int) -> None:
    from reports.tasks import make_report  # here: the task module imports this one

    make_report.enqueue(document_id)


def _stalled(document: ReportDocument) -> bool:
    """A queued or running document whose worker stopped reporting progress (killed, lost)."""
    if document.state not in (ReportState.QUEUED, ReportState.RUNNING):
        return False
    age = (timezone.now() - document.updated_at).total_seconds()
    return age > settings.GZPLAN_REPORT_STALE_SECONDS


def _keep(key: dict[str, Any], report: content.Report, data: bytes) -> ReportDocument:
    """Store a finished document and drop the older versions of the same report."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                document, _created = ReportDocument.objects.update_or_create(
                    **key,
                    fingerprint=report.fingerprint,
                    defaults={
                        "state": ReportState.DONE,
                        "data": data,
                        "done": report.target_count,
                        "total": report.target_count,
                        "error": "",
                    },  # fmt: skip
                )
        except IntegrityError:  # another process kept the same version a moment ago
            document = ReportDocument.objects.get(**key, fingerprint=report.fingerprint)
        ReportDocument.objects.filter(**key).exclude(pk=document.pk).exclude(
            state__in=[ReportState.QUEUED, ReportState.RUNNING]
        ).delete()
    return document


def make(document_id: int) -> ReportDocument:
    """The worker's part: word the report afresh, lay it out with progress, keep it."""
    document = ReportDocument.objects.select_related("plan").get(pk=document_id)
    ReportDocument.objects.filter(pk=document_id).update(state=ReportState.RUNNING)
    key: dict[str, Any] = {
        "plan": document.plan,
        "language": document.language,
        "format": document.format,
        "year": document.year,
    }
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 1 or done == total:  # at most a write a second
            last[0] = now
            ReportDocument.objects.filter(pk=document_id).update(done=done, total=total, state=ReportState.RUNNING)

    try:
        report = content.build(document.plan, document.language, document.year)
        data = FORMATS[document.format][1](report, progress)
    except Exception as error:
        ReportDocument.objects.filter(pk=document_id).update(state=ReportState.FAILED, error=str(error)[:2000])
        raise
    if report.fingerprint != document.fingerprint:  # the data changed while it was queued: keep the newer
        ReportDocument.objects.filter(pk=document_id).delete()
    return _keep(key, report, data)
