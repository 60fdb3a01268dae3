from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.real_data import FIXTURES_DIR, FixtureError, load_real_data


class Command(BaseCommand):
    help = "Load the real plan data (areas, plans, indicators, targets, values) from fixtures/. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=FIXTURES_DIR, help="directory of the CSV files")

    def handle(self, *args, **options):
        try:
            loader = load_real_data(options["dir"])
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from None
        summary = ", ".join(f"{count} {what}" for what, count in loader.counts.items())
        verb = f"{loader.changed} rows written" if loader.changed else "already up to date"
        self.stdout.write(self.style.SUCCESS(f"Real data: {summary} ({verb})."))
        for kept in loader.kept:
            self.stdout.write(self.style.WARNING(f"Kept as edited since it was loaded, not reloaded: {kept}"))
