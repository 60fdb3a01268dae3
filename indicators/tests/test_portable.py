"""Export everything and import it back: an empty database gets every object exactly."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from districts.models import Area
from indicators.models import Indicator, Plan, PlanNote, ReportedValue, SourceDocument, Target
from indicators.spreadsheets import everything as portable
from indicators.tests.conftest import make_account

pytestmark = pytest.mark.django_db


def empty_the_database() -> None:
    for model in (ReportedValue, Target, PlanNote, Plan, Indicator, Area, SourceDocument):
        if model is Indicator:
            Indicator.objects.update(growth_of=None)
        if model is Area:
            Area.objects.update(parent=None)
        model._default_manager.all().delete()


@pytest.mark.parametrize("fmt", ["zip", "xlsx", "json"])
def test_the_round_trip_reproduces_everything(client, fmt):
    area, indicator = Area.objects.get(code="440105"), Indicator.objects.get(code="gdp_growth")
    ReportedValue.objects.create(
        area=area, indicator=indicator, year=2024, value=Decimal("-1.234567"), note='=HYPERLINK("http://x")',
        source="+86 统计局", status="final", version=3,
    )  # fmt: skip
    before = portable.export_everything()
    assert all(before[name] for name, _, _ in portable.TABLES)
    anonymous = client.get(f"/en/export/everything.{fmt}")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]  # reading everything: signed in
    client.force_login(make_account("exporter", "viewer").user)
    response = client.get(f"/en/export/everything.{fmt}")
    assert response.status_code == 200
    data = response.content
    if fmt == "zip":
        values_csv = zipfile.ZipFile(io.BytesIO(data)).read("values.csv").decode("utf-8-sig")
        assert "'=HYPERLINK" in values_csv and "'+86 统计局" in values_csv
    empty_the_database()
    assert ReportedValue.objects.count() == Target.objects.count() == Area.objects.count() == 0
    counts = portable.import_everything(portable.read_export(f"export.{fmt}", data))
    assert counts == {name: len(rows) for name, rows in before.items()}
    after = portable.export_everything()
    for name, _, _ in portable.TABLES:
        assert after[name] == before[name], name
    value = ReportedValue.objects.get(area__code="440105", indicator__code="gdp_growth", year=2024)
    assert value.value == Decimal("-1.234567") and value.note == '=HYPERLINK("http://x")' and value.version == 3


def test_the_commands_write_and_read_a_file(tmp_path):
    path = tmp_path / "everything.json"
    call_command("export_everything", str(path))
    before = portable.export_everything()
    empty_the_database()
    call_command("import_everything", str(path))
    assert portable.export_everything() == before


def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    path = tmp_path / "nothing.json"
    path.write_text('{"hello": 1}')
    before = portable.export_everything()
    with pytest.raises(CommandError, match="not a gzplan export"):
        call_command("import_everything", str(path))
    assert portable.export_everything() == before
