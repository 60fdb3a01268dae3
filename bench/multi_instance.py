"""The multi-instance check: the compose topology (PostgreSQL, Redis, two web instances under gunicorn,
one task worker) started as processes on this machine, and driven over HTTP as users would.

    make multi-instance-check        # PostgreSQL at 127.0.0.1:5432 (database gzplan_multi), Redis db 13

1. An analyst signs in on instance A and uploads a 20,000-row import there; its progress is
   followed through instance B to the preview, and it is confirmed through B.
2. A second import is confirmed; the worker is killed with SIGKILL while it writes; the batch is
   shown failed (through B), the database is unchanged, and a retry with a new worker succeeds.
3. Anonymous pages read through A and B come from the one shared read cache; a figure written
   through B's API ends A's cached page of that district at once, while another district's page
   stays cached (the X-Gzplan-Cache header says which).
4. Limits hold across instances: the API's rate limit counts requests to A and B together, and
   failed sign-ins on A lock the account out on B too (django-axes).

Prints what it does and checks (the processes' own logs go to var/multi-instance-*.log); exits 1
at the first check that fails.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PASSWORD = "multi-instance-check-password"
HAIZHU, TIANHE, CITY = "440105", "440106", "440100"
TOKEN_LIMIT = 40  # API requests a minute per user with a token, for part 4


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)
    say(f"ok: {message}")


class Topology:
    def __init__(self, options) -> None:
        self.options = options
        self.database = f"postgres://postgres@127.0.0.1:5432/{options.database}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database,
            "REDIS_URL": options.redis,
            "SECRET_KEY": "multi-instance-check",
            "SECURE_SSL": "false",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GZPLAN_TASKS_BACKEND": "database",
            "GZPLAN_JOB_STALE_SECONDS": str(options.stale_seconds),
            "API_THROTTLE_ANON": "",
            "API_THROTTLE_TOKEN": f"{TOKEN_LIMIT}/m",
            "AXES_FAILURE_LIMIT": "3",
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise CheckFailed(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def release(self) -> list[str]:
        """A fresh database, migrated and loaded with the real data: compose's one-off release step."""
        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.options.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.options.database}"')
        self.manage("migrate", "--noinput", "-v0")
        say(self.manage("load_real_data").strip())
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("refresh_read_cache")
        script = (
            "from django.contrib.auth.models import Group, User\n"
            "from accounts.models import ApiToken\n"
            "from districts.models import Area, AreaAccess\n"
            "from districts.roles import CITY_ANALYST\n"
            f"user = User.objects.create_user('multi-analyst', password={PASSWORD!r}, is_staff=True)\n"
            "user.groups.add(Group.objects.get(name=CITY_ANALYST))\n"
            f"AreaAccess.objects.create(user=user, area=Area.objects.get(code={CITY!r}))\n"
            f"other = User.objects.create_user('multi-locked', password={PASSWORD!r})\n"
            "print(ApiToken.issue(user, 'multi-instance check')[1], ApiToken.issue(other, 'rate limit')[1])\n"
        )
        return self.manage("shell", "-c", script).strip().splitlines()[-1].split()

    def import_file(self, rows: int) -> bytes:
        script = f"import sys\nfrom bench.measure import import_file\nsys.stdout.write(import_file({rows}).decode())"
        return self.manage("shell", "-c", script).encode()

    def log(self, name: str):
        """Where a process's own output goes (var/multi-instance-<name>.log): the check prints its own."""
        (ROOT / "var").mkdir(exist_ok=True)
        return (ROOT / "var" / f"multi-instance-{name}.log").open("a")

    def start_web(self, name: str, port: int) -> str:
        self.processes[name] = subprocess.Popen(
            [PY, "-m", "gunicorn", "gzplan.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "60",
             "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=self.log(name), stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if requests.get(f"{url}/health/?format=json", timeout=2).status_code in (200, 500):
                    return url
            except requests.ConnectionError:
                time.sleep(0.25)
        raise CheckFailed(f"web instance {name} did not start on port {port}")

    def start_worker(self) -> subprocess.Popen:
        worker = subprocess.Popen(
            [PY, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT, env=self.env, stdout=self.log("worker"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.processes["worker"] = worker
        return worker

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def figures(self) -> int:
        with psycopg.connect(self.database) as connection:
            row = connection.execute("SELECT count(*) FROM indicators_reportedvalue").fetchone()
            return row[0] if row else 0


class Analyst:
    """One browser session: the session and CSRF cookies hold for both instances (same host)."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def csrf(self) -> str:
        return self.http.cookies.get("csrftoken") or ""

    def sign_in(self, url: str, username: str = "multi-analyst", password: str = PASSWORD) -> requests.Response:
        self.http.get(f"{url}/en/accounts/login/", timeout=30)
        return self.http.post(
            f"{url}/en/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": self.csrf()},
            allow_redirects=False,
            timeout=30,
        )

    def upload(self, url: str, name: str, data: bytes) -> int:
        response = self.http.post(
            f"{url}/en/imports/",
            data={"csrfmiddlewaretoken": self.csrf()},
            files={"file": (name, data, "text/csv")},
            allow_redirects=False,
            timeout=120,
        )
        found = re.search(r"/imports/(\d+)/", response.headers.get("Location", ""))
        if response.status_code != 302 or found is None:
            raise CheckFailed(f"upload of {name} to {url}: {response.status_code} {response.text[:300]}")
        say(f"ok: uploaded {name} to {url}")
        return int(found.group(1))

    def progress(self, url: str, batch: int) -> dict:
        response = self.http.get(f"{url}/en/imports/{batch}/progress.json", timeout=30)
        if response.status_code != 200:
            raise CheckFailed(f"progress of import {batch} at {url}: {response.status_code} {response.text[:200]}")
        return response.json()

    def follow(self, url: str, batch: int, until: str, seconds: float = 300) -> dict:
        """Poll the import's progress through `url` until its state is `until`, printing each change."""
        deadline, last = time.monotonic() + seconds, None
        while time.monotonic() < deadline:
            state = self.progress(url, batch)
            shown = (state["state"], state.get("phase"), state.get("done"), state.get("total"))
            if shown != last:
                say(f"  import {batch} via {url}: {state['state']} {state.get('phase', '')} "
                    f"{state.get('done', '')}/{state.get('total', '')}")  # fmt: skip
                last = shown
            if state["state"] == until:
                return state
            if state["state"] == "failed" and until != "failed":
                raise CheckFailed(f"import {batch} failed: {state}")
            time.sleep(0.1)
        raise CheckFailed(f"import {batch} did not reach {until} in {seconds} s: {last}")

    def post(self, url: str, path: str) -> requests.Response:
        return self.http.post(f"{url}{path}", data={"csrfmiddlewaretoken": self.csrf()}, allow_redirects=False,
                              timeout=60)  # fmt: skip


def cache_answer(url: str, path: str) -> tuple[str, str]:
    # Anonymous (no cookies), under the one public host name, as a load balancer passes it to each instance.
    response = requests.get(f"{url}{path}", headers={"Host": "localhost"}, timeout=60)
    if response.status_code != 200:
        raise CheckFailed(f"GET {url}{path}: {response.status_code}")
    return response.headers.get("X-Gzplan-Cache", "none"), response.text


def run(options) -> None:
    topology = Topology(options)
    try:
        say(f"release: database {options.database} migrated and loaded, Redis {options.redis}")
        token, limited_token = topology.release()
        first, second = topology.import_file(options.rows), None
        a = topology.start_web("A", options.port)
        b = topology.start_web("B", options.port + 1)
        worker = topology.start_worker()
        say(f"web A at {a}, web B at {b} (gunicorn, 2 workers each), one db_worker")
        health = requests.get(f"{b}/health/?format=json", timeout=30)
        check(health.status_code == 200, f"B's /health/ reports database, caches and queue healthy: {health.text}")

        # 1. An import uploaded through A, followed and confirmed through B.
        analyst = Analyst()
        response = analyst.sign_in(a)
        check(response.status_code == 302, f"signed in on A (302 to {response.headers.get('Location')})")
        before = topology.figures()
        batch = analyst.upload(a, "first.csv", first)
        analyst.follow(b, batch, "ready")
        check(analyst.post(b, f"/en/imports/{batch}/confirm/").status_code == 302, "confirmed through B")
        analyst.follow(b, batch, "applied")
        after = topology.figures()
        check(after == before + options.rows, f"{options.rows:,} figures written ({before:,} -> {after:,})")

        # 2. The worker killed in the middle of the second import's write.
        second = topology.import_file(options.rows_killed)
        batch = analyst.upload(a, "second.csv", second)
        analyst.follow(b, batch, "ready")
        check(analyst.post(b, f"/en/imports/{batch}/confirm/").status_code == 302, "second import confirmed through B")
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            state = analyst.progress(b, batch)
            if state.get("phase") == "saving" and 0 < state.get("done", 0) < state.get("total", 0):
                break
            time.sleep(0.01)
        else:
            raise CheckFailed(f"the second import's write never got under way: {state}")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        say(f"worker killed with SIGKILL at {state['done']:,}/{state['total']:,} rows")
        check(topology.figures() == after, f"the database is unchanged ({topology.figures():,} figures)")
        time.sleep(options.stale_seconds + 1)
        page = analyst.http.get(f"{b}/en/imports/{batch}/", timeout=30).text
        state = analyst.progress(b, batch)
        check(state["state"] == "failed", f"B shows the import failed: {state.get('message')!r}")
        lost = "worker" in page.lower() and "Try again" in page
        check(lost, "B's import page says the worker was lost and offers a retry")
        topology.start_worker()
        check(analyst.post(b, f"/en/imports/{batch}/retry/").status_code == 302, "retried through B (a new worker)")
        analyst.follow(a, batch, "applied")
        total = topology.figures()
        check(total == after + options.rows_killed, f"the retry wrote {options.rows_killed:,} figures ({total:,})")

        # 3. The shared read cache, ended per area.
        haizhu, tianhe = f"/en/districts/{HAIZHU}/", f"/en/districts/{TIANHE}/"
        series = f"/api/v1/series/gdp?area={HAIZHU}"
        for path in (haizhu, tianhe, series):
            cache_answer(a, path)
        answers = {path: cache_answer(b, path)[0] for path in (haizhu, tianhe, series)}
        check(set(answers.values()) == {"hit"}, f"B answers from what A rendered (shared cache): {answers}")
        auth = {"Authorization": f"Bearer {token}"}
        figure: dict[str, str | int] = {"area": HAIZHU, "indicator": "gdp", "year": 2031, "value": "12345.6"}
        written = requests.post(f"{b}/api/v1/values", json=figure, headers=auth, timeout=30)
        if written.status_code == 409:  # the imports wrote that year: revise the stored figure instead
            stored = written.json()["current"]
            written = requests.patch(f"{b}/api/v1/values/{stored['id']}", headers=auth, timeout=30,
                                     json={"value": figure["value"], "version": stored["version"]})  # fmt: skip
        check(written.status_code in (200, 201), f"a Haizhu figure written through B's API: {written.status_code}")
        answer, _ = cache_answer(a, haizhu)
        check(answer == "miss", f"A's Haizhu page is rendered afresh at once: {answer}")
        answer, body = cache_answer(a, series)
        check(answer == "miss" and "12345.6" in body, f"A's Haizhu series has the new figure: {answer}")
        answer, _ = cache_answer(a, tianhe)
        check(answer == "hit", f"A's Tianhe page stays cached: {answer}")

        # 4. Limits across instances.
        limited = {"Authorization": f"Bearer {limited_token}"}
        statuses = [
            requests.get(f"{url}/api/v1/areas?limit=1", headers=limited, timeout=30).status_code for url in (a, b) * 30
        ]
        first_refused = statuses.index(429) + 1 if 429 in statuses else None
        check(first_refused == TOKEN_LIMIT + 1, f"a user's {TOKEN_LIMIT}/min limit holds across A and B: first 429 at "
              f"request {first_refused} of {len(statuses)}, alternating between them")  # fmt: skip
        stranger = Analyst()
        failed = [stranger.sign_in(a, "multi-locked", "wrong password").status_code for _ in range(3)]
        locked = stranger.sign_in(b, "multi-locked", PASSWORD)
        check(locked.status_code == 429 and "sessionid" not in locked.cookies,
              f"3 failed sign-ins on A ({failed}) lock the account out on B: {locked.status_code}")  # fmt: skip
        say("multi-instance check passed")
    finally:
        topology.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="gzplan_multi")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--port", type=int, default=8091, help="instance A; B is the next port")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rows-killed", type=int, default=60_000, help="the import whose worker is killed")
    parser.add_argument("--stale-seconds", type=int, default=15, help="GZPLAN_JOB_STALE_SECONDS of the instances")
    options = parser.parse_args()
    try:
        run(options)
    except CheckFailed as failure:
        say(f"FAILED: {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
