"""Uploads are bounded before they are read: hostile spreadsheets (zip bombs, huge text tables, XML
entities, millions of cells, control characters) are refused with a message and change nothing, and
request bodies too large, or uploaded by someone not signed in, are refused unread.

Every hostile file is built here, by the test: none is kept in the repository.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterable
from html import unescape

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gzplan.tests.browser import dump_database
from indicators.models import ImportBatch, ReportedValue
from indicators.spreadsheets import xlsx
from indicators.spreadsheets.reading import MAX_BYTES, ImportProblem, read_table
from indicators.tests.conftest import HAIZHU

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>area</t></is></c><c r="B1" t="inlineStr"><is><t>indicator</t></is>'
    '</c><c r="C1" t="inlineStr"><is><t>year</t></is></c><c r="D1" t="inlineStr"><is><t>value</t></is></c></row>'
)
GOOD_ROW = (
    '<row r="2"><c r="A2"><v>440105</v></c><c r="B2" t="inlineStr"><is><t>gdp_growth</t></is></c>'
    '<c r="C2"><v>2024</v></c><c r="D2"><v>6.1</v></c></row>'
)


def workbook(
    sheet: Iterable[bytes], shared_strings: Iterable[bytes] | None = None, prologue: bytes = b"", before: bytes = b""
) -> bytes:
    """A minimal valid .xlsx: the sheet's rows (streamed in pieces, so a bomb is never whole in memory)
    and optionally a table of shared strings; `prologue` goes before the sheet's root element, `before`
    before its rows."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        "</Types>"
    )
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    kinds = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{kinds}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{kinds}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?>' + prologue)
            part.write(f'<worksheet xmlns="{MAIN}">'.encode() + before + b"<sheetData>")
            for piece in sheet:
                part.write(piece)
            part.write(b"</sheetData></worksheet>")
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
                for piece in shared_strings:
                    part.write(piece)
                part.write(b"</sst>")
    return buffer.getvalue()


