"""Template context every page has: the foot's data status, and a signed-in analyst's notice of what their
areas still owe in the open rounds."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from districts.models import Area
from gzplan.lib import freshness
from indicators.models import ReportedValue
from reporting.models import Round
from reporting.owed import Status, completeness
from reporting.reminders import Notice, notices

IN = (Status.ENTERED, Status.SUBMITTED, Status.ACCEPTED)


def data_status(request: HttpRequest) -> dict[str, Any]:
    """`data_status`: computed only when a template shows it (after the view said which figures it shows).

    A page that shows any figure gets the whole picture, kept in the read cache until the data change; a
    page that said it shows some areas' or indicators' figures only (freshness.reads) gets theirs, so its
    cached copy never outlives the figures its foot counts. A database that does not answer leaves the
    foot without it (the error page still renders)."""
    today = timezone.localdate()

    def compute() -> dict[str, Any]:
        try:
            found = freshness.scope()
            if found is None:
                return freshness.remembered(f"data-status:{today}", lambda: _status(None, None))
            return _status(*found)
        except DatabaseError:
            return {}

    return {"data_status": SimpleLazyObject(compute)}


def _status(areas: set[int] | None, indicators: set[int] | None) -> dict[str, Any]:
    """The latest year with figures and the latest round's completeness, of `areas`' figures and
    `indicators`' figures (None: all)."""
    scoped = areas is not None or indicators is not None
    areas, indicators = areas or set(), indicators or set()
    figures = ReportedValue.objects.filter(quarter=0)
    if scoped:
        figures = figures.filter(Q(area_id__in=areas) | Q(indicator_id__in=indicators))
    latest = figures.aggregate(year=Max("year"))["year"]
    found: dict[str, Any] = {"latest_year": latest, "round_year": None, "done": 0, "owed": 0, "percent": 0,
                             "scoped": scoped, "due_on": None}  # fmt: skip
    round_ = Round.objects.order_by("-year", "-created_at", "-pk").first()
    if round_ is not None:
        chosen = None
        if scoped and not indicators:
            chosen = list(Area.objects.filter(pk__in=areas).order_by("level", "code"))
        owed = [figure for area in completeness(round_, areas=chosen) for figure in area.figures
                if not scoped or area.area.pk in areas or figure.indicator.pk in indicators]  # fmt: skip
        done = sum(1 for figure in owed if figure.status in IN)
        found.update(
            round_year=round_.year,
            due_on=round_.due_on,
            done=done,
            owed=len(owed),
            percent=round(100 * done / len(owed)) if owed else 0,
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
