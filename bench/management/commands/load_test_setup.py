"""Accounts and tokens for the load test: five district analysts, each writing its own district."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import ApiToken
from bench import synthetic
from districts.models import Area, AreaAccess
from districts.roles import DISTRICT_ANALYST
from indicators.models import Indicator, Plan, ReportedValue


def remove_writes() -> int:
    """Delete the figures the load test's analysts wrote, and their history: the benchmark database is
    left as the benchmarks expect it (the import benchmark adds figures for the same early years)."""
    written = ReportedValue.objects.filter(entered_by__username__startswith="loadtest-")
    ids = list(written.values_list("pk", flat=True))
    with transaction.atomic():
        ReportedValue.objects.filter(pk__in=ids).delete()
        ReportedValue.history.filter(id__in=ids).delete()
    return len(ids)


def plan_indicators(plans) -> list[str]:
    """The codes of the indicators targeted by the plans (at most 20), shares aside."""
    return list(
        Indicator.objects.filter(targets__plan__in=plans)
        .exclude(measure="share")
        .distinct()
        .order_by("code")
        .values_list("code", flat=True)[:20]
    )


class Command(BaseCommand):
    help = "Create the load test's analysts (loadtest-1…) with tokens and write what the test needs to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("--analysts", type=int, default=5)
        parser.add_argument("--output", type=Path, default=Path("var/loadtest.json"))
        parser.add_argument("--remove", action="store_true", help="only remove what earlier load tests wrote")

    def handle(self, *args, analysts, output, remove, **options):
        removed = remove_writes()
        if remove:
            self.stdout.write(f"Removed {removed} figures the load test wrote, with their history.")
            return
        User.objects.filter(username__startswith="loadtest-").delete()
        prefix = synthetic.AREA_PREFIX if synthetic.exists() else "4401"
        districts = list(Area.objects.filter(level="district", code__startswith=prefix).order_by("code"))
        writers = []
        group = Group.objects.get(name=DISTRICT_ANALYST)
        for n, area in enumerate(districts[:analysts], start=1):
            user = User.objects.create_user(f"loadtest-{n}", is_staff=False)
            user.groups.add(group)
            AreaAccess.objects.create(user=user, area=area)
            _, token = ApiToken.issue(user, "load test")
            # An analyst enters the figures its district's plans are judged on (shares aside: a random
            # figure would fall outside 0-100).
            own = plan_indicators(Plan.objects.filter(area=area))
            writers.append({"token": token, "area": area.code, "indicators": own or plan_indicators(Plan.objects)})
        plan = Plan.objects.filter(code=f"syn-{synthetic.ROOT_CODE}-fyp").first() or Plan.objects.get(
            code="guangzhou-14th-fyp"
        )
        # Readers look at the plan on the home page, 20 districts (the writers' among them), the
        # indicators of that plan, and the API for the same districts and indicators.
        reading = {
            "plan": plan.code,
            "plan_area": plan.area.code,
            "districts": [a.code for a in districts[:20]],
            "indicators": plan_indicators(Plan.objects.filter(pk=plan.pk)),
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps({"writers": writers, "reading": reading}, indent=1))
        self.stdout.write(f"{len(writers)} analysts with tokens; written to {output}")