def zip_bomb(megabytes: int = 300) -> bytes:
    """A sheet of the same row over and over: a few hundred KB that inflate to `megabytes` MB."""
    row = GOOD_ROW.replace('r="2"', "").replace(' r="A2"', "").replace(' r="B2"', "")
    row = row.replace(' r="C2"', "").replace(' r="D2"', "").encode()
    block = row * (1024 * 1024 // len(row))
    return workbook([HEADER_ROW.encode(), *(block for _ in range(megabytes))])


def many_cells(count: int) -> bytes:
    """A header and `count` more cells, 20 to a row, of Chinese texts from a table of a thousand (as a
    spreadsheet application saves them): varied, so the sheet compresses as a real one does."""

    def rows(start: int) -> bytes:
        cells = (f'<c t="s"><v>{(n * 7 + c) % 1000}</v></c>' for n in range(start, start + 1000)
                 for c in range(20))  # fmt: skip
        return b"".join(b"<row>" + "".join(row).encode() + b"</row>" for row in zip(*[iter(cells)] * 20, strict=True))

    strings = "".join(f"<si><t>海珠区第{n}项指标</t></si>" for n in range(1000)).encode()
    return workbook([HEADER_ROW.encode(), *(rows(s) for s in range(0, count // 20, 1000))], shared_strings=[strings])


def state() -> tuple:
    """What an upload must leave as it was: every figure, its history, and the imports and their states."""
    return (
        dump_database("default"),
        ReportedValue.objects.count(),
        list(ImportBatch.objects.order_by("pk").values_list("pk", "state")),
    )


def refused(client: Client, name: str, data: bytes) -> str:
    """Upload a file the import refuses: a 422 whose page says why; nothing is stored."""
    before = state()
    response = client.post("/en/imports/", {"file": SimpleUploadedFile(name, data)})
    page = unescape(response.content.decode())
    assert response.status_code == 422, (response.status_code, page[-2000:])
    assert "Nothing can be imported" in page
    assert state() == before
    return page


def test_a_valid_minimal_workbook_is_read(analyst):
    """The builder's workbooks are real ones: the good row of a small one imports."""
    table = read_table("small.xlsx", workbook([HEADER_ROW.encode(), GOOD_ROW.encode()]))
    assert table.rows == [{"area": "440105", "indicator": "gdp_growth", "year": "2024", "value": "6.1"}]
    assert table.line_numbers == [2] and table.encoding == "xlsx"


def test_a_zip_bomb_is_refused_before_it_is_inflated(analyst):
    data = zip_bomb(300)
    assert len(data) < 3 * 1024 * 1024  # a small upload...
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 299 * 1000 * 1000  # ...of 300 MB of XML
    page = refused(analyst, "bomb.xlsx", data)
    assert "inflates to more than 100 MB once unzipped" in page


def test_a_part_compressed_beyond_any_spreadsheet_is_refused(analyst):
    data = zip_bomb(60)  # within the 100 MB, but 60 MB of one row repeated: inflating hundreds of times
    page = refused(analyst, "bomb.xlsx", data)
    assert "xl/worksheets/sheet1.xml inflates" in page and "a compressed bomb" in page


def test_the_zip_bomb_is_refused_in_bounded_memory(tmp_path):
    """In a process of its own, so that its peak memory is its own: reading the bomb raises
    ImportProblem and never holds more than 400 MB (it held 6 GB before the limits)."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb(1200))  # the 1.2 GB sheet of the incident
    script = textwrap.dedent(f"""
        import json
        import django
        django.setup()
        from indicators.spreadsheets.reading import ImportProblem, read_table
        data = open({str(path)!r}, "rb").read()
        try:
            read_table("bomb.xlsx", data)
            outcome = "read"
        except ImportProblem as problem:
            outcome = problem.message
        # VmHWM: this process's own peak. ru_maxrss would keep the peak of the forked copy of the
        # test process from before exec, which is the size of the test run, not of the read.
        status = open("/proc/self/status").read()
        peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
        print(json.dumps({{"outcome": outcome, "peak_kb": peak_kb}}))
    """)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "gzplan.test_settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "inflates to more than 100 MB" in result["outcome"]
    assert result["peak_kb"] < 400 * 1024, f"peak memory {result['peak_kb'] // 1024} MB"


def test_a_table_of_texts_too_large_is_refused(analyst):
    strings = (
        "".join(f"<si><t>海珠区 {n}</t></si>" for n in range(start, start + 10_000)).encode()
        for start in range(0, 1_400_000, 10_000)
    )  # 43 MB of texts, as varied as real ones
    data = workbook([HEADER_ROW.encode(), GOOD_ROW.encode()], shared_strings=strings)
    page = refused(analyst, "strings.xlsx", data)
    assert "its table of texts (xl/sharedStrings.xml) is 43 MB once unzipped (at most 32 MB)" in page


XXE = b'<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
XXE_ROW = GOOD_ROW.replace("<t>gdp_growth</t>", "<t>&secret;</t>")
LAUGHS = b"<!DOCTYPE worksheet [<!ENTITY lol0 'lol'>" + b"".join(
    f"<!ENTITY lol{n} '{f'&lol{n - 1};' * 10}'>".encode() for n in range(1, 10)
)
LAUGHS += b"]>"
LAUGHS_ROW = GOOD_ROW.replace("<t>gdp_growth</t>", "<t>&lol9;</t>")


@pytest.mark.parametrize("prologue, row", [(XXE, XXE_ROW), (LAUGHS, LAUGHS_ROW)], ids=["xxe", "billion-laughs"])
def test_xml_entities_are_refused_and_disclose_nothing(analyst, prologue, row):
    data = workbook([HEADER_ROW.encode(), row.encode()], prologue=prologue)
    page = refused(analyst, "entities.xlsx", data)
    assert "xl/worksheets/sheet1.xml declares a DTD or entities" in page
    assert "root:" not in page and "lollol" not in page
    # openpyxl, which the rest of the project reads workbooks with, refuses them too: defusedxml is installed.
    with pytest.raises(ValueError, match="Unable to read workbook"):
        openpyxl.load_workbook(io.BytesIO(data))


def test_a_workbook_with_too_many_cells_is_refused(analyst):
    count = xlsx.MAX_CELLS + 20_000
    page = refused(analyst, "cells.xlsx", many_cells(count))
    assert f"has more than {xlsx.MAX_CELLS:,} cells: split the file" in page


def test_a_sheet_declaring_more_rows_than_allowed_is_refused_at_once(analyst):
    data = workbook([HEADER_ROW.encode(), GOOD_ROW.encode()], before=b'<dimension ref="A1:D1048576"/>')
    page = refused(analyst, "tall.xlsx", data)
    assert "more than 200,000 rows: split the file (the sheet spans A1:D1048576)" in page


def test_a_row_numbered_far_below_is_refused(analyst):
    far = GOOD_ROW.replace('r="2"', 'r="900000"').replace("2</", "900000</").replace('2"', '900000"')
    page = refused(analyst, "far.xlsx", workbook([HEADER_ROW.encode(), far.encode()]))
    assert "more than 200,000 rows: split the file" in page


NUL_NOTE = "area,indicator,year,value,note\n440105,gdp_growth,2024,6.1,初步\x00核算\n"


@pytest.mark.parametrize(
    "name, data, column",
    [
        ("nul.csv", NUL_NOTE.encode(), "note"),
        ("bell.tsv", NUL_NOTE.replace(",", "\t").replace("\x00", "\x07").encode(), "note"),
        ("escape.csv", NUL_NOTE.replace("\x00", "").replace("440105", "440105\x1b").encode(), "area"),
    ],
    ids=["nul-in-a-note", "bell-in-a-tsv", "escape-in-an-area"],
)
def test_control_characters_in_a_cell_are_refused_with_their_place(analyst, name, data, column):
    page = refused(analyst, name, data)
    assert "the cell holds the control character U+00" in page
    assert f"<tr><td>2</td><td>{column}</td>" in page


def test_a_control_character_in_a_workbook_is_refused_as_broken_xml(analyst):
    """XML cannot hold C0 control characters, even as &#1;: such a workbook is not well-formed."""
    row = GOOD_ROW.replace("<t>gdp_growth</t>", "<t>gdp&#1;growth</t>")
    page = refused(analyst, "control.xlsx", workbook([HEADER_ROW.encode(), row.encode()]))
    assert "xl/worksheets/sheet1.xml is not well-formed XML (reference to invalid character number" in page


def test_tab_and_line_breaks_in_a_note_are_kept(analyst):
    data = 'area,indicator,year,value,note\n440105,gdp_growth,2024,6.1,"初步\t核算\r\n第二行"\n'.encode()
    table = read_table("ok.csv", data)
    assert table.rows[0]["note"] == "初步\t核算\r\n第二行"


def figures() -> list:
    return [
        list(ReportedValue.objects.order_by("pk").values()),
        list(ReportedValue.history.model.objects.order_by("history_id").values()),
    ]


def test_the_entry_grid_and_the_api_refuse_nul_in_a_note(analyst, accounts, api):
    before = figures()
    grid = analyst.get(f"/en/entry/{HAIZHU}/2024/")
    assert grid.status_code == 200
    key = next(row for row in grid.context["rows"] if row.indicator.code == "gdp_growth").key
    response = analyst.post(
        f"/en/entry/{HAIZHU}/2024/",
        {f"{key}-value": "6.1", f"{key}-status": "preliminary", f"{key}-note": "初步\x00核算", f"{key}-version": "0"},
    )
    assert response.status_code == 422
    assert "The note holds the control character U+0000" in unescape(response.content.decode())
    row = {"area": HAIZHU, "indicator": "gdp_growth", "year": 2024, "value": "6.1"}
    for note in ("初步\x00核算", "初步\x07核算"):
        answer = api.send("post", "/values", {**row, "note": note}, accounts["haizhu_analyst"])
        assert answer.status_code == 422, answer.content
        assert "control" in answer.content.decode() or "NUL" in answer.content.decode()
        answer = api.send("post", "/values/bulk", {"rows": [{**row, "note": note}]}, accounts["haizhu_analyst"])
        assert answer.status_code == 422, answer.content
    assert figures() == before


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the request body was read")

    readline = readinto = read


def test_an_anonymous_upload_is_sent_to_log_in_without_its_body_being_read():
    before = state()
    anonymous_upload = {
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        "wsgi.input": Unreadable(),
        "CONTENT_LENGTH": str(40 * 1024 * 1024),  # within the limit: refused for who sends it, not its size
    }
    client = Client(enforce_csrf_checks=True)  # as a browser: CSRF's check would read the form
    response = client.generic(
        "POST",
        "/en/imports/",
        b"",
        **anonymous_upload,
    )
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/?next=/en/imports/")
    response = client.generic(
        "POST",
        "/api/v1/values",
        b"",
        **anonymous_upload,
    )
    assert response.status_code == 401 and "detail" in response.json()  # the API checks the token first
    # The sign-in form takes a small multipart body (as the test client sends), never a large one.
    response = client.generic("POST", "/en/accounts/login/", b"", **anonymous_upload)
    assert response.status_code == 413 and "sign-in" in response.content.decode()
    assert state() == before


def test_a_body_larger_than_allowed_is_refused_unread(analyst):
    assert settings.GZPLAN_MAX_UPLOAD_BYTES > MAX_BYTES  # a file of the largest size the import takes fits
    before = state()
    huge = str(500 * 1024 * 1024)
    response = analyst.generic(
        "POST",
        "/en/imports/",
        b"",
        **{"CONTENT_TYPE": "multipart/form-data; boundary=xyz", "wsgi.input": Unreadable(), "CONTENT_LENGTH": huge},
    )
    assert response.status_code == 413
    assert "The request is 500 MB, more than the 51 MB allowed" in response.content.decode()
    response = Client().generic(
        "POST",
        "/api/v1/values/bulk",
        b"",
        **{"CONTENT_TYPE": "application/json", "wsgi.input": Unreadable(), "CONTENT_LENGTH": huge},
    )
    assert response.status_code == 413 and "more than the 51 MB allowed" in response.json()["detail"]
    assert state() == before


def test_an_upload_within_the_limit_still_imports(analyst):
    response = analyst.post(
        "/en/imports/", {"file": SimpleUploadedFile("ok.xlsx", workbook([HEADER_ROW.encode(), GOOD_ROW.encode()]))}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert ImportBatch.objects.latest("pk").state == "ready"


def test_a_csv_with_more_cells_than_allowed_is_refused_before_it_is_split():
    data = b"area,indicator,year,value\n" + b"," * (xlsx.MAX_CELLS + 1)
    with pytest.raises(ImportProblem, match="cells: split the file"):
        read_table("commas.csv", data)


def test_a_workbook_with_a_damaged_compressed_part_is_refused_not_a_crash(analyst):
    data = bytearray(workbook([HEADER_ROW.encode(), GOOD_ROW.encode()]))
    start = data.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")  # the part's deflated bytes
    for i in range(start + 10, start + 40):
        data[i] ^= 0xFF
    page = refused(analyst, "damaged.xlsx", bytes(data))
    assert "is not a readable Excel workbook" in page
