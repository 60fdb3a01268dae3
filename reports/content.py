"""What a review report says, worded in one language: the same figures as the pages and the API.

`build()` reads a plan, judges its targets with the progress engine (the verdicts the dashboards and
`/api/v1/progress` give) and returns a `Report`: plain data, no layout. The Word and PDF writers
lay it out; its fingerprint (a hash of everything it says) keys the stored documents, so a report is
made again exactly when what it would say changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from gzplan.lib.numbers import fmt, plain_number
from indicators.models import Commentary, Plan, ReportedValue, Target
from indicators.models.targets import Attribute
from indicators.progress import STATUS_ORDER, expected_path
from indicators.progress.engine import ACHIEVED, AT_RISK, NOT_ACHIEVED, OFF_TRACK, Evaluation
from indicators.progress.evaluation import current_year, evaluate_values, observations_by_series, spec_for

FINAL = "final"
MIDTERM = "midterm"
# Verdicts a summary names target by target: the ones a leader asks about.
SLIPPED = (NOT_ACHIEVED, OFF_TRACK, AT_RISK)


@dataclass
class Point:
    year: int
    value: float


@dataclass
class Chart:
    """A target's series against the plan's path, as the engine sees them."""

    unit: str
    measure: str  # the indicator's kind of figure: level, share, growth… (decides the axis)
    figures: list[Point]  # single-year figures, at the year they measure
    path: list[Point]  # the plan's path, from the baseline to the target
    target: Point | None


@dataclass
class Entry:
    """One target as the report describes it."""

    target_id: int
    row: str
    name: str  # the indicator in the report's language
    heading: str  # row number, name and unit
    printed: str  # the row as worded in the published table (Chinese)
    unit: str
    attribute: str  # "binding", "anticipatory" or ""
    attribute_label: str
    baseline: str  # as printed, with its year
    target: str  # as printed (zh), or in English words (en)
    target_printed: str  # as printed in the table (Chinese)
    target_value: float | None
    latest: str  # the figure judged, with its year and status, or a dash
    latest_value: float | None
    latest_year: int | None
    latest_status: str
    status: str
    status_label: str
    explanation: str
    analysis: str = ""
    analysis_lang: str = ""
    measures: str = ""
    measures_lang: str = ""
    chart: Chart | None = None


@dataclass
class Section:
    title: str  # the table's category as printed (Chinese), or the report's own word when it has none
    title_lang: str
    entries: list[Entry]


@dataclass
class Comparison:
    """An indicator of this plan that the previous plan also targeted."""

    name: str
    previous_target: str
    previous_result: str
    previous_status_label: str
    baseline: str
    target: str


@dataclass
class Report:
    language: str  # "zh-hans" or "en"
    kind: str
    year: int  # the year the report is written in: figures of earlier years are judged
    plan_code: str
    title: str
    subtitle: str
    area: str
    period: str
    data_as_of: str
    figure_status: str  # how many of the judged figures are preliminary, final, revised
    summary: list[str]  # sentences
    counts_header: list[str]
    counts: list[list[str]]  # attribute × verdict, with totals
    slipped_heading: str
    slipped: list[str]  # one line per target not achieved (final) or off track / at risk
    sections: list[Section]
    table: list[Entry]  # the published table's order
    previous_plan: str = ""
    comparison: list[Comparison] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # the plan's footnotes, as printed (Chinese)
    sources: list[str] = field(default_factory=list)
    target_count: int = 0

    @property
    def fingerprint(self) -> str:
        """A hash of everything the report says: equal fingerprints, equal documents."""
        text = json.dumps(dataclasses.asdict(self), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


class NoSuchReport(ValueError):
    """A report asked for at a year the plan has none (the message says which years it has)."""


def resolve_year(plan: Plan, year: int | None) -> int:
    """The year asked for, checked against the plan's reports (NoSuchReport names the ones there are)."""
    if not Target.objects.filter(plan=plan).exists():
        raise NoSuchReport(_("%(plan)s sets no targets: there is nothing to evaluate.") % {"plan": plan.code})
    choices = plan.reports(current_year())
    if year is None and choices:
        return choices[0][1]
    if year is not None and any(y == year for _kind, y in choices):
        return year
    offered = _(", ").join(str(y) for _kind, y in choices) if choices else "—"
    raise NoSuchReport(
        _("%(plan)s has no report for %(year)s; its reports are for: %(years)s.")
        % {"plan": plan.code, "year": year if year is not None else "—", "years": offered}
    )


