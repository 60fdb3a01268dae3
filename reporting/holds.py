"""The years a submission holds: while an area's submission awaits review, the district may not change
the year's figures or commentary (registered with districts.access at ready(), see reporting.apps)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reporting.models import Submission


def submitted_years(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The (area id, year) pairs submitted for review in a round of that year, with the refusal: one query."""
    submissions = Submission.objects.filter(
        state=Submission.State.SUBMITTED,
        area_id__in={area for area, _year in pairs},
        round__year__in={year for _area, year in pairs},
    ).select_related("area", "round", "by")
    held = {}
    for submission in submissions:
        pair = (submission.area_id, submission.round.year)
        if pair in pairs:
            held[pair] = _(
                "%(area)s %(year)s is submitted for review (by %(who)s on %(when)s): its figures and "
                "commentary cannot change until a reviewer returns it."
            ) % {
                "area": submission.area.name,
                "year": submission.round.year,
                "who": submission.by.get_username() if submission.by else _("an analyst"),
                "when": f"{submission.at:%Y-%m-%d}",
            }
    return held
