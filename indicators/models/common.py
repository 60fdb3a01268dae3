"""What the models share: the year range and choices as database constraints, and comparators."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.domain import FIRST_YEAR, LAST_YEAR


def year_between(field: str) -> Q:
    return Q(**{f"{field}__gte": FIRST_YEAR, f"{field}__lte": LAST_YEAR})


def in_choices(field: str, choices: type[models.TextChoices], blank: bool = False) -> Q:
    allowed = list(choices.values) + ([""] if blank else [])
    return Q(**{f"{field}__in": allowed})


class Comparator(models.TextChoices):
    """How a figure relates to its number: the notation of the plan tables."""

    AT_LEAST = "at_least", _("at least (≥)")
    MORE_THAN = "more_than", _("more than (>)")
    AT_MOST = "at_most", _("at most (≤)")
    LESS_THAN = "less_than", _("less than (<)")
    ABOUT = "about", _("about")
    EXACT = "exact", _("exactly")


TARGET_COMPARATORS = [
    Comparator.AT_LEAST,
    Comparator.AT_MOST,
    Comparator.ABOUT,
    Comparator.EXACT,
]