def _title(plan: Plan, kind: str, year: int) -> str:
    if kind == FINAL:
        return _("Final evaluation of the %(plan)s") % {"plan": plan.name}
    if kind == MIDTERM:
        return _("Mid-term evaluation of the %(plan)s") % {"plan": plan.name}
    return _("Progress of the %(plan)s in %(year)s") % {"plan": plan.name, "year": year}


def _status_words(counts: Counter) -> str:
    labels = _value_status_labels()
    parts = [
        _("%(count)s %(status)s") % {"count": counts[status], "status": labels[status]}
        for status in ("preliminary", "final", "revised")
        if counts[status]
    ]
    return _("; ").join(parts)


def _value_status_labels() -> dict[str, str]:
    """The figures' statuses (preliminary, final, revised), worded in the active language."""
    return {value: str(label) for value, label in ReportedValue.Status.choices}


def _with_year(text: str, year: int | None) -> str:
    """A figure with its year, unless it says its year already (a baseline printed "2105(2019年)")."""
    if not text:
        return "–"
    if not year or str(year) in text:
        return text
    return _("%(figure)s (%(year)s)") % {"figure": text, "year": year}


def _chart(target: Target, evaluation_spec, observations, unit: str) -> Chart:
    singles = sorted(
        (o for o in observations if o.is_single_year and o.value is not None), key=lambda o: o.measured_year
    )
    first_year = min(target.baseline_year or target.plan.period_start - 1, target.plan.period_start - 1)
    figures = [
        Point(o.measured_year, round(o.value, 6))
        for o in singles
        if first_year <= o.measured_year <= target.plan.period_end
    ]
    path = [Point(y, round(v, 6)) for y, v in expected_path(evaluation_spec, observations)]
    target_point = Point(target.target_year, float(target.target_value)) if target.target_value is not None else None
    return Chart(unit, target.indicator.measure, figures, path, target_point)


def build(plan: Plan, language: str, year: int | None = None) -> Report:
    """The report of `plan` in `language` ("zh-hans" or "en") written in `year` (default: this year)."""
    with translation.override(language):
        return _build(plan, language, resolve_year(plan, year))


