"""The seed plans' indicator tables (fixtures/plan_tables/, re-laid by hand from the seed text) read as
tab-separated text, as a workbook and as a Word table with merged cells and the notes under it, and
read alike, and alike the table as published one cell a line; Word files that cannot be read are
refused with a message that says why."""

from __future__ import annotations

import io
import json
import re
import zipfile
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import Workbook

from indicators.spreadsheets.plantable import TableProblem, read_file, read_tsv, to_json
from indicators.spreadsheets.wordtable import DocxProblem, is_docx, read_docx

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# plan: (first year, last year, target parts, notes, seed file, seed lines of the table and its notes)
TABLES = {
    "guangzhou-13th-fyp": (2016, 2020, 47, 10, "003", 125, 472),
    "guangzhou-14th-fyp": (2021, 2025, 28, 9, "003", 504, 699),
    "yuexiu-13th-fyp": (2016, 2020, 18, 3, "004", 368, 572),
    "yuexiu-14th-fyp": (2021, 2025, 17, 0, "004", 641, 829),
}
ALL = list(TABLES)


@cache
def tsv(plan: str) -> str:
    return (FIXTURES / "plan_tables" / f"{plan}.tsv").read_text(encoding="utf-8")


def lines(plan: str) -> list[list[str]]:
    return [line.split("\t") for line in tsv(plan).splitlines()]


def table_and_notes(plan: str) -> tuple[list[list[str]], list[str]]:
    """The fixture's table rows (its first line, the source, included) and its note lines."""
    rows = lines(plan)
    first_note = next((i for i, row in enumerate(rows) if re.match(r"^(?:注|註)[:：]", row[0])), len(rows))
    return rows[:first_note], [row[0] for row in rows[first_note:]]


@cache
def as_xlsx(plan: str) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in lines(plan):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


@cache
def as_docx(plan: str) -> bytes:
    """The table as a plan outline prints it in Word: the source line as a title row across the table,
    the category merged down over its rows, a target shared by two sub-rows merged down over them (and
    the group label beside sub-rows, in the Guangzhou 13th table), then the notes as paragraphs and the
    text that goes on after them."""
    rows, notes = table_and_notes(plan)
    width = len(rows[1])
    document = Document()
    document.add_paragraph("第三節 主要目標")
    table = document.add_table(rows=len(rows), cols=width)
    title = table.cell(0, 0).merge(table.cell(0, width - 1))
    title.text = rows[0][0]
    for word_row, row in zip(table.rows[1:], rows[1:], strict=True):  # table.cell() walks the whole table
        for cell, text in zip(word_row.cells, row, strict=True):
            cell.text = text
    heading = rows[1]
    category = heading.index("類別")
    number = heading.index("序號") if "序號" in heading else heading.index("指標名稱")  # 004 專欄1: no 序號
    target = next(i for i, h in enumerate(heading) if "目標值" in h)
    merges = []
    for r in range(2, len(rows)):
        if rows[r][category]:
            end = r
            while end + 1 < len(rows) and not rows[end + 1][category]:
                end += 1
            merges.append((r, end, category))
        if not rows[r][number] and rows[r][target] and rows[r][target] == rows[r - 1][target]:
            merges.append((r - 1, r, target))  # 與經濟增長保持同步: one cell over both sub-rows
        if "" in heading and rows[r][heading.index("")]:  # a group label, down its sub-rows
            end = r
            while end + 1 < len(rows) and not rows[end + 1][number]:
                end += 1
            merges.append((r, end, heading.index("")))
    assert any(column == target for _, _, column in merges) == plan.startswith("guangzhou")  # a shared target
    for top, bottom, column in merges:
        text = rows[top][column]
        for r in range(top + 1, bottom + 1):
            table.cell(r, column).text = ""
        table.cell(top, column).merge(table.cell(bottom, column)).text = text
    for note in notes:
        document.add_paragraph(note)
    document.add_paragraph("第二章 大力實施創新驅動發展戰略,加快建設科技創新強市")
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def parse(plan: str, name: str, data: bytes) -> dict:
    start, end, *_ = TABLES[plan]
    return to_json(read_file(name, data), start=start, end=end)


