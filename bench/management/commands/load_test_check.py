"""After the load test: is every write the server acknowledged in the database?"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand

from indicators.models import ReportedValue


class Command(BaseCommand):
    help = "Compare the load test's acknowledged writes with the database; prints JSON counts."

    def add_arguments(self, parser):
        parser.add_argument("writes", type=Path)

    def handle(self, *args, writes, **options):
        acknowledged = json.loads(writes.read_text()) if writes.exists() else {}
        stored = {}
        for key in acknowledged:
            area, indicator, year = key.split()
            stored[key] = (area, indicator, int(year))
        found = {
            (v["area__code"], v["indicator__code"], v["year"]): v["value"]
            for v in ReportedValue.objects.filter(area__code__in={k[0] for k in stored.values()}, quarter=0).values(
                "area__code", "indicator__code", "year", "value"
            )
        }
        lost = [k for k, value in acknowledged.items() if found.get(stored[k]) != Decimal(value)]
        self.stdout.write(json.dumps({"acknowledged": len(acknowledged), "lost": len(lost), "examples": lost[:5]}))
