"""Pages for spreadsheet imports: upload, preview, confirm, progress; and the template to fill in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.access import AuthenticatedHttpRequest, can_edit_area, may_write_values
from districts.models import Area
from indicators.jobs import imports as import_jobs
from indicators.models import ImportBatch, ImportState
from indicators.spreadsheets import everything as portable
from indicators.spreadsheets import writing as exports
from indicators.spreadsheets.reading import MAX_BYTES
from indicators.web.grid import grid_rows, plans_covering

TEMPLATE_COLUMNS = [
    "area",
    "area_name",
    "indicator",
    "indicator_name",
    "unit",
    "year",
    "last_year_value",
    "target",
    "expected",
    "value",
    "status",
    "source",
    "note",
    "version",
]


@login_required
def entry_template(request: AuthenticatedHttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """The spreadsheet to fill in for an area's year: its indicators, units, last year's figures."""
    area = get_object_or_404(Area, code=code)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Unknown format")
    if not can_edit_area(request.user, area):
        raise PermissionDenied(_("You may not enter figures for %(area)s.") % {"area": area.name})
    if not plans_covering(area, year):
        raise Http404("No plan covers the year")
    records: list[dict[str, object]] = []
    for row in grid_rows(area, year):
        records.append(
            {
                "area": area.code,
                "area_name": area.name_zh,
                "indicator": row.indicator.code,
                "indicator_name": row.indicator.name_zh,
                "unit": row.indicator.unit_zh,
                "year": year,
                # Figures as Decimals: the CSV writes them as before (plain_number), the workbook as numbers.
                "last_year_value": row.last_year.value if row.last_year else "",
                "target": row.target.target_notation,
                "expected": round(row.expected, 2) if row.expected is not None else "",
                "value": row.current.value if row.current else "",
                "status": row.current.status if row.current else "preliminary",
                "source": row.current.source if row.current else "",
                "note": row.current.note if row.current else "",
                "version": row.version,
            }
        )
    title = f"{area.name_zh} {year}年 统计值填报 / {area.name_en} {year} figures"
    return exports.records_download(
        records, f"gzplan-{area.code}-{year}", fmt, str(year), title=title, columns=TEMPLATE_COLUMNS
    )


@login_required
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a CSV or Excel file: it is checked and previewed before anything is saved."""
    if not may_write_values(request.user):
        raise PermissionDenied(_("Your account may read but not enter figures."))
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to upload."))
            return redirect("import")
        # Django gives every uploaded file a size, and a name (a form part without a file name is not a
        # file); the type allows None for both, hence the checks.
        if upload.size is not None and upload.size > MAX_BYTES:
            messages.error(request, _("The file is larger than 50 MB: split it."))
            return redirect("import")
        data = upload.read()
        batch = ImportBatch(created_by=request.user, filename=(upload.name or "")[:255])
        import_jobs.start_check(batch, data)  # a worker checks it; the page follows its progress
        batch.refresh_from_db()
        if batch.state == ImportState.REJECTED:  # checked already (a quick worker, or run in the request)
            # Refused at once: the answer says why, and the file leaves no trace (as before it was saved).
            response = render(request, "indicators/import_batch.html", _batch_context(batch), status=422)
            batch.delete()
            return response
        return redirect("import-batch", pk=batch.pk)
    recent = ImportBatch.objects.filter(created_by=request.user)[:10]
    return render(request, "indicators/import_upload.html", {"recent": recent})


def _own_batch(request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied(_("This import belongs to someone else."))
    return batch


@login_required
def import_batch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The preview (added, changed old → new, rejected with reasons), the progress, or the outcome."""
    batch = import_jobs.fail_if_lost(_own_batch(request, pk))
    return render(request, "indicators/import_batch.html", _batch_context(batch))


def _batch_context(batch: ImportBatch) -> dict[str, object]:
    summary = batch.summary or {}
    return {
        "batch": batch,
        "added": summary.get("added", [])[:500],
        "changed": summary.get("changed", [])[:500],
        "added_count": summary.get("added_count", 0),
        "changed_count": summary.get("changed_count", 0),
        "unchanged": summary.get("unchanged", 0),
        "skipped": summary.get("skipped", 0),
        "working": batch.state in (ImportState.CHECKING, ImportState.APPLYING),
        "retryable": import_jobs.can_retry(batch),
        "progress": import_jobs.progress_of(batch.pk),
    }


@login_required
def import_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = import_jobs.fail_if_lost(_own_batch(request, pk))
    return JsonResponse({"state": batch.state, "message": batch.message, **import_jobs.progress_of(batch.pk)})


@require_POST
@login_required
def import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    updated = ImportBatch.objects.filter(pk=batch.pk, state=ImportState.READY).update(state=ImportState.APPLYING)
    if not updated:
        messages.error(request, _("This import cannot be confirmed now (%(state)s).") % {"state": batch.state})
        return redirect("import-batch", pk=batch.pk)
    batch.refresh_from_db()
    import_jobs.start_apply(batch)
    return redirect("import-batch", pk=batch.pk)


@require_POST
@login_required
def import_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Run a failed import's job again (its worker was lost): the check, or the confirmed write."""
    batch = _own_batch(request, pk)
    if not import_jobs.retry(batch):
        messages.error(request, _("This import cannot be tried again (%(state)s).") % {"state": batch.state})
    return redirect("import-batch", pk=batch.pk)


@login_required
def export_everything(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every area, plan, indicator, target and value, in a file that imports back (manage.py import_everything).

    For signed-in users only: building it reads the whole database, which an anonymous visitor could
    otherwise ask for many times at once (the API serves the same data a page at a time)."""
    writers = {
        "zip": (portable.to_csv_zip, "application/zip"),
        "xlsx": (portable.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "json": (portable.to_json, "application/json"),
    }
    if fmt not in writers:
        raise Http404("Unknown format")
    write, content_type = writers[fmt]
    response = HttpResponse(write(portable.export_everything()), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="gzplan-everything.{fmt}"'
    return response
