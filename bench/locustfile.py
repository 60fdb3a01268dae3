"""The load test's clients: readers of pages and the API, and five analysts writing their districts' figures.

Run by bench/load_test.py (make load-test), which starts gunicorn, runs this headless for a
fixed time, and checks afterwards that every acknowledged write is in the database.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, events, task

SETUP = json.loads(Path(os.environ.get("LOADTEST_SETUP", "var/loadtest.json")).read_text())
READING = SETUP["reading"]
WRITERS = itertools.cycle(SETUP["writers"])
ACKNOWLEDGED: dict[str, str] = {}  # "area indicator year" -> the value last acknowledged by the server


class Reader(HttpUser):
    weight = 9
    wait_time = between(0.2, 1.0)

    @task(3)
    def scorecard(self):
        self.client.get(f"/en/?plan={READING['plan']}", name="page: scorecard")

    @task(3)
    def district(self):
        self.client.get(f"/en/districts/{random.choice(READING['districts'])}/", name="page: district")

    @task(2)
    def indicator(self):
        self.client.get(f"/en/indicators/{random.choice(READING['indicators'])}/", name="page: indicator")

    @task(3)
    def values(self):
        area = random.choice(READING["districts"])
        self.client.get(f"/api/v1/values?area={area}&limit=1000", name="api: values")

    @task(2)
    def series(self):
        area = random.choice(READING["districts"])
        self.client.get(f"/api/v1/series/{random.choice(READING['indicators'])}?area={area}", name="api: series")

    @task(1)
    def progress(self):
        self.client.get(f"/api/v1/progress?plan={READING['plan']}", name="api: progress")


class Analyst(HttpUser):
    fixed_count = 5
    wait_time = between(0.5, 1.5)

    def on_start(self):
        writer = next(WRITERS)
        self.area = writer["area"]
        self.headers = {"Authorization": f"Bearer {writer['token']}"}
        self.versions: dict[str, int] = {}
        self.year = 1949

    @task
    def write_a_year(self):
        """A district's year in one request; then one figure revised with its version."""
        self.year += 1
        rows = [
            {"area": self.area, "indicator": code, "year": self.year, "value": f"{random.uniform(1, 999):.2f}"}
            for code in READING["indicators"]
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
