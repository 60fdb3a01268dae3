"""A plan table copied from a web page one cell a line, laid back out as rows and columns.

Government outlines published as web pages lose their table when copied: every cell becomes a line
of its own, a merged cell printed vertically comes apart into short lines (`寬頻` `接入` `能力`), a
long cell wraps (`年均7.5` + `以上/28000`, `萬人次/` + `萬噸`), a year printed under a figure gets its
own line (`(2019年)`), empty cells come out as `-`, a category stands only on the first row of its
group and a sub-row (`農村寬頻接入能力` under row 10) has no number. The seed tables 003 專欄1/專欄2 and
004 專欄1/專欄2 are exactly this.

`lines_to_grid` finds the heading (its words may also be split across lines: `2020年` + `目標值`), then
reads the body anchored on what cannot be mistaken: the row numbers counting up (`1`, `2`… or `1.名称`),
the attribute words (約束性, 預期性), units, and cells that read as a target. What it cannot place it
leaves in the row, where the table reader reports it with the cell quoted; it never guesses a figure.
The result is the grid `plantable.read_grid` reads: a heading row, then one row per printed row or
sub-row, the category only on its first row, a group label in the indicator column with the row's
own label in the unnamed column after it, and the notes below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from indicators.spreadsheets.notation import NotationProblem, normalise, read_cell

FILLERS = frozenset({"-", "—", "–", "－", "/"})
_ATTRIBUTE_WORDS = {"约束性", "预期性"}
_REFERENCE_YEAR = re.compile(r"^\(\d{4}年?(?:数据|数|值)?\)$")
_NOTES = re.compile(r"^(?:注|註)\s*[:：]?")
_NOTE_NUMBER = re.compile(r"^\d{1,2}\s*[.、．]")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百]+[章节篇]|^专栏\s*\d")
_SENTENCE = re.compile(r"[，,。；;！？]")
NUMBERED_LABEL = re.compile(r"^(\d{1,3})\s*[.、．]\s*(\D.*)$")
_UNIT_ATOM = (
    r"(?:%|‰|℃|[十百千万亿]*(?:元|人次|人|吨|标箱|个|套|张|床位|床|所|辆|户|件|台|项|家|座|宗|篇|册|栋|"
    r"平方公里|平方千米|平方米|立方米|公里|千米|米|公顷|亩|千瓦时|千瓦|千克|克|微克|毫克|岁|年|天|日|小时|"
    r"兆位|兆|比特|秒|次|倍|分贝|标准煤|吨标准煤|kWh|Mbps|km|m2|m3|m))"
)
_UNIT = re.compile(rf"^{_UNIT_ATOM}(?:/{_UNIT_ATOM})*/?$")
# A cell that begins the way targets begin: a number, a bracket, a comparator, 年均, or the words of an
# assigned, linked or qualitative target.
_VALUE_START = re.compile(
    r"^(?:[\[(]?[≥≤><]?[+-]?\d|\[|≥|≤|>|<|约\d|年均(?:增长|增速)?[\[≥≤><约]?\d|完成(?:省|市|国家)|与经济|与GDP|"
    r"与地区|同经济|高于(?:经济|GDP)|略高于|快于|不低于|不高于|不超过|不少于|突破|控制在|达到|保持|视情|各年度)"
)
# Pieces that can only continue the cell before them (`以上/28000` after `年均7.5`).
_CONTINUATION = re.compile(r"^(?:/|以上|以下|以内|左右|及以上|及以下)")


@dataclass
class _Row:
    number: str = ""
    group: str = ""
    label: str = ""
    unit: str = ""
    values: list[str] = field(default_factory=list)
    attribute: str = ""
    category: str = ""
    extra: list[str] = field(default_factory=list)  # cells it could not place, kept for the reader


@dataclass
class _Heading:
    cells: list[str]  # as printed, a word split across lines joined again
    keys: list[str]
    end: int  # index of the first token after the heading


def lines_to_grid(text: str, heading_key: Callable[[str], tuple[str, int | None] | None]) -> list[list[str]] | None:
    """The grid of a table pasted one cell a line, or None when the text holds no such table heading.
    `heading_key` names the column a heading stands for (the table reader's: one rule for every layout)."""
    tokens = [line.strip() for line in text.splitlines() if line.strip()]
    heading = None
    for start in range(len(tokens)):
        heading = _heading_at(tokens, start, heading_key)
        if heading and "indicator" in heading.keys and {"target", "average", "cumulative"} & set(heading.keys):
            break
        heading = None
    if heading is None:
        return None
    body, notes = _body_and_notes(tokens, heading.end, heading_key)
    value_columns = [i for i, key in enumerate(heading.keys) if key in _VALUE_KEYS]
    numbered = "row" in heading.keys
    rows = _read_rows(
        body, len(value_columns), numbered, _target_index(heading.keys, value_columns), "category" in heading.keys
    )
    grid = [["类别", "序号", "指标", "", "单位", *(heading.cells[i] for i in value_columns), "属性"]]
    for row in rows:
        grid.append(
            [row.category, row.number, row.group or row.label, row.label if row.group else "", row.unit,
             *row.values, row.attribute, *row.extra]
        )  # fmt: skip
    return grid + [[note] for note in notes]


_VALUE_KEYS = {"baseline", "target", "completed", "average", "cumulative"}


def _target_index(keys: list[str], value_columns: list[int]) -> int:
    """Which value column a merged cell shared by sub-rows is: the first target column."""
    for position, index in enumerate(value_columns):
        if keys[index] in ("target", "average", "cumulative"):
            return position
    return 0


def _heading_at(tokens: list[str], start: int, heading_key) -> _Heading | None:
    """The heading run starting at `start`: each heading the longest join of up to 3 lines that names
    a column (`2020年` `目標值` → 2020年目標值; `指標` `屬性` → 指標屬性)."""
    cells: list[str] = []
    keys: list[str] = []
    position = start
    while position < len(tokens):
        for width in (3, 2, 1):
            joined = "".join(tokens[position : position + width])
            found = heading_key(joined) if position + width <= len(tokens) else None
            if found:
                cells.append(joined)
                keys.append(found[0])
                position += width
                break
        else:
            break
    return _Heading(cells, keys, position) if len(keys) >= 3 else None


def _body_and_notes(tokens: list[str], start: int, heading_key) -> tuple[list[str], list[str]]:
    """The table's cells up to its end (the notes, a chapter heading, a paragraph of prose), with a
    heading repeated after a page break dropped; and the notes (注：1.… 2.…), one line each."""
    body: list[str] = []
    position = start
    while position < len(tokens):
        token = tokens[position]
        plain = normalise(token)
        if _NOTES.match(plain):
            return body, _notes(tokens[position:])
        if _CHAPTER.match(plain) or (len(plain) > 40 and _SENTENCE.search(plain)):
            break
        repeated = _heading_at(tokens, position, heading_key) if plain in ("类别", "序号", "指标") else None
        if repeated:
            position = repeated.end
            continue
        body.append(token)
        position += 1
    return body, []


def _notes(tokens: list[str]) -> list[str]:
    """The 注 line and the numbered notes after it; the first line without a number ends them (the
    outline's text goes on), unless it is the first note, printed on the 注 line itself."""
    lines = [tokens[0]]
    for token in tokens[1:]:
        if not _NOTE_NUMBER.match(normalise(token)):
            break
        lines.append(token)
    return lines


def _kind(token: str) -> str:
    plain = normalise(token)
    if plain in FILLERS:
        return "filler"
    if plain in _ATTRIBUTE_WORDS:
        return "attribute"
    if _REFERENCE_YEAR.match(plain):
        return "year"
    if _UNIT.match(plain):
        return "unit"
    if (match := NUMBERED_LABEL.match(plain)) and not _readable(match.group(2)):
        return "numbered"
    if _VALUE_START.match(plain):
        return "value"
    return "text"


def _readable(text: str) -> int:
    """How many targets `text` reads as (0 when it cannot be read)."""
    try:
        parts = read_cell(text)
    except NotationProblem:
        return 0
    return len(parts)


def _read_rows(tokens: list[str], width: int, numbered: bool, target_at: int, categorised: bool) -> list[_Row]:
    """The printed rows and sub-rows, in order."""
    kinds = [_kind(t) for t in tokens]
    rows: list[_Row] = []
    category: list[str] = []
    expected = 1
    position = 0

    def next_solid(at: int) -> int:
        while at < len(tokens) and kinds[at] == "filler":
            at += 1
        return at

    def is_row_number(at: int) -> bool:
        if not numbered or normalise(tokens[at]) != str(expected):
            return False
        after = next_solid(at + 1)
        return after < len(tokens) and kinds[after] in ("text", "value") and not tokens[after].isdigit()

    labelled = not numbered and any(kind == "numbered" for kind in kinds)

    def is_anchor(at: int) -> bool:
        if at >= len(tokens):
            return False
        if kinds[at] == "numbered":
            return int(NUMBERED_LABEL.match(normalise(tokens[at])).group(1)) == expected  # type: ignore[union-attr]
        return is_row_number(at)

    while position < len(tokens):
        position = next_solid(position)
        if position >= len(tokens):
            break
        token, kind = tokens[position], kinds[position]
        if is_anchor(position) and kind != "numbered":
            row = _Row(number=str(expected), category="".join(category))
            category, expected = [], expected + 1
            position = _read_row(tokens, kinds, next_solid(position + 1), row, width, first=True, stop=is_anchor)
        elif is_anchor(position):
            row = _Row(number=str(expected), category="".join(category))
            category, expected = [], expected + 1
            tokens[position] = NUMBERED_LABEL.match(normalise(token)).group(2)  # type: ignore[union-attr]
            kinds[position] = "text"
            position = _read_row(tokens, kinds, position, row, width, first=True, stop=is_anchor)
        elif kind in ("text", "numbered") and _starts_sub_row(tokens, kinds, position, is_anchor):
            row = _Row()
            if not numbered and not labelled:  # a table without row numbers: each label is a row
                row.number, expected = str(expected), expected + 1
                if categorised:  # the lines before its label are the category starting there (經濟 發展)
                    while kinds[position + 1] == "text":
                        category.append(token)
                        position += 1
                        token = tokens[position]
                    row.category = "".join(category)
            elif not rows:
                row.number, expected = str(expected), expected + 1
            row.category, category = row.category or "".join(category), []
            position = _read_row(tokens, kinds, position, row, width, first=True, stop=is_anchor)
        elif kind in ("text", "numbered") or (kind == "value" and not rows):
            category.append(token)
            position += 1
            continue
        else:  # a cell with no row to belong to: the reader reports it on the row before
            if rows:
                rows[-1].extra.append(token)
            else:
                category.append(token)
            position += 1
            continue
        if not row.number and rows:
            _merge_into_sub_row(row, rows, width, target_at)
        rows.append(row)
    return rows


def _starts_sub_row(tokens: list[str], kinds: list[str], at: int, is_anchor) -> bool:
    """A label followed by a unit or a target cell is a row of its own (a sub-row under the numbered
    row above); one followed by a row number is the next group's category."""
    following = at + 1
    while following < len(tokens) and kinds[following] == "text" and len(normalise(tokens[following - 1])) <= 4:
        following += 1  # a group label printed vertically, a few characters a line
    while following < len(tokens) and kinds[following] == "filler":
        following += 1
    if is_anchor(following):
        return False
    return following < len(tokens) and kinds[following] in ("unit", "value")


def _read_row(tokens: list[str], kinds: list[str], position: int, row: _Row, width: int, *, first: bool, stop) -> int:
    """Label (with a vertical group label before it), unit, the value cells, the attribute."""
    labels: list[str] = []
    while position < len(tokens):
        kind = kinds[position]
        if kind == "text" or (first and not labels):
            labels.append(tokens[position])
            position += 1
            continue
        break
    if len(labels) > 1 and all(len(normalise(piece)) <= 4 for piece in labels[:-1]):
        row.group, row.label = "".join(labels[:-1]), labels[-1]
    else:
        row.label = "".join(labels)
    if position < len(tokens) and kinds[position] == "unit":
        unit = tokens[position]
        position += 1
        while normalise(unit).endswith("/") and position < len(tokens) and kinds[position] in ("unit", "text"):
            unit += tokens[position]
            position += 1
        row.unit = unit
    parts = normalise(row.label).count("/") + 1
    while position < len(tokens) and len(row.values) < width and not stop(position):
        kind = kinds[position]
        if kind == "filler":
            # `-` in a value position is an empty cell when another value follows it in the row
            after = position + 1
            while after < len(tokens) and kinds[after] == "filler":
                after += 1
            if after < len(tokens) and kinds[after] == "value" and len(row.values) + (after - position) < width:
                row.values.append("")
                position += 1
                continue
            break
        if kind == "year" and row.values:
            row.values[-1] += f" {tokens[position]}"
            position += 1
            continue
        if kind != "value" and not (kind == "text" and _value_here(tokens, kinds, position)):
            break
        cell, position = _value_cell(tokens, kinds, position, parts)
        row.values.append(cell)
        if position < len(tokens) and kinds[position] == "year":
            row.values[-1] += f" {tokens[position]}"
            position += 1
    if position < len(tokens) and kinds[position] == "attribute":
        row.attribute = tokens[position]
        position += 1
    return position


def _value_here(tokens: list[str], kinds: list[str], at: int) -> bool:
    """A text line in a value position is a target in words (保持在合理区间) when it reads as one and
    what follows it is another value or the attribute, not a unit (which would make it a label)."""
    if not _readable(tokens[at]):
        return False
    after = at + 1
    return after >= len(tokens) or kinds[after] in ("value", "attribute", "filler", "year")


def _value_cell(tokens: list[str], kinds: list[str], position: int, parts: int) -> tuple[str, int]:
    """One value cell, its wrapped lines joined: a line ending in `/`, a line that cannot be read on
    its own (`與經濟` `增長保` `持同步`), or fewer targets than the label names followed by a piece
    that can only continue it (`年均7.5` + `以上/28000`)."""
    cell = tokens[position]
    position += 1
    for _ in range(4):
        if position >= len(tokens) or kinds[position] in ("attribute", "filler", "year"):
            break
        following = tokens[position]
        plain, read = normalise(cell), _readable(cell)
        joined = cell + following
        if plain.endswith("/") or (not read and kinds[position] in ("text", "value", "unit")):
            cell, position = joined, position + 1
        elif read < parts and _CONTINUATION.match(normalise(following)) and _readable(joined) > read:
            cell, position = joined, position + 1
        else:
            break
    return cell, position


def _merge_into_sub_row(row: _Row, rows: list[_Row], width: int, target_at: int) -> None:
    """A sub-row printing fewer cells than the table has: the missing one is the merged cell it shares
    with the row above, the target (与经济增长同步 printed once for two rows); the attribute too."""
    above = rows[-1]
    if len(row.values) == width - 1 and len(above.values) == width:
        row.values.insert(target_at, "")
    if not row.group and above.group and not row.category:
        row.group = above.group