@pytest.mark.parametrize("plan", ALL)
def test_the_table_reads_alike_as_text_as_a_workbook_and_as_a_word_table(plan):
    as_text = parse(plan, f"{plan}.tsv", tsv(plan).encode())
    assert parse(plan, f"{plan}.xlsx", as_xlsx(plan)) == as_text
    assert parse(plan, f"{plan}.docx", as_docx(plan)) == as_text
    assert parse(plan, "upload", as_docx(plan)) == as_text  # a Word file known by its content, whatever its name


@pytest.mark.parametrize("plan", ALL)
def test_every_target_of_the_table_is_read_and_nothing_is_left_over(plan):
    start, end, parts, notes, *_ = TABLES[plan]
    parsed = to_json(read_tsv(tsv(plan)), start=start, end=end)
    assert len(parsed["targets"]) == parts
    assert len(parsed["notes"]) == notes
    # No row of these tables is unreadable: every target cell is a number, a [total], 年均…, 完成省下達目標
    # or 與經濟增長…同步; a sub-row's target shared with the row above is held by both.
    assert parsed["problems"] == []


def test_the_merged_cells_of_a_word_table_read_as_in_word():
    rows = read_docx(as_docx("guangzhou-13th-fyp"), is_heading=lambda cells: "指 標" in cells)
    title, heading = rows[:2]
    assert title[0].startswith("# source:") and set(title[1:]) == {""}  # across the table, once
    by_label = {row[3]: row for row in rows[2:] if len(row) > 3}
    assert by_label["農村常住居民人均可支配收入"][5] == "與經濟增長保持同步"  # merged down: in each row
    assert by_label["人均地區生產總值"][0] == "經濟發展提質增效"
    assert by_label["第三產業增加值占地區生產總值比重"][0] == "經濟發展提質增效"
    assert by_label["氨氮"][2] == "主要污染物排放累計減"
    assert rows[-11][0] == "註:" and rows[-1] == [tsv("guangzhou-13th-fyp").splitlines()[-1]]  # 第二章 is no note


def test_a_cell_across_two_columns_holds_its_text_in_the_first_only():
    document = Document()
    table = document.add_table(rows=3, cols=4)
    for c, text in enumerate(["序號", "指標", "", "2025年"]):
        table.cell(0, c).text = text
    table.cell(0, 1).merge(table.cell(0, 2)).text = "指標"
    for c, text in enumerate(["1", "常住人口", "", "1800"]):
        table.cell(1, c).text = text
    table.cell(1, 1).merge(table.cell(1, 2)).text = "常住人口"
    for c, text in enumerate(["2", "寬頻接入能力", "城市", "300以上"]):
        table.cell(2, c).text = text
    data = io.BytesIO()
    document.save(data)
    rows = read_docx(data.getvalue(), is_heading=lambda cells: "指標" in cells)
    assert rows == [
        ["序號", "指標", "", "2025年"],
        ["1", "常住人口", "", "1800"],  # not in the column beside it too
        ["2", "寬頻接入能力", "城市", "300以上"],
    ]


@pytest.mark.parametrize("plan", TABLES)
def test_the_fixture_holds_the_seed_text_in_its_order_and_nothing_else(plan):
    """Every character of the fixture's cells is the seed's, in the seed's order, and every printed one is
    there: the seed's lines of the table and its notes without the layout (blank lines, the `-` fillers,
    the heading repeated at a page break), against the cells; a target merged over two sub-rows counts
    once, and a year printed under a figure follows it after a space."""
    *_, seed, first, last = TABLES[plan]
    source = next((FIXTURES / "sources").glob(f"{seed}_*.txt")).read_text(encoding="utf-8").split("\n")
    printed = [line.strip() for line in source[first:last]]
    printed_text = "".join(line for line in printed if line and line != "-")
    repeated = "類別序號指標單位2020年完成值2025年目標值屬性"
    if plan == "guangzhou-14th-fyp":
        at = printed_text.rindex(repeated)
        printed_text = printed_text[:at] + printed_text[at + len(repeated) :]
    rows = lines(plan)
    assert rows[0][0] == f"# source: fixtures/sources/{source_name(seed)} {source[first - 1].strip()}"
    heading = rows[1]
    target = next(i for i, h in enumerate(heading) if "目標值" in h)
    cells = []
    for r, row in enumerate(rows[1:], start=1):
        for c, cell in enumerate(row):
            shared = r > 2 and c == target and len(row) > 1 and not row[1] and cell == rows[r - 1][c]
            if cell and not shared:
                cells.append(cell)
    assert "".join(cells).replace(" (", "(") == printed_text


