"""The spreadsheet downloads as a spreadsheet reads them: figures and years are numeric cells in their
printed precision, every figure has its year, LibreOffice keeps numbers numbers, and the CSV downloads
are byte for byte what they were before the workbooks were typed (issue 16, part 4)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from districts.models import Area
from indicators.models import Indicator, Target
from indicators.spreadsheets import everything as portable
from indicators.tests import factories

pytestmark = pytest.mark.django_db

HAIZHU = "440105"
# The CSV downloads as the code before typed workbooks wrote them, for the requests below. Written by
# running this module with GZPLAN_WRITE_CSV_BEFORE=1 on that code; if the seeds change what a request
# shows, write them again from the code before any change to the CSV writers.
BEFORE = Path(__file__).parent / "data" / "csv_before"


def figures() -> Indicator:
    """An indicator of its own, with figures of every shape a download has to carry."""
    area, indicator = Area.objects.get(code="440100"), factories.indicator("test_level", measure="level")
    factories.record_value(area=area, indicator=indicator, year=2021, value=Decimal("6.36"), note="=1+1")
    factories.record_value(area=area, indicator=indicator, year=2022, value=Decimal("25019"), source="+cmd")
    factories.record_value(area=area, indicator=indicator, year=2023, value=Decimal("1.5"), quarter=2)
    factories.record_value(area=area, indicator=indicator, year=2020, value=Decimal("12.050000"), span_from=2016)
    factories.record_value(area=area, indicator=indicator, year=2024, value=Decimal("0.000001"), reference_year=2023)
    return indicator


def compare_with_before(name: str, body: bytes) -> None:
    path = BEFORE / name
    if os.environ.get("GZPLAN_WRITE_CSV_BEFORE"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    assert body == path.read_bytes(), f"{name} differs from the CSV written before"


def sheet_of(body: bytes):
    return openpyxl.load_workbook(io.BytesIO(body)).active


def exact(number: float | int) -> Decimal:
    """A cell's number as the decimal it stands for (the shortest repr of a float is the figure written)."""
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


def column(sheet, heading: str, header_row: int = 1) -> list:
    headings = [cell.value for cell in sheet[header_row]]
    position = headings.index(heading) + 1
    return [sheet.cell(row, position) for row in range(header_row + 1, sheet.max_row + 1)]


def test_the_indicator_csv_download_is_unchanged(client):
    figures()
    response = client.get("/indicators/test_level/data.csv")
    compare_with_before("indicator-data.csv", response.content)


def test_the_entry_template_csv_is_unchanged(analyst):
    area, gdp_growth = Area.objects.get(code=HAIZHU), Indicator.objects.get(code="gdp_growth")
    factories.record_value(area=area, indicator=gdp_growth, year=2023, value=Decimal("5.90"))
    factories.record_value(area=area, indicator=gdp_growth, year=2024, value=Decimal("6.36"), note="-minus")
    response = analyst.get(f"/en/entry/{HAIZHU}/2024/template.csv")
    compare_with_before("entry-template.csv", response.content)


def test_the_indicator_workbook_holds_numbers_in_their_printed_precision(client):
    figures()
    sheet = sheet_of(client.get("/indicators/test_level/data.xlsx").content)
    values = {cell.row: cell for cell in column(sheet, "value")}
    years = {cell.row: cell for cell in column(sheet, "year")}
    assert all(cell.data_type == "n" for cell in [*values.values(), *years.values()])
    printed = {years[row].value: (exact(cell.value), cell.number_format) for row, cell in values.items()}
    assert printed == {
        2020: (Decimal("12.05"), "0.00"),
        2021: (Decimal("6.36"), "0.00"),
        2022: (Decimal("25019"), "0"),
        2023: (Decimal("1.5"), "0.0"),
        2024: (Decimal("0.000001"), "0.000000"),
    }
    assert isinstance(values[min(r for r in values if years[r].value == 2022)].value, int), "an integer is an integer"
    assert {cell.number_format for cell in years.values()} == {"0"}, "years without a thousands separator"
    for heading in ("quarter", "span_from", "reference_year"):
        filled = [cell for cell in column(sheet, heading) if cell.value is not None]
        assert filled and all(cell.data_type == "n" and cell.number_format == "0" for cell in filled), heading
    notes = [cell.value for cell in column(sheet, "note")]
    assert "'=1+1" in notes, "a formula stays text"


