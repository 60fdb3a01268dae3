"""A plan's indicator table laid out as rows and columns (tab-separated text from a spreadsheet or a
web table), read the way it is published: which column is which from its heading, in Simplified or
Traditional Chinese; the category carried down to the rows below it; the unit from its own column or
from the indicator's name (`（万人）`, `(%)`); and each target cell read by `notation.read_cell`, as a
rate when it stands in a 年均 column and as a total in a 累计 column.

Rows whose target cannot be read keep their problem (quoting the cell); nothing is guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from indicators.domain import target_kind
from indicators.spreadsheets import wordtable
from indicators.spreadsheets.celllines import FILLERS, NUMBERED_LABEL, lines_to_grid
from indicators.spreadsheets.notation import NotationProblem, Part, normalise, read_cell
from indicators.spreadsheets.reading import MAX_BYTES, _rows, _t2s, decode

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
    """One printed row or sub-row of the table: what it prints, and how its target cell reads."""

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
    group: str = ""  # a label over several sub-rows (宽频接入能力 over 城市… and 农村…)
    sub_row: bool = False  # printed under the numbered row above, without a number of its own


@dataclass
class PlanTable:
    columns: list[Column]
    rows: list[PlanRow]
    notes: list[str] = field(default_factory=list)  # the notes printed under the table (注：1.… 2.…)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


# Headings after normalise() (Simplified, no spaces), most specific first.
_PERIOD = r"[\"“”]?十[一二三四五六七八九]五[\"“”]?(?:时期)?"
_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    ("attribute", re.compile(r"^(?:指标)?属性$")),
    ("category", re.compile(r"^(?:类别|领域|类型|分类)$")),
    ("row", re.compile(r"^(?:序号|编号|No\.?)$", re.I)),
    ("unit", re.compile(r"^(?:计量)?单位$")),
    ("completed", re.compile(r"^(\d{4})年?(?:完成|实际|实现)(?:值|情况|数)?$")),
    ("target", re.compile(r"^(\d{4})年?(?:目标|规划目标|预期目标)?(?:值)?$")),
    ("baseline", re.compile(r"^(\d{4})年?(?:基数|基期|现状|基期值|基础)(?:值)?$")),
    ("completed", re.compile(rf"^{_PERIOD}(?:规划)?(?:实际)?(?:完成|实现)(?:值|情况)?$")),
    ("target", re.compile(rf"^{_PERIOD}(?:规划)?(?:目标|预期目标)(?:值)?$")),
    ("average", re.compile(r"^(?:年均(?:增长|增速|增幅)?|年均增长率)(?:\(%\))?$")),
    ("cumulative", re.compile(r"^(?:五年)?累计(?:值)?$")),
    ("indicator", re.compile(r"^(?:主要)?指标(?:名称)?$")),
]
_UNIT_IN_NAME = re.compile(r"^(.*?)[(]([^()]+)[)]$")
_UNIT_WORDS = re.compile(
    r"%|‰|万|亿|元|人|吨|公里|千米|米|平方|立方|个|所|张|件|台|辆|户|亩|公顷|千克|度|微克|岁|年|标箱|次|床"
)
_ATTRIBUTES = {"约束性": BINDING, "预期性": ANTICIPATORY}
_EMPTY = ("", *FILLERS)


def heading_key(text: str) -> tuple[str, int | None] | None:
    """Which column a heading names, and the year it names if any; None for a heading not known."""
    cell = normalise(text)
    for key, pattern in _HEADINGS:
        if match := pattern.match(cell):
            year = int(match.group(1)) if match.groups() and match.group(1) else None
            return key, year
    return None


def read_text(text: str) -> PlanTable:
    """Pasted text: tab-separated when its lines carry tabs, comma-separated when a line of it is a
    heading row that way, else one cell a line as copied from a web page (`celllines`)."""
    if "\t" in text:
        return read_tsv(text)
    lines = text.splitlines()
    if any(_columns(cells) for cells in csv.reader(line for line in lines[:60] if "," in line)):
        return read_grid(list(csv.reader(lines)))
    grid = lines_to_grid(text, heading_key)
    if grid is None:
        raise TableProblem(
            "no heading naming at least an indicator (指标) and a target (2025年目标值) column: paste the table "
            "with its heading, one cell a line or with tabs between the cells"
        )
    return read_grid(grid)


def read_tsv(text: str) -> PlanTable:
    """A table copied from a spreadsheet or a web page: one row a line, cells separated by tabs."""
    lines = [line.split("\t") for line in text.splitlines()]
    return read_grid(lines)


def read_grid(lines: list[list[str]]) -> PlanTable:
    """Rows of cells (from TSV, a workbook, a Word table or `celllines`): the heading row, then the
    rows. A row without a number under a numbered row is its sub-row; its empty target and attribute
    cells are the ones merged with the row above."""
    columns, start = None, 0
    for start, cells in enumerate(lines):  # noqa: B007  (the heading row's index is used below)
        columns = _columns(cells)
        if columns is not None:
            break
    if columns is None:
        raise TableProblem("no heading row naming at least an indicator (指标) and a target year (2025年) column")
    rows: list[PlanRow] = []
    category = ""
    expected = 1
    for number, cells in enumerate(lines[start + 1 :], start=start + 2):
        if not any(cell.strip() for cell in cells):
            continue
        if re.match(r"^\s*(?:注|註)\s*[:：]?", cells[0]) and not any(c.strip() for c in cells[1:]):
            notes = " ".join(" ".join(c.strip() for c in line if c.strip()) for line in lines[number - 1 :])
            return PlanTable(columns, rows, _notes(notes))
        if columns == _columns(cells):
            continue  # the heading repeated after a page break
        raw = {c.index: cells[c.index].strip() if c.index < len(cells) else "" for c in columns}
        values: dict[str, str] = {}
        for column in columns:  # the first column of each kind (a table may have two target columns)
            values.setdefault(column.key, raw[column.index])
        previous = rows[-1] if rows else None
        label, group = values.get("indicator", ""), values.get("group", "")
        if "group" in values and not group and not values.get("row") and previous and previous.group:
            group = previous.group  # a sub-row under a group label printed once, merged down
        if values.get("sublabel"):
            group, label = label or (previous.group if previous else ""), values["sublabel"]
        row_number = values.get("row", "")
        if not row_number and (match := NUMBERED_LABEL.match(label.strip())) and int(match.group(1)) == expected:
            row_number, label = match.group(1), match.group(2).strip()
        sub_row = bool(not row_number and previous and label and "row" in values or (not row_number and group))
        if sub_row and previous:
            row_number = previous.row
            for column in columns:  # the cells merged with the row above
                if column.key in ("target", "attribute") and raw[column.index] in _EMPTY:
                    raw[column.index] = previous.raw.get(column.index, "")
            values = {}
            for column in columns:
                values.setdefault(column.key, raw[column.index])
        elif row_number.isdigit():
            expected = int(row_number) + 1
        elif not row_number:
            row_number = str(expected)
            expected += 1
        category = values.get("category") or category
        unit = values.get("unit", "")
        if not unit and (match := _UNIT_IN_NAME.match(normalise(label))) and _UNIT_WORDS.search(match.group(2)):
            label, unit = match.group(1), match.group(2)
        row = PlanRow(number, category, row_number, label, unit, values, raw=raw, group=group, sub_row=sub_row)
        row.attribute = _ATTRIBUTES.get(normalise(values.get("attribute", "")), "")
        if values.get("attribute") and values["attribute"] not in _EMPTY and not row.attribute:
            row.problems.append(f"the attribute “{values['attribute']}” is neither 约束性 nor 预期性")
        extra = [c.strip() for i, c in enumerate(cells) if i >= len(_heading_cells(lines[start])) and c.strip()]
        if extra:
            row.problems.append("cells outside the table's columns: " + " ".join(f"“{c}”" for c in extra))
        _read_targets(row, columns)
        rows.append(row)
    return PlanTable(columns, rows)


def _heading_cells(cells: list[str]) -> list[str]:
    """The heading row without its trailing empty cells."""
    cells = list(cells)
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _notes(text: str) -> list[str]:
    """The notes under a table, one per number: "注：1.[ ]内为五年累计数。2.…" → ["[ ]内为五年累计数。", "…"]."""
    body = re.sub(r"^\s*(?:注|註)\s*[:：]?\s*", "", text)
    pieces = [piece.strip() for piece in re.split(r"(?:^|\s)\d{1,2}\s*[.、．]\s*", body) if piece.strip()]
    return pieces


def read_file(name: str, data: bytes) -> PlanTable:
    """A table from an uploaded file: .xlsx; a Word document's table and the notes under it (.docx, or
    any zip holding word/document.xml); or text (tab-separated, CSV, or one cell a line as copied from a
    web page) through the import reader's bounded reading."""
    if name.lower().endswith((".docx", ".doc")) or wordtable.is_docx(data):
        try:
            return read_grid(wordtable.read_docx(data, is_heading=lambda cells: _columns(cells) is not None))
        except wordtable.DocxProblem as problem:
            raise TableProblem(str(problem)) from problem
    if not data.startswith(b"PK") and len(data) <= MAX_BYTES and not name.lower().endswith(".csv"):
        return read_text(decode(data)[0])
    rows, _, _ = _rows(name, data)
    grid = []
    for _, row in rows:
        if isinstance(row, dict):
            width = max(row, default=-1) + 1
            grid.append([str(row.get(i, "")) for i in range(width)])
        else:
            grid.append([str(cell) for cell in row])
    return read_grid(grid)