def source_name(seed: str) -> str:
    return next((FIXTURES / "sources").glob(f"{seed}_*.txt")).name


# The same table as published (one cell a line) and re-laid by hand reads the same.


def _without_lines(parsed: dict) -> dict:
    return {**parsed, "targets": [{k: v for k, v in t.items() if k != "line"} for t in parsed["targets"]]}


@pytest.mark.parametrize("plan", ALL)
def test_the_table_re_laid_as_tab_separated_text_reads_as_the_table_as_published(plan):
    first, last = TABLES[plan][:2]
    published = (FIXTURES / "plan_tables" / f"{plan}.txt").read_text(encoding="utf-8")
    as_published = to_json(read_file(f"{plan}.txt", published.encode()), start=first, end=last)
    re_laid = to_json(read_file(f"{plan}.tsv", tsv(plan).encode()), start=first, end=last)
    assert _without_lines(re_laid) == _without_lines(as_published)


# Word files that cannot be read.


def docx_bytes(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        word = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                word.cell(r, c).text = text
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
    return out.getvalue()


def bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (20 * 1024 * 1024) + b"</w:document>")
    return out.getvalue()


def damaged() -> bytes:
    data = bytearray(docx_bytes("註:", table=[["指標", "2025年"], ["A", "5"]]))
    start = data.index(b"word/document.xml") + len("word/document.xml")  # the part's compressed bytes
    for i in range(start + 40, start + 80):
        data[i] ^= 0xFF
    return bytes(data)


REFUSALS = {
    "not-a-zip": (b"\xff\xd8\xff\xe0 a photograph of the table", "is not a Word document (.docx)"),
    "old-doc-or-password": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "without a password"),
    "zip-bomb": (bomb(), "a compressed bomb, not a Word document"),
    "truncated": (docx_bytes("x", table=[["指標", "2025年"]])[:3000], "is not a Word document (no zip directory)"),
    "damaged": (damaged(), "is damaged"),
    "a-dtd": (
        rezip(docx_bytes("x"), {"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d/>'}),
        "declares a DTD or entities",
    ),
    "no-document-part": (rezip(as_xlsx("guangzhou-14th-fyp"), {}), "is not a Word document"),
    "no-table": (docx_bytes("專欄2 “十四五”時期經濟社會發展主要指標", "類別 序號 指標"), "has no table: the indicator"),
    "no-table-with-the-headings": (
        docx_bytes(table=[["一、國家實驗室", ""], ["呼吸疾病領域國家實驗室。", ""]]),
        "has no table with the headings of a plan's indicator table",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_word_file_that_cannot_be_read_is_refused_with_the_reason(case):
    data, message = REFUSALS[case]
    with pytest.raises(TableProblem, match=re.escape(message)) as refused:
        read_file("plan.docx", data)
    assert isinstance(refused.value.__cause__, DocxProblem) and isinstance(refused.value.__cause__, ValueError)


@pytest.mark.django_db
def test_the_command_reads_a_word_file_and_refuses_a_bad_one_with_the_reason(tmp_path):
    good = tmp_path / "plan.docx"
    good.write_bytes(as_docx("guangzhou-14th-fyp"))
    out = io.StringIO()
    call_command("parse_plan_table", str(good), "--start", "2021", "--end", "2025", stdout=out)
    assert json.loads(out.getvalue()) == parse("guangzhou-14th-fyp", "plan.tsv", tsv("guangzhou-14th-fyp").encode())
    bad = tmp_path / "bomb.docx"
    bad.write_bytes(bomb())
    with pytest.raises(CommandError, match=r"^bomb\.docx: word/document\.xml inflates [\d,]+ times \(at most 200\)"):
        call_command("parse_plan_table", str(bad), "--start", "2021", "--end", "2025", stdout=io.StringIO())


def test_a_word_file_is_known_by_its_content_and_a_workbook_is_not_taken_for_one():
    assert is_docx(as_docx("guangzhou-14th-fyp")) and not is_docx(as_xlsx("guangzhou-14th-fyp"))
    assert not is_docx(b"PK\x03\x04 but no directory") and not is_docx(tsv("guangzhou-14th-fyp").encode())
