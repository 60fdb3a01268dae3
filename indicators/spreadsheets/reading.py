"""Reading analysts' spreadsheets: CSV in any of the encodings they are saved in, or Excel.

`read_table()` turns an uploaded file into rows of text keyed by our column names,
finding the header row (below a merged title, in Chinese or English) and the encoding
(UTF-8 with or without BOM, GBK/GB18030, Big5, UTF-16). `prepare_rows()` resolves
areas and indicators given by code or by name (simplified or traditional Chinese, or
English) and parses the cells. Every problem names the row and column as the analyst
sees them in their spreadsheet; a file with any problem is not imported at all.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import opencc
from charset_normalizer import from_bytes

from districts.models import Area
from gzplan.lib.cells import CONTROL_CHARACTERS
from gzplan.lib.numbers import parse_number
from indicators.domain import year_problem
from indicators.models import Indicator, ValueStatus
from indicators.spreadsheets import xlsx

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_CELL = 5_000
HEADER_ROWS = xlsx.HEADER_ROWS  # the header row is among the first ten
ENCODINGS = ["utf_8", "gb18030", "big5"]

# Our column, and the headings analysts use for it (compared after normalising: lower case,
# full-width to half-width, no spaces, underscores or brackets).
COLUMNS: dict[str, list[str]] = {
    "area": ["area", "areacode", "地区", "地区代码", "区", "区域", "行政区", "行政区划代码", "district", "refarea"],
    "indicator": ["indicator", "indicatorcode", "指标", "指标代码", "指标名称", "indicatorname"],
    "year": ["year", "年份", "年度", "年", "timeperiod"],
    "value": ["value", "数值", "值", "本年值", "填报值", "实际值", "完成值", "obsvalue"],
    "quarter": ["quarter", "季度"],
    "span_from": ["spanfrom", "起始年份"],
    "reference_year": ["referenceyear", "所指年份", "数据年份"],
    "status": ["status", "状态", "数据状态", "obsstatus"],
    "qualifier": ["qualifier", "限定"],
    "source": ["source", "来源", "数据来源"],
    "note": ["note", "备注", "说明"],
    "version": ["version", "版本"],
}
REQUIRED = ("area", "indicator", "year", "value")
STATUS_WORDS = {
    "preliminary": ValueStatus.PRELIMINARY,
    "初步": ValueStatus.PRELIMINARY,
    "初步数": ValueStatus.PRELIMINARY,
    "p": ValueStatus.PRELIMINARY,
    "final": ValueStatus.FINAL,
    "最终": ValueStatus.FINAL,
    "正式": ValueStatus.FINAL,
    "a": ValueStatus.FINAL,
    "revised": ValueStatus.REVISED,
    "修订": ValueStatus.REVISED,
}


class ImportProblem(Exception):
    """The file cannot be imported; `row` and `column` are as the analyst sees them (row 1 is the first line)."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        self.message, self.row, self.column = message, row, column
        where = ", ".join(part for part in (f"row {row}" if row else "", f"column {column}" if column else "") if part)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class Table:
    rows: list[dict[str, str]]  # our column -> cell text
    line_numbers: list[int]  # the spreadsheet row of each
    headings: dict[str, str]  # our column -> the heading as written
    encoding: str
    skipped: int = 0  # rows without a value (a template's indicators left blank)


@functools.lru_cache(maxsize=4096)  # a column's cells repeat a few words (statuses) thousands of times
def _heading_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).lower()
    return re.sub(r"[\s_\-()（）\[\]【】:：/]", "", text)


_HEADINGS = {_heading_key(name): column for column, names in COLUMNS.items() for name in names}


def _match_heading(cell: object) -> str | None:
    if cell is None or str(cell).strip() == "":
        return None
    text = str(cell)
    if not text.isascii():
        text = _t2s().convert(text)  # 地區 → 地区
    key = _heading_key(text)
    if key in _HEADINGS:
        return _HEADINGS[key]
    # A bilingual heading such as "地区 area" or "指标/Indicator".
    for part in re.split(r"[\s/|\n]+", unicodedata.normalize("NFKC", text)):
        if _heading_key(part) in _HEADINGS:
            return _HEADINGS[_heading_key(part)]
    return None


