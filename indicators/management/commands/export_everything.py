"""Write every area, plan, indicator, target and value to a file: CSV (zip), XLSX or JSON."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from indicators.spreadsheets import everything as portable


class Command(BaseCommand):
    help = "Export everything to OUTPUT (.zip of CSV files, .xlsx or .json, by its extension)."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path)

    def handle(self, *args, output: Path, **options):
        data = portable.export_everything()
        writer = {".zip": portable.to_csv_zip, ".xlsx": portable.to_xlsx, ".json": portable.to_json}
        if output.suffix not in writer:
            self.stderr.write("OUTPUT must end in .zip, .xlsx or .json")
            raise SystemExit(2)
        output.write_bytes(writer[output.suffix](data))
        counts = ", ".join(f"{len(rows)} {name}" for name, rows in data.items())
        self.stdout.write(f"Exported {counts} to {output}")
