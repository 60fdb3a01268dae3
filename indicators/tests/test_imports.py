"""Spreadsheet imports: real-world files work; every bad file is refused with a message naming the
problem, and leaves the database exactly as it was."""

from __future__ import annotations

import gc
import io
import re
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from districts.models import Area
from gzplan.tests.browser import dump_database
from indicators.jobs.imports import without_cycle_collection
from indicators.models import ImportBatch, Indicator, ReportedValue
from indicators.tests.conftest import HAIZHU

pytestmark = pytest.mark.django_db

HEADER = "area,indicator,year,value,status,note\n"
GOOD = "440105,gdp_growth,2024,6.1,final,\n440105,fixed_asset_investment,2024,620,,\n"


def dump() -> list:
    return [
        list(ReportedValue.objects.order_by("pk").values()),
        list(ReportedValue.history.model.objects.order_by("history_id").values()),
    ]


def upload(client: Client, name: str, data: bytes) -> ImportBatch:
    """Upload a file the import accepts: its preview is saved, to be confirmed."""
    response = client.post("/en/imports/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, unescape(response.content.decode())[-3000:]
    return ImportBatch.objects.latest("pk")


def refused(client: Client, name: str, data: bytes) -> str:
    """Upload a file the import refuses: the answer lists the problems; nothing is stored."""
    response = client.post("/en/imports/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 422, response.status_code
    return unescape(response.content.decode())


def confirm(client: Client, batch: ImportBatch) -> ImportBatch:
    assert client.post(f"/en/imports/{batch.pk}/confirm/").status_code == 302
    batch.refresh_from_db()
    return batch


def stored(code: str, year: int = 2024) -> Decimal | None:
    value = ReportedValue.objects.filter(area__code=HAIZHU, indicator__code=code, year=year).first()
    return value.value if value else None


@pytest.mark.parametrize(
    "encoding, text",
    [
        ("utf-8", HEADER + GOOD),
        ("utf-8-sig", HEADER + GOOD),
        (
            "gbk",
            "地区,指标,年份,数值,状态,备注\n海珠区,地区生产总值增速,2024,6.1,正式,初步核算\n海珠区,固定资产投资额,2024,620,,\n",
        ),
        ("gb18030", '地区,指标,年份,数值\n海珠区,地区生产总值增速,2024年,６.１\n海珠区,固定资产投资额,2024,"620"\n'),
        ("big5", "地區,指標,年份,數值\n海珠區,地區生產總值增速,2024,6.1\n海珠區,固定資產投資額,2024,620\n"),
        (
            "utf-16",
            "area\tindicator\tyear\tvalue\nHaizhu\tGDP growth rate\t2024\t6.1\n"
            "Haizhu\tfixed_asset_investment\t2024\t620\n",
        ),
    ],
    ids=["utf-8", "utf-8-bom", "gbk-chinese-headings", "gb18030-full-width", "big5-traditional", "utf-16-tabs"],
)
def test_csv_in_every_encoding_analysts_save(analyst, encoding, text):
    if encoding == "big5":
        assert "區" in text  # traditional characters, matched to 海珠区 and 地区生产总值增速
    batch = upload(analyst, f"haizhu-{encoding}.csv", text.encode(encoding))
    assert batch.state == "ready", batch.problems
    assert batch.summary["added_count"] == len(batch.summary["added"]) == 2
    page = analyst.get(f"/en/imports/{batch.pk}/").content.decode()
    assert "2 to add, 0 to change" in page
    assert stored("gdp_growth") is None, "nothing is saved before the import is confirmed"
    assert confirm(analyst, batch).state == "applied"
    assert stored("gdp_growth") == Decimal("6.1") and stored("fixed_asset_investment") == Decimal(620)


def test_excel_with_a_merged_title_above_bilingual_headings(analyst):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "海珠区2024年主要指标 Haizhu 2024"
    sheet.merge_cells("A1:E1")
    sheet.append(["地区 Area", "指标 Indicator", "年份 Year", "数值 Value", "备注 Note"])
    sheet.append(["440105", "gdp_growth", 2024, 6.1, "初步"])
    sheet.append(["海珠区", "固定资产投资额", 2024, 620, None])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = upload(analyst, "haizhu.xlsx", buffer.getvalue())
    assert batch.state == "ready", batch.problems
    assert confirm(analyst, batch).state == "applied"
    assert stored("gdp_growth") == Decimal("6.1") and stored("fixed_asset_investment") == Decimal(620)


def test_the_preview_shows_old_and_new_and_the_template_comes_back(analyst, accounts):
    area, gdp_growth = Area.objects.get(code=HAIZHU), Indicator.objects.get(code="gdp_growth")
    ReportedValue.objects.create(area=area, indicator=gdp_growth, year=2024, value=Decimal("5.9"))
    template = analyst.get(f"/en/entry/{HAIZHU}/2024/template.xlsx")
    assert template.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = book.active
    assert sheet.merged_cells.ranges, "the template has a merged title row"
    headings = [c.value for c in sheet[2]]
    rows = {sheet.cell(r, 3).value: r for r in range(3, sheet.max_row + 1)}
    sheet.cell(rows["gdp_growth"], headings.index("value") + 1, "6.3")
    sheet.cell(rows["gdp_growth"], headings.index("note") + 1, '=HYPERLINK("http://example.com")')
    buffer = io.BytesIO()
    book.save(buffer)
    assert "spreadsheet formula" in refused(analyst, "template.xlsx", buffer.getvalue())
    sheet.cell(rows["gdp_growth"], headings.index("note") + 1, "统计局更正")
    buffer = io.BytesIO()
    book.save(buffer)
    batch = upload(analyst, "template.xlsx", buffer.getvalue())
    assert batch.state == "ready", batch.problems
    (changed,) = batch.summary["changed"]
    assert changed["old"]["value"] == "5.900000" and changed["new"]["value"] == "6.3"
    assert batch.summary["added"] == [] and batch.summary["skipped"] == len(rows) - 1  # the rows left empty
    page = analyst.get(f"/en/imports/{batch.pk}/").content.decode()
    assert "0 to add, 1 to change" in page and "→ 6.3" in page
    assert confirm(analyst, batch).state == "applied"
    value = ReportedValue.objects.get(area=area, indicator=gdp_growth, year=2024)
    assert value.value == Decimal("6.3") and value.version == 2
    assert value.history.latest().history_change_reason == "imported from template.xlsx"


def test_a_figure_changed_between_preview_and_confirm_stops_the_import(analyst, accounts):
    batch = upload(analyst, "a.csv", (HEADER + GOOD).encode())
    ReportedValue.objects.create(area=Area.objects.get(code=HAIZHU), indicator=Indicator.objects.get(code="gdp_growth"),
                                 year=2024, value=Decimal(7))  # fmt: skip
    before = dump()
    batch = confirm(analyst, batch)
    assert batch.state == "failed" and "changed since the preview" in batch.message
    assert dump() == before


def test_template_cells_that_look_like_formulas_are_written_as_text(analyst):
    area, indicator = Area.objects.get(code=HAIZHU), Indicator.objects.get(code="gdp_growth")
    ReportedValue.objects.create(area=area, indicator=indicator, year=2024, value=6, note="=1+2", source="@cmd")
    text = analyst.get(f"/en/entry/{HAIZHU}/2024/template.csv").content.decode("utf-8-sig")
    assert ",'=1+2," in text and ",'@cmd," in text


def fifty_thousand_rows() -> bytes:
    """50,000 figures over every area, indicator and year: a city's whole history in one file, the latest
    years first so that it revises the real figures whatever the number of indicators."""
    areas = list(Area.objects.values_list("code", flat=True))
    codes = list(Indicator.objects.exclude(measure="share").values_list("code", flat=True))
    lines = [HEADER.strip()]
    for year in range(2024, 1949, -1):
        for area in areas:
            for code in codes:
                lines.append(f"{area},{code},{year},{len(lines)}.5,,")
                if len(lines) > 50_000:
                    return ("\n".join(lines) + "\n").encode()
    raise AssertionError("not enough combinations for 50,000 rows")


def test_fifty_thousand_rows_import(accounts):
    city = Client()
    city.force_login(accounts["city_analyst"].user)
    before = ReportedValue.objects.count()
    batch = upload(city, "big.csv", fifty_thousand_rows())
    assert batch.state == "ready", batch.problems[:3]
    summary = batch.summary
    assert batch.total == 50_000
    assert summary["added_count"] + summary["changed_count"] + summary["unchanged"] == 50_000
    assert summary["changed"] and all(c["old"]["value"] != c["new"]["value"] for c in summary["changed"])
    assert confirm(city, batch).state == "applied"
    assert ReportedValue.objects.count() == before + batch.summary["added_count"]


BAD_FILES = {
    "empty": (b"", "the file is empty"),
    "blank lines": (b"\n\n  \n", "the file is empty"),
    "header only": (HEADER.encode(), "has a header but no rows"),
    "no header": (b"a,b,c\n1,2,3\n", "no header row"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "cannot be read"),
    "old excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel file"),
    "broken xlsx": (b"PK\x03\x04" + b"garbage" * 20, "not a readable Excel workbook"),
    "unknown area": ((HEADER + "440199,gdp_growth,2024,6,,\n").encode(), "unknown area '440199'"),
    "unknown indicator": ((HEADER + "440105,gdp_grwth,2024,6,,\n").encode(), "unknown indicator 'gdp_grwth'"),
    "text for a number": ((HEADER + "440105,gdp_growth,2024,约30,,\n").encode(), "'约30' is not a number"),
    "traditional about": ((HEADER + "440105,gdp_growth,2024,約30,,\n").encode(), "'約30' is not a number"),
    "duplicate rows": ((HEADER + GOOD + "440105,gdp_growth,2024,6.2,,\n").encode(), "Repeats row 2"),
    "formula in a note": (
        (HEADER + '440105,gdp_growth,2024,6,,"=HYPERLINK(""http://x"",""y"")"\n').encode(),
        "spreadsheet formula",
    ),
    "formula for a value": ((HEADER + "440105,gdp_growth,2024,=1+2,,\n").encode(), "spreadsheet formula"),
    "huge cell": ((HEADER + "440105,gdp_growth,2024,6,," + "注" * 6000 + "\n").encode(), "characters (at most"),
    "year out of range": ((HEADER + "440105,gdp_growth,1800,6,,\n").encode(), "1800 is not a year"),
    "year in words": ((HEADER + "440105,gdp_growth,二〇二四,6,,\n").encode(), "is not a whole number (year)"),
    "share above 100": ((b"area,indicator,year,value\n440105,forest_cover,2024,120\n"), "between 0 and 100"),
    "unknown status": ((HEADER + "440105,gdp_growth,2024,6,guessed,\n").encode(), "unknown status 'guessed'"),
    "another district": ((HEADER + "440106,gdp_growth,2024,6,,\n").encode(), "may not write the figures of 440106"),
    "too many decimals": ((HEADER + "440105,gdp_growth,2024,6.1234567,,\n").encode(), "more than 6 decimal places"),
    "too large to read back": ((HEADER + "440105,gdp_growth,2024,99999999999999.99,,\n").encode(), "too large"),
    "too long to round": ((HEADER + "440105,gdp_growth,2024," + "1" * 23 + ".1234567,,\n").encode(), "too large"),
    "no values": ((HEADER + "440105,gdp_growth,2024,,,\n").encode(), "no row has a value"),
    "unclosed quote": ((HEADER + '440105,gdp_growth,2024,"6,,\n').encode(), ""),
    "big5 garbage for gb": ("地區,指標\n".encode("big5") + b"\xff\xfe\xfd" * 3, ""),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_files_are_refused_and_change_nothing(analyst, name):
    data, expected = BAD_FILES[name]
    if name == "share above 100":
        assert Indicator.objects.filter(code="forest_cover", measure="share").exists()
    before = dump_database("default")
    page = refused(analyst, f"{name}.csv", data)
    assert "Nothing can be imported" in page and "Import these figures" not in page
    assert expected in page
    if name not in ("empty", "blank lines", "binary", "old excel", "broken xlsx", "no header", "header only",
                    "unclosed quote", "big5 garbage for gb", "no values"):  # fmt: skip
        # the problem is placed: a row number and the column's heading
        assert re.search(r"<tr><td>\d+</td><td>[^<–]+</td><td>", page), page[-2000:]
    assert dump_database("default") == before


def test_imports_need_an_analyst(client, accounts):
    assert client.get("/en/imports/").status_code == 302
    viewer = Client()
    viewer.force_login(accounts["viewer"].user)
    assert viewer.get("/en/imports/").status_code == 403


def test_the_import_benchmark_runs_and_writes_nothing():
    before = dump()
    out = io.StringIO()
    call_command("bench_import", rows=300, stdout=out)
    assert "rows per second" in out.getvalue() and "goal:" in out.getvalue()
    assert dump() == before


def test_the_cycle_collector_pauses_during_an_import_and_resumes_after():
    seen = []

    @without_cycle_collection
    def job(inner=None):
        seen.append(gc.isenabled())
        if inner:
            inner()
        seen.append(gc.isenabled())

    assert gc.isenabled()
    job(inner=job)  # one job inside another (as two imports at once): still paused until both end
    assert seen == [False, False, False, False] and gc.isenabled()

    gc.disable()
    try:
        job()
        assert not gc.isenabled()  # paused before: left paused
    finally:
        gc.enable()

    @without_cycle_collection
    def failing():
        raise ValueError("a bad file")

    with pytest.raises(ValueError):
        failing()
    assert gc.isenabled()