@functools.cache
def _t2s() -> opencc.OpenCC:
    """Traditional to simplified Chinese, built once (reading its dictionaries takes a while)."""
    return opencc.OpenCC("t2s")


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding, or ImportProblem."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf_8"), "utf_8_sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf_16"), "utf_16"
    try:
        return data.decode("utf_8"), "utf_8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=ENCODINGS[1:]).best()
    if best is None or b"\x00" in data:
        raise ImportProblem(
            "cannot be read: it is neither an Excel workbook nor text in UTF-8, GBK/GB18030 or Big5 "
            "(save it as CSV UTF-8 or as .xlsx)"
        )
    return str(best), best.encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportProblem(f"is not valid {encoding.upper()} text (byte {exc.start})") from None


# Rows as they come from a file: CSV rows as lists of cells, workbook rows as {column from 0: cell}
# holding only the cells that have something (a sheet may have a lone cell in column XFD).
Row = list[str] | dict[int, str]


def _rows(name: str, data: bytes) -> tuple[Iterator[tuple[int, Row]], str, bool]:
    """The file's rows as they come (row number, cells), its encoding, and whether a cell may hold a
    control character (then every cell is checked)."""
    if not data.strip():
        raise ImportProblem("the file is empty")
    if len(data) > MAX_BYTES:
        raise ImportProblem(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it")
    if data[:4] == b"PK\x03\x04":
        try:
            book = xlsx.open_workbook(data)
        except xlsx.Refused as problem:
            raise ImportProblem(problem.message, problem.row, problem.column) from None
        return _sheet_rows(book), "xlsx", True
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportProblem("is an old Excel file (.xls): save it as .xlsx or CSV")
    text, encoding = decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    # Every cell ends at a delimiter or a line break: this bounds the cells before csv makes any.
    if text.count(delimiter) + text.count("\n") > xlsx.MAX_CELLS:
        raise ImportProblem(f"has more than {xlsx.MAX_CELLS:,} cells: split the file")
    return _csv_rows(text, delimiter), encoding, CONTROL_CHARACTERS.search(text) is not None


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, Row]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise ImportProblem(f"is not well-formed CSV: {exc}") from None


def _sheet_rows(book: xlsx.Workbook) -> Iterator[tuple[int, Row]]:
    """The rows of the sheet whose first rows look most like our headings."""
    try:
        best, best_score = None, -1
        for _, part in book.sheets:
            head = [row for line, row in book.rows(part, MAX_ROWS, stop_after=HEADER_ROWS) if line <= HEADER_ROWS]
            score = max((sum(_match_heading(v) is not None for v in row.values()) for row in head), default=0)
            if head and score > best_score:
                best, best_score = part, score
        if best is None:
            raise ImportProblem("the workbook is empty")
        yield from book.rows(best, MAX_ROWS)
    except xlsx.Refused as problem:
        raise ImportProblem(problem.message, problem.row, problem.column) from None


def _cell(row: Row, position: int) -> str:
    if isinstance(row, dict):
        return row.get(position, "")
    return row[position] if position < len(row) else ""


def _cells(row: Row) -> Iterable[tuple[int, str]]:
    return row.items() if isinstance(row, dict) else enumerate(row)


def _refuse_controls(line: int, row: Row, header: Row | None) -> None:
    for position, cell in _cells(row):
        found = CONTROL_CHARACTERS.search(cell)
        if found:
            heading = _cell(header, position).strip() if header is not None else ""
            raise ImportProblem(
                f"the cell holds the control character U+{ord(found.group()):04X}, which no figure or note "
                "may contain: remove it",
                line,
                heading or xlsx.letter(position + 1),
            )


def read_table(name: str, data: bytes) -> Table:
    """The file's rows keyed by our column names, or ImportProblem."""
    rows, encoding, controls = _rows(name, data)
    header: Row | None = None
    headings: dict[str, int] = {}
    for line, row in rows:
        if line > HEADER_ROWS:
            break
        if controls:
            _refuse_controls(line, row, None)
        found: dict[str, int] = {}
        for position, cell in sorted(_cells(row)):
            column = _match_heading(cell)
            if column and column not in found:
                found[column] = position
        if all(c in found for c in REQUIRED):
            header, headings = row, found
            break
    if header is None:
        raise ImportProblem(
            "no header row with the columns area, indicator, year and value (or 地区, 指标, 年份, 数值) "
            f"in the first {HEADER_ROWS} rows"
        )
    records: list[dict[str, str]] = []
    lines: list[int] = []
    skipped = 0
    for line, row in rows:
        if controls:
            _refuse_controls(line, row, header)
        if not any(cell.strip() for _, cell in _cells(row)):
            continue
        if len(records) >= MAX_ROWS:
            raise ImportProblem(f"more than {MAX_ROWS:,} rows: split the file")
        record: dict[str, str] = {}
        for column, position in headings.items():
            cell = _cell(row, position)
            if len(cell) > MAX_CELL:
                raise ImportProblem(f"the cell has {len(cell):,} characters (at most {MAX_CELL:,})", line,
                                    _cell(header, position))  # fmt: skip
            record[column] = cell.strip()
        if not record["value"]:
            skipped += 1
            continue
        records.append(record)
        lines.append(line)
    if not records:
        raise ImportProblem("no row has a value to import" if skipped else "the file has a header but no rows")
    return Table(records, lines, {c: _cell(header, p) for c, p in headings.items()}, encoding, skipped)


