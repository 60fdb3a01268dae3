"""Text stored in one language and shown on a page of the other is marked with its `lang` (WCAG 3.1.2)."""

from __future__ import annotations

import pytest
from django.utils import translation

from indicators.models import ReportedValue
from indicators.templatetags.gzplan import lang_of


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("zh-hans", "Printed in the 2020 column as the 2019 figure", ' lang="en"'),
        ("zh-hans", "广州市统计局", ""),
        ("zh-hans", "2024", ""),
        ("en", "广州市统计局", ' lang="zh-Hans"'),
        ("en", "Printed in the 2020 column", ""),
        ("en", "", ""),
    ],
)
def test_lang_of_marks_the_other_language_only(language, text, expected):
    with translation.override(language):
        assert lang_of(text) == expected


@pytest.mark.django_db
def test_an_english_source_note_on_a_chinese_page_is_marked(client):
    note = ReportedValue.objects.filter(indicator__code="airport_cargo", area__code="440100", year=2019).get().note
    page = client.get("/indicators/airport_cargo/").content.decode()
    assert f'<td lang="en">{note}' in page.replace("&#x27;", "'")
