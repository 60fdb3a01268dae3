"""The load test: the app under gunicorn on 127.0.0.1 with PostgreSQL and the read cache in Redis,
50 locust clients for 60 s (pages, API reads, and 5 analysts writing their districts' figures with
tokens), then a check that no write was lost.

    make load-test                      # DATABASE_URL: the benchmark database (see the Makefile)
    python bench/load_test.py --users 50 --seconds 60 --workers 4

Prints throughput, p50/p95/p99 per request and overall, errors, what the read cache answered
(hits among the reads of areas nobody writes, of the areas being written, across areas), the
largest gunicorn worker's memory, and lost writes, beside the goals; writes the figures into
docs/benchmarks.md with --output.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
sys.path.insert(0, str(ROOT))

from bench.doc_sections import write_section  # noqa: E402  (the repository, put on the path above)


def manage(*args: str, env: dict) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--output", default="")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="REDIS_URL of the server's caches")
    options = parser.parse_args()

    env = {
        **os.environ,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-test"),
        "SECURE_SSL": "false",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "API_THROTTLE_ANON": "",
        "API_THROTTLE_TOKEN": "",
        "LOADTEST_SETUP": str(ROOT / "var/loadtest.json"),
        "LOADTEST_WRITES": str(ROOT / "var/loadtest-writes.json"),
        "LOADTEST_CACHE": str(ROOT / "var/loadtest-cache.json"),
        "REDIS_URL": options.redis,
    }
    if "DATABASE_URL" not in env:
        print("Set DATABASE_URL to the PostgreSQL database to load (make load-test does).", file=sys.stderr)
        return 2
    manage("collectstatic", "--noinput", "-v0", env=env)
    manage("refresh_read_cache", env=env)  # nothing cached from an earlier run counts
    print(manage("load_test_setup", env=env).strip())
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "gzplan.wsgi", "-b", f"127.0.0.1:{options.port}", "-w", str(options.workers),
         "--timeout", "30", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    peak = {"rss": 0.0}
    running = threading.Event()
    running.set()

    def sample():
        while running.is_set():
            for child in children(server.pid):
                peak["rss"] = max(peak["rss"], rss_mb(child))
            time.sleep(0.5)

    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{options.port}/api/v1/areas?limit=1", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            print("gunicorn did not start", file=sys.stderr)
            return 1
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        prefix = ROOT / "var/loadtest"
        subprocess.run(
            [PY, "-m", "locust", "-f", str(ROOT / "bench/locustfile.py"), "--headless", "-u", str(options.users),
             "-r", str(max(1, options.users // 5)), "-t", f"{options.seconds}s", "--stop-timeout", "10",
             "--host", f"http://127.0.0.1:{options.port}", "--csv", str(prefix), "--only-summary"],
            cwd=ROOT, env=env, check=False, timeout=options.seconds + 120,
        )  # fmt: skip
    finally:
        running.clear()
        server.terminate()
        server.wait(timeout=30)

    stats = list(csv.DictReader((ROOT / "var/loadtest_stats.csv").open()))
    total = next(row for row in stats if row["Name"] == "Aggregated")
    cache = json.loads((ROOT / "var/loadtest-cache.json").read_text())
    lost = json.loads(manage("load_test_check", str(ROOT / "var/loadtest-writes.json"), env=env))
    print(manage("load_test_setup", "--remove", env=env).strip())
    rate, p95 = float(total["Requests/s"]), float(total["95%"])

    def hits(kind: str) -> tuple[float, int]:
        answers = cache.get(kind, {})
        count = sum(answers.values())
        return (100 * answers.get("hit", 0) / count if count else 0.0), count

    unwritten, unwritten_count = hits("reads of an area nobody writes")
    lines = [
        f"Load test: {options.users} clients for {options.seconds} s against gunicorn ({options.workers} workers) "
        f"on 127.0.0.1, PostgreSQL, the read cache in Redis; locust on the same 2 cores. Readers (9 in 10) ask "
        f"for a page or an API read every 0.1-0.5 s; 5 analysts write a year of their district's figures in "
        f"one request and then revise one, every 0.5-1.5 s.",
        "",
        "| request | count | failures | p50 ms | p95 ms | p99 ms | requests/s | cache hits |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in stats:
        answers = cache.get(row["Name"], {})
        share = f"{100 * answers.get('hit', 0) / sum(answers.values()):.0f} %" if answers else ""
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} | "
            f"{row['99%']} | {float(row['Requests/s']):.1f} | {share} |"
        )
    lines += ["", "| read cache | reads | hits |", "|---|---:|---:|"]
    for kind in (
        "reads of an area nobody writes",
        "reads of an area being written",
        "reads across areas (indicator pages)",
    ):
        ratio, count = hits(kind)
        lines.append(f"| {kind} | {count} | {ratio:.1f} % |")
    lines += [
        "",
        f"Goals: at least 100 requests/s: {rate:.1f} ({'met' if rate >= 100 else 'NOT met'}); 95th percentile "
        f"under 300 ms: {p95:.0f} ms ({'met' if p95 < 300 else 'NOT met'}); at least 90 % of the reads of areas "
        f"nobody writes from the cache: {unwritten:.1f} % of {unwritten_count} "
        f"({'met' if unwritten >= 90 else 'NOT met'}).",
        f"Errors: {total['Failure Count']} of {total['Request Count']}. Largest gunicorn worker: "
        f"{peak['rss']:.0f} MB. Writes acknowledged: {lost['acknowledged']}, missing or different afterwards: "
        f"{lost['lost']}.",
    ]
    report = "\n".join(lines)
    print(report)
    if options.output:
        write_section(Path(options.output), "load-test", "Load test", report)
    failed = int(total["Failure Count"]) > 0 or lost["lost"] > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
