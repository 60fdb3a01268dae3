"""The header's search: indicators, areas and plans by name in either language or by code, typed in
Simplified or Traditional Chinese (地區生產總值 finds 地区生产总值) or in English."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import opencc
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from districts.models import Area
from indicators.models import Indicator, Plan, Target

MAX_QUERY = 100  # characters: a name is shorter; a longer query is a mistake or a probe
RESULTS_SHOWN = 50  # of each kind: more than that means the query is too broad to read
MAX_TERMS = 10

# 十四五 is how people (and the plans' names) call 第十四个五年规划: look for either way of writing it.
_FIVE_YEAR_SHORT = re.compile("(?<!第)十([一二三四五六七八九])五(?!年)")
_FIVE_YEAR_LONG = re.compile("第十([一二三四五六七八九])个五年")


@functools.cache
def _t2s() -> opencc.OpenCC:
    """Traditional to Simplified Chinese, built once (reading its dictionaries takes a while)."""
    return opencc.OpenCC("t2s")


def clean(raw: str) -> str:
    """The query as searched: full-width letters and brackets as their ASCII forms (ＧＤＰ, （ ）), without
    control characters, spaces collapsed."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    return " ".join(text.split())


def forms(term: str) -> set[str]:
    """The ways a term of the query may be written in the data: as typed, in Simplified Chinese, and a
    five-year plan's number short (十四五) or long (第十四个五年)."""
    found = {term}
    if not term.isascii():
        found.add(_t2s().convert(term))
    for form in list(found):
        found.add(_FIVE_YEAR_SHORT.sub(r"第十\1个五年", form))
        found.add(_FIVE_YEAR_LONG.sub(r"十\1五", form))
    return found


def matching(terms: list[str], fields: list[str], extra: Callable[[str], Q] | None = None) -> Q:
    """Rows with every term in one of `fields` (in any of its forms); `extra(form)` adds a condition."""
    condition = Q()
    for term in terms:
        either = Q()
        for form in forms(term):
            for field in fields:
                either |= Q(**{f"{field}__icontains": form})
            if extra is not None:
                either |= extra(form)
        condition &= either
    return condition


def _worded_in_a_table(form: str) -> Q:
    """Indicators a plan's table words with `form` (地区生产总值年均增速 is the city's GDP growth target)."""
    return Q(pk__in=Target.objects.filter(label_zh__icontains=form).values("indicator_id"))


def ranked(queryset: QuerySet, query: str, *then: str) -> QuerySet:
    """Exact names and codes first, then names that start with the query, then in the order `then`."""
    exact, starts = Q(), Q()
    for form in forms(query):
        for field in ("name_zh", "name_en", "code"):
            exact |= Q(**{f"{field}__iexact": form})
            starts |= Q(**{f"{field}__istartswith": form})
    rank = Case(When(exact, then=Value(0)), When(starts, then=Value(1)), default=Value(2))
    return queryset.annotate(rank=rank).order_by("rank", *then)


def _first(queryset: QuerySet) -> tuple[list, bool]:
    rows = list(queryset[: RESULTS_SHOWN + 1])
    return rows[:RESULTS_SHOWN], len(rows) > RESULTS_SHOWN


def search(request: HttpRequest) -> HttpResponse:
    query = clean(request.GET.get("q", ""))
    context: dict = {"search_query": query[:MAX_QUERY], "groups": [], "searched": False}
    terms = query.split(" ")[:MAX_TERMS] if query else []
    if not query:
        context["message"] = _("Type a name or a code to search the indicators, areas and plans.")
    elif len(query) > MAX_QUERY:
        context["message"] = _("The search is too long: type at most %(max)d characters.") % {"max": MAX_QUERY}
    else:
        context["searched"] = True
        indicators = Indicator.objects.filter(matching(terms, ["name_zh", "name_en", "code"], _worded_in_a_table))
        areas = Area.objects.filter(matching(terms, ["name_zh", "name_en", "code"]))
        plans = Plan.objects.filter(matching(terms, ["name_zh", "name_en", "code"])).select_related("area")
        for kind, title, queryset in (
            # The shorter an indicator's name, the closer to what was typed (地区生产总值 before 人均地区生产总值).
            ("indicators", _("Indicators"), ranked(indicators.alias(n=Length("name_zh")), query, "n", "code")),
            ("areas", _("Areas"), ranked(areas, query, "level", "code")),
            ("plans", _("Plans"), ranked(plans, query, "area__level", "area__code", "-period_end", "kind")),
        ):
            rows, more = _first(queryset)
            if rows:
                context["groups"].append({"kind": kind, "title": title, "rows": rows, "more": more})
    return render(request, "indicators/search.html", context)