def _columns(cells: list[str]) -> list[Column] | None:
    columns: list[Column] = []
    for index, cell in enumerate(cells):
        found = heading_key(cell)
        if found is None and not cell.strip() and index + 1 < len(cells) and columns:
            following = heading_key(cells[index + 1])
            if following and following[0] == "indicator":
                # an unnamed column right before 指标: the group label printed beside its sub-rows
                columns.append(Column("group", index, ""))
                continue
        if found is None:
            # an unnamed column right after 指标: the heading spans two columns, a group label in the
            # first (宽频接入能力) and each sub-row's own label in the second
            if not cell.strip() and columns and columns[-1].key == "indicator" and columns[-1].index == index - 1:
                columns.append(Column("sublabel", index, ""))
            continue
        key, year = found
        column = Column(key, index, cell.strip(), year)
        if key == "average":
            column.key, column.annual_average = "target", True
        elif key == "cumulative":
            column.key, column.cumulative = "target", True
        columns.append(column)
    # Two bare year columns (2025年, 2030年): the earlier is the base year, the latest the target year.
    bare = [c for c in columns if c.key == "target" and c.year and re.fullmatch(r"\d{4}年?", normalise(c.heading))]
    if len(bare) > 1:
        latest = max(c.year or 0 for c in bare)
        for column in bare:
            if column.year != latest:
                column.key = "baseline"
    keys = {c.key for c in columns}
    return columns if {"indicator", "target"} <= keys else None


