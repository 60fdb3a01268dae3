"""The load test: the app under gunicorn on 127.0.0.1 with PostgreSQL, 50 locust clients for 60 s
(pages, API reads, and 5 analysts writing with tokens), then a check that no write was lost.

    make load-test                      # DATABASE_URL: the benchmark database (see the Makefile)
    python bench/load_test.py --users 50 --seconds 60 --workers 4

Prints throughput, p50/p99 per request and overall, errors, the largest gunicorn worker's
memory, and lost writes; appends the figures to docs/benchmarks.md with --output.
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
    }
    if "DATABASE_URL" not in env:
        print("Set DATABASE_URL to the PostgreSQL database to load (make load-test does).", file=sys.stderr)
        return 2
    manage("collectstatic", "--noinput", "-v0", env=env)
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
    lost = json.loads(manage("load_test_check", str(ROOT / "var/loadtest-writes.json"), env=env))
    print(manage("load_test_setup", "--remove", env=env).strip())
    lines = [
        f"Load test: {options.users} clients for {options.seconds} s against gunicorn ({options.workers} workers) "
        f"on 127.0.0.1, PostgreSQL; pages, API reads and 5 analysts writing with tokens.",
        "",
        "| request | count | failures | p50 ms | p99 ms | requests/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in stats:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['99%']} | "
            f"{float(row['Requests/s']):.1f} |"
        )
    lines += [
        "",
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
