"""Template helpers for the dashboards: figures, status badges, sparklines."""

from __future__ import annotations

import re
from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gzplan.lib.numbers import fmt, plain_number
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
def sparkline(observations, width: int = 96, height: int = 24) -> str:
    """A small inline SVG line of the yearly figures (single years only), drawn on the server."""
    points = [(o.year, float(o.value)) for o in observations if o.is_single_year]
    if len(points) < 2:
        return mark_safe('<span class="sparkline sparkline--empty" aria-hidden="true"></span>')
    years = [p[0] for p in points]
    values = [p[1] for p in points]
    low, high = min(values), max(values)
    span_x = (max(years) - min(years)) or 1
    span_y = (high - low) or 1
    coords = " ".join(
        f"{2 + (year - min(years)) / span_x * (width - 4):.1f},{height - 2 - (value - low) / span_y * (height - 4):.1f}"
        for year, value in points
    )
    last_x, last_y = coords.split(" ")[-1].split(",")
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" aria-hidden="true" focusable="false">'
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5"/>'
        '<circle cx="{}" cy="{}" r="2" fill="currentColor"/></svg>',
        width,
        height,
        width,
        height,
        coords,
        last_x,
        last_y,
    )


_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@register.simple_tag
def lang_of(text) -> str:
    """` lang="…"` for a text stored in one language shown on a page of the other (a source's note, a
    plan's note): "en" for English on a Chinese page, "zh-Hans" for Chinese on an English page; "" when
    the text is in the page's language, or has no words of either (WCAG 3.1.2, language of parts)."""
    text = str(text or "")
    english_page = (get_language() or "").startswith("en")
    if english_page and _HAN.search(text):
        return mark_safe(' lang="zh-Hans"')
    if not english_page and not _HAN.search(text) and _LATIN_WORD.search(text):
        return mark_safe(' lang="en"')
    return ""
