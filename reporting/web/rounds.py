"""The round pages: the list of rounds (and opening one), the completeness board, an area's drill-down.

The board and the drill-down are public, like the dashboards; opening a round and adjusting what an
area owes need the roles that may (reporting.services checks them).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from districts.access import may_review
from districts.models import Area
from gzplan.lib.notices import quoted
from gzplan.lib.pages import refusal_page
from indicators.models import Indicator
from reporting import services
from reporting.models import MissingReason, Round, Submission
from reporting.owed import MISSING, STATUS_LABELS, Status, completeness
from reporting.web.forms import AdjustmentForm, MissingReasonForm, RoundForm, SubmissionStepForm


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """A round or area that is not there: the reason, and the way back to the list of rounds."""
    return refusal_page(request, message, status, back_url=reverse("rounds"), back_label=_("Reporting rounds"))


def _round_or_refusal(request: HttpRequest, year: int) -> Round | HttpResponse:
    """The year's round of the `?kind=` asked for: a write to a kind that is not there is refused."""
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in Round.Kind.values:
        return _refuse(request, _("Unknown kind of round “%(kind)s”: preliminary or final.") % {"kind": kind}, 400)
    round_ = Round.objects.for_year(year, kind)
    if round_ is None:
        return _refuse(request, _("No reporting round for %(year)s.") % {"year": year}, 404)
    return round_


def _round_to_show(request: HttpRequest, year: int, notices: list[str]) -> Round | HttpResponse:
    """The year's round for a page: a `?kind=` that is no kind, or names no round of the year, shows the
    year's latest round with a notice saying so; a year without a round is a 404 (the address is wrong)."""
    kind = request.GET.get("kind") or None
    round_ = Round.objects.for_year(year, kind) if kind in Round.Kind.values else None
    if round_ is not None:
        return round_
    round_ = Round.objects.for_year(year)
    if round_ is None:
        return _refuse(request, _("No reporting round for %(year)s.") % {"year": year}, 404)
    if kind in Round.Kind.values:
        notices.append(_("There is no round of this kind for %(year)s: the year's latest round is shown.")
                       % {"year": year})  # fmt: skip
    elif kind is not None:
        notices.append(_("“%(kind)s” is not a kind of round (preliminary or final): the year's latest round is "
                         "shown.") % {"kind": quoted(kind)})  # fmt: skip
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
    notices: list[str] = []
    round_ = _round_to_show(request, year, notices)
    if isinstance(round_, HttpResponse):
        return round_
    states = completeness(round_)
    statuses = [(status, STATUS_LABELS[status]) for status in Status]
    rows = [(state, [state.counts[status] for status in Status]) for state in states]
    totals = [sum(counts[i] for _, counts in rows) for i in range(len(statuses))]
    context = {"round": round_, "rows": rows, "statuses": statuses, "totals": totals,
               "others": Round.objects.filter(year=year).exclude(pk=round_.pk), "notices": notices}  # fmt: skip
    return render(request, "reporting/board.html", context)


