"""Text stored in one language and shown on a page of the other is marked with its `lang` (WCAG 3.1.2)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from gzplan.lib.bilingual import chinese_punctuation
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("示范区,建设产创联动示范区", "示范区，建设产创联动示范区"),
        ("一带:白鹅潭;两区:海龙", "一带：白鹅潭；两区：海龙"),
        ("研发经费支出(R&D)占比", "研发经费支出（R&D）占比"),
        ("规划(2021—2025年)", "规划（2021—2025年）"),
        ("增长5%,达到1,000亿元,其中3.5", "增长5%，达到1,000亿元，其中3.5"),
        ("R&D, ICT and AI (2020)", "R&D, ICT and AI (2020)"),
        ("10:30", "10:30"),
        ("", ""),
    ],
)
def test_chinese_text_is_set_with_chinese_punctuation(text, expected):
    assert chinese_punctuation(text) == expected


@pytest.mark.django_db
def test_the_plan_s_notes_and_labels_are_set_with_chinese_punctuation(client):
    html = client.get("/plans/guangzhou-14th-fyp/").content.decode()
    notes = html[html.index('id="note-1"') :]
    assert not re.search(r"[\u4e00-\u9fff][,;:]|[,;:][\u4e00-\u9fff]", notes[: notes.index("</ol>")])