def _build(plan: Plan, language: str, year: int) -> Report:
    english = language.startswith("en")
    today = current_year()
    before = year if year != today else None  # a report of an earlier year sees the figures known then
    targets = Target.objects.filter(plan=plan).for_plan_table()
    series = observations_by_series(targets, before=before)
    verdicts = evaluate_values(targets, series, year=year)
    target_list = list(targets)
    indicator_ids = {t.indicator_id for t in target_list}
    figures = ReportedValue.objects.filter(area_id=plan.area_id, indicator_id__in=indicator_ids, quarter=0)
    if before:
        figures = figures.filter(year__lt=before)
    statuses = {
        (row["indicator_id"], row["year"], row["span_from"] or row["year"]): row["status"]
        for row in figures.values("indicator_id", "year", "span_from", "status")
    }
    as_of = figures.aggregate(last=Max("updated_at"))["last"]
    status_labels = _value_status_labels()
    commentary: dict[tuple[int, int | None], Commentary] = {}
    for item in Commentary.objects.filter(target__plan=plan).order_by("target_id", "year"):
        if before and item.year >= before:
            continue
        commentary[(item.target_id, item.year)] = commentary[(item.target_id, None)] = item

    entries: list[Entry] = []
    used_statuses: Counter = Counter()
    for target in target_list:
        evaluation = verdicts[target.pk]
        observations = series.get((plan.area_id, target.indicator_id), [])
        entries.append(
            _entry(target, evaluation, observations, statuses, status_labels, commentary, language, year, used_statuses)
        )

    kind = plan.report_kind(year)
    period = (
        f"{plan.period_start}–{plan.period_end}" if plan.period_end != plan.period_start else str(plan.period_start)
    )
    sections: list[Section] = []
    for entry, target in zip(entries, target_list, strict=True):
        title = target.category_zh or (_("Other targets"))
        lang = "zh-Hans" if target.category_zh and english else ""
        if not sections or sections[-1].title != title:
            sections.append(Section(title, lang, []))
        sections[-1].entries.append(entry)
    for section in sections:  # binding targets first within each category
        section.entries.sort(key=lambda e: e.attribute != Attribute.BINDING)

    counts_header, counts = _counts(entries)
    previous, comparison = _comparison(plan, target_list, year) if kind == FINAL else (None, [])
    sources = []
    if plan.source_document:
        doc = plan.source_document
        title = (doc.title_en or doc.title_zh) if english else (doc.title_zh or doc.title_en)
        sources.append(", ".join(part for part in (title, plan.source_ref, doc.url) if part))
    for doc_title in (
        figures.exclude(source_document=None)
        .values_list("source_document__title_en" if english else "source_document__title_zh", flat=True)
        .distinct()
    ):
        if doc_title and doc_title not in sources:
            sources.append(doc_title)
    return Report(
        language=language,
        kind=kind,
        year=year,
        plan_code=plan.code,
        title=_title(plan, kind, year),
        subtitle=_("%(plan)s (%(period)s)") % {"plan": plan.name, "period": period},
        area=plan.area.name,
        period=period,
        data_as_of=formats.date_format(as_of.date(), "DATE_FORMAT") if as_of else "–",
        figure_status=_status_words(used_statuses) or _("no figures yet"),
        summary=_summary(entries, kind),
        counts_header=counts_header,
        counts=counts,
        slipped_heading=_("Targets not achieved")
        if all(e.status == NOT_ACHIEVED for e in entries if e.status in SLIPPED)
        else _("Targets not achieved, off track or at risk"),
        slipped=[_slipped_line(e) for e in entries if e.status in SLIPPED],
        sections=sections,
        table=entries,
        previous_plan=previous.name if previous else "",
        comparison=comparison,
        notes=[(note.number, note.text_zh) for note in plan.notes.all()],
        sources=sources,
        target_count=len(entries),
    )


def _entry(target, evaluation: Evaluation, observations, statuses, status_labels, commentary, language, year, used):
    english = language.startswith("en")
    judged_year = evaluation.reference_year or evaluation.year
    value_status = ""
    if evaluation.value is not None and evaluation.year:
        span = (target.indicator_id, evaluation.year, evaluation.first_year or evaluation.year)
        value_status = statuses.get(span) or statuses.get((target.indicator_id, evaluation.year, evaluation.year), "")
    if value_status:
        used[value_status] += 1
    latest = "–"
    if evaluation.value is not None:
        latest = fmt(_api_number(evaluation.value))
        if judged_year:
            latest = _("%(figure)s (%(year)s)") % {"figure": latest, "year": judged_year}
        if value_status:
            latest = _("%(figure)s, %(status)s") % {"figure": latest, "status": status_labels[value_status]}
    baseline = target.baseline_notation or (plain_number(target.baseline_value) if target.baseline_value else "")
    note = commentary.get((target.pk, evaluation.year)) or commentary.get((target.pk, None))
    analysis, analysis_lang = note.analysis(language) if note else ("", "")
    measures, measures_lang = note.measures(language) if note else ("", "")
    unit = (
        (target.indicator.unit_en or target.unit_label) if english else (target.unit_label or target.indicator.unit_zh)
    )
    printed_target = target.target_notation or plain_number(target.target_value) or "–"
    name = target.indicator.name_en if english else (target.label_zh or target.indicator.name_zh)
    return Entry(
        target_id=target.pk,
        row=target.row or "",
        name=name,
        heading=_heading(target.row, name, unit),
        printed=target.label_zh or target.indicator.name_zh,
        unit=unit,
        attribute=target.attribute,
        attribute_label=str(target.get_attribute_display()) if target.attribute else "–",
        baseline=_with_year(baseline, target.baseline_year) if baseline else "–",
        target=(_target_words(target, unit) if english else "") or printed_target,
        target_printed=printed_target,
        target_value=_api_number(evaluation.target if evaluation.target is not None else target.target_value),
        latest=latest,
        latest_value=_api_number(evaluation.value),
        latest_year=judged_year,
        latest_status=value_status,
        status=evaluation.status,
        status_label=evaluation.label(language),
        explanation=evaluation.explanation(language),
        analysis=analysis,
        analysis_lang=_other(analysis_lang, language),
        measures=measures,
        measures_lang=_other(measures_lang, language),
        chart=_chart(target, spec_for(target, year), observations, unit),
    )


