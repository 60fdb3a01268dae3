"""Objects named in both product languages."""

from __future__ import annotations

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


class BilingualName:
    """`name` in the active language, from `name_zh` (zh-Hans) and `name_en`."""

    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}[ ,.'-]+[A-Za-z]{2,}[ ,.'-]+[A-Za-z]{2,}")  # three words: a sentence


def other_language(text: str) -> str:
    """The `lang` of a text stored in one language shown on a page of the other (a source's note, a cell
    as printed): "en" for English on a Chinese page, "zh-Hans" for Chinese on an English page; "" when
    the text is in the page's language, or has no words of either (WCAG 3.1.2, language of parts). An
    English note that quotes Chinese words is English; a Chinese text with a few Latin letters is Chinese."""
    text = str(text or "")
    english_page = (get_language() or "").startswith("en")
    if english_page and _HAN.search(text) and not _ENGLISH_WORDS.search(text):
        return "zh-Hans"
    if not english_page and (_ENGLISH_WORDS.search(text) or (not _HAN.search(text) and _LATIN_WORD.search(text))):
        return "en"
    return ""


def as_printed(text: str) -> str:
    """A cell as printed (a target, a unit), in a `<span lang>` when it is in the other language: safe HTML."""
    lang = other_language(text)
    return format_html('<span lang="{}">{}</span>', lang, text) if lang else conditional_escape(text)


def safe_format(template: str, **values) -> str:
    """`template % values` as safe HTML: the template and plain values escaped, values already safe (a cell
    marked by as_printed) kept as they are."""
    return mark_safe(conditional_escape(template) % {name: conditional_escape(v) for name, v in values.items()})