def _read_targets(row: PlanRow, columns: list[Column]) -> None:
    """The row's targets: from its target column(s); an empty 年均 or 累计 column leaves the other."""
    for column in (c for c in columns if c.key == "target"):
        text = row.raw.get(column.index, "")
        if text in _EMPTY:
            continue
        try:
            row.targets.extend(read_cell(text, annual_average=column.annual_average, cumulative=column.cumulative))
        except NotationProblem as problem:
            row.problems.append(str(problem))
    if not row.targets and not row.problems:
        row.problems.append("no target in the row")


# --- What a table determines of each target -------------------------------------------------------

# A measure word ending an indicator's name: where "A/B" labels share or replace their tail.
_MEASURE = re.compile(
    r"(吞吐量|运输量|传送量|发送量|货运量|客运量|总量|总额|增加值|产值|收入|面积|人数|比重|比例|占比|"
    r"增速|增长率|增幅|量|率|额|值|数)$"
)
_AVERAGE_LABEL = re.compile(r"年均(?!浓度|气温|降水|温度)")
# A planning scale, a projection the plan provides for rather than a goal: a count of people (常住人口, 人口规模)
# or of land (建设用地规模), in a unit of people or of area. 规模以上 (above designated size) is not one.
_SCALE_LABEL = re.compile(r"(?<!每千)(?<!每万)(?<!每百)人口(?:规模|总量|数量|数)?$|用地(?:规模|总量|面积)$")
_SCALE_UNIT = re.compile(r"人|平方(?:公里|千米|米)|公顷|亩|km")
_GENERIC = re.compile(r"(?:增加值)?占(?:地区生产总值|GDP|服务业增加值)(?:的)?(?:比重|比例)|比重|比例")


