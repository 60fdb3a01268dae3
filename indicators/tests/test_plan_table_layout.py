"""The plan table merges its category cells over the rows of each category, as the published table does."""

from __future__ import annotations

import re
from itertools import groupby

import pytest

from indicators.models import Plan
from indicators.web import dashboards

pytestmark = pytest.mark.django_db


def test_each_category_cell_spans_its_rows(client):
    plan = Plan.objects.get(code="guangzhou-14th-fyp")
    groups = dashboards.table_rows(dashboards.plan_rows(plan))
    printed = [g.parts[0].target.category_zh for g in groups]
    runs = [(category, len(list(run))) for category, run in groupby(printed)]
    spans = [g.category_span for g in groups if g.category_span]
    assert len(spans) == len(runs) < len(groups)  # fewer cells than rows: merged
    assert sum(spans) == sum(len(g.parts) for g in groups) == 34
    html = client.get(f"/plans/{plan.code}/").content.decode()
    cells = re.findall(r'<th scope="rowgroup" rowspan="(\d+)" class="category" lang="zh-Hans">([^<]*)</th>', html)
    assert [(name, int(span)) for span, name in cells] == [
        (category, span) for (category, _), span in zip(runs, spans, strict=True)
    ]
