"""A plan's indicator table laid out as rows and columns (tab-separated text from a spreadsheet or a
web table), read the way it is published: which column is which from its heading, in Simplified or
Traditional Chinese; the category carried down to the rows below it; the unit from its own column or
from the indicator's name (`（万人）`, `(%)`); and each target cell read by `notation.read_cell`, as a
rate when it stands in a 年均 column and as a total in a 累计 column.

Rows whose target cannot be read keep their problem (quoting the cell); nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indicators.spreadsheets import wordtable
from indicators.spreadsheets.notation import NotationProblem, Part, normalise, read_cell
from indicators.spreadsheets.reading import MAX_BYTES, _rows, decode

BINDING, ANTICIPATORY = "binding", "anticipatory"


class TableProblem(ValueError):
    """The table as a whole cannot be read (no heading row, no indicator or target column)."""


@dataclass
class Column:
    key: str  # category, row, indicator, unit, baseline, target, completed, attribute
    index: int
    heading: str
    year: int | None = None
    annual_average: bool = False
    cumulative: bool = False


@dataclass
class PlanRow:
    """One row of the table: what it prints, and how its target cell reads."""

    line: int  # 1-based, in the text as given
    category: str
    row: str
    label: str
    unit: str
    cells: dict[str, str]  # by column kind: the first column of each
    attribute: str = ""  # binding, anticipatory, or "" when the table does not say
    targets: list[Part] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    raw: dict[int, str] = field(default_factory=dict)  # every known column's cell, by its index


@dataclass
class PlanTable:
    columns: list[Column]
    rows: list[PlanRow]
    notes: list[str] = field(default_factory=list)  # the notes printed under the table (注：1.… 2.…)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


# Headings after normalise() (Simplified, no spaces), most specific first.
_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    ("attribute", re.compile(r"^(?:指标)?属性$")),
    ("category", re.compile(r"^(?:类别|领域|类型|分类)$")),
    ("row", re.compile(r"^(?:序号|编号|No\.?)$", re.I)),
    ("unit", re.compile(r"^(?:计量)?单位$")),
    ("completed", re.compile(r"^(\d{4})年?(?:完成|实际|实现)(?:值|情况|数)?$")),
    ("target", re.compile(r"^(\d{4})年?(?:目标|规划目标|预期目标)?(?:值)?$")),
    ("baseline", re.compile(r"^(\d{4})年?(?:基数|基期|现状|基期值|基础)(?:值)?$")),
    ("average", re.compile(r"^(?:年均(?:增长|增速|增幅)?|年均增长率)(?:\(%\))?$")),
    ("cumulative", re.compile(r"^(?:五年)?累计(?:值)?$")),
    ("indicator", re.compile(r"^(?:主要)?指标(?:名称)?$")),
]
_UNIT_IN_NAME = re.compile(r"^(.*?)[(]([^()]+)[)]$")
_UNIT_WORDS = re.compile(
    r"%|‰|万|亿|元|人|吨|公里|千米|米|平方|立方|个|所|张|件|台|辆|户|亩|公顷|千克|度|微克|岁|年|标箱|次|床"
)
_ATTRIBUTES = {"约束性": BINDING, "预期性": ANTICIPATORY}


def heading_key(text: str) -> tuple[str, int | None] | None:
    """Which column a heading names, and the year it names if any; None for a heading not known."""
    cell = normalise(text)
    for key, pattern in _HEADINGS:
        if match := pattern.match(cell):
            year = int(match.group(1)) if match.groups() and match.group(1) else None
            return key, year
    return None


def read_tsv(text: str) -> PlanTable:
    """A table copied from a spreadsheet or a web page: one row a line, cells separated by tabs."""
    lines = [line.split("\t") for line in text.splitlines()]
    return read_grid(lines)


def read_grid(lines: list[list[str]]) -> PlanTable:
    """Rows of cells (from TSV, a workbook or a Word table): the heading row, then the indicators."""
    columns, start = None, 0
    for start, cells in enumerate(lines):  # noqa: B007  (the heading row's index is used below)
        columns = _columns(cells)
        if columns is not None:
            break
    if columns is None:
        raise TableProblem("no heading row naming at least an indicator (指标) and a target year (2025年) column")
    rows: list[PlanRow] = []
    category = ""
    for number, cells in enumerate(lines[start + 1 :], start=start + 2):
        if not any(cell.strip() for cell in cells):
            continue
        if re.match(r"^\s*(?:注|註)[:：]", cells[0]):
            notes = " ".join(" ".join(c.strip() for c in line if c.strip()) for line in lines[number - 1 :])
            return PlanTable(columns, rows, _notes(notes))
        raw = {c.index: cells[c.index].strip() if c.index < len(cells) else "" for c in columns}
        values: dict[str, str] = {}
        for column in columns:  # the first column of each kind (a table may have two target columns)
            values.setdefault(column.key, raw[column.index])
        category = values.get("category") or category
        label, unit = values.get("indicator", ""), values.get("unit", "")
        if not unit and (match := _UNIT_IN_NAME.match(normalise(label))) and _UNIT_WORDS.search(match.group(2)):
            label, unit = match.group(1), match.group(2)
        row = PlanRow(number, category, values.get("row", ""), label, unit, values, raw=raw)
        row.attribute = _ATTRIBUTES.get(normalise(values.get("attribute", "")), "")
        if values.get("attribute") and not row.attribute:
            row.problems.append(f"the attribute “{values['attribute']}” is neither 约束性 nor 预期性")
        _read_targets(row, columns)
        rows.append(row)
    return PlanTable(columns, rows)


def _notes(text: str) -> list[str]:
    """The notes under a table, one per number: "注：1.[ ]内为五年累计数。2.…" → ["[ ]内为五年累计数。", "…"]."""
    body = re.sub(r"^\s*(?:注|註)[:：]\s*", "", text)
    pieces = [piece.strip() for piece in re.split(r"(?:^|\s)\d{1,2}[.、．]\s*", body) if piece.strip()]
    return pieces


def read_file(name: str, data: bytes) -> PlanTable:
    """A table from an uploaded file: .xlsx, tab-separated text, or CSV (through the import reader's
    bounded reading), or a Word document's table and the notes under it (.docx, or any zip holding
    word/document.xml). Text with tabs is tab-separated whatever else it holds: a title line above the
    table and notes below it have none, which defeats the CSV sniffer."""
    if name.lower().endswith((".docx", ".doc")) or wordtable.is_docx(data):
        try:
            return read_grid(wordtable.read_docx(data, is_heading=lambda cells: _columns(cells) is not None))
        except wordtable.DocxProblem as problem:
            raise TableProblem(str(problem)) from problem
    if not data.startswith(b"PK") and b"\t" in data[: 64 * 1024] and len(data) <= MAX_BYTES:
        return read_tsv(decode(data)[0])
    rows, _, _ = _rows(name, data)
    grid = []
    for _, row in rows:
        if isinstance(row, dict):
            width = max(row, default=-1) + 1
            grid.append([str(row.get(i, "")) for i in range(width)])
        else:
            grid.append([str(cell) for cell in row])
    return read_grid(grid)


def to_json(table: PlanTable, *, start: int, end: int) -> dict:
    """What a table determines of each target (the fields of GET /api/v1/targets items), its notes and
    its problems: the parse a script or the preview page works from. Writes nothing."""
    target_column = next((c for c in table.columns if c.key == "target"), None)
    target_year = target_column.year if target_column and target_column.year else end
    targets, problems = [], []
    for row in table.rows:
        problems += [{"line": row.line, "row": row.row, "label_zh": row.label, "problem": p} for p in row.problems]
        units = row.unit.split("/") if len(row.targets) > 1 else [row.unit]
        for part_number, part in enumerate(row.targets, start=1):
            unit = units[part_number - 1] if len(units) == len(row.targets) else row.unit
            targets.append(
                {
                    "row": row.row,
                    "part": part_number,
                    "category_zh": row.category,
                    "label_zh": row.label,
                    "unit_label": unit,
                    "baseline": row.cells.get("baseline") or None,
                    "target_year": target_year,
                    "target_value": str(part.value) if part.value is not None else None,
                    "comparator": part.comparator,
                    "target_notation": part.text,
                    "is_cumulative": part.cumulative,
                    "is_annual_average": part.annual_average,
                    "reference_year": part.reference_year,
                    "footnoted": part.footnoted,
                    "assigned_by": part.assigned_by,
                    "linked": part.linked,
                    "qualitative": part.qualitative,
                    "printed_unit": part.unit,
                    "attribute": row.attribute,
                }
            )
    if not start <= target_year <= end:
        outside = f"the target year {target_year} lies outside the plan's {start}–{end}"
        problems.append({"line": None, "row": "", "label_zh": "", "problem": outside})
    return {"targets": targets, "notes": table.notes, "problems": problems}


def _columns(cells: list[str]) -> list[Column] | None:
    columns: list[Column] = []
    for index, cell in enumerate(cells):
        found = heading_key(cell)
        if found is None:
            continue
        key, year = found
        column = Column(key, index, cell.strip(), year)
        if key == "average":
            column.key, column.annual_average = "target", True
        elif key == "cumulative":
            column.key, column.cumulative = "target", True
        columns.append(column)
    keys = {c.key for c in columns}
    return columns if {"indicator", "target"} <= keys else None


def _read_targets(row: PlanRow, columns: list[Column]) -> None:
    """The row's targets: from its target column(s); an empty 年均 or 累计 column leaves the other."""
    for column in (c for c in columns if c.key == "target"):
        text = row.raw.get(column.index, "")
        if not text or text in ("-", "—", "/"):
            continue
        try:
            row.targets.extend(read_cell(text, annual_average=column.annual_average, cumulative=column.cumulative))
        except NotationProblem as problem:
            row.problems.append(str(problem))
    if not row.targets and not row.problems:
        row.problems.append("no target in the row")
