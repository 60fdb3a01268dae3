"""Reading the cells of an .xlsx workbook in bounded memory and time, trusting nothing in it.

An .xlsx file is a zip of XML parts, and both layers can be made to explode: a 3.5 MB file
whose sheet inflates to 1.2 GB, a shared-strings table of millions of entries, a DTD whose
entities expand a billion times or read /etc/passwd (XXE). So, before any XML is parsed:

- the zip's directory is checked: at most MAX_PARTS parts, MAX_UNZIPPED bytes in all once
  inflated (zipfile never returns more than a part declares, and checks its CRC), no part
  inflating more than MAX_RATIO times, the shared strings within MAX_SHARED_STRINGS and every
  other part openpyxl would read whole (workbook, relationships, styles) within MAX_PART;

and then every part is read by expat in chunks, as a stream of events, keeping only what is
needed (the shared strings, which styles are dates, the current row): a DTD is refused at its
first line (no spreadsheet needs one, so no entity is ever declared, let alone expanded), and
the counts are checked as they grow: rows (the declared dimension too), cells, columns, the
characters of one cell. Nothing accumulates but the rows the caller keeps.

Values are turned to text as openpyxl (which pandas used) reads them: formulas as `=…`,
numbers without a needless `.0`, dates in ISO 8601, errors (#N/A) as empty cells.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.cell import get_column_letter as letter  # 1 → A, 28 → AB
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MB = 1024 * 1024
MAX_PARTS = 10_000  # files in the zip (a workbook has a dozen or so)
MAX_UNZIPPED = 100 * MB  # all parts, inflated
MAX_RATIO = 200  # a part larger than RATIO_FROM inflating more than this is a zip bomb (sheets: 5-20 times)
RATIO_FROM = 1 * MB
MAX_SHARED_STRINGS = 32 * MB  # xl/sharedStrings.xml, inflated
MAX_PART = 4 * MB  # any other XML part: workbook, relationships, styles
MAX_CELLS = 3_000_000  # every cell of a sheet, empty or not: 200,000 rows of the 14-column template
MAX_COLUMNS = 16_384  # Excel's own limit (XFD)
MAX_CELL_TEXT = 32_767  # Excel's own limit on one cell's characters
HEADER_ROWS = 10  # rows a sheet may have above its data (a title, the headings) beyond the data rows
CHUNK = 1 * MB

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class Refused(Exception):
    """The workbook cannot be read; `row` and `column` place the problem when it is in a cell."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        self.message, self.row, self.column = message, row, column
        super().__init__(message)


