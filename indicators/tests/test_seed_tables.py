"""The four seed plan tables, read as they stand in the seed text (one cell a line, as copied from the
published web pages), give exactly the targets transcribed by hand and checked cell by cell before the
parser existed (tests/data/seed_tables_transcribed.csv), field by field, apart from the judgement calls
recorded with their reasons in fixtures/plan_table_corrections.csv."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from indicators.real_data import SCHEMAS, TABLE_COLUMNS, FixtureError, load_real_data
from indicators.spreadsheets.plantable import read_text, to_json

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEEDS = FIXTURES / "sources"  # the seed documents, as published
TABLES = {  # plan: (period, seed file, parts)
    "guangzhou-13th-fyp": ((2016, 2020), "003_572ee757b22c10b1.txt", 47),
    "guangzhou-14th-fyp": ((2021, 2025), "003_572ee757b22c10b1.txt", 28),
    "yuexiu-13th-fyp": ((2016, 2020), "004_e2df4344f011e384.txt", 18),
    "yuexiu-14th-fyp": ((2021, 2025), "004_e2df4344f011e384.txt", 17),
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _parse(plan: str, text: str | None = None) -> dict:
    (start, end), _, _ = TABLES[plan]
    text = text if text is not None else (FIXTURES / "plan_tables" / f"{plan}.txt").read_text(encoding="utf-8")
    return to_json(read_text(text), start=start, end=end)


def _as_loaded(column: str, value):
    """A parsed field as the transcription writes it."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if column == "footnotes":
        return ";".join(str(n) for n in value)
    if column in ("baseline_value", "target_value"):
        return str(Decimal(value).normalize()) if "E" not in str(Decimal(value).normalize()) else str(value)
    return str(value)


def _normal(column: str, cell: str) -> str:
    if column in ("baseline_value", "target_value") and cell:
        return _as_loaded(column, cell)
    if column in ("cumulative", "annual_average", "planning_scale") and cell == "0":
        return ""
    return cell


@pytest.mark.parametrize("plan", TABLES)
def test_a_seed_table_parses_to_the_transcribed_targets_field_by_field(plan):
    parsed = _parse(plan)
    assert parsed["problems"] == []
    corrections = {
        (c["row"], int(c["part"]), c["field"]): c["value"]
        for c in _rows(FIXTURES / "plan_table_corrections.csv")
        if c["plan"] == plan
    }
    transcribed = [
        r for r in _rows(Path(__file__).parent / "data" / "seed_tables_transcribed.csv") if r["plan"] == plan
    ]
    assert len(parsed["targets"]) == len(transcribed) == TABLES[plan][2]
    by_key = {(t["row"], t["part"]): t for t in parsed["targets"]}
    differences, compared = [], 0
    for row in transcribed:
        target = by_key[(row["row"], int(row["part"]))]
        for column, field_name in TABLE_COLUMNS.items():
            if column not in row:  # written since the transcription: checked by the notation tests
                continue
            got = _as_loaded(column, target[field_name])
            got = corrections.get((row["row"], int(row["part"]), column), got)
            compared += 1
            if got != _normal(column, row[column]):
                differences.append(f"{row['row']}.{row['part']} {column}: parsed {got!r}, transcribed {row[column]!r}")
    assert differences == [] and compared == (len(TABLE_COLUMNS) - 1) * TABLES[plan][2]


def test_every_recorded_correction_changes_what_the_parser_read():
    """A correction that agrees with the parse is no judgement call: the file would drift from the parser."""
    for correction in _rows(FIXTURES / "plan_table_corrections.csv"):
        target = next(
            t for t in _parse(correction["plan"])["targets"]
            if (t["row"], t["part"]) == (correction["row"], int(correction["part"]))
        )  # fmt: skip
        parsed = _as_loaded(correction["field"], target[TABLE_COLUMNS[correction["field"]]])
        assert parsed != correction["value"] and correction["reason"]


@pytest.mark.parametrize("plan", TABLES)
def test_the_kept_table_is_the_seed_text_as_published_and_reads_the_same_with_the_outline_around_it(plan):
    kept = (FIXTURES / "plan_tables" / f"{plan}.txt").read_text(encoding="utf-8")
    seed = (SEEDS / TABLES[plan][1]).read_text(encoding="utf-8")
    assert kept in seed  # a verbatim extract: nothing re-typed
    at = seed.index(kept)
    # the outline's text before the table's title and after its notes does not change the parse
    surrounded = seed[max(0, at - 3000) : at + len(kept) + 3000]
    before = seed[max(0, at - 3000) : at]
    if "專欄" in before or "专栏" in before:
        surrounded = seed[at : at + len(kept) + 3000]
    assert _parse(plan, surrounded) == _parse(plan)


@pytest.mark.django_db
def test_the_loader_reads_the_tables_and_refuses_a_table_column_filled_by_hand(tmp_path):
    import shutil

    from indicators.models import Target

    load_real_data()
    gdp = Target.objects.get(plan__code="guangzhou-13th-fyp", row="1", part=1)
    assert (gdp.target_value, gdp.comparator, gdp.is_annual_average) == (Decimal("7.5"), "at_least", True)
    assert gdp.target_notation == "年均7.5以上" and gdp.label_zh == "地区生产总值年均增速"
    high_tech = Target.objects.get(plan__code="yuexiu-13th-fyp", row="8")
    assert high_tech.is_cumulative  # the recorded correction

    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy)
    rows = (copy / "targets.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    first = rows[1].split(",")
    first[header.index("target_value")] = "8"
    (copy / "targets.csv").write_text("\n".join([rows[0], ",".join(first), *rows[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(FixtureError, match="target_value.*is read from plan_tables/guangzhou-13th-fyp.txt"):
        load_real_data(copy)

    shutil.copy(FIXTURES / "targets.csv", copy / "targets.csv")
    with (copy / "plan_table_corrections.csv").open("a", encoding="utf-8") as handle:
        handle.write("guangzhou-13th-fyp,99,1,comparator,about,no such row\n")
    with pytest.raises(FixtureError, match="corrects no row"):
        load_real_data(copy)

    shutil.copy(FIXTURES / "plan_table_corrections.csv", copy / "plan_table_corrections.csv")
    table = copy / "plan_tables" / "yuexiu-14th-fyp.txt"
    table.write_text(table.read_text(encoding="utf-8").replace("84.88", "84.88至85"), encoding="utf-8")
    with pytest.raises(FixtureError, match="plan_tables/yuexiu-14th-fyp.txt.*84.88"):
        load_real_data(copy)
    assert Target.objects.get(plan__code="yuexiu-14th-fyp", row="16").target_value == Decimal("84.88")


def test_the_corrections_file_is_read_with_the_loader_schema():
    assert set(SCHEMAS["plan_table_corrections.csv"]) == {"plan", "row", "part", "field", "value", "reason"}
