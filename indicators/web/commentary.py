"""Commentary on a target's year (原因分析, 下一步措施): the form that writes it and its history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from districts.access import AuthenticatedHttpRequest, can_edit_area, frozen_reviews, held_years, may_write_values
from indicators import services
from indicators.models import Commentary, Target
from indicators.progress.evaluation import evaluate_values
from indicators.services.commentary import TEXT_FIELDS


@login_required
def commentary_edit(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """Write or revise the commentary on one target for one year; GET shows it with its history."""
    target = get_object_or_404(Target.objects.select_related("plan__area", "indicator"), pk=pk)
    if not target.plan.covers(year):
        raise Http404(
            _("%(year)s is outside the plan's period %(start)s–%(end)s.")
            % {"year": year, "start": target.plan.period_start, "end": target.plan.period_end}
        )
    stored = Commentary.objects.filter(target=target, year=year).first()
    typed = {name: (getattr(stored, name) if stored else "") for name in TEXT_FIELDS}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        typed = {name: request.POST.get(name, "") for name in TEXT_FIELDS}
        try:
            services.write_commentary(target, year, typed, user=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("The commentary is saved."))
            return redirect("commentary", pk=target.pk, year=year)
    verdict = evaluate_values(Target.objects.filter(pk=target.pk))[target.pk]
    history = stored.history.select_related("history_user").order_by("-history_date") if stored else []
    return render(
        request,
        "indicators/commentary_form.html",
        {
            "target": target,
            "year": year,
            "verdict": verdict,
            "typed": typed,
            "errors": errors,
            "history": history,
            "may_write": may_write_values(request.user)
            and can_edit_area(request.user, target.plan.area_id)
            and not frozen_reviews({(target.plan.area_id, year)})
            and not held_years({(target.plan.area_id, year)}),
        },
        status=400 if errors else 200,
    )
