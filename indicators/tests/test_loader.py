"""The real-data loader: idempotent, and all-or-nothing with a clear message on bad input."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from indicators.models import Indicator, ReportedValue
from indicators.real_data import FIXTURES_DIR, FixtureError, load_real_data
from indicators.tests import factories

pytestmark = pytest.mark.django_db


def dump() -> dict[str, list[dict]]:
    """Every row of every table of the project's apps, history included."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in {"districts", "indicators"}:
            tables[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return tables


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, target, ignore=shutil.ignore_patterns("sources", "*.md"))
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, line: str) -> int:
    """Append a line; return its line number in the file (the header is line 1)."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return len(text.splitlines()) + 1


def append_row(path: Path, **cells: str) -> int:
    """Append a row given by column name (the others empty); return its line number."""
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert set(cells) <= set(header)
    return append(path, ",".join(cells.get(column, "") for column in header))


def test_loading_twice_changes_nothing():
    before = dump()
    loader = load_real_data()
    assert loader.changed == 0
    assert dump() == before


def test_the_command_reports_what_it_loaded(capsys):
    call_command("load_real_data")
    out = capsys.readouterr().out
    assert "12 areas" in out
    assert "already up to date" in out


def test_a_missing_file_stops_the_load_and_names_it(fixtures_copy):
    (fixtures_copy / "values.csv").unlink()
    before = dump()
    with pytest.raises(FixtureError, match=r"values\.csv: file not found"):
        load_real_data(fixtures_copy)
    assert dump() == before


def test_a_text_figure_names_the_file_row_and_column_and_writes_nothing(fixtures_copy):
    edit(fixtures_copy / "areas.csv", "Yuexiu", "Yuexiu (changed)")
    line = append(fixtures_copy / "values.csv", "440104,gdp_growth,2023,,,,约30,,,preliminary,001,,")
    before = dump()
    with pytest.raises(FixtureError) as excinfo:
        load_real_data(fixtures_copy)
    assert str(excinfo.value) == f"values.csv, row {line}, column 'value': '约30' is not a number"
    assert dump() == before


def test_an_unknown_area_found_while_writing_rolls_back_what_was_written(fixtures_copy):
    # The areas file is written before the values file is reached: the rename must be undone.
    edit(fixtures_copy / "areas.csv", "Yuexiu", "Yuexiu (changed)")
    line = append(fixtures_copy / "values.csv", "440199,gdp_growth,2023,,,,5,,,preliminary,001,,")
    before = dump()
    with pytest.raises(FixtureError, match=rf"values\.csv, row {line}, column 'area': unknown area '440199'"):
        load_real_data(fixtures_copy)
    assert dump() == before


def test_a_share_above_100_is_refused_and_named(fixtures_copy):
    share = Indicator.objects.filter(measure="share").first()
    line = append(fixtures_copy / "values.csv", f"440104,{share.code},2023,,,,120,,,preliminary,001,,")
    before = dump()
    with pytest.raises(FixtureError, match=rf"values\.csv, row {line}: value: A share lies between 0 and 100"):
        load_real_data(fixtures_copy)
    assert dump() == before


def test_a_cumulative_target_on_a_share_is_refused_and_named(fixtures_copy):
    share = Indicator.objects.filter(measure="share").exclude(targets__plan__code="yuexiu-14th-fyp").first()
    line = append_row(
        fixtures_copy / "targets.csv",
        plan="yuexiu-14th-fyp",
        part="1",
        label_zh="x",
        indicator=share.code,
        target_year="2025",
        target_value="10",
        target_notation="[10]",
        cumulative="1",
        source="004",
    )
    with pytest.raises(FixtureError, match=rf"targets\.csv, row {line}: is_cumulative: A share cannot be summed"):
        load_real_data(fixtures_copy)


def test_a_repeated_row_is_named(fixtures_copy):
    path = fixtures_copy / "values.csv"
    first = path.read_text(encoding="utf-8").splitlines()[1]
    line = append(path, first)
    with pytest.raises(FixtureError, match=rf"values\.csv, row {line}: repeats row 2 "):
        load_real_data(fixtures_copy)


def test_a_row_with_too_many_cells_is_named(fixtures_copy):
    line = append(fixtures_copy / "plans.csv", "x,440104,annual,x,x,2024,2024,001,,,extra")
    with pytest.raises(FixtureError, match=rf"plans\.csv, row {line}: has 11 cells, the header has 10"):
        load_real_data(fixtures_copy)


def test_a_missing_column_is_named(fixtures_copy):
    path = fixtures_copy / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("direction", "sense")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FixtureError, match=r"indicators\.csv, row 1: missing column\(s\): direction"):
        load_real_data(fixtures_copy)


def test_a_file_that_is_not_utf8_is_named(fixtures_copy):
    path = fixtures_copy / "areas.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(FixtureError, match=r"areas\.csv: not valid UTF-8"):
        load_real_data(fixtures_copy)


def test_an_unknown_comparator_is_named(fixtures_copy):
    path = fixtures_copy / "targets.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    assert len(cells) == len(header), "the first target row has no quoted commas"
    cells[header.index("comparator")] = "roughly"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FixtureError, match=r"targets\.csv, row 2, column 'comparator': 'roughly' is not one of"):
        load_real_data(fixtures_copy)


def test_the_command_says_nothing_was_loaded(fixtures_copy):
    (fixtures_copy / "plans.csv").unlink()
    with pytest.raises(CommandError, match=r"Nothing was loaded\. plans\.csv: file not found"):
        call_command("load_real_data", "--dir", str(fixtures_copy))


def test_a_corrected_figure_is_updated_and_the_old_one_kept_in_history(fixtures_copy):
    row = ReportedValue.objects.get(area__code="440100", indicator__code="gdp", year=2023)
    edit(fixtures_copy / "values.csv", "30355.73", "30355.74")
    loader = load_real_data(fixtures_copy)
    assert loader.changed == 1
    row.refresh_from_db()
    assert str(row.value) == "30355.740000"
    assert [str(h.value) for h in row.history.order_by("history_date")] == ["30355.730000", "30355.740000"]


def test_a_reload_never_overwrites_a_figure_an_analyst_has_revised(fixtures_copy, capsys):

    row = ReportedValue.objects.get(area__code="440100", indicator__code="gdp", year=2023)
    factories.record_value(
        area=row.area,
        indicator=row.indicator,
        year=2023,
        value=Decimal("30355.8"),
        status="final",
        reason="final figure from the statistical yearbook",
    )
    edit(fixtures_copy / "values.csv", "30355.73", "30355.74")
    loader = load_real_data(fixtures_copy)
    row.refresh_from_db()
    assert (row.value, row.status) == (Decimal("30355.8"), "final")
    assert loader.changed == 0
    assert len(loader.kept) == 1 and "values.csv row" in loader.kept[0]
    call_command("load_real_data", "--dir", str(fixtures_copy))
    assert "Kept as edited since it was loaded" in capsys.readouterr().out
