"""Objects named in both product languages."""

from __future__ import annotations

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language


class BilingualName:
    """`name` in the active language, from `name_zh` (zh-Hans) and `name_en`."""

    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else chinese_punctuation(self.name_zh)


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


_WIDE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’…—]")  # Han, and full-width marks
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}


def chinese_punctuation(text: str) -> str:
    """Chinese text with Chinese punctuation: a half-width comma, semicolon, colon, question or exclamation
    mark beside a Han character (or a full-width mark) becomes full-width, as does a full stop after one that
    ends the text or a sentence, and a pair of brackets after or around Han text. A decimal point, a
    thousands separator and the punctuation of Latin text are kept ("1,000", "3.5", "R&D, ICT"), and an
    English sentence quoting Chinese is left as it is.
    Only the marks change: for showing a source's text as a Chinese page sets it, never for storing it."""
    if not text or not _HAN.search(text) or _ENGLISH_WORDS.search(text):
        return text  # no Chinese, or an English sentence quoting some
    chars = list(text)
    openings: list[int] = []
    for index, char in enumerate(text):
        if char == "(":
            openings.append(index)
        elif char == ")" and openings:
            start = openings.pop()
            if _HAN.search(text[start + 1 : index]) or (start and _WIDE.match(text[start - 1])):
                chars[start], chars[index] = "（", "）"
    for index, char in enumerate(chars):
        if char not in _FULL_WIDTH or not index:
            continue
        before, after = chars[index - 1], chars[index + 1] if index + 1 < len(chars) else ""
        if char == "." and not (_WIDE.match(before) and (not after or after.isspace() or _WIDE.match(after))):
            continue
        if before.isdigit() and after.isdigit():
            continue  # 1,000 or 10:30
        if _WIDE.match(before) or (after and _WIDE.match(after)):
            chars[index] = _FULL_WIDTH[char]  # "示范区,建设", "增长5%,达到", "R&D,并"
    return "".join(chars)


def as_printed(text: str) -> str:
    """A cell as printed (a target, a unit), in a `<span lang>` when it is in the other language: safe HTML.
    Chinese text is set with Chinese punctuation (chinese_punctuation)."""
    if not isinstance(text, SafeData):  # markup made elsewhere is shown as it is
        text = chinese_punctuation(text)
    lang = other_language(text)
    return format_html('<span lang="{}">{}</span>', lang, text) if lang else conditional_escape(text)


def safe_format(template: str, **values) -> str:
    """`template % values` as safe HTML: the template and plain values escaped, values already safe (a cell
    marked by as_printed) kept as they are."""
    return mark_safe(conditional_escape(template) % {name: conditional_escape(v) for name, v in values.items()})
