"""The user's reminder preference: reminder e-mails on or off."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.access import AuthenticatedHttpRequest
from reporting import reminders


class PreferenceForm(forms.Form):
    reminders_enabled = forms.BooleanField(
        label=gettext_lazy("E-mail me reminders of reporting rounds"), required=False
    )


@login_required
def reminder_preference(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            enabled = form.cleaned_data["reminders_enabled"]
            reminders.set_reminders_enabled(request.user, enabled)
            messages.success(request, _("Reminders are on.") if enabled else _("Reminders are off."))
            return redirect("reminder-preference")
    else:
        form = PreferenceForm(initial={"reminders_enabled": reminders.reminders_enabled(request.user)})
    context = {"form": form, "has_email": bool(request.user.email)}
    return render(request, "reporting/reminder_preference.html", context)
