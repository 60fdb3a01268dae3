"""Pages where analysts enter figures: the entry grid for an area's year, its review, a figure's history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts import reviews
from districts.access import (
    AnyUser,
    AuthenticatedHttpRequest,
    area_scope,
    can_edit_area,
    editable_area_ids,
    frozen_reviews,
    held_years,
    may_review,
)
from districts.models import Area, YearReview
from gzplan.lib.numbers import parse_number, plain_number
from indicators import services
from indicators.domain import year_in_range
from indicators.models import Plan, RejectedEdit, ReportedValue, ValueStatus
from indicators.web.grid import GridRow, grid_rows, jump_too_large, plans_covering


def _areas_for(user: AnyUser) -> QuerySet[Area]:
    scope = area_scope(user)
    areas = Area.objects.order_by("level", "code")
    return areas if scope is None else areas.filter(pk__in=scope)


def grids_open_to(user: AnyUser) -> list[tuple[Area, list[int]]]:
    """The entry grids the user may open, by area: the areas they enter or review figures for, each with
    the years its plans cover (latest first), so the picker offers no area or year that ends on an error
    page. Areas without a plan are left out. Two queries (and the user's scope, once per request)."""
    areas = [a for a in _areas_for(user) if can_edit_area(user, a) or may_review(user, a)]
    if not areas:
        return []
    periods = Plan.objects.all() if area_scope(user) is None else Plan.objects.filter(area__in=areas)
    years: dict[int, set[int]] = {}
    for area_id, start, end in periods.values_list("area_id", "period_start", "period_end"):
        years.setdefault(area_id, set()).update(y for y in range(start, end + 1) if year_in_range(y))
    return [(a, sorted(years[a.pk], reverse=True)) for a in areas if years.get(a.pk)]


@login_required
def entry_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose an area's year among those that have a grid (`?grid=<area code>/<year>`; `?area=&year=` too)."""
    grids = grids_open_to(request.user)
    wanted = request.GET.get("grid", "")
    code, _slash, year_text = wanted.rpartition("/") if wanted else (request.GET.get("area", ""), "", "")
    year_text = year_text if wanted else request.GET.get("year", "")
    if code or year_text:
        year = int(year_text) if year_text.isascii() and year_text.isdigit() and len(year_text) <= 4 else 0
        if any(area.code == code and year in years for area, years in grids):
            return redirect("entry-grid", code=code, year=year)
        messages.error(request, _("Choose one of your areas and a year one of its plans covers."))
    editable = editable_area_ids(request.user)
    default_year = timezone.localdate().year - 1
    first_area_years = grids[0][1] if grids else []
    return render(
        request,
        "indicators/entry_index.html",
        {
            "grids": grids,
            # Chosen at first: last year in the first area if a plan covers it, else its latest covered year.
            "chosen": (grids[0][0].code, default_year if default_year in first_area_years else first_area_years[0])
            if grids
            else None,
            "can_write": editable is None or bool(editable),
        },
    )


def _grid_context(
    request: AuthenticatedHttpRequest, area: Area, year: int, rows: list[GridRow], review: YearReview | None
) -> dict[str, object]:
    return {
        "area": area,
        "year": year,
        "rows": rows,
        "plans": plans_covering(area, year),
        "review": review,
        "frozen": review is not None and review.is_frozen,
        # Submitted for review (the reporting round): held until a reviewer returns or accepts it.
        "held": held_years({(area.pk, year)}).get((area.pk, year), ""),
        "can_write": can_edit_area(request.user, area),
        "can_review": may_review(request.user, area),
        "statuses": [(ValueStatus.PRELIMINARY, _("preliminary")), (ValueStatus.FINAL, _("final"))],
    }


@login_required
def entry_grid(request: AuthenticatedHttpRequest, code: str, year: int) -> HttpResponse:
    """Every indicator the area's plans track in the year: fill in many rows, save once."""
    area = get_object_or_404(Area, code=code)
    if not (can_edit_area(request.user, area) or may_review(request.user, area)):
        raise PermissionDenied(_("You may not enter figures for %(area)s.") % {"area": area.name})
    if not plans_covering(area, year):
        raise Http404(_("No plan of %(area)s covers %(year)s: figures are entered for the years a plan covers.")
                      % {"area": area.name, "year": year})  # fmt: skip
    review = YearReview.objects.filter(area=area, year=year).select_related("reviewed_by", "reopened_by").first()
    rows = grid_rows(area, year)
    if request.method == "POST":
        if not can_edit_area(request.user, area):
            raise PermissionDenied(_("You may not enter figures for %(area)s.") % {"area": area.name})
        saved, status = _save_grid(request, area, year, rows)
        if saved is not None:
            messages.success(
                request,
                _("Saved: %(created)d added, %(updated)d changed, %(unchanged)d unchanged.") % saved,
            )
            return redirect("entry-grid", code=area.code, year=year)
        return render(request, "indicators/entry_grid.html", _grid_context(request, area, year, rows, review),
                      status=status)  # fmt: skip
    return render(request, "indicators/entry_grid.html", _grid_context(request, area, year, rows, review))


def _save_grid(
    request: AuthenticatedHttpRequest, area: Area, year: int, rows: list[GridRow]
) -> tuple[dict[str, int] | None, int]:
    """Read every row, check it, and save all in one transaction.

    Returns the counts, or None (with each row's errors set) and the HTTP status to answer with.
    """
    batch: list[dict[str, object]] = []
    batch_rows: list[GridRow] = []
    for row in rows:
        prefix = row.key
        typed = {
            "value": request.POST.get(f"{prefix}-value", "").strip(),
            "status": request.POST.get(f"{prefix}-status", ""),
            "source": request.POST.get(f"{prefix}-source", "").strip(),
            "note": request.POST.get(f"{prefix}-note", "").strip(),
            "version": request.POST.get(f"{prefix}-version", "0"),
        }
        row.typed = typed
        if not typed["value"]:
            continue  # left empty: nothing to enter for this indicator
        try:
            value = parse_number(typed["value"])
        except ValueError as exc:
            row.errors.append(_("Value: %(problem)s.") % {"problem": exc})
            continue
        if typed["status"] not in (ValueStatus.PRELIMINARY, ValueStatus.FINAL, ValueStatus.REVISED):
            typed["status"] = ValueStatus.PRELIMINARY
        if len(typed["source"]) > 300 or len(typed["note"]) > 2000:
            row.errors.append(_("Source is at most 300 characters, the note 2,000."))
            continue
        last_value = row.last_year.value if row.last_year else None
        change = jump_too_large(last_value, value)
        if change is not None and not typed["note"] and (row.current is None or row.current.value != value):
            row.errors.append(
                _("%(change)+.0f%% on last year's %(last)s: add a note confirming the figure.")
                % {"change": change * 100, "last": plain_number(last_value)}
            )
            continue
        try:
            version = int(typed["version"])
        except ValueError:
            version = 0
        batch.append(
            {
                "area": area.code,
                "indicator": row.indicator.code,
                "year": year,
                "value": value,
                "status": typed["status"],
                "source": typed["source"],
                "note": typed["note"],
                "version": version,
            }
        )
        batch_rows.append(row)
    if any(r.errors for r in rows):
        return None, 422
    try:
        results = services.upsert_values(
            batch, user=request.user, reason=_("entered in the entry grid"), channel="grid"
        )
    except services.BatchRejected as exc:
        for problem in exc.problems:
            row = batch_rows[problem.index]
            row.errors.append(problem.message)
            if problem.code == "conflict":
                row.current = problem.current
        return None, exc.status_code
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for result in results:
        counts[result.outcome] += 1
    return counts, 200


@require_POST
@login_required
def review_year(request: AuthenticatedHttpRequest, code: str, year: int) -> HttpResponse:
    """Mark an area's year as reviewed (freezing its figures), or reopen it with a reason."""
    area = get_object_or_404(Area, code=code)
    if not may_review(request.user, area):
        raise PermissionDenied(_("You may not review %(area)s.") % {"area": area.name})
    action = request.POST.get("action")
    if action == "review":
        reviews.freeze_year(request.user, area, year)
        messages.success(request, _("%(area)s %(year)s is reviewed: its figures are frozen.")
                         % {"area": area.name, "year": year})  # fmt: skip
    elif action == "reopen":
        try:
            reopened = reviews.reopen_year(request.user, area, year, request.POST.get("reason", ""))
        except ValidationError:
            messages.error(request, _("Say why the year is reopened."))
        else:
            if reopened is not None:
                messages.success(request, _("%(area)s %(year)s is reopened.") % {"area": area.name, "year": year})
    return redirect("entry-grid", code=area.code, year=year)


@login_required
def value_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One figure: its versions, who changed it, when, old → new and why, and refused attempts."""
    value = get_object_or_404(ReportedValue.objects.select_related("area", "indicator", "source_document"), pk=pk)
    records = list(value.history.select_related("history_user").order_by("-history_date", "-history_id"))
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        diff = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["updated_at", "created_at", "entered_by"])
            diff = [(c.field, c.old, c.new) for c in delta.changes]
        changes.append({"record": newer, "diff": diff})
    refused = RejectedEdit.objects.filter(
        area=value.area, indicator=value.indicator, year=value.year, quarter=value.quarter, span_from=value.span_from
    ).select_related("user")
    frozen = frozen_reviews({(value.area_id, value.year)})
    return render(
        request,
        "indicators/value_history.html",
        {
            "value": value,
            "changes": changes,
            "refused": refused,
            "can_restore": request.user.is_authenticated
            and request.user.has_perm("indicators.change_reportedvalue")
            and request.user.has_perm("indicators.delete_reportedvalue")
            and can_edit_area(request.user, value.area)
            and not frozen,
            # The way back to the grid the figure is entered in, when it opens for this user.
            "grid_opens": (can_edit_area(request.user, value.area) or may_review(request.user, value.area))
            and bool(plans_covering(value.area, value.year)),
        },
    )


@require_POST
@login_required
def restore_value(request: AuthenticatedHttpRequest, pk: int, history_id: int) -> HttpResponse:
    """An administrator puts an earlier version back; the restore is itself a new version in the history."""
    value = get_object_or_404(ReportedValue.objects.select_related("area", "indicator"), pk=pk)
    if not (request.user.has_perm("indicators.delete_reportedvalue") and can_edit_area(request.user, value.area)):
        raise PermissionDenied(_("Only an administrator may restore an earlier version."))
    old = get_object_or_404(value.history.model, history_id=history_id, id=pk)
    version_text = request.POST.get("version", "") or "0"
    if not (version_text.isascii() and version_text.isdigit()) or len(version_text) > 9:
        messages.error(request, _("The version to replace must be a whole number: reload the page and try again."))
        return redirect("value-history", pk=pk)
    version = int(version_text)
    row = {
        "area": value.area.code,
        "indicator": value.indicator.code,
        "year": value.year,
        "quarter": value.quarter,
        "span_from": value.span_from,
        "reference_year": old.reference_year,
        "value": old.value,
        "qualifier": old.qualifier,
        "notation": old.notation,
        "status": old.status,
        "source": old.source,
        "note": old.note,
        "version": version,
    }
    try:
        services.upsert_values([row], user=request.user, reason=_("restored version %(n)s") % {"n": old.version},
                               channel="restore")  # fmt: skip
    except services.BatchRejected as exc:
        messages.error(request, exc.problems[0].message)
    else:
        messages.success(request, _("Version %(n)s restored.") % {"n": old.version})
    return redirect("value-history", pk=pk)
