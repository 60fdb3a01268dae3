"""Template helpers for the dashboards: figures, status badges, sparklines."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gzplan.lib.bilingual import as_printed, chinese_punctuation, other_language
from gzplan.lib.numbers import fmt, plain_number
from indicators.models import ReportedValue
from indicators.progress.engine import (
    ABOVE_SCALE,
    ACHIEVED,
    AT_RISK,
    BELOW_SCALE,
    NO_DATA,
    NOT_ACHIEVED,
    NOT_ASSESSED,
    OFF_TRACK,
    ON_TRACK,
    STATUS_LABELS,
    STATUSES,
    TARGET_PENDING,
    WITHIN_SCALE,
)
from indicators.web import charts
from indicators.web.districts import plan_target

register = template.Library()

# The symbol beside each status word: the badge never says it with colour alone.
STATUS_SYMBOLS = {
    ACHIEVED: "✓",
    NOT_ACHIEVED: "✕",
    ON_TRACK: "●",
    AT_RISK: "▲",
    OFF_TRACK: "▼",
    NO_DATA: "–",
    TARGET_PENDING: "…",
    NOT_ASSESSED: "◇",  # hollow: a qualitative target has no figure to measure, so no verdict to show
    # A planning scale's position, not a verdict: neither tick nor cross.
    WITHIN_SCALE: "≈",
    ABOVE_SCALE: "↑",
    BELOW_SCALE: "↓",
}
# Each status's badge: its label capitalised ("On track", "进度正常"), in the active language, and its symbol.
STATUS_TEXT = {status: (capfirst(STATUS_LABELS[status]), STATUS_SYMBOLS[status]) for status in STATUSES}


@register.filter
def number(value) -> str:
    """A figure without padding: Decimal as stored, float from the engine rounded to 2 places."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, float):
        return fmt(value)
    return str(value)


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_TEXT[status][0])


@register.simple_tag
def status_badge(evaluation) -> str:
    """The verdict as a badge: a symbol and a word, never colour alone; the explanation as its title."""
    label, symbol = STATUS_TEXT[evaluation.status]
    explanation = evaluation.explanation_en if (get_language() or "").startswith("en") else evaluation.explanation_zh
    return format_html(
        '<span class="badge badge--{}" title="{}"><span aria-hidden="true">{}</span> {}</span>',
        evaluation.status,
        explanation,
        symbol,
        label,
    )


@register.simple_tag
def explanation(evaluation) -> str:
    return evaluation.explanation_en if (get_language() or "").startswith("en") else evaluation.explanation_zh


@register.simple_tag
def commentary(item) -> str:
    """A target's commentary for a year (原因分析, 下一步措施) in the page's language, or in the other with its
    `lang` when only that was written; "" without one."""
    if item is None:
        return ""
    language = "en" if (get_language() or "").startswith("en") else "zh-hans"
    parts = []
    for heading, (text, lang) in (
        (_("Analysis (%(year)s):") % {"year": item.year}, item.analysis(language)),
        (_("Measures:"), item.measures(language)),
    ):
        if not text:
            continue
        other = lang != ("en" if language == "en" else "zh-Hans")
        parts.append(
            format_html(
                "<p><strong>{}</strong> <span{}>{}</span></p>",
                heading,
                format_html(' lang="{}"', lang) if other else "",
                text,
            )
        )
    return format_html('<div class="commentary">{}</div>', mark_safe("".join(parts)))


@register.simple_tag
def sparkline(row, width: int = 96, height: int = 24) -> str:
    """A small inline SVG of a scorecard row's yearly figures, drawn on the server by the chart rules
    (indicators.web.charts.sparkline): at the years they measure, broken where a year is missing, from
    zero, with the target; fewer than two figures are said in words."""
    target = row.target
    line = charts.sparkline(
        row.series,
        measure=target.indicator.measure,
        plan_target=plan_target(target),
        width=width,
        height=height,
    )
    if line is None:
        return format_html('<span class="sparkline sparkline--empty">{}</span>', _("Fewer than two figures"))
    parts = []
    for run in line.runs:
        if len(run) > 1:
            points = " ".join(f"{x},{y}" for x, y in run)
            parts.append(format_html('<polyline points="{}" fill="none" stroke="currentColor"/>', points))
        else:
            parts.append(format_html('<circle cx="{}" cy="{}" r="1.5" fill="currentColor"/>', *run[0]))
    if line.average:
        (x1, y1), (x2, y2) = line.average
        parts.append(format_html('<line class="sparkline-target" x1="{}" y1="{}" x2="{}" y2="{}"/>', x1, y1, x2, y2))
    if line.target:
        x, y = line.target
        parts.append(format_html('<path class="sparkline-target" d="M{} {}l3 3l-3 3l-3 -3z"/>', x, round(y - 3, 1)))
    parts.append(format_html('<circle cx="{}" cy="{}" r="2" fill="currentColor"/>', *line.last))
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" aria-hidden="true" focusable="false">'
        "{}</svg>",
        width,
        height,
        width,
        height,
        mark_safe("".join(parts)),
    )


@register.simple_tag
def lang_of(text) -> str:
    """` lang="…"` for a text in the other language than the page's (gzplan.lib.bilingual.other_language)."""
    lang = other_language(text)
    return format_html(' lang="{}"', lang) if lang else ""


@register.filter
def chinese(text) -> str:
    """A source's Chinese text (a note, a label) set with Chinese punctuation (bilingual.chinese_punctuation)."""
    return chinese_punctuation(str(text or ""))


@register.simple_tag
def named(name_zh, name_en="") -> str:
    """A name kept in both languages, in the page's; the Chinese (marked with its `lang`) when no English
    name was kept (a preview saved before it kept both)."""
    english = (get_language() or "").startswith("en")
    return as_printed(str(name_en if english and name_en else name_zh or ""))


@register.simple_tag
def printed(text, default: str = "–") -> str:
    """A cell as printed in the plan's table (a target, a baseline, a unit: Chinese), marked with its
    `lang` when the page is in the other language; `default` when empty."""
    text = str(text or "")
    return as_printed(text) if text else default


@register.simple_tag
def latest_status(status: str, baseline: bool = False) -> str:
    """After a figure's year: " (baseline)" for the baseline, else its status, " (preliminary)", in the page's
    language ("（基期）", "（初步数）": full-width brackets take no space before them)."""
    if baseline:
        words = _("(baseline)")
    elif status:
        words = _("(%(status)s)") % {"status": dict(ReportedValue.Status.choices).get(status, status)}
    else:
        return ""
    return words if words.startswith("（") else f" {words}"