COMPARATOR_WORDS = {
    "at_least": gettext_lazy("at least %(amount)s"),
    "more_than": gettext_lazy("more than %(amount)s"),
    "at_most": gettext_lazy("at most %(amount)s"),
    "less_than": gettext_lazy("less than %(amount)s"),
    "about": gettext_lazy("about %(amount)s"),
}


def _target_words(target: Target, unit: str) -> str:
    """The target in words of the report's language ("at least 7.5 % a year on average, 2016–2020"), for
    a report in a language other than the table's; "" when it has no figure of its own."""
    if target.assigned_by:
        return _("the target assigned by the %(by)s") % {"by": target.get_assigned_by_display()}
    if target.linked_indicator_id:
        name = target.linked_indicator.name if target.linked_indicator else ""
        if target.linked_relation == "above":
            return _("above %(name)s") % {"name": name}
        return _("in step with %(name)s") % {"name": name}
    if target.target_value is None:
        return ""
    number = plain_number(target.target_value)
    amount = f"{number}{unit}" if unit in ("%", "‰") else f"{number} {unit}".strip()
    phrase = COMPARATOR_WORDS.get(target.comparator)
    amount = str(phrase) % {"amount": amount} if phrase else amount
    years = {"amount": amount, "start": target.plan.period_start, "end": target.target_year}
    if target.is_annual_average:
        return _("%(amount)s a year on average, %(start)s–%(end)s") % years
    if target.is_cumulative:
        return _("%(amount)s in total, %(start)s–%(end)s") % years
    if target.is_planning_scale:
        return _("a planning scale of %(amount)s in %(end)s") % years
    return _("%(amount)s in %(end)s") % years


def _heading(row: str, name: str, unit: str) -> str:
    text = _("%(name)s (%(unit)s)") % {"name": name, "unit": unit} if unit else name
    return f"{row}. {text}" if row else text


def _other(lang: str, language: str) -> str:
    """The `lang` a text needs when it is not in the report's language, else ""."""
    if not lang:
        return ""
    return "" if lang.lower().startswith(language[:2]) else lang


def _api_number(value) -> float | None:
    """A figure as the API serves it (rounded to six places, as `indicators.api.common.rounded`)."""
    if value is None:
        return None
    return round(float(value), 6)


