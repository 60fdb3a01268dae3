"""Load an export (CSV zip, XLSX or JSON) into the database, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.spreadsheets import everything as portable


class Command(BaseCommand):
    help = "Import an export written by export_everything (or downloaded from /export/everything.*)."

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path)

    def handle(self, *args, input: Path, **options):  # noqa: A002
        try:
            counts = portable.import_everything(portable.read_export(input.name, input.read_bytes()))
        except (OSError, portable.PortableError) as exc:
            raise CommandError(f"Nothing was imported: {exc}") from None
        self.stdout.write("Imported " + ", ".join(f"{n} {name}" for name, n in counts.items()))