def split_label(label: str, parts: int) -> list[str]:
    """Each part's own name in a row printing two indicators as "A/B": 机场旅客/货邮吞吐量 →
    机场旅客吞吐量, 机场货邮吞吐量 (the tail shared); 地区生产总值年均增速/总量 → 地区生产总值年均增速,
    地区生产总值总量 (the tail replaced). A guess the analyst confirms in the preview."""
    pieces = label.split("/")
    if parts < 2 or len(pieces) != parts or not all(pieces):
        return [label] * max(parts, 1)
    first, names = pieces[0], [pieces[0]]
    if _MEASURE.search(first):  # 地区生产总值年均增速/总量, 铁路旅客传送量/货运量: B replaces A's tail
        for other in pieces[1:]:
            stem = first[: len(first) - len(other) - 2] if len(first) - len(other) - 2 >= 2 else first
            names.append(stem + other)
        return names
    last = pieces[-1]
    measure = _MEASURE.search(last)
    tail = measure.group(1) if measure else ""
    own = len(last) - len(tail)  # 货邮 in 货邮吞吐量: as long as the words it stands for in A (旅客)
    if not tail or own <= 0 or own >= len(first):
        return [label] * parts
    stem = first[: len(first) - own]
    return [piece + tail if n < parts - 1 else stem + piece if n else piece + tail for n, piece in enumerate(pieces)]


_SCALES = [("万亿", Decimal(10) ** 12), ("亿", Decimal(10) ** 8), ("万", Decimal(10) ** 4), ("千", Decimal(1000)),
           ("百", Decimal(100))]  # fmt: skip


def _scaled(unit: str) -> tuple[Decimal, str]:
    """万亿元 → (10¹², 元): a unit's scale and what it counts."""
    for prefix, scale in _SCALES:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return scale, unit[len(prefix) :]
    return Decimal(1), unit


def in_unit(value: Decimal, printed: str, unit: str) -> Decimal | None:
    """A figure printed with its own unit (3.5万亿元) in the row's unit (亿元: 35000); None when the two
    units count different things."""
    if not unit or printed == unit:
        return value
    (printed_scale, printed_base), (scale, base) = _scaled(printed), _scaled(unit)
    if printed_base != base:
        return None
    return value if printed_scale == scale else (value * printed_scale / scale).normalize()


def _notation(part: Part) -> str:
    """A part as printed, with a space before the year it measures as the tables print it."""
    return re.sub(r"(?<=[\d\]*])\((\d{4})", r" (\1", part.text)


def _kind(part: Part, cumulative: bool, average: bool, scale: bool = False) -> str:
    """How the target will be judged: the domain's rule, from what the cell and its row say."""
    return target_kind(
        assigned=bool(part.assigned_by), linked=bool(part.linked), valued=part.value is not None,
        cumulative=cumulative, annual_average=average, scale=scale,
    ).value  # fmt: skip


def is_planning_scale(label: str, unit: str, part: Part, cumulative: bool, average: bool) -> bool:
    """Whether a target is a planning scale: a count of people or land, a plain figure for one year."""
    plain = part.value is not None and not (cumulative or average or part.linked or part.assigned_by)
    return plain and bool(_SCALE_LABEL.search(label)) and bool(_SCALE_UNIT.search(unit or ""))


