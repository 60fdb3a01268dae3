"""A plan's indicator table from a Word (.docx) file, as the plan outline is published: the rows of the
first table that has the table's heading row, then the notes printed right under it (注：1.… 2.…), as
rows of cells for `plantable.read_grid`.

Merged cells read as a spreadsheet copy of the table would, but for vertical merges:
- a cell merged across columns (a heading over two columns, an indicator spanning the name column and
  the sub-indicator column) holds its text in its first grid column, and the others are empty, so no
  text lands in a column that means something else;
- a cell merged down several rows (a category; a target shared by two sub-rows, 与经济增长同步) reads
  as its text in every row it covers: in Word it is one cell of each of those rows.

The file is trusted no more than a workbook (`xlsx.py`): before python-docx parses anything, the
zip's directory is checked against the workbook reader's bounds (parts, inflated size, ratio, the
size of each XML part) and every XML part is read once by expat as a stream, refusing a DTD (so no
entity is declared, expanded or fetched) and anything not well-formed or failing its CRC. The table's
grid is then read from the XML by this module, row by row, bounded in columns and cells (python-docx's
own merged-cell lookup walks up a vertical merge recursively for every cell).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any
from xml.parsers import expat

from indicators.spreadsheets import xlsx

MB = xlsx.MB
MAX_BYTES = 50 * MB  # as an uploaded spreadsheet (reading.MAX_BYTES)
MAX_DOCUMENT = 32 * MB  # word/document.xml inflated: a long plan outline is a few MB
MAX_COLUMNS = 63  # Word's own limit on a table's columns
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .doc, or any Office file encrypted with a password
DOCUMENT = "word/document.xml"
_NOTE = re.compile(r"^\s*(?:注|註)\s*[:：]")
_NUMBERED = re.compile(r"^\s*[(（]?\d{1,2}\s*[.、．)）]")


class DocxProblem(ValueError):
    """The file cannot be read as a Word document holding a plan's indicator table; the message says why
    in words for the person who uploaded it (it reads after the file's name: "plan.docx: is not …")."""


def is_docx(data: bytes) -> bool:
    """Whether the bytes are a zip whose directory lists word/document.xml: a Word file, whatever its name."""
    if data[:4] != b"PK\x03\x04":
        return False
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        return False
    size, offset = struct.unpack("<LL", data[end + 12 : end + 20])
    return DOCUMENT.encode() in data[offset : offset + min(size, xlsx.MAX_PARTS * 1024)]


def read_docx(data: bytes, *, is_heading: Callable[[list[str]], bool]) -> list[list[str]]:
    """The rows of the document's indicator table (the first table one of whose rows `is_heading`: the
    test `plantable.read_grid` finds its heading row by), then each paragraph of the notes under it as a
    one-cell row. DocxProblem when the file is no Word document, exceeds the bounds, or has no such table."""
    archive = _check(data)
    from docx import Document  # python-docx, imported once the file is known to be safe to hand to it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, zlib.error, OSError, SyntaxError) as exc:
        # SyntaxError: lxml's XMLSyntaxError, for a part that expat read but python-docx cannot use
        raise DocxProblem(f"is not a readable Word document ({_short(exc)}): open it in Word, save it again") from None
    finally:
        archive.close()
    blocks = list(document.iter_inner_content())
    for index, block in enumerate(blocks):
        if not hasattr(block, "rows"):
            continue
        rows = _grid(block)
        if any(is_heading(row) for row in rows):
            return rows + _notes(blocks[index + 1 :])
    raise DocxProblem(
        "has no table with the headings of a plan's indicator table (a row naming the indicator, 指标, and "
        "a target year such as 2025年)"
        if any(hasattr(block, "rows") for block in blocks)
        else "has no table: the indicator table must be a Word table, not text or a picture"
    )


def _check(data: bytes) -> zipfile.ZipFile:
    """The zip, once it is known to be a Word document within the bounds, with every XML part well-formed
    and free of DTDs."""
    if not data.strip():
        raise DocxProblem("is empty")
    if len(data) > MAX_BYTES:
        raise DocxProblem(f"is larger than {MAX_BYTES // MB} MB: save the table alone as .docx or .xlsx")
    if data[:8] == OLE:
        raise DocxProblem(
            "is an old Word file (.doc) or a document protected by a password: save it in Word as .docx "
            "(Word Document), without a password"
        )
    if data[:4] != b"PK\x03\x04":
        raise DocxProblem("is not a Word document (.docx): save the plan outline in Word as .docx")
    try:
        xlsx._check_directory_size(data)
        archive = zipfile.ZipFile(xlsx._Bytes(data))
        members = archive.infolist()
    except xlsx.Refused as refused:
        raise DocxProblem(_document_words(refused.message)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise DocxProblem(f"is damaged ({_short(exc)}): open it in Word and save it again") from None
    try:
        _check_members(archive, members)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """The bounds of the workbook reader on the parts, but the document's text, which may be larger."""
    if DOCUMENT not in archive.NameToInfo:
        raise DocxProblem(f"is not a Word document (.docx): the file has no {DOCUMENT}")
    total = 0
    for member in members:
        size, name = member.file_size, member.filename
        total += size
        if total > xlsx.MAX_UNZIPPED:
            raise DocxProblem(
                f"inflates to more than {xlsx.MAX_UNZIPPED // MB} MB once unzipped (at {name}): a document that "
                "large is refused; save the table alone as .docx"
            )
        if size > xlsx.RATIO_FROM and size > xlsx.MAX_RATIO * max(member.compress_size, 1):
            raise DocxProblem(
                f"{name} inflates {size // max(member.compress_size, 1):,} times (at most {xlsx.MAX_RATIO}): "
                "a compressed bomb, not a Word document"
            )
        limit = MAX_DOCUMENT if name == DOCUMENT else xlsx.MAX_PART
        if name.lower().endswith((".xml", ".rels")) and size > limit:
            raise DocxProblem(
                f"{name} is {size / MB:.0f} MB once unzipped (at most {limit // MB} MB): save the table alone as .docx"
            )
        if member.flag_bits & 0x1:
            raise DocxProblem("is encrypted: save it in Word without a password")
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")):
            _scan(archive, member.filename)


def _document_words(message: str) -> str:
    """The workbook reader's refusal, said of a Word document."""
    return message.replace("a readable Excel workbook", "a Word document").replace("a spreadsheet", "a Word document")


def _scan(archive: zipfile.ZipFile, name: str) -> None:
    """Read a part once through expat, a chunk at a time: a DTD, malformed XML or a bad CRC is refused."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_: object) -> None:
        raise DocxProblem(
            f"{name} declares a DTD or entities, which no Word document has (a way to read the server's files "
            "or exhaust its memory): refused"
        )

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(xlsx.CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise DocxProblem(
            f"is damaged: {name} is not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno}); "
            "open it in Word and save it again"
        ) from None
    except RuntimeError:  # zipfile: "File … is encrypted, password required"
        raise DocxProblem("is encrypted: save it in Word without a password") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise DocxProblem(f"is damaged ({name}: {_short(exc)}): open it in Word and save it again") from None


def _short(exc: BaseException) -> str:
    return str(exc)[:200] or type(exc).__name__


def _grid(table: Any) -> list[list[str]]:
    """The table's rows as text, one cell a grid column (see the module's docstring for merged cells)."""
    from docx.table import _Cell

    above: dict[int, str] = {}  # grid column -> the text of the cell there in the row above
    rows: list[list[str]] = []
    cells = 0
    for tr in table._tbl.tr_lst:
        row: list[str] = [""] * tr.grid_before
        for tc in tr.tc_lst:
            span = tc.grid_span
            if len(row) + span > MAX_COLUMNS:
                raise DocxProblem(f"a table has a row wider than {MAX_COLUMNS} columns (Word's own limit)")
            column = len(row)
            text = above.get(column, "") if tc.vMerge == "continue" else _text(_Cell(tc, table))
            row += [text] + [""] * (span - 1)
        above = dict(enumerate(row))
        cells += len(row)
        if cells > xlsx.MAX_CELLS:
            raise DocxProblem(f"a table has more than {xlsx.MAX_CELLS:,} cells")
        rows.append(row)
    return rows


def _text(cell: Any) -> str:
    """A cell's paragraphs as one line: a cell wrapped onto a new paragraph (年均7.5 / 以上) reads joined,
    with a space only between two Latin words."""
    text = ""
    for paragraph in cell.paragraphs:
        piece = paragraph.text.strip()
        if text and piece and text[-1].isascii() and text[-1].isalpha() and piece[0].isascii() and piece[0].isalpha():
            text += " "
        text += piece
    return text


def _notes(blocks: list[Any]) -> list[list[str]]:
    """The notes right under the table: a paragraph opening with 注：/註: and the numbered paragraphs that
    follow it (typed "1." or numbered by Word, whose numbers are not in the text and are added here)."""
    paragraphs: Iterator[Any] = iter(blocks)
    notes: list[list[str]] = []
    for block in paragraphs:
        if hasattr(block, "rows"):
            break
        text = block.text.strip()
        if not text:
            continue
        if not notes:
            if not _NOTE.match(text):
                break
            notes.append([text])
            continue
        if _NUMBERED.match(text):
            notes.append([text])
        elif block._p.pPr is not None and block._p.pPr.numPr is not None:
            notes.append([f"{len(notes)}. {text}"])
        else:
            break
    return notes
