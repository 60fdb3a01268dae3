"""Anonymous clients hammering the heaviest public addresses while one reader asks for a district page.

    make hammer-check      # the benchmark database (make bench's province data), nginx and gunicorn

The deployment's own proxy configuration (deploy/nginx.conf, with its per-address rate and connection
limits) runs on 127.0.0.1 in front of gunicorn (the compose command: gthread workers), with Redis for
the shared caches. Twenty attackers, each from its own loopback address (127.0.0.11-30), ask as fast
as they can for pages and API reads that no cache holds (random offsets, years, plans and series
across every area), and 30 slow senders dribble request headers a byte at a time; a probe from
127.0.0.200 reads a district page every 0.25 s. Prints the probe's latency (goal: 95th percentile
under 500 ms), what the attackers got (answers, 429s from the proxy, 503s from the busy app) and how
soon the proxy dropped the slow senders.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
sys.path.insert(0, str(ROOT))

from bench.doc_sections import write_section  # noqa: E402  (the repository, put on the path above)

PROBE_GOAL_MS = 500


class SourceAdapter(HTTPAdapter):
    """Connections from a given local address: each attacker is a client address of its own."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__(pool_connections=1, pool_maxsize=1)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        return super().init_poolmanager(*args, **kwargs)


def session_from(source: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAdapter(source))
    return session


def heavy_urls(data: dict) -> list[str]:
    """Addresses that cost the server most and that no cache holds (each asked with fresh values)."""
    plan, indicator = random.choice(data["plans"]), random.choice(data["indicators"])
    area, year = random.choice(data["areas"]), random.randint(2000, 2025)
    return [
        f"/api/v1/values?limit=1000&offset={random.randint(0, 200_000)}",
        f"/api/v1/values?limit=1000&year_from={year}&offset={random.randint(0, 5_000)}",
        f"/api/v1/series/{indicator}",
        f"/api/v1/progress?limit=500&offset={random.randint(0, 3_000)}",
        f"/en/indicators/{indicator}/?year={year}",
        f"/en/?plan={plan}",
        f"/en/districts/{area}/?plan={plan}",
        "/en/export/everything.xlsx",
    ]


def slow_sender(host: str, port: int, stop: float, closed: list[float], lock: threading.Lock) -> None:
    """Open a connection and send a request's headers one byte every 2 s (a "slowloris"), again and
    again until `stop`; record how long each lasted before the server closed it."""
    request = b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 400
    while time.monotonic() < stop:
        opened = time.monotonic()
        try:
            with socket.create_connection((host, port), timeout=5, source_address=("127.0.0.150", 0)) as sock:
                for byte in request:
                    if time.monotonic() >= stop:
                        return
                    sock.sendall(bytes([byte]))
                    time.sleep(2)
        except OSError:
            with lock:
                closed.append(time.monotonic() - opened)


