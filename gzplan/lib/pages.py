"""Pages every app answers alike."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def refusal_page(
    request: HttpRequest, message: str, status: int, *, back_url: str = "", back_label: str = ""
) -> HttpResponse:
    """Something asked for that is not there (404) or not understood (400): the reason, and the way back
    to where the choices are."""
    title = _("Not found") if status == 404 else _("Bad request")
    context = {"title": title, "problem": message, "back_url": back_url, "back_label": back_label}
    return render(request, "refusal.html", context, status=status)