def _mentions(note: str, names: list[str], others: list[str]) -> bool:
    """Whether a note speaks of an indicator by one of its names (拥有 and a final 数 aside, and the
    generic 占地区生产总值比重 left out on both sides so it alone does not tie a note to a row). A name
    inside another row's longer name (地区生产总值年均增长率 in 人均地区生产总值年均增长率) is not
    spoken of where the note names that other row."""

    def plain(text: str) -> str:
        return label_text(text).replace("拥有", "").rstrip("*")

    own = {plain(name) for name in names}
    longer = [plain(other) for other in others if plain(other) not in own]
    for name in own:
        core = _GENERIC.sub("", name)
        for candidate in {core, core.removesuffix("数"), re.sub(r"^每万人口?|拥有量$|量$", "", core)}:
            if len(candidate) < 4:
                continue
            text = plain(note)
            for other in sorted(longer, key=len, reverse=True):
                if candidate in other and len(other) > len(candidate):
                    text = text.replace(other, "…")
            if candidate in _GENERIC.sub("", text):
                return True
    return False


_BRACKET_NOTE = re.compile(r"\[\s*\]|〔\s*〕|累计数")
_STAR_NOTE = re.compile(r"\*|＊|带星|加星")
_STARRED_YEAR = re.compile(r"(?:带|标|加)?(?:\*|星号)(?:的|者|号)?(?:指标|数据|数值)?为(\d{4})年")


def _footnotes(notes: list[str], names: list[str], others: list[str], bracketed: bool, starred: bool) -> list[int]:
    numbers = []
    for number, note in enumerate(notes, start=1):
        plain = normalise(note)
        if (bracketed and _BRACKET_NOTE.search(plain) and len(plain) < 40) or (starred and _STAR_NOTE.search(plain)):
            numbers.append(number)
        elif _mentions(note, names, others):
            numbers.append(number)
    return numbers


def _read_quietly(text: str) -> list[Part]:
    if text in _EMPTY:
        return []
    try:
        return read_cell(text)
    except NotationProblem:
        return []


