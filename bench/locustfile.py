"""The load test's clients: readers of pages and the API, and five analysts writing their districts' figures.

Run by bench/load_test.py (make load-test), which starts gunicorn, runs this headless for a
fixed time, and checks afterwards that every acknowledged write is in the database.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections import Counter, defaultdict
from pathlib import Path

from locust import HttpUser, between, events, task

SETUP = json.loads(Path(os.environ.get("LOADTEST_SETUP", "var/loadtest.json")).read_text())
READING = SETUP["reading"]
WRITERS = itertools.cycle(SETUP["writers"])
ACKNOWLEDGED: dict[str, str] = {}  # "area indicator year" -> the value last acknowledged by the server
WRITTEN = {writer["area"] for writer in SETUP["writers"]}
# What the read cache answered (X-Gzplan-Cache: hit, miss, or none), by kind of read and by request name.
CACHE: dict[str, Counter] = defaultdict(Counter)


@events.request.add_listener
def count_cache_answers(request_type, name, response, context, exception, **kwargs):
    if request_type != "GET" or exception is not None or response is None:
        return
    answer = response.headers.get("X-Gzplan-Cache", "none")
    area = (context or {}).get("area")
    kind = (
        "reads of an area nobody writes"
        if area and area not in WRITTEN
        else ("reads of an area being written" if area else "reads across areas (indicator pages)")
    )
    CACHE[kind][answer] += 1
    CACHE[name][answer] += 1


class Reader(HttpUser):
    """The public and leaders: a page or an API read every 0.1-0.5 s (a busy reporting season's mix)."""

    weight = 9
    wait_time = between(0.1, 0.5)

    @task(3)
    def scorecard(self):
        context = {"area": READING["plan_area"]}
        self.client.get(f"/en/?plan={READING['plan']}", name="page: scorecard", context=context)

    @task(3)
    def district(self):
        area = random.choice(READING["districts"])
        self.client.get(f"/en/districts/{area}/", name="page: district", context={"area": area})

    @task(2)
    def indicator(self):
        self.client.get(f"/en/indicators/{random.choice(READING['indicators'])}/", name="page: indicator")

    @task(3)
    def values(self):
        area = random.choice(READING["districts"])
        self.client.get(f"/api/v1/values?area={area}&limit=1000", name="api: values", context={"area": area})

    @task(2)
    def series(self):
        area = random.choice(READING["districts"])
        url = f"/api/v1/series/{random.choice(READING['indicators'])}?area={area}"
        self.client.get(url, name="api: series", context={"area": area})

    @task(1)
    def progress(self):
        context = {"area": READING["plan_area"]}
        self.client.get(f"/api/v1/progress?plan={READING['plan']}", name="api: progress", context=context)


class Analyst(HttpUser):
    fixed_count = 5
    wait_time = between(0.5, 1.5)

    def on_start(self):
        writer = next(WRITERS)
        self.area = writer["area"]
        self.indicators = writer["indicators"]
        self.headers = {"Authorization": f"Bearer {writer['token']}"}
        self.versions: dict[str, int] = {}
        self.year = 1949

    @task
    def write_a_year(self):
        """A district's year in one request; then one figure revised with its version."""
        self.year += 1
        rows = [
            {"area": self.area, "indicator": code, "year": self.year, "value": f"{random.uniform(1, 999):.2f}"}
            for code in self.indicators
        ]
        with self.client.post(
            "/api/v1/values/bulk",
            json={"rows": rows, "reason": "load test"},
            headers=self.headers,
            name="api: bulk write",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            for row in response.json()["rows"]:
                value = row["value"]
                key = f"{self.area} {value['indicator']['code']} {self.year}"
                ACKNOWLEDGED[key] = rows[row["index"]]["value"]
                self.versions[key] = value["version"]
                last = (value["id"], key)
        value_id, key = last
        new = f"{random.uniform(1, 999):.2f}"
        with self.client.patch(
            f"/api/v1/values/{value_id}",
            json={"value": new, "version": self.versions[key]},
            headers=self.headers,
            name="api: update",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            ACKNOWLEDGED[key] = new


@events.test_stop.add_listener
def keep_the_writes(environment, **kwargs):
    Path(os.environ.get("LOADTEST_WRITES", "var/loadtest-writes.json")).write_text(json.dumps(ACKNOWLEDGED))
    Path(os.environ.get("LOADTEST_CACHE", "var/loadtest-cache.json")).write_text(json.dumps(CACHE))
