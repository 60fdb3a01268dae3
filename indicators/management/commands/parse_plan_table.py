"""Read a plan's indicator table as published and print what was understood, as JSON; writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.spreadsheets.plantable import TableProblem, read_file, to_json
from indicators.spreadsheets.reading import ImportProblem


class Command(BaseCommand):
    help = (
        "Parse a plan's indicator table (tab-separated text, CSV, .xlsx, or the table and notes of a .docx) and print "
        '{"targets": [...], "notes": [...], "problems": [...]} as JSON. Nothing is written.'
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--start", type=int, required=True, help="the plan's first year, e.g. 2021")
        parser.add_argument("--end", type=int, required=True, help="the plan's last year, e.g. 2025")

    def handle(self, *args, file: Path, start: int, end: int, **options):
        if start > end:
            raise CommandError(f"--start {start} is after --end {end}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            table = read_file(file.name, data)
        except (TableProblem, ImportProblem) as problem:
            raise CommandError(f"{file.name}: {problem}") from None
        self.stdout.write(json.dumps(to_json(table, start=start, end=end), ensure_ascii=False, indent=1))