def test_the_plan_table_workbook_gives_each_figure_as_a_number_and_its_year(client):
    sheet = sheet_of(client.get("/en/plans/guangzhou-14th-fyp/table.xlsx").content)
    for figure, year in (
        ("Baseline value", "Baseline year"),
        ("Target value", "Target year"),
        ("Latest figure", "Latest figure year"),
    ):
        numbers, years = column(sheet, figure), column(sheet, year)
        assert any(cell.value is not None for cell in numbers), figure
        for number, when in zip(numbers, years, strict=True):
            if number.value is not None:
                assert number.data_type == "n" and when.data_type == "n" and when.number_format == "0", figure
    targets = Target.objects.filter(plan__code="guangzhou-14th-fyp", target_value__isnull=False)
    assert sorted(exact(c.value) for c in column(sheet, "Target value") if c.value is not None) == sorted(
        t.target_value for t in targets
    )
    printed = set(Target.objects.filter(plan__code="guangzhou-14th-fyp").values_list("target_notation", flat=True))
    assert printed - {""} <= {cell.value for cell in column(sheet, "Target")}, "the figures as printed are kept"


def test_the_entry_template_workbook_holds_numbers(analyst):
    area, gdp_growth = Area.objects.get(code=HAIZHU), Indicator.objects.get(code="gdp_growth")
    factories.record_value(area=area, indicator=gdp_growth, year=2023, value=Decimal("5.90"))
    factories.record_value(area=area, indicator=gdp_growth, year=2024, value=Decimal("6.36"))
    sheet = sheet_of(analyst.get(f"/en/entry/{HAIZHU}/2024/template.xlsx").content)
    row = next(cell.row for cell in column(sheet, "indicator", 2) if cell.value == "gdp_growth")
    headings = [cell.value for cell in sheet[2]]

    def cell(heading: str):
        return sheet.cell(row, headings.index(heading) + 1)

    assert (cell("year").value, cell("year").data_type, cell("year").number_format) == (2024, "n", "0")
    assert (cell("value").value, cell("value").data_type, cell("value").number_format) == (6.36, "n", "0.00")
    assert (cell("last_year_value").value, cell("last_year_value").number_format) == (5.9, "0.0")


def test_the_everything_workbook_types_numbers_years_and_booleans_and_reads_back(client):
    figures()
    book = openpyxl.load_workbook(io.BytesIO(portable.to_xlsx(portable.export_everything())))
    values = book["values"]
    for heading in ("year", "value"):
        assert all(cell.data_type == "n" for cell in column(values, heading) if cell.value is not None), heading
    targets = book["targets"]
    assert all(cell.data_type == "n" for cell in column(targets, "target_year"))
    assert {type(cell.value) for cell in column(targets, "is_cumulative")} == {bool}
    assert all(cell.data_type == "s" for cell in column(book["areas"], "code")), "area codes stay text"
    # Read back, the workbook gives the same tables as the CSV export (numbers equal as numbers: a float
    # cell reads back as 1e-06 where the CSV has 0.000001).
    data = portable.export_everything()
    from_xlsx = portable.read_export("x.xlsx", portable.to_xlsx(data))
    from_csv = portable.read_export("x.zip", portable.to_csv_zip(data))
    for table in ("values", "targets", "plans"):
        assert [normalised(row) for row in from_xlsx[table]] == [normalised(row) for row in from_csv[table]], table


def normalised(row: dict) -> dict:
    def one(value):
        try:
            return Decimal(value) if isinstance(value, str) and value else value
        except ArithmeticError:
            return value

    return {key: one(value) for key, value in row.items()}


def test_libreoffice_reads_the_figures_as_numbers(client, tmp_path):
    figures()
    workbook = tmp_path / "data.xlsx"
    workbook.write_bytes(client.get("/indicators/test_level/data.xlsx").content)
    # Every text cell quoted (the filter's seventh option), so an unquoted cell is one LibreOffice holds as a number.
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true", "--outdir", str(tmp_path / "out"),
         str(workbook)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    raw = (tmp_path / "out" / "data.csv").read_text(encoding="utf-8")
    lines = raw.splitlines()
    header = next(csv.reader([lines[0]]))
    year_at, value_at = header.index("year"), header.index("value")
    seen = {}
    for line in lines[1:]:
        fields = line.split(",")  # the test's figures hold no commas before the value column
        seen[fields[year_at]] = fields[value_at]
    assert seen == {"2020": "12.05", "2021": "6.36", "2022": "25019", "2023": "1.5", "2024": "0.000001"}
    assert "'" not in "".join(seen.values()) and '"' not in "".join(seen.values())