def round_area(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """One area's figures in the round: what is missing and which plan's target needs it; adjustments."""
    notices: list[str] = []
    # Reading, a `?kind=` of no round shows the year's latest; a change goes to the round named, or none.
    reading = request.method in ("GET", "HEAD")
    round_ = _round_to_show(request, year, notices) if reading else _round_or_refusal(request, year)
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
    return _area_page(request, round_, area, form=form, status=status, notices=notices)


def _area_page(
    request: HttpRequest,
    round_: Round,
    area: Area,
    *,
    form: AdjustmentForm | None = None,
    step_form: SubmissionStepForm | None = None,
    explain_form: MissingReasonForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
    notices: list[str] | None = None,
) -> HttpResponse:
    """The drill-down: owed figures by status, adjustments, and the submission with its history."""
    (state,) = completeness(round_, areas=[area])
    submission = services.submission_of(round_, area)
    history = (
        list(submission.history.select_related("history_user").order_by("-history_date", "-history_id"))
        if submission.pk
        else []
    )
    may_submit = services.may_submit(request.user, area)
    explain_form = explain_form or MissingReasonForm()
    # Only a figure that is missing can be explained: offer those, not a box for any code.
    explain_form.fields["indicator"].widget = forms.Select(
        choices=[(f.indicator.code, f"{f.indicator.name} ({f.indicator.code})") for f in state.missing]
    )
    context = {
        "round": round_,
        "area": area,
        "state": state,
        "counts": [(STATUS_LABELS[s], state.counts[s], s) for s in Status],
        "missing": state.missing,
        "others": [f for f in state.figures if f.status not in MISSING],
        "form": form or AdjustmentForm(),
        "may_adjust": services.may_adjust(request.user),
        "submission": submission,
        "history": history,
        "explanations": MissingReason.objects.filter(round=round_, area=area).select_related("indicator", "by"),
        "may_submit": may_submit and submission.state in (Submission.State.OPEN, Submission.State.RETURNED),
        "may_explain": may_submit and submission.state in (Submission.State.OPEN, Submission.State.RETURNED),
        "may_review": may_review(request.user, area),
        "step_form": step_form or SubmissionStepForm(),
        "explain_form": explain_form,
        "problems": problems or [],
        "notices": notices or [],
    }
    return render(request, "reporting/area.html", context, status=status)


@require_POST
def round_submission(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A step of the area's submission (submit, return, accept, reopen) or a missing figure's reason.

    Refused steps show the drill-down again with the problems and what was typed (400, 403 or 409)."""
    round_ = _round_or_refusal(request, year)
    if isinstance(round_, HttpResponse):
        return round_
    area = Area.objects.filter(code=code).first()
    if area is None:
        return _refuse(request, _("No area with code %(code)s.") % {"code": code}, 404)
    if request.POST.get("action") == "explain":
        return _explain(request, round_, area)
    step_form = SubmissionStepForm(request.POST)
    if not step_form.is_valid():
        return _area_page(request, round_, area, step_form=step_form, status=400)
    step, comment = step_form.cleaned_data["action"], step_form.cleaned_data["comment"]
    if step == "accept" and not step_form.cleaned_data["confirm"]:
        step_form.add_error("confirm", _("Tick the box to confirm that accepting freezes the year's figures."))
        return _area_page(request, round_, area, step_form=step_form, status=400)
    try:
        STEPS[step](request.user, round_, area, comment)
    except PermissionDenied as exc:
        return _area_page(request, round_, area, step_form=step_form, problems=[str(exc)], status=403)
    except services.WrongState as exc:
        return _area_page(request, round_, area, step_form=step_form, problems=exc.messages, status=409)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            step_form.add_error("comment", exc.messages)
            return _area_page(request, round_, area, step_form=step_form, status=400)
        return _area_page(request, round_, area, step_form=step_form, problems=exc.messages, status=400)
    messages.success(request, STEP_DONE[step] % {"area": area.name})
    return redirect(f"{reverse('round-area', kwargs={'year': year, 'code': code})}?kind={round_.kind}")


def _explain(request: HttpRequest, round_: Round, area: Area) -> HttpResponse:
    explain_form = MissingReasonForm(request.POST)
    if explain_form.is_valid():
        indicator = Indicator.objects.filter(code=explain_form.cleaned_data["indicator"]).first()
        if indicator is None:
            explain_form.add_error("indicator", _("No indicator with code %(code)s.")
                                   % {"code": explain_form.cleaned_data["indicator"]})  # fmt: skip
        else:
            try:
                services.explain_missing(request.user, round_, area, indicator, explain_form.cleaned_data["reason"])
            except PermissionDenied as exc:
                return _area_page(request, round_, area, explain_form=explain_form, problems=[str(exc)], status=403)
            except services.WrongState as exc:
                return _area_page(request, round_, area, explain_form=explain_form, problems=exc.messages, status=409)
            except ValidationError as exc:
                explain_form.add_error(None, exc)
            else:
                messages.success(request, _("Saved: %(indicator)s.") % {"indicator": indicator.name})
                url = reverse("round-area", kwargs={"year": round_.year, "code": area.code})
                return redirect(f"{url}?kind={round_.kind}")
    return _area_page(request, round_, area, explain_form=explain_form, status=400)


STEPS = {
    "submit": services.submit,
    "return": services.return_to_area,
    "accept": services.accept,
    "reopen": services.reopen,
}
STEP_DONE = {
    "submit": gettext_lazy("%(area)s's figures are submitted for review."),
    "return": gettext_lazy("%(area)s's submission is returned."),
    "accept": gettext_lazy("%(area)s's submission is accepted: its figures are frozen."),
    "reopen": gettext_lazy("%(area)s's submission is reopened."),
}
