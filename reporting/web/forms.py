"""The forms of the round pages: what a person types, checked for shape; the services check the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.models import OwedAdjustment, Round


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["year", "kind", "title_zh", "title_en", "opens_on", "due_on"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
        }


class AdjustmentForm(forms.Form):
    action = forms.ChoiceField(label=_("action"), choices=OwedAdjustment.Action.choices)
    indicator = forms.SlugField(label=_("indicator code"), max_length=64)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
