"""A plan from its published indicator table: paste or upload it, see each row as printed beside what
was understood, correct, confirm (city analysts and administrators).

The parse and the plan's particulars travel between the steps signed (django.core.signing, salted
with the user), so a confirm creates only rows the analyst was shown; the corrections are plain form
fields, shown again as typed when something is still wrong.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.access import ALL, AuthenticatedHttpRequest, area_scope
from districts.models import Area
from gzplan.lib.numbers import plain_number
from indicators.models import (
    TARGET_COMPARATORS,
    Attribute,
    Direction,
    Indicator,
    IndicatorCategory,
    Measure,
    PlanKind,
)
from indicators.services import plantables as service
from indicators.spreadsheets.plantable import TableProblem, read_file, read_text, to_json
from indicators.spreadsheets.reading import ImportProblem

SIGNED_FOR = "gzplan.plantable"
SIGNED_HOURS = 24


class TableForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Table, pasted"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    file = forms.FileField(label=gettext_lazy("or a file (.xlsx, tab-separated or CSV)"), required=False)
    area = forms.ChoiceField(label=gettext_lazy("Area"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind of plan"), choices=PlanKind.choices, initial=PlanKind.FIVE_YEAR)
    code = forms.SlugField(label=gettext_lazy("Plan code"), max_length=64, help_text=gettext_lazy(
        "A new code makes a new plan; the code of a recorded plan changes its targets."))  # fmt: skip
    name_zh = forms.CharField(label=gettext_lazy("Name (zh-Hans)"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200)
    start = forms.IntegerField(label=gettext_lazy("First year"), min_value=1949, max_value=2100)
    end = forms.IntegerField(label=gettext_lazy("Last year"), min_value=1949, max_value=2100)
    source_key = forms.CharField(label=gettext_lazy("Source document key"), max_length=32)
    source_title_zh = forms.CharField(label=gettext_lazy("Source document title, if new"), max_length=300,
                                      required=False)  # fmt: skip
    source_ref = forms.CharField(label=gettext_lazy("Where in the source (专栏…)"), max_length=150, required=False)

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [(a.code, f"{a.name} ({a.code})") for a in areas]

    def clean(self):
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste the table or choose a file."))
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The last year is before the first."))
        return data


SPEC_FIELDS = (
    "area",
    "kind",
    "code",
    "name_zh",
    "name_en",
    "start",
    "end",
    "source_key",
    "source_title_zh",
    "source_ref",
)


def _areas(user) -> list[Area]:
    scope = area_scope(user)
    areas = Area.objects.order_by("level", "code")
    return list(areas if scope is ALL else areas.filter(pk__in=scope))


def _spec(data: dict[str, Any], areas: list[Area]) -> service.PlanSpec:
    area = next(a for a in areas if a.code == data["area"])
    return service.PlanSpec(area=area, **{k: data[k] for k in SPEC_FIELDS if k != "area"})


@login_required
def new_from_table(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The form; its preview (action "check"); the confirmed apply (action "apply")."""
    if not service.may_make_plans(request.user):
        raise PermissionDenied(_("Only city analysts and administrators make plans from tables."))
    areas = _areas(request.user)
    if request.method != "POST":
        return render(request, "indicators/plan_table_form.html", {"form": TableForm(areas=areas)})
    if "parse" in request.POST:
        return _from_preview(request, areas)
    form = TableForm(request.POST, request.FILES, areas=areas)
    if not form.is_valid():
        return render(request, "indicators/plan_table_form.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        table = read_file(data["file"].name or "", data["file"].read()) if data["file"] else read_text(data["text"])
    except (TableProblem, ImportProblem) as problem:
        form.add_error(None, _("The table cannot be read: %(problem)s") % {"problem": problem})
        return render(request, "indicators/plan_table_form.html", {"form": form}, status=422)
    parse = to_json(table, start=data["start"], end=data["end"])
    spec_data = {k: data[k] for k in SPEC_FIELDS}
    signed = signing.dumps({"parse": parse, "spec": spec_data}, salt=_salt(request), compress=True)
    result = service.preview(parse, _spec(spec_data, areas), user=request.user)
    return _render_preview(request, result, signed, data.get("text") or "", "")


def _from_preview(request: AuthenticatedHttpRequest, areas: list[Area]) -> HttpResponse:
    try:
        payload = signing.loads(request.POST["parse"], salt=_salt(request), max_age=SIGNED_HOURS * 3600)
    except signing.BadSignature:
        form = TableForm(request.POST, areas=areas)
        form.is_valid()
        form.errors.clear()
        form.add_error(None, _("The preview has expired or was altered: check the table again."))
        return render(request, "indicators/plan_table_form.html", {"form": form}, status=400)
    parse, spec_data = payload["parse"], payload["spec"]
    text = request.POST.get("text", "")
    if request.POST.get("action") == "back":
        form = TableForm(initial={**spec_data, "text": text}, areas=areas)
        return render(request, "indicators/plan_table_form.html", {"form": form})
    if spec_data["area"] not in {a.code for a in areas}:
        raise PermissionDenied(_("You may not make plans for this area."))
    spec = _spec(spec_data, areas)
    corrections = _corrections(request.POST, len(parse.get("targets", [])))
    reason = request.POST.get("reason", "").strip()
    if request.POST.get("action") == "apply":
        try:
            plan = service.apply(parse, spec, corrections, user=request.user, reason=reason)
        except service.TableRejected:
            pass  # shown with every problem by the preview below, as a 422
        else:
            return redirect(reverse("scorecard") + f"?plan={plan.code}")
        result = service.preview(parse, spec, corrections, user=request.user, reason=reason)
        return _render_preview(request, result, request.POST["parse"], text, reason, status=422)
    result = service.preview(parse, spec, corrections, user=request.user, reason=reason)
    return _render_preview(request, result, request.POST["parse"], text, reason)


def _salt(request: AuthenticatedHttpRequest) -> str:
    return f"{SIGNED_FOR}.{request.user.pk}"


BOOLEAN_CORRECTIONS = ("is_cumulative", "is_annual_average", "is_planning_scale", "omit")


def _corrections(post, count: int) -> dict[str, Any]:
    """The analyst's corrections as the service takes them: per target index, and the lines checked."""
    targets: dict[str, dict[str, Any]] = {}
    for index in range(count):
        prefix = f"t{index}-"
        if prefix + "shown" not in post:  # a row the page did not show (a changed parse): nothing to read
            continue
        typed: dict[str, Any] = {name: post.get(prefix + name, "").strip() for name in service.CORRECTABLE
                                 if name not in BOOLEAN_CORRECTIONS and prefix + name in post}  # fmt: skip
        for name in BOOLEAN_CORRECTIONS:
            typed[name] = post.get(prefix + name) == "on"
        if indicator := post.get(prefix + "indicator", "").strip():
            typed["indicator"] = indicator
        for name in service.NEW_INDICATOR_FIELDS:
            if prefix + "new_" + name in post:
                typed["new_" + name] = post.get(prefix + "new_" + name, "").strip()
        targets[str(index)] = typed
    checked = [line for line in post.getlist("checked") if line.isdigit()]
    return {"targets": targets, "checked": checked}


def _render_preview(
    request: AuthenticatedHttpRequest, result: service.Preview, signed: str, text: str, reason: str, status: int = 200
) -> HttpResponse:
    rows = [
        {
            "row": row,
            "said": describe(row.values, result.spec, row.printed),
            "typed": {**{k: _shown(row.printed.get(k)) for k in service.CORRECTABLE}, **row.corrected},
            "problems_by_field": [(p.field, p.problem) for p in row.problems],
        }
        for row in result.rows
    ]
    context = {
        "result": result,
        "rows": rows,
        "signed": signed,
        "text": text,
        "reason": reason,
        "spec": result.spec,
        "plan_problems": [p for p in result.problems if p.index is None],
        "line_problems": sorted(result.line_problems.items()),
        "checked": {int(c) for c in request.POST.getlist("checked") if c.isdigit()},
        "comparators": [("", _("as the indicator's direction says"))]
        + [(c.value, c.label) for c in TARGET_COMPARATORS],
        "attributes": [("", _("not stated"))] + list(Attribute.choices),
        "categories": IndicatorCategory.choices,
        "directions": Direction.choices,
        "measures": Measure.choices,
        "indicators": list(Indicator.objects.order_by("code").values_list("code", "name_zh")),
    }
    return render(request, "indicators/plan_table_preview.html", context, status=status)


def _shown(value: Any) -> Any:
    return "" if value is None else value


# --- what was understood, in words -------------------------------------------------------------------


def describe(values: dict[str, Any], spec: service.PlanSpec, printed: dict[str, Any]) -> str:
    """The target in a sentence of the page's language: "at least 7.5 % average annual growth 2026–2030,
    anticipatory" / "2026—2030年年均增长7.5%以上，预期性"."""
    years = {"start": spec.start, "end": spec.end, "year": values.get("target_year") or spec.end}
    kind = printed.get("kind", "")
    if values.get("assigned_by"):
        sentence = {
            "province": _("meet the target assigned by the province"),
            "city": _("meet the target assigned by the city"),
            "nation": _("meet the target assigned by the nation"),
        }.get(values["assigned_by"], values["assigned_by"])
    elif values.get("linked_indicator"):
        if printed.get("linked_relation") == "above":
            sentence = _("above economic growth, %(start)s–%(end)s") % years
        else:
            sentence = _("in step with economic growth, %(start)s–%(end)s") % years
    elif kind == "qualitative" and values.get("target_value") is None:
        sentence = _("in words: “%(text)s”, not assessed") % {"text": values.get("target_notation", "")}
    elif values.get("target_value") is None:
        sentence = _("no target figure")
    else:
        amount = _amount(values["target_value"], values.get("unit_label", ""), values.get("comparator", ""))
        if values.get("is_annual_average"):
            sentence = _("%(amount)s average annual growth %(start)s–%(end)s") % {"amount": amount, **years}
        elif values.get("is_cumulative"):
            sentence = _("%(amount)s in total over %(start)s–%(end)s") % {"amount": amount, **years}
        elif values.get("is_planning_scale"):
            sentence = _("a planning scale of %(amount)s in %(year)s") % {"amount": amount, **years}
        else:
            sentence = _("%(amount)s in %(year)s") % {"amount": amount, **years}
    if values.get("attribute") == Attribute.BINDING:
        sentence = _("%(sentence)s, binding") % {"sentence": sentence}
    elif values.get("attribute") == Attribute.ANTICIPATORY:
        sentence = _("%(sentence)s, anticipatory") % {"sentence": sentence}
    if values.get("baseline_value") is not None:
        baseline = _("baseline %(value)s (%(year)s)") % {
            "value": _amount(
                values["baseline_value"], values.get("unit_label", ""), values.get("baseline_qualifier", "")
            ),
            "year": values.get("baseline_year") or spec.start - 1,
        }
        sentence = _("%(target)s; %(baseline)s") % {"target": sentence, "baseline": baseline}
    return sentence


def _amount(value: Any, unit: str, comparator: str) -> str:
    number = _("%(value)s %(unit)s") % {"value": plain_number(value), "unit": unit} if unit else plain_number(value)
    phrases = {
        "at_least": _("at least %(number)s"),
        "more_than": _("more than %(number)s"),
        "at_most": _("at most %(number)s"),
        "less_than": _("less than %(number)s"),
        "about": _("about %(number)s"),
    }
    return phrases[comparator] % {"number": number} if comparator in phrases else number
