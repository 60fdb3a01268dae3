"""Template context every page has: the foot's data status, and a signed-in analyst's notice of what their
areas still owe in the open rounds."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from gzplan.lib import freshness
from indicators.models import ReportedValue
from reporting.models import Round
from reporting.owed import Status, completeness
from reporting.reminders import Notice, notices

IN = (Status.ENTERED, Status.SUBMITTED, Status.ACCEPTED)


def data_status(request: HttpRequest) -> dict[str, Any]:
    """`data_status`: computed only when a template shows it, kept in the read cache until the data change."""
    today = timezone.localdate()
    return {"data_status": SimpleLazyObject(lambda: freshness.remembered(f"data-status:{today}", _status))}


def _status() -> dict[str, int | None]:
    latest = ReportedValue.objects.filter(quarter=0).aggregate(year=Max("year"))["year"]
    found: dict[str, int | None] = {"latest_year": latest, "round_year": None, "done": 0, "owed": 0, "percent": 0}
    round_ = Round.objects.order_by("-year", "-created_at", "-pk").first()
    if round_ is not None:
        figures = [figure for area in completeness(round_) for figure in area.figures]
        done = sum(1 for figure in figures if figure.status in IN)
        found.update(
            round_year=round_.year,
            done=done,
            owed=len(figures),
            percent=round(100 * done / len(figures)) if figures else 0,
        )
    return found


def reminder_notices(request: HttpRequest) -> dict[str, object]:
    """Lazy: computed when base.html shows it, once per request, and not at all for anonymous visitors
    (no query: the anonymous user is known without the database)."""

    def compute() -> list[Notice]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return notices(user)

    return {"reminder_notices": SimpleLazyObject(compute)}
