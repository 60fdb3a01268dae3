"""The round pages: the list of rounds (and opening one), the completeness board, an area's drill-down.

The board and the drill-down are public, like the dashboards; opening a round and adjusting what an
area owes need the roles that may (reporting.services checks them).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from districts.models import Area
from indicators.models import Indicator
from reporting import services
from reporting.models import Round
from reporting.owed import MISSING, STATUS_LABELS, Status, completeness
from reporting.web.forms import AdjustmentForm, RoundForm


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    title = _("Not found") if status == 404 else _("Bad request")
    return render(request, "refusal.html", {"title": title, "problem": message}, status=status)


def _round_or_refusal(request: HttpRequest, year: int) -> Round | HttpResponse:
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in Round.Kind.values:
        return _refuse(request, _("Unknown kind of round “%(kind)s”: preliminary or final.") % {"kind": kind}, 400)
    round_ = Round.objects.for_year(year, kind)
    if round_ is None:
        return _refuse(request, _("No reporting round for %(year)s.") % {"year": year}, 404)
    return round_


def round_list(request: HttpRequest) -> HttpResponse:
    """Every round; a form to open one for those who may."""
    may_open = services.may_open_rounds(request.user)
    form = RoundForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not may_open:
            raise PermissionDenied(_("Only city analysts and administrators open reporting rounds."))
        if form.is_valid():
            try:
                round_ = services.create_round(request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Round opened: %(title)s.") % {"title": round_.title})
                return redirect("round", year=round_.year)
        status = 400
    rounds = Round.objects.select_related("created_by").order_by("-year", "-created_at")
    context = {"rounds": rounds, "form": form, "may_open": may_open}
    return render(request, "reporting/rounds.html", context, status=status)


def round_board(request: HttpRequest, year: int) -> HttpResponse:
    """The completeness board: each area's figures by status."""
    round_ = _round_or_refusal(request, year)
    if isinstance(round_, HttpResponse):
        return round_
    states = completeness(round_)
    statuses = [(status, STATUS_LABELS[status]) for status in Status]
    rows = [(state, [state.counts[status] for status in Status]) for state in states]
    totals = [sum(counts[i] for _, counts in rows) for i in range(len(statuses))]
    context = {"round": round_, "rows": rows, "statuses": statuses, "totals": totals,
               "others": Round.objects.filter(year=year).exclude(pk=round_.pk)}  # fmt: skip
    return render(request, "reporting/board.html", context)


def round_area(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """One area's figures in the round: what is missing and which plan's target needs it; adjustments."""
    round_ = _round_or_refusal(request, year)
    if isinstance(round_, HttpResponse):
        return round_
    area = Area.objects.filter(code=code).first()
    if area is None:
        return _refuse(request, _("No area with code %(code)s.") % {"code": code}, 404)
    may_adjust = services.may_adjust(request.user)
    form = AdjustmentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not may_adjust:
            raise PermissionDenied(_("Only administrators add or waive owed figures."))
        if form.is_valid():
            data = form.cleaned_data
            indicator = Indicator.objects.filter(code=data["indicator"]).first()
            if indicator is None:
                form.add_error("indicator", _("No indicator with code %(code)s.") % {"code": data["indicator"]})
            else:
                adjust = services.add_owed if data["action"] == "add" else services.waive_owed
                try:
                    adjust(request.user, round_, area, indicator, data["reason"])
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("Saved: %(indicator)s.") % {"indicator": indicator.name})
                    return redirect(f"{request.path}?kind={round_.kind}")
        status = 400
    (state,) = completeness(round_, areas=[area])
    context = {
        "round": round_,
        "area": area,
        "state": state,
        "counts": [(STATUS_LABELS[s], state.counts[s], s) for s in Status],
        "missing": state.missing,
        "others": [f for f in state.figures if f.status not in MISSING],
        "form": form,
        "may_adjust": may_adjust,
    }
    return render(request, "reporting/area.html", context, status=status)