def to_json(table: PlanTable, *, start: int, end: int) -> dict:
    """What a table determines of each target (the fields of GET /api/v1/targets items), its notes and
    its problems: the parse a script or the preview page works from. Writes nothing."""
    target_column = next((c for c in table.columns if c.key == "target" and c.year), None)
    target_year = target_column.year if target_column and target_column.year else end
    # A completed column for a year before the plan is its baseline (2020年完成值 in a 2021–2025 table).
    baseline_column = next(
        (c for c in table.columns if c.key == "baseline" or (c.key == "completed" and c.year and c.year < start)), None
    )
    completed_column = next((c for c in table.columns if c.key == "completed" and c is not baseline_column), None)
    five_year = end - start == 4
    targets: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    parts_so_far: dict[str, int] = {}
    # 带*的为2019年数据: a note giving the year every starred figure measures.
    starred_year = next((int(m.group(1)) for note in table.notes if (m := _STARRED_YEAR.search(normalise(note)))), None)
    for row in table.rows:
        problems += [
            {"line": row.line, "row": row.row, "label_zh": label_text(row.label), "problem": p} for p in row.problems
        ]
        label = label_text(row.label)
        group = label_text(row.group)
        count = len(row.targets)
        labels = split_label(label, count)
        printed_units = label_text(row.unit).split("/")
        units = printed_units if count > 1 and len(printed_units) == count else [label_text(row.unit)] * count
        baseline_text = row.raw.get(baseline_column.index, "") if baseline_column else ""
        baselines = _read_quietly(baseline_text)
        if baselines and len(baselines) != count:
            baselines = baselines[:1] * count if len(baselines) == 1 else []
        baseline_year_all = next((b.reference_year for b in baselines if b.reference_year), None) or (
            starred_year if any(b.footnoted for b in baselines) else None
        )
        completed_text = row.raw.get(completed_column.index, "") if completed_column else ""
        completed = _read_quietly(completed_text)
        completed_year_all = next((c.reference_year for c in completed if c.reference_year), None) or (
            starred_year if any(c.footnoted for c in completed) else None
        )
        for index, part in enumerate(row.targets):
            if part.unit and part.value is not None:
                converted = in_unit(part.value, part.unit, units[index])
                if converted is None:
                    why = f"“{part.text}”: the cell counts in {part.unit}, the row in {units[index] or 'no unit'}"
                    problems.append({"line": row.line, "row": row.row, "label_zh": label, "problem": why})
                    continue
                if not units[index]:
                    units[index] = part.unit
                part = replace(part, value=converted)
            number = parts_so_far.get(row.row, 0) + 1
            parts_so_far[row.row] = number
            name = labels[index]
            words = f"{group}{name}"
            cumulative = (
                part.cumulative
                or "累计" in words
                or (part.value is None and bool(baselines) and baselines[index].cumulative)
            )
            average = not cumulative and (part.annual_average or bool(_AVERAGE_LABEL.search(words)))
            baseline = baselines[index] if index < len(baselines) else None
            baseline_year = None
            if baseline is not None:
                baseline_year = baseline_year_all or (baseline_column.year if baseline_column else None) or start - 1
            span_from = (
                baseline_year - 4
                if baseline is not None and baseline_year == start - 1 and five_year and (cumulative or average)
                else None
            )
            done = completed[index] if index < len(completed) and completed[index].value is not None else None
            scale = is_planning_scale(name, units[index], part, cumulative, average)
            targets.append(
                {
                    "line": row.line,
                    "row": row.row,
                    "part": number,
                    "category_zh": label_text(row.category),
                    "table_label_zh": f"{group}：{label}" if group else label,
                    "label_zh": name,
                    "group_zh": group,
                    "unit_label": units[index],
                    "baseline": _notation(baseline) if baseline else None,
                    "baseline_value": str(baseline.value) if baseline and baseline.value is not None else None,
                    "baseline_qualifier": baseline.comparator if baseline else "",
                    "baseline_year": baseline_year,
                    "baseline_span_from": span_from,
                    "target_year": target_year,
                    "target_value": format(part.value, "f") if part.value is not None else None,
                    "comparator": part.comparator,
                    "target_notation": _notation(part),
                    "kind": _kind(part, cumulative, average, scale),
                    "is_cumulative": cumulative,
                    "is_annual_average": average,
                    "is_planning_scale": scale,
                    "linked_indicator": "gdp_growth" if part.linked else None,
                    "linked_relation": part.linked,
                    "assigned_by": part.assigned_by,
                    "attribute": row.attribute,
                    "footnotes": [],
                    "reference_year": part.reference_year,
                    "printed_unit": part.unit,
                    "completed": (
                        {
                            "year": completed_year_all or (completed_column.year if completed_column else None) or end,
                            "value": str(done.value),
                            "printed": _notation(done),
                        }
                        if done
                        else None
                    ),
                    "_names": [name, *(p for p in label.split("/") if p and count > 1), *([group] if group else [])],
                    "_bracketed": part.cumulative or bool(baseline and baseline.cumulative),
                    "_starred": part.footnoted
                    or label.endswith("*")
                    or bool(done and done.footnoted)
                    or bool(baseline and baseline.footnoted),
                }
            )
    every_name = [label_text(row.label) for row in table.rows]
    for target in targets:
        names, bracketed, starred = target.pop("_names"), target.pop("_bracketed"), target.pop("_starred")
        target["footnotes"] = _footnotes(table.notes, names, every_name, bracketed, starred)
    if not start <= target_year <= end:
        outside = f"the target year {target_year} lies outside the plan's {start}–{end}"
        problems.append({"line": None, "row": "", "label_zh": "", "problem": outside})
    notes = [{"number": n, "text": normalise_text(text)} for n, text in enumerate(table.notes, start=1)]
    return {"targets": targets, "notes": notes, "problems": problems}


def label_text(text: str) -> str:
    """A label, unit or category as Simplified Chinese in one form, as `normalise` gives it but for the
    Roman numerals of water classes (劣Ⅴ类), which NFKC would turn into Latin letters."""
    kept = {char: f"\x00{ord(char)}\x00" for char in text if "\u2160" <= char <= "\u217f"}
    for char, mark in kept.items():
        text = text.replace(char, mark)
    plain = normalise(text)
    for char, mark in kept.items():
        plain = plain.replace(mark, char)
    return plain


def normalise_text(text: str) -> str:
    """A note as Simplified Chinese, its spacing kept."""
    return _t2s().convert(text).strip()
