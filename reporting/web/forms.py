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


class SubmissionStepForm(forms.Form):
    """A step of an area's submission; the comment is required to return and to reopen (the services say so)."""

    action = forms.ChoiceField(choices=[(s, s) for s in ("submit", "return", "accept", "reopen")])
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                              required=False)  # fmt: skip
    confirm = forms.BooleanField(label=_("I confirm this freezes the area's figures for the year"), required=False)


class MissingReasonForm(forms.Form):
    indicator = forms.SlugField(label=_("missing figure"), max_length=64)
    reason = forms.CharField(label=_("why the figure is missing"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)  # fmt: skip