def _summary(entries: list[Entry], kind: str) -> list[str]:
    total = len(entries)
    binding = [e for e in entries if e.attribute == Attribute.BINDING]
    anticipatory = [e for e in entries if e.attribute == Attribute.ANTICIPATORY]
    sentences = [
        ngettext(
            "The plan sets %(count)s target: %(binding)s binding and %(anticipatory)s anticipatory.",
            "The plan sets %(count)s targets: %(binding)s binding and %(anticipatory)s anticipatory.",
            total,
        )
        % {"count": total, "binding": len(binding), "anticipatory": len(anticipatory)}
    ]
    for group, label in ((binding, _("binding")), (anticipatory, _("anticipatory"))):
        if not group:
            continue
        counts = Counter(e.status for e in group)
        if kind == FINAL and counts[ACHIEVED] == len(group):
            sentences.append(
                _("All %(count)s %(attribute)s targets were achieved.") % {"count": len(group), "attribute": label}
            )
            continue
        labels = {e.status: e.status_label for e in group}
        parts = _("; ").join(
            _("%(count)s %(status)s") % {"count": counts[s], "status": labels[s]} for s in STATUS_ORDER if counts[s]
        )
        sentences.append(
            _("Of the %(count)s %(attribute)s targets: %(parts)s.")
            % {"count": len(group), "attribute": label, "parts": parts}
        )
    missing = sum(1 for e in entries if e.latest_value is None)
    if missing:
        sentences.append(
            ngettext(
                "%(count)s target has no figure yet.",
                "%(count)s targets have no figure yet.",
                missing,
            )
            % {"count": missing}
        )
    return sentences


def _counts(entries: list[Entry]) -> tuple[list[str], list[list[str]]]:
    present = [s for s in STATUS_ORDER if any(e.status == s for e in entries)]
    labels = {e.status: e.status_label for e in entries}
    header = [_("Attribute"), *[labels[s] for s in present], _("Total")]
    rows = []
    for attribute, label in (
        (Attribute.BINDING, _("binding")),
        (Attribute.ANTICIPATORY, _("anticipatory")),
        ("", _("not stated")),
    ):
        group = [e for e in entries if e.attribute == attribute]
        if not group:
            continue
        counts = Counter(e.status for e in group)
        rows.append([label, *[str(counts[s]) for s in present], str(len(group))])
    totals = Counter(e.status for e in entries)
    rows.append([_("Total"), *[str(totals[s]) for s in present], str(len(entries))])
    return header, rows


def _slipped_line(entry: Entry) -> str:
    return _("%(name)s: %(latest)s; target %(target)s (%(status)s)") % {
        "name": entry.name,
        "latest": entry.latest,
        "target": entry.target,
        "status": entry.status_label,
    }


def _comparison(plan: Plan, targets: list[Target], year: int) -> tuple[Plan | None, list[Comparison]]:
    """The previous plan of the same area and kind (ending the year before this one starts), and each
    indicator both plans target: where it was to go then, where it got, and where it is to go now."""
    previous = (
        Plan.objects.filter(area_id=plan.area_id, kind=plan.kind, period_end=plan.period_start - 1)
        .order_by("-period_start")
        .first()
    )
    if previous is None:
        return None, []
    earlier = Target.objects.filter(plan=previous).for_plan_table()
    earlier_by_indicator: dict[int, Target] = {}
    for target in earlier:
        earlier_by_indicator.setdefault(target.indicator_id, target)
    if not earlier_by_indicator:
        return previous, []
    verdicts = evaluate_values(earlier, year=year if year != current_year() else None)
    english = translation.get_language().startswith("en")
    rows = []
    for target in targets:
        old = earlier_by_indicator.get(target.indicator_id)
        if old is None:
            continue
        verdict = verdicts[old.pk]
        unit = target.indicator.unit_en if english else ""
        result = "–"
        if verdict.value is not None:
            result = _("%(figure)s (%(year)s)") % {
                "figure": fmt(_api_number(verdict.value)),
                "year": verdict.reference_year or verdict.year,
            }
        rows.append(
            Comparison(
                name=target.indicator.name_en if english else (target.label_zh or target.indicator.name_zh),
                previous_target=(_target_words(old, unit) if english else "") or old.target_notation or "–",
                previous_result=result,
                previous_status_label=verdict.label(translation.get_language()),
                baseline=target.baseline_notation or "–",
                target=(_target_words(target, unit) if english else "") or target.target_notation or "–",
            )
        )
    return previous, rows
