"""Indicator metadata (what is measured, how, by whom, from where, when)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from indicators.models import METADATA_FIELDS, Indicator
from indicators.real_data import FIXTURES_DIR, FixtureError, load_real_data
from indicators.tests import factories
from indicators.web import pages as page_views

pytestmark = pytest.mark.django_db

NOT_RECORDED = {"": "尚未记录。", "/en": "Not recorded yet."}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def metadata_section(html: str) -> str:
    start = html.index('<section class="metadata"')
    return html[start : html.index("</section>", start)]


# --- the metadata on the indicator page ---


def test_a_stated_fact_is_shown_in_each_language_with_where_it_is_stated(client):
    zh = metadata_section(page(client, "/indicators/digital_economy_share/"))
    assert "统计口径" in zh and "暂按我市口径进行统计，待国家明确数字经济核心产业口径后再进行修正。" in zh
    assert "见《广州市国民经济和社会发展第十四个五年" in zh and "专栏2 注2。" in zh
    en = metadata_section(page(client, "/en/indicators/digital_economy_share/"))
    assert "Statistical scope" in en and "own definition of the core digital-economy industries" in en
    assert "box 2, note 2" in en and "the English here is a translation of the Chinese text" in en
    assert "暂按" not in en  # the English page is in English


@pytest.mark.parametrize("language", ["", "/en"])
def test_unstated_metadata_says_not_recorded_yet(client, language):
    section = metadata_section(page(client, f"{language}/indicators/gdp/"))
    assert section.count(NOT_RECORDED[language]) == len(METADATA_FIELDS)  # no seed states any of GDP's
    assert "见《" not in section and "Stated in" not in section
    labels = ["单位", "方向", "计量内容", "定义", "责任单位", "数据来源", "发布时间"]
    if language:
        labels = ["Unit", "Direction", "What is measured", "Definition", "Responsible department", "Source of"]
    assert all(label in section for label in labels)
    assert ("100 million yuan" if language else "亿元") in section
    assert ("higher is better" if language else "越高越好") in section


def test_a_fact_stated_in_one_language_only_is_shown_and_says_so(client):
    Indicator.objects.filter(code="gdp").update(department_zh="广州市统计局")
    en = metadata_section(page(client, "/en/indicators/gdp/"))
    assert '<span lang="zh-Hans">广州市统计局</span>' in en and "(stated in Chinese only)" in en
    assert en.count("Not recorded yet.") == len(METADATA_FIELDS) - 1
    zh = metadata_section(page(client, "/indicators/gdp/"))
    assert "广州市统计局" in zh and "仅有" not in zh


def test_the_plans_that_target_the_indicator_are_listed_with_their_targets(client, monkeypatch):
    monkeypatch.setattr(page_views, "AREAS_PER_PAGE", 1)  # the table shows the city only; the list every plan
    response = client.get("/en/indicators/gdp/")
    listed = [(t.plan.code, t.target_notation, t.target_year) for t in response.context["plan_targets"]]
    assert listed == [
        ("guangzhou-14th-fyp", "约3.5万亿元", 2025),
        ("guangzhou-13th-fyp", "28000", 2020),
        ("yuexiu-14th-fyp", "4100亿元", 2025),
        ("tianhe-2024", "exceeds 700 billion yuan", 2024),
    ]
    section = metadata_section(response.content.decode())
    assert '<a href="/en/plans/yuexiu-14th-fyp/">Yuexiu 14th Five-Year Plan</a>' in section
    assert "<td>Yuexiu</td>" in section and "4100亿元" in section
    zh = metadata_section(page(client, "/indicators/gdp/"))
    assert '<a href="/plans/yuexiu-14th-fyp/">越秀区“十四五”规划</a>' in zh and "<td>越秀区</td>" in zh


def test_an_indicator_no_plan_targets_says_so(client):
    factories.indicator("untargeted_share")
    assert "No plan sets a target for this indicator yet." in page(client, "/en/indicators/untargeted_share/")
    assert "尚无规划为该指标设定目标。" in page(client, "/indicators/untargeted_share/")


# --- editing it in the admin console ---


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-for-tests"))
    return client


def test_the_admin_console_edits_the_metadata(staff_client, client):
    indicator = Indicator.objects.get(code="gdp")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    form = staff_client.get(url).context["adminform"].form
    for name in ("definition_zh", "definition_en", "department_zh", "release_en", "metadata_source_ref"):
        assert name in form.fields
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update(department_zh="广州市统计局", department_en="Guangzhou Municipal Bureau of Statistics")
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert indicator.department_en == "Guangzhou Municipal Bureau of Statistics"
    assert "Guangzhou Municipal Bureau of Statistics" in page(client, "/en/indicators/gdp/")


# --- the metadata in fixtures/, as the seeds state it ---


def test_every_stated_fact_cites_a_note_of_the_seed_and_invents_no_figure():
    with open(FIXTURES_DIR / "plan_notes.csv", encoding="utf-8") as file:
        notes = {(row["source"], row["source_ref"]): row["text_zh"] for row in csv.DictReader(file)}
    with open(FIXTURES_DIR / "indicator_metadata.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert rows
    for row in rows:
        cited = [notes[(row["source"], ref.strip())] for ref in row["source_ref"].split("；")]
        stated = " ".join(row[f"{key}_zh"] for key, _label in METADATA_FIELDS)
        for number in re.findall(r"\d+(?:\.\d+)?", stated):
            assert any(number in note for note in cited), (row["code"], number)
        assert Indicator.objects.get(code=row["code"]).metadata_source.key == row["source"]


def test_a_fact_in_one_language_only_stops_the_load(tmp_path):
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, copy, ignore=shutil.ignore_patterns("sources", "*.md"))
    path = copy / "indicator_metadata.csv"
    path.write_text(path.read_text(encoding="utf-8") + "gdp,地区生产总值的定义,,,,,,,,,,003,专栏1 注1\n", "utf-8")
    with pytest.raises(FixtureError, match=r"indicator_metadata\.csv, row 10, column 'definition_en': is required"):
        load_real_data(copy)


def test_a_reload_keeps_metadata_entered_in_the_admin_console():
    Indicator.objects.filter(code="gdp").update(release_zh="每年统计年鉴", release_en="Annually, statistical yearbook")
    Indicator.objects.filter(code="forest_cover").update(department_zh="市林业园林局", scope_en="edited")
    load_real_data()
    gdp, forest = Indicator.objects.get(code="gdp"), Indicator.objects.get(code="forest_cover")
    assert gdp.release_zh == "每年统计年鉴"  # not stated in fixtures/: kept
    assert forest.department_zh == "市林业园林局"
    assert forest.scope_en.startswith("A new national forest resources inventory")  # stated there: reloaded


def test_the_fixture_file_is_documented():
    readme = (Path(FIXTURES_DIR) / "README.md").read_text(encoding="utf-8")
    assert "## `indicator_metadata.csv`" in readme