def check_archive(data: bytes) -> zipfile.ZipFile:
    """The zip, once its directory shows that no part of it can inflate beyond the bounds."""
    _check_directory_size(data)
    try:
        archive = zipfile.ZipFile(_Bytes(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise Refused(f"is not a readable Excel workbook ({exc})") from None
    total = 0
    for member in members:
        size, name = member.file_size, member.filename
        total += size
        if total > MAX_UNZIPPED:
            raise Refused(
                f"inflates to more than {MAX_UNZIPPED // MB} MB once unzipped (at {name}): "
                "a workbook that large is refused; split it or save it as CSV"
            )
        if size > RATIO_FROM and size > MAX_RATIO * max(member.compress_size, 1):
            raise Refused(
                f"{name} inflates {size // max(member.compress_size, 1):,} times (at most {MAX_RATIO}): "
                "a compressed bomb, not a spreadsheet"
            )
        if name.lower().endswith("sharedstrings.xml"):
            if size > MAX_SHARED_STRINGS:
                raise Refused(
                    f"its table of texts ({name}) is {size / MB:.0f} MB once unzipped (at most "
                    f"{MAX_SHARED_STRINGS // MB} MB): split the file"
                )
        elif name.lower().endswith((".xml", ".rels")) and "worksheets/" not in name.lower() and size > MAX_PART:
            raise Refused(f"{name} is {size / MB:.0f} MB once unzipped (at most {MAX_PART // MB} MB)")
    return archive


def _check_directory_size(data: bytes) -> None:
    """Refuse a zip whose directory lists too many parts before zipfile builds an object for each."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        raise Refused("is not a readable Excel workbook (no zip directory)")
    # The end record: signature, disk numbers, entries on this disk, entries in all, directory size...
    entries, directory_size = struct.unpack("<HL", data[end + 10 : end + 16])
    if entries > MAX_PARTS or directory_size > MAX_PARTS * 1024:
        raise Refused(f"has more than {MAX_PARTS:,} parts: not a spreadsheet")


class _Bytes:
    """A read-only file over bytes, without the copy io.BytesIO would make of a 50 MB upload."""

    def __init__(self, data: bytes):
        self.view, self.position = memoryview(data), 0

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self.position, len(self.view))[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        stop = len(self.view) if size is None or size < 0 else self.position + size
        chunk = bytes(self.view[self.position : stop])
        self.position += len(chunk)
        return chunk

    def seekable(self) -> bool:
        return True


def _parse(
    archive: zipfile.ZipFile,
    name: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Feed a part to expat a chunk at a time (yielding after each), with element names without their
    namespace. A DTD is refused: no entity can be declared, so none is expanded or fetched."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_: object) -> None:
        raise Refused(
            f"{name} declares a DTD or entities, which no spreadsheet has (a way to read the server's files "
            "or exhaust its memory): refused"
        )

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.StartElementHandler = lambda tag, attributes: start(tag.rpartition(" ")[2], attributes)
    parser.EndElementHandler = lambda tag: end(tag.rpartition(" ")[2])
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Refused(f"{name} is not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:  # zlib: a damaged deflate stream
        raise Refused(f"is not a readable Excel workbook ({name}: {exc})") from None


def _read(archive: zipfile.ZipFile, name: str, start, end=lambda tag: None, text=None) -> None:
    for _ in _parse(archive, name, start, end, text):
        pass


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of a part: id -> (type, the target part's name in the zip)."""
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if name not in archive.NameToInfo:
        return found

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[attributes.get("Id", "")] = (attributes.get("Type", ""), target)

    _read(archive, name, start)
    return found


class Workbook:
    """What reading cells needs: the sheets (name, part), the shared strings, the styles that are dates."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        package = _relationships(archive, "")
        main = next((t for kind, t in package.values() if kind.endswith("/officeDocument")), "xl/workbook.xml")
        if main not in archive.NameToInfo:
            raise Refused("is not a readable Excel workbook (it has no workbook part)")
        parts = _relationships(archive, main)
        self.sheets: list[tuple[str, str]] = []
        self.epoch = CALENDAR_WINDOWS_1900

        def start(tag: str, attributes: dict[str, str]) -> None:
            if tag == "sheet":
                kind, target = parts.get(attributes.get(f"{RELATIONSHIPS} id", ""), ("", ""))
                if kind.endswith("/worksheet") and target in archive.NameToInfo:
                    self.sheets.append((attributes.get("name", ""), target))
            elif tag == "workbookPr" and attributes.get("date1904", "").lower() in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904

        _read(archive, main, start)
        part = {kind.rpartition("/")[2]: target for kind, target in parts.values()}
        self.strings = self._strings(part.get("sharedStrings", ""))
        self.dates, self.durations = self._date_styles(part.get("styles", ""))

    def _strings(self, name: str) -> list[str]:
        strings: list[str] = []
        if not name or name not in self.archive.NameToInfo:
            return strings
        parts: list[str] = []
        state = {"t": False, "phonetic": 0}

        def start(tag: str, attributes: dict[str, str]) -> None:
            if tag == "si":
                parts.clear()
            elif tag == "t":
                state["t"] = True
            elif tag == "rPh":  # the pronunciation guide above Japanese text: not part of the text
                state["phonetic"] += 1

        def end(tag: str) -> None:
            if tag == "si":
                if len(strings) >= MAX_CELLS:
                    raise Refused(f"its table of texts has more than {MAX_CELLS:,} entries: split the file")
                strings.append("".join(parts))
            elif tag == "t":
                state["t"] = False
            elif tag == "rPh":
                state["phonetic"] -= 1

        def text(data: str) -> None:
            if state["t"] and not state["phonetic"]:
                parts.append(data)

        _read(self.archive, name, start, end, text)
        return strings

    def _date_styles(self, name: str) -> tuple[set[int], set[int]]:
        """The cell styles (their index in cellXfs) whose number format is a date, and a duration."""
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        styles: list[int] = []
        depth = {"cellXfs": 0}
        if name and name in self.archive.NameToInfo:

            def start(tag: str, attributes: dict[str, str]) -> None:
                if tag == "numFmt":
                    formats[_int(attributes.get("numFmtId"))] = attributes.get("formatCode", "")
                elif tag == "cellXfs":
                    depth["cellXfs"] += 1
                elif tag == "xf" and depth["cellXfs"]:
                    styles.append(_int(attributes.get("numFmtId")))

            def end(tag: str) -> None:
                if tag == "cellXfs":
                    depth["cellXfs"] -= 1

            _read(self.archive, name, start, end)
        dates = {i for i, f in enumerate(styles) if f in formats and is_date_format(formats[f])}
        return dates, {i for i in dates if is_timedelta_format(formats[styles[i]])}

    def rows(self, sheet: str, max_rows: int, stop_after: int | None = None) -> Iterator[tuple[int, dict[int, str]]]:
        """The sheet's rows that have cells: (row number, {column from 0: text}). Refused beyond
        `max_rows` rows of data (declared or found, HEADER_ROWS more allowed above them), MAX_CELLS
        cells, MAX_COLUMNS columns. `stop_after`: stop once that row is read."""
        last_line = max_rows + HEADER_ROWS
        too_many = f"more than {max_rows:,} rows: split the file"
        ready: list[tuple[int, dict[int, str]]] = []
        row: dict[int, str] = {}
        cell: dict[str, Any] = {}
        count = {"line": 0, "column": 0, "cells": 0}
        collecting: list[str] | None = None
        size = {"chars": 0}
        place = {"v": False, "f": False, "is": False, "t": False, "phonetic": 0, "data": False}

        def start(tag: str, attributes: dict[str, str]) -> None:
            nonlocal collecting
            if tag == "c" and place["data"]:
                count["cells"] += 1
                if count["cells"] > MAX_CELLS:
                    raise Refused(f"has more than {MAX_CELLS:,} cells: split the file", count["line"])
                reference = attributes.get("r")
                count["column"] = _column(reference, count["line"]) if reference else count["column"] + 1
                if count["column"] > MAX_COLUMNS:
                    raise Refused(f"has more than {MAX_COLUMNS:,} columns", count["line"])
                cell.clear()
                cell.update(type=attributes.get("t", "n"), style=_int(attributes.get("s")), v=[], f=None, inline=[])
            elif tag == "row" and place["data"]:
                reference = attributes.get("r")
                count["line"] = _int(reference) if reference else count["line"] + 1
                count["column"] = 0
                if count["line"] > last_line:
                    raise Refused(too_many, count["line"])
                row.clear()
            elif tag == "v" and cell:
                collecting, size["chars"] = cell["v"], 0
            elif tag == "f" and cell:
                cell["f"] = []
                collecting, size["chars"] = cell["f"], 0
            elif tag == "is" and cell:
                place["is"], size["chars"] = True, 0
            elif tag == "t" and place["is"] and not place["phonetic"]:
                collecting = cell["inline"]
            elif tag == "rPh":
                place["phonetic"] += 1
            elif tag == "sheetData":
                place["data"] = True
            elif tag == "dimension":
                last = attributes.get("ref", "").rpartition(":")[2]
                declared = _int(re.sub(r"^\$?[A-Za-z]+\$?", "", last))
                if declared > last_line:
                    raise Refused(f"{too_many} (the sheet spans {attributes['ref'][:40]})")

        def end(tag: str) -> None:
            nonlocal collecting
            if tag in ("v", "f", "t"):
                collecting = None
            elif tag == "is":
                place["is"] = False
            elif tag == "rPh":
                place["phonetic"] -= 1
            elif tag == "c" and cell:
                text = self._text(cell, count["line"], count["column"])
                if text:
                    row[count["column"] - 1] = text
                cell.clear()
            elif tag == "row" and place["data"]:
                ready.append((count["line"], dict(row)))
            elif tag == "sheetData":
                place["data"] = False
                raise _SheetDataEnd

        def text(data: str) -> None:
            if collecting is not None:
                size["chars"] += len(data)
                if size["chars"] > MAX_CELL_TEXT:
                    raise Refused(
                        f"a cell has more than {MAX_CELL_TEXT:,} characters (Excel's own limit)",
                        count["line"],
                        letter(count["column"]),
                    )
                collecting.append(data)

        try:
            for _ in _parse(self.archive, sheet, start, end, text):
                yield from ready
                if stop_after is not None and ready and ready[-1][0] >= stop_after:
                    return
                ready.clear()
        except _SheetDataEnd:
            pass
        yield from ready

    def _text(self, cell: dict[str, Any], line: int, column: int) -> str:
        if cell["f"] is not None:  # a formula, read as written (the import refuses formulas)
            return "=" + "".join(cell["f"])
        kind, raw = cell["type"], "".join(cell["v"])
        if kind == "inlineStr":
            return "".join(cell["inline"])
        if not raw or kind == "e":
            return ""
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                raise Refused(f"a cell refers to text {raw[:20]!r} that the workbook does not have", line,
                              letter(column)) from None  # fmt: skip
        if kind == "b":
            return str(raw.strip() not in ("0", "false"))
        if kind != "n":  # "str" (a formula's text), "d" (an ISO 8601 date)
            return raw
        try:
            number: int | float = float(raw) if "." in raw or "e" in raw.lower() else int(raw)
        except ValueError:
            return raw
        if cell["style"] in self.dates:
            try:
                moment = from_excel(number, self.epoch, timedelta=cell["style"] in self.durations)
            except (OverflowError, ValueError, TypeError):
                return ""  # a date Excel cannot show either (#VALUE!)
            return moment.isoformat() if isinstance(moment, datetime | date | time) else str(moment)
        if isinstance(number, float):
            if number != number or number in (float("inf"), float("-inf")):
                return ""
            if number.is_integer():
                return str(int(number))
        return str(number)


class _SheetDataEnd(Exception):
    """The rows are read: what follows them (merged cells, print settings) is not needed."""


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _column(reference: str, line: int) -> int:
    letters = reference.rstrip("0123456789$").lstrip("$")
    if not letters or len(letters) > 3 or not letters.isalpha():
        raise Refused(f"a cell has the reference {reference[:20]!r}, which is not a cell", line)
    return column_index_from_string(letters.upper())


def open_workbook(data: bytes) -> Workbook:
    """The workbook, once its zip and its parts are within the bounds."""
    return Workbook(check_archive(data))