def probe(url: str, stop: float, results) -> None:
    """Read the page every 0.25 s until `stop` (time.monotonic, shared across fork), from 127.0.0.200."""
    http = session_from("127.0.0.200")
    times: list[float] = []
    statuses: Counter = Counter()
    while time.monotonic() < stop:
        started = time.perf_counter()
        status: int | str
        try:
            status = http.get(url, timeout=60).status_code
        except requests.RequestException:
            status = "error"
        times.append((time.perf_counter() - started) * 1000)
        statuses[status] += 1
        time.sleep(0.25)
    results.put((times, statuses))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attackers", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8061, help="gunicorn; nginx listens on the next port")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--slow", type=int, default=30, help="slow-sending connections beside the attackers")
    parser.add_argument("--output", default="")
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        print("Set DATABASE_URL to the benchmark database (make hammer-check does).", file=sys.stderr)
        return 2
    env = {
        **os.environ,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "hammer-check"),
        "SECURE_SSL": "false",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": options.redis,
        "TRUSTED_PROXIES": "127.0.0.1",  # nginx, on this machine
    }
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "refresh_read_cache"], cwd=ROOT, env=env, check=True, capture_output=True)
    listing = subprocess.run(
        [PY, "manage.py", "shell", "-c",
         "import json; from indicators.models import Plan, Indicator; from districts.models import Area; "
         "print('DATA ' + json.dumps({'plans': list(Plan.objects.values_list('code', flat=True)[:200]), "
         "'indicators': list(Indicator.objects.values_list('code', flat=True)[:400]), "
         "'areas': list(Area.objects.filter(level='district').values_list('code', flat=True)[:200])}))"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    data = json.loads(next(line[5:] for line in listing.splitlines() if line.startswith("DATA ")))
    gunicorn = subprocess.Popen(
        [PY, "-m", "gunicorn", "gzplan.wsgi", "-b", f"127.0.0.1:{options.port}", "-w", str(options.workers),
         "--worker-class", "gthread", "--threads", str(options.threads), "--timeout", "60", "--log-level", "error"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="gzplan-hammer-"))
    config = (ROOT / "deploy/nginx.conf").read_text()
    config = config.replace("server web:8000;", f"server 127.0.0.1:{options.port};")
    config = re.sub(r"listen 80;", f"listen 127.0.0.1:{options.port + 1};", config)
    config = config.replace("/tmp/gzplan-nginx", str(workdir / "nginx"))
    (workdir / "nginx.conf").write_text(config)
    nginx = subprocess.Popen(["nginx", "-c", str(workdir / "nginx.conf"), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{options.port + 1}"
    probe_district = data["areas"][0]
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/en/districts/{probe_district}/", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        else:
            print("nginx or gunicorn did not start", file=sys.stderr)
            return 1
        stop = time.monotonic() + options.seconds
        answers: Counter = Counter()
        lock = threading.Lock()

        def attack(n: int) -> None:
            http = session_from(f"127.0.0.{11 + n}")
            while time.monotonic() < stop:
                url = random.choice(heavy_urls(data))
                status: int | str
                try:
                    status = http.get(base + url, timeout=60, allow_redirects=False).status_code
                except requests.RequestException:
                    status = "error"
                with lock:
                    answers[status] += 1

        # The probe is a process of its own: its timings are the server's, not those of a client whose
        # threads compete with twenty attackers for one interpreter.
        results: multiprocessing.Queue = multiprocessing.Queue()
        prober = multiprocessing.Process(target=probe, args=(f"{base}/en/districts/{probe_district}/", stop, results))
        prober.start()
        threads = [threading.Thread(target=attack, args=(n,)) for n in range(options.attackers)]
        closed: list[float] = []
        threads += [
            threading.Thread(target=slow_sender, args=("127.0.0.1", options.port + 1, stop, closed, lock))
            for _ in range(options.slow)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        probe_times, probe_statuses = results.get(timeout=120)
        prober.join(timeout=30)
    finally:
        nginx.terminate()
        gunicorn.terminate()
        nginx.wait(timeout=30)
        gunicorn.wait(timeout=30)

    ordered = sorted(probe_times)
    p95 = statistics.quantiles(ordered, n=20)[-1] if len(ordered) > 1 else ordered[0]
    p99 = statistics.quantiles(ordered, n=100)[-1] if len(ordered) > 1 else ordered[0]
    total = sum(answers.values())
    report = "\n".join([
        f"Hammer check: {options.attackers} anonymous clients (each its own address) for {options.seconds} s "
        f"asking for uncached heavy pages and API reads, through deploy/nginx.conf on 127.0.0.1 in front of "
        f"gunicorn ({options.workers} gthread workers x {options.threads} threads), PostgreSQL, Redis; a probe "
        f"reads a district page every 0.25 s.",
        "",
        f"Probe: {len(ordered)} requests, statuses {dict(probe_statuses)}; median {statistics.median(ordered):.0f} ms, "
        f"95th percentile {p95:.0f} ms, 99th {p99:.0f} ms (goal: 95th under {PROBE_GOAL_MS} ms: "
        f"{'met' if p95 < PROBE_GOAL_MS else 'NOT met'}).",
        f"Attackers: {total} requests ({total / options.seconds:.0f}/s); answers "
        + ", ".join(f"{status}: {count}" for status, count in sorted(answers.items(), key=lambda kv: str(kv[0])))
        + " (429: refused by the proxy's per-address limits; 302: export needs a sign-in; 503: the server "
        "busy, retry).",
        f"Slow senders: {options.slow} connections sending their headers a byte every 2 s; the proxy closed "
        f"{len(closed)} of them, after {statistics.median(closed) if closed else 0:.0f} s (median), and the "
        "app never saw them.",
    ])  # fmt: skip
    print(report)
    if options.output:
        write_section(Path(options.output), "hammer", "Hammer check", report)
    return 0 if p95 < PROBE_GOAL_MS and probe_statuses.get(200, 0) == len(ordered) else 1


if __name__ == "__main__":
    sys.exit(main())
