"""The review reports: what they say (the API's figures and verdicts), and that they are real documents."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from django.test import Client

from gzplan.lib.numbers import fmt
from indicators.models import Plan, ReportedValue
from indicators.progress.evaluation import current_year
from reports import content
from reports.models import ReportDocument, ReportState

pytestmark = pytest.mark.django_db

PLAN = "guangzhou-13th-fyp"


def _api(client: Client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def _not_achieved(client: Client) -> list[dict]:
    return _api(client, f"/api/v1/progress?plan={PLAN}&status=not_achieved&limit=100")["items"]


def _word(client: Client, path: str) -> docx.document.Document:
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return docx.Document(io.BytesIO(response.content))


def _word_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def _name(item: dict) -> str:
    return item["target"]["label_zh"] or item["target"]["indicator"]["name_zh"]


def test_the_final_evaluation_states_every_binding_target_achieved_and_names_the_nine_missed(client):
    document = _word(client, f"/plans/{PLAN}/report.docx")
    text = _word_text(document)
    assert "19项约束性指标全部完成。" in text
    missed = _not_achieved(client)
    assert len(missed) == 9
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert len(numbered) == 9
    for item, line in zip(missed, numbered, strict=True):
        verdict = item["verdict"]
        assert line.startswith(_name(item)), line
        assert f"{fmt(verdict['value'])}（{verdict['reference_year'] or verdict['year']}年）" in line
        assert item["target"]["target_notation"] in line


def test_every_row_of_the_results_table_is_the_figure_the_api_serves(client):
    document = _word(client, f"/plans/{PLAN}/report.docx")
    results = document.tables[-1]  # the table as published, with results (no comparison: no 12th FYP)
    header = [cell.text for cell in results.rows[0].cells]
    assert header[:2] == ["序号", "指标"], header
    rows = [[cell.text for cell in row.cells] for row in results.rows[1:]]
    items = _api(client, f"/api/v1/progress?plan={PLAN}&limit=100")["items"]
    assert len(rows) == len(items) == 47
    for row, item in zip(rows, items, strict=True):
        verdict, target = item["verdict"], item["target"]
        assert row[1] == _name(item)
        assert row[4] == target["target_notation"]
        if verdict["value"] is None:
            assert row[6] == "–"
        else:
            shown = float(re.match(r"-?[\d.]+", row[6]).group())
            assert shown == round(verdict["value"], 2), (row, verdict)
            assert f"{verdict['reference_year'] or verdict['year']}年" in row[6]
        assert row[7] == verdict["label_zh"]


def test_the_word_file_has_real_heading_styles_a_contents_field_and_captions(client):
    document = _word(client, f"/plans/{PLAN}/report.docx")
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "总体情况") in headings
    assert ("Heading 1", "经济发展提质增效") in headings  # a category of the table, as printed
    assert any(style == "Heading 2" and "地区生产总值" in text for style, text in headings)
    xml = document.element.xml
    assert "TOC \\o" in xml and "SEQ Figure" in xml and "SEQ Table" in xml
    assert any(p.style.name == "Caption" for p in document.paragraphs)
    assert document.core_properties.language == "zh-CN"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_word_file_opens_in_libreoffice(client, tmp_path):
    response = client.get(f"/en/plans/{PLAN}/report.docx")
    source = tmp_path / "report.docx"
    source.write_bytes(response.content)
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr
    converted = tmp_path / "report.pdf"
    assert converted.exists() and converted.stat().st_size > 10_000


def _pdf(client: Client, path: str, tmp_path: Path, name: str) -> Path:
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    target = tmp_path / name
    target.write_bytes(response.content)
    return target


def test_the_pdf_says_the_same_and_embeds_its_fonts(client, tmp_path):
    pdf = _pdf(client, f"/plans/{PLAN}/report.pdf", tmp_path, "report.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "19项约束性指标全部完成。" in text
    flat = re.sub(r"\s+", "", text)
    for item in _not_achieved(client):
        verdict = item["verdict"]
        figure = f"{fmt(verdict['value'])}（{verdict['reference_year'] or verdict['year']}年）"
        line = (
            re.escape(_name(item))
            + "：[^：]*?"
            + re.escape(figure)
            + "[^：]*?"
            + re.escape(item["target"]["target_notation"])
        )
        assert re.search(line, flat), line
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        columns = line.split()
        assert columns[-5] == "yes", f"font not embedded: {line}"  # emb column
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in pages  # 595.28 x 841.89 pt
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 3


def test_the_fonts_the_documents_name_cover_every_character_they_print():
    """No missing glyphs: each character of the reports is in one of the fonts the PDF stack names."""
    fontTools = pytest.importorskip("fontTools.ttLib")
    fc_match = shutil.which("fc-match")
    assert fc_match, "fontconfig (fc-match) is needed to find the fonts the PDF names"
    covered: set[int] = set()
    for family in ("Noto Serif CJK SC", "Noto Sans CJK SC", "Liberation Serif", "Liberation Sans", "DejaVu Sans"):
        path = subprocess.run([fc_match, "-f", "%{file}", family], capture_output=True, text=True).stdout
        if path.endswith((".ttc", ".otc")):
            covered |= set(fontTools.TTCollection(path)[0].getBestCmap())
        elif path:
            covered |= set(fontTools.TTFont(path).getBestCmap())
    plan = Plan.objects.get(code=PLAN)
    for language in ("zh-hans", "en"):
        report = content.build(plan, language)
        text = repr(report.__dict__) + "".join(str(section) for section in report.sections)
        missing = sorted({ch for ch in text if ord(ch) > 32 and ord(ch) not in covered})
        assert not missing, f"{language}: no font for {missing}"


def test_the_english_report_speaks_english_and_marks_the_chinese_it_quotes(client):
    document = _word(client, f"/en/plans/{PLAN}/report.docx")
    text = _word_text(document)
    assert "All 19 binding targets were achieved." in text
    assert "Final evaluation of the" in document.paragraphs[1].text
    assert document.core_properties.language == "en-US"
    quoted = [r for p in document.paragraphs for r in p.runs if re.search(r"[\u4e00-\u9fff]", r.text)]
    assert quoted
    unmarked = [r.text for r in quoted if 'w:eastAsia="zh-CN"' not in r._r.xml and r._r.getparent() is not None]
    # Chinese in an English paragraph is either marked (w:lang) or a figure's printed notation in a table cell.
    assert all(not re.fullmatch(r"[\u4e00-\u9fff，、“”：（）]+", text) for text in unmarked), unmarked[:5]


def test_a_report_is_kept_until_its_figures_change(client):
    first = client.get(f"/plans/{PLAN}/report.pdf")
    again = client.get(f"/plans/{PLAN}/report.pdf")
    assert first["X-Gzplan-Report-Fingerprint"] == again["X-Gzplan-Report-Fingerprint"]
    assert ReportDocument.objects.filter(format="pdf").count() == 1
    figure = ReportedValue.objects.get(area__code="440100", indicator__code="airport_passengers", year=2020)
    figure.value = 4500
    figure.save()
    changed = client.get(f"/plans/{PLAN}/report.pdf")
    assert changed["X-Gzplan-Report-Fingerprint"] != first["X-Gzplan-Report-Fingerprint"]
    assert ReportDocument.objects.filter(format="pdf").count() == 1  # the older version was dropped


def test_a_large_report_goes_to_the_worker_and_shows_its_progress(client, settings, django_capture_on_commit_callbacks):
    settings.GZPLAN_REPORT_IN_REQUEST_TARGETS = 10
    with django_capture_on_commit_callbacks(execute=False) as queued:
        waiting = client.get(f"/en/plans/{PLAN}/report.docx")
    assert waiting.status_code == 202
    assert "0 of 47 targets laid out" in waiting.content.decode()
    assert 'http-equiv="refresh"' in waiting.content.decode()
    assert len(queued) == 1
    document = ReportDocument.objects.get()
    assert document.state == ReportState.QUEUED
    queued[0]()  # the commit runs the task (the immediate backend in tests; db_worker or RQ deployed)
    document.refresh_from_db()
    assert (document.state, document.done, document.total) == (ReportState.DONE, 47, 47)
    ready = client.get(f"/en/plans/{PLAN}/report.docx")
    assert ready.status_code == 200
    assert docx.Document(io.BytesIO(ready.content)).paragraphs[1].text.startswith("Final evaluation")


def test_the_mid_term_evaluation_judges_the_figures_known_in_its_year(client):
    plan = Plan.objects.get(code="guangzhou-14th-fyp")
    year = plan.period_start + 2
    if year >= current_year():
        pytest.skip("the mid-term evaluation of the 14th FYP is not yet in the past")
    report = content.build(plan, "zh-hans", year)
    assert report.kind == "midterm" and report.title.endswith("中期评估报告")
    assert all(e.latest_year is None or e.latest_year < year for e in report.table)
    assert client.get(f"/plans/{plan.code}/report.docx?year={year}").status_code == 200


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?year=abc", 400, "is not a year"),
        ("?year=2019", 404, "has no report for 2019"),
        ("?year=99999", 400, "is not a year"),
    ],
)
def test_a_bad_year_is_refused_with_a_message(client, query, status, message):
    response = client.get(f"/en/plans/{PLAN}/report.pdf{query}")
    assert response.status_code == status
    assert message in response.content.decode()
    assert not ReportDocument.objects.exists()


def test_an_unknown_plan_is_not_found(client):
    assert client.get("/en/plans/no-such-plan/report.docx").status_code == 404


def test_the_api_and_the_plan_page_list_the_reports(client):
    listed = _api(client, f"/api/v1/plans/{PLAN}/reports")
    kinds = [(item["kind"], item["year"]) for item in listed["items"]]
    assert kinds[0] == ("final", current_year())
    assert ("midterm", 2018) in kinds
    files = listed["items"][0]["files"]
    assert {(f["language"], f["format"]) for f in files} == {
        ("zh-hans", "pdf"),
        ("zh-hans", "docx"),
        ("en", "pdf"),
        ("en", "docx"),
    }
    english = next(f for f in files if f["language"] == "en" and f["format"] == "pdf")
    assert english["url"] == f"/en/plans/{PLAN}/report.pdf?year={current_year()}"
    assert client.get(english["url"]).status_code == 200
    page = client.get(f"/en/plans/{PLAN}/").content.decode()
    assert f'href="/en/plans/{PLAN}/report.docx?year=2018"' in page
    assert client.get("/api/v1/plans/nope/reports").status_code == 404


def test_charts_leave_gaps_and_start_level_axes_at_zero():
    from reports.charts import _runs, figure

    chart = content.Chart(
        unit="亿元",
        measure="level",
        figures=[content.Point(2019, 100.0), content.Point(2020, 110.0), content.Point(2022, 130.0)],
        path=[content.Point(2020, 100.0), content.Point(2025, 150.0)],
        target=content.Point(2025, 150.0),
    )
    assert [[year for year, _ in run] for run in _runs(chart)] == [[2019, 2020], [2022]]
    drawn = figure(chart, {"figures": "f", "path": "p", "target": "t", "unit": "亿元"})
    axes = drawn.axes[0]
    assert axes.get_ylim()[0] == 0
    lines = [line for line in axes.get_lines() if line.get_marker() == "o"]
    assert len(lines) == 2  # two runs: no line across 2021
    share = content.Chart("%", "share", [content.Point(2020, 95.0), content.Point(2021, 97.0)], [], None)
    assert figure(share, {"figures": "f", "path": "p", "target": "t", "unit": "%"}).axes[0].get_ylim()[1] <= 100


def test_a_plan_without_targets_has_no_report(client):
    response = client.get("/en/plans/yuexiu-2035/report.pdf")
    assert response.status_code == 404
    assert "sets no targets" in response.content.decode()
    assert _api(client, "/api/v1/plans/yuexiu-2035/reports")["items"] == []
    assert "report.pdf" not in client.get("/en/plans/yuexiu-2035/").content.decode()


def test_the_english_report_words_targets_in_english_and_quotes_the_table():
    plan = Plan.objects.get(code=PLAN)
    report = content.build(plan, "en")
    growth = report.table[0]
    assert growth.target == "at least 7.5% a year on average, 2016–2020"
    assert growth.target_printed == "年均7.5以上"
    assert report.slipped[0].startswith("GDP growth rate: 6 (2020), preliminary; target at least 7.5%")


def test_a_baseline_that_prints_its_year_is_not_given_it_twice():
    report = content.build(Plan.objects.get(code="guangzhou-14th-fyp"), "zh-hans")
    printed = [e.baseline for e in report.table if "2019" in e.baseline]
    assert printed, "the 14th FYP prints 2019 baselines"
    assert all(b.count("2019") == 1 for b in printed), printed


def test_the_waiting_page_says_when_only_the_typesetting_is_left(client, settings):
    settings.GZPLAN_REPORT_IN_REQUEST_TARGETS = 10
    plan = Plan.objects.get(code=PLAN)
    report = content.build(plan, "en")
    ReportDocument.objects.create(
        plan=plan, language="en", format="pdf", year=report.year, fingerprint=report.fingerprint,
        state=ReportState.RUNNING, done=47, total=47,
    )  # fmt: skip
    page = client.get(f"/en/plans/{PLAN}/report.pdf").content.decode()
    assert "all 47 targets are laid out and the document is being typeset" in page
