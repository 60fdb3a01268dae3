"""What a user follows: the list, and following or no longer following an area, a plan or a target."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.access import AuthenticatedHttpRequest
from following import services
from following.models import Follow


@login_required
def following(request: AuthenticatedHttpRequest) -> HttpResponse:
    follows = Follow.objects.filter(user=request.user).select_related(
        "area", "plan", "target__plan", "target__indicator"
    )
    return render(request, "following/following.html", {"follows": follows})


@require_POST
@login_required
def follow(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        thing = services.find(request.POST.get("kind", ""), request.POST.get("key", ""))
    except ValidationError as exc:
        return render(request, "following/following.html", {"follows": _mine(request), "errors": exc.messages},
                      status=400)  # fmt: skip
    services.follow(request.user, thing)
    messages.success(request, _("You follow %(thing)s: a worse verdict will be e-mailed to you.") % {"thing": thing})
    return _back(request)


@require_POST
@login_required
def unfollow(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = request.POST.get("follow", "")
    try:
        if not (text.isascii() and text.isdigit() and len(text) < 16):
            raise ValidationError({"follow": _("Choose what to stop following.")})
        services.unfollow(request.user, int(text))
    except ValidationError as exc:
        return render(request, "following/following.html", {"follows": _mine(request), "errors": exc.messages},
                      status=400)  # fmt: skip
    messages.success(request, _("You no longer follow it."))
    return _back(request)


def _mine(request: AuthenticatedHttpRequest):
    return Follow.objects.filter(user=request.user).select_related("area", "plan", "target__plan", "target__indicator")


def _back(request: AuthenticatedHttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("following")