_Named = TypeVar("_Named", Area, Indicator)


class Names:
    """Areas and indicators by code or by name, in simplified or traditional Chinese or English."""

    def __init__(self) -> None:
        convert = _t2s().convert
        self.areas: dict[str, Area] = {}
        for area in Area.objects.all():
            for key in (area.code, area.name_zh, area.name_en, f"{area.name_en} district"):
                self.areas[self._key(key)] = area
        self.indicators: dict[str, Indicator] = {}
        for indicator in Indicator.objects.all():
            for key in (indicator.code, indicator.name_zh, indicator.name_en):
                self.indicators[self._key(key)] = indicator
        self.convert = convert

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()

    def find(self, table: dict[str, _Named], text: str) -> _Named | None:
        found = table.get(text)  # a cell already in its normal form (codes, Chinese names): most cells
        if found is not None:
            return found
        key = self._key(text)
        return table.get(key) or table.get(self._key(self.convert(text)))


def _reject_formula(text: str, line: int, heading: str) -> None:
    if text.startswith("="):
        raise ImportProblem(f"{text[:40]!r} is a spreadsheet formula, not data: paste the value instead", line, heading)


def prepare_rows(table: Table) -> tuple[list[dict[str, Any]], list[ImportProblem]]:
    """The rows ready for services.plan_values, and every cell problem found (all of them, not the first)."""
    names = Names()
    prepared: list[dict[str, Any]] = []
    problems: list[ImportProblem] = []
    heading = table.headings
    for record, line in zip(table.rows, table.line_numbers, strict=True):
        try:
            for column, text in record.items():
                if text[:1] == "=":
                    _reject_formula(text, line, heading[column])
            area = names.find(names.areas, record["area"]) if record["area"] else None
            if area is None:
                raise ImportProblem(f"unknown area {record['area']!r} (a GB/T 2260 code or a name)", line,
                                    heading["area"])  # fmt: skip
            indicator = names.find(names.indicators, record["indicator"]) if record["indicator"] else None
            if indicator is None:
                raise ImportProblem(f"unknown indicator {record['indicator']!r} (a code or a name)", line,
                                    heading["indicator"])  # fmt: skip
            row: dict[str, Any] = {  # text, numbers and a Decimal, as services.plan_values takes them
                "area": area.code,
                "indicator": indicator.code,
                "year": _year(record["year"], line, heading["year"]),
                "value": _number(record["value"], line, heading["value"]),
                "line": line,
            }
            for column in ("quarter", "span_from", "reference_year", "version"):
                if record.get(column):
                    row[column] = _whole(record[column], line, heading[column], column)
            if record.get("status"):
                status = STATUS_WORDS.get(_heading_key(record["status"]))
                if status is None:
                    raise ImportProblem(f"unknown status {record['status']!r} (preliminary, final or revised)", line,
                                        heading["status"])  # fmt: skip
                row["status"] = status
            for column, limit in (("source", 300), ("note", 2000)):
                if record.get(column):
                    if len(record[column]) > limit:
                        raise ImportProblem(f"at most {limit} characters", line, heading[column])
                    row[column] = record[column]
            prepared.append(row)
        except ImportProblem as problem:
            problems.append(problem)
    return prepared, problems


def _number(text: str, line: int, heading: str) -> Decimal:
    try:
        return parse_number(text)
    except ValueError as exc:
        raise ImportProblem(f"value {exc}" if str(exc) == "is empty" else str(exc), line, heading) from None


def _year(text: str, line: int, heading: str) -> int:
    year = _whole(text, line, heading, "year")
    problem = year_problem(year)
    if problem is not None:
        raise ImportProblem(problem, line, heading)
    return year


def _whole(text: str, line: int, heading: str, what: str) -> int:
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    cleaned = unicodedata.normalize("NFKC", text).strip().removesuffix("年")
    if not re.fullmatch(r"\d{1,9}(\.0+)?", cleaned):
        raise ImportProblem(f"{text[:40]!r} is not a whole number ({what})", line, heading)
    return int(float(cleaned))
