"""Benchmark: the review reports (reports/), on two labelled synthetic plans deleted afterwards.

A 30-target plan's report is made in the request (`services.obtain`): each format and language
is timed beside its floor, under 5 s. A country-size plan (1,000 targets) is handed to a real task
worker (`manage.py db_worker`, started here and stopped at the end): its progress is polled as the
download page does, then the total time and the file's size are printed.

Runs on the current database (SQLite in var/ unless DATABASE_URL says otherwise), like bench-pages;
the synthetic plans are committed (the worker must see them) and removed at the end, also after a
failure or Ctrl-C, and by the next run if this one was killed.

    manage.py bench_reports
    manage.py bench_reports --country-targets 300 --country-format docx --runs 1
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import override_settings
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from bench import synthetic
from districts.models import Area
from gzplan.lib import freshness
from indicators.models import Commentary, Indicator, Plan, ReportedValue, SourceDocument, Target
from indicators.progress.evaluation import current_year
from reports import services
from reports.models import ReportDocument, ReportState

SOURCE_KEY = "synthetic-bench-reports"  # not bench.synthetic's key: its dataset and this one never mix
CITY_CODE = f"{synthetic.AREA_PREFIX}9901"  # 89xxxx: no such GB/T 2260 province exists
COUNTRY_CODE = f"{synthetic.AREA_PREFIX}9902"
INDICATOR_PREFIX = f"{synthetic.INDICATOR_PREFIX}report_"
VALUE_SOURCE = "synthetic (not real)"
IN_REQUEST_TARGETS = 30
GOAL_S = 5.0  # a 30-target report in the request: under 5 s
YEARS_OF_FIGURES = 8
MEASURES = ("level", "level", "flow", "share", "growth", "per_capita", "level")
CATEGORIES = ("合成类别一 (synthetic)", "合成类别二 (synthetic)", "合成类别三 (synthetic)", "合成类别四 (synthetic)")
TASK_PATH = "reports.tasks.make_report"
COMMENTARY = {  # every target's commentary on last year: what analysts write, a paragraph each
    "analysis_zh": "（合成文字，非真实内容）" + "本年度该指标受多种因素影响，总体运行平稳，个别季度有所波动。" * 3,
    "measures_zh": "（合成文字，非真实内容）" + "下一步将加强统筹协调，推动重点项目建设，确保完成规划目标。" * 2,
    "analysis_en": "(Synthetic text, not real.) " + "The figure moved with several factors this year. " * 4,
    "measures_en": "(Synthetic text, not real.) " + "Coordination and key projects will be stepped up. " * 3,
}


class Command(BaseCommand):
    help = (
        "Time the review reports on synthetic plans: a 30-target report made in the request (floor: under 5 s), "
        "then a country-size report made by a real task worker, with its progress. Deletes its data afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3, help="timed renders of each 30-target report (median)")
        parser.add_argument("--country-targets", type=int, default=1000, help="targets of the country-size plan")
        parser.add_argument("--country-format", choices=sorted(services.FORMATS), default="pdf")
        parser.add_argument("--country-language", choices=services.LANGUAGES, default="zh-hans")
        parser.add_argument("--every", type=float, default=10, help="seconds between progress lines")
        parser.add_argument("--timeout", type=float, default=900, help="give the worker up after this many seconds")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--remove", action="store_true", dest="remove_only", help="delete what an interrupted run left, and stop"
        )

    def handle(self, *args, runs, country_targets, country_format, country_language, every, timeout, seed,
               remove_only, **options):  # fmt: skip
        remove(log=self.stdout.write)  # what a run killed midway left
        if remove_only:
            return
        if runs < 1 or country_targets < 1:
            raise CommandError("--runs and --country-targets must be at least 1")
        if not isinstance(task_backends["default"], DatabaseBackend):
            raise CommandError("the worker part needs the database task queue: set GZPLAN_TASKS_BACKEND=database")
        rng = random.Random(seed)
        # Killed (make interrupted, a CI timeout): still stop the worker and delete the data, as for Ctrl-C.
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
        try:
            started = time.perf_counter()
            source, indicators = make_base(max(IN_REQUEST_TARGETS, country_targets), rng)
            city = make_plan(source, CITY_CODE, "合成市", "Synthetic city", indicators[:IN_REQUEST_TARGETS], rng)
            country = make_plan(source, COUNTRY_CODE, "合成国", "Synthetic country", indicators[:country_targets], rng)
            freshness.changed(everything=True)
            self.stdout.write(
                f"Synthetic plans (labelled, deleted at the end) on {connection.vendor}: {IN_REQUEST_TARGETS} and "
                f"{country_targets:,} targets, {YEARS_OF_FIGURES} years of figures each, made in "
                f"{time.perf_counter() - started:.1f} s; {machine()}"
            )
            self.in_request(city, runs)
            self.through_worker(country, country_format, country_language, every, timeout)
            self.stdout.write(f"at the end: {machine(own=1)}")
        finally:
            remove(log=self.stdout.write)
            signal.signal(signal.SIGTERM, previous)

    # -- in the request ----------------------------------------------------------------------------------
    def in_request(self, plan: Plan, runs: int) -> None:
        limit = max(settings.GZPLAN_REPORT_IN_REQUEST_TARGETS, IN_REQUEST_TARGETS)
        missed = []
        with override_settings(GZPLAN_REPORT_IN_REQUEST_TARGETS=limit):
            for fmt in ("pdf", "docx"):
                first, _size = self.obtain_fresh(plan, "zh-hans", fmt)
                loads = "WeasyPrint, its fonts and matplotlib" if fmt == "pdf" else "python-docx"
                self.stdout.write(f"first {fmt} in this process (loads {loads}): {first:.1f} s, not counted")
                for language in services.LANGUAGES:
                    timings, size = [], 0
                    for _ in range(runs):
                        seconds, size = self.obtain_fresh(plan, language, fmt)
                        timings.append(seconds)
                    median = statistics.median(timings)
                    verdict = "ok" if median < GOAL_S else "OVER"
                    if verdict != "ok":
                        missed.append(f"{fmt} {language}")
                    self.stdout.write(
                        f"{IN_REQUEST_TARGETS}-target report, {fmt}, {language}: {median:.1f} s "
                        f"(floor: under {GOAL_S:.0f} s) {verdict}  [median of {runs}, slowest {max(timings):.1f} s, "
                        f"{size / 1024:,.0f} kB]"
                    )
        self.stdout.write(
            f"goal: a {IN_REQUEST_TARGETS}-target report under {GOAL_S:.0f} s in the request -> "
            f"{'met' if not missed else 'MISSED: ' + ', '.join(missed)}"
        )

    def obtain_fresh(self, plan: Plan, language: str, fmt: str) -> tuple[float, int]:
        """Seconds to obtain the report with no stored document (so it is made), and the file's size."""
        ReportDocument.objects.filter(plan=plan).delete()
        started = time.perf_counter()
        document = services.obtain(plan, language, fmt).document
        seconds = time.perf_counter() - started
        if document.state != ReportState.DONE or not document.data:
            raise CommandError(f"the {fmt} report was not made in the request (state {document.state})")
        return seconds, len(document.data)

    # -- through the worker ------------------------------------------------------------------------------
    def through_worker(self, plan: Plan, fmt: str, language: str, every: float, timeout: float) -> None:
        size = plan.targets.count()
        label = f"country-size report ({size:,} targets, {fmt})"
        ReportDocument.objects.filter(plan=plan).delete()
        log = Path(tempfile.mkstemp(prefix="bench-reports-worker-", suffix=".log")[1])
        worker = start_worker(log)
        document_id = None
        failed = True
        try:
            wait_until_ready(worker, log)
            self.stdout.write(f"task worker started (pid {worker.pid}; manage.py db_worker, database queue)")
            limit = min(settings.GZPLAN_REPORT_IN_REQUEST_TARGETS, size - 1)
            started = time.perf_counter()
            with override_settings(GZPLAN_REPORT_IN_REQUEST_TARGETS=limit):
                obtained = services.obtain(plan, language, fmt)
            document_id = obtained.document.pk
            if obtained.document.state == ReportState.DONE:
                raise CommandError(f"the {label} was made in the request, not queued")
            self.stdout.write(
                f"{label}, {language}: queued by the request in {time.perf_counter() - started:.1f} s "
                f"(GZPLAN_REPORT_IN_REQUEST_TARGETS = {limit})"
            )
            row = self.follow(worker, document_id, label, fmt, started, every, timeout)
            total = time.perf_counter() - started
            memory = peak_memory(worker.pid)
            self.stdout.write(
                f"{label}, {language}: ready after {total:.1f} s, {row['size'] / 1e6:.1f} MB"
                + (f"; the worker's peak memory {memory / 1e6:,.0f} MB" if memory else "")
            )
            failed = False
        finally:
            stop_worker(worker)
            remove_task_results(document_id)
            if failed:
                self.stderr.write("The worker's log ends:\n" + "".join(log.read_text().splitlines(True)[-30:]))
            log.unlink(missing_ok=True)

    def follow(self, worker, document_id: int, label: str, fmt: str, started: float, every: float, timeout: float):
        """Poll the document as the download page does, print its progress; the finished row's size."""
        stale = settings.GZPLAN_REPORT_STALE_SECONDS
        last_line = last_change = 0.0
        seen: tuple | None = None
        silence = 0.0
        typesetting_said = False
        while True:
            time.sleep(0.25)
            elapsed = time.perf_counter() - started
            row = document_row(document_id)
            if row is None:
                raise CommandError(f"the {label} disappeared (the worker kept another version)")
            progress = (row["state"], row["done"], row["updated_at"])
            if progress != seen:
                silence = max(silence, elapsed - last_change)
                seen, last_change = progress, elapsed
            if row["state"] == ReportState.DONE:
                silence = max(silence, elapsed - last_change)
                self.stdout.write(
                    f"longest time without a progress write: {silence:.0f} s "
                    f"(a document silent for {stale} s, GZPLAN_REPORT_STALE_SECONDS, is taken for lost and queued "
                    f"again) -> {'ok' if silence < stale else 'OVER'}"
                )
                return row
            if row["state"] == ReportState.FAILED:
                raise CommandError(f"the {label} failed after {elapsed:.0f} s: {row['error']}")
            if worker.poll() is not None:
                raise CommandError(f"the task worker exited (code {worker.returncode}) after {elapsed:.0f} s")
            if elapsed > timeout:
                raise CommandError(f"the {label} was not ready after {timeout:.0f} s (--timeout)")
            if row["state"] == ReportState.RUNNING and row["done"] >= row["total"] and not typesetting_said:
                what = "typesetting the PDF (WeasyPrint)" if fmt == "pdf" else "writing the document"
                self.stdout.write(
                    f"{label}: all {row['total']:,} targets laid out after {elapsed:.0f} s; {what}, "
                    "with no progress reported meanwhile"
                )
                typesetting_said = True
                last_line = elapsed
            elif elapsed - last_line >= every:
                if typesetting_said:
                    self.stdout.write(
                        f"{label}: still {'typesetting' if fmt == 'pdf' else 'writing'} after {elapsed:.0f} s"
                    )
                elif row["state"] == ReportState.QUEUED:
                    self.stdout.write(f"{label}: still queued after {elapsed:.0f} s")
                else:
                    self.stdout.write(
                        f"{label}: {row['done']:,}/{row['total']:,} targets laid out after {elapsed:.0f} s"
                    )
                last_line = elapsed


# -- the synthetic plans ----------------------------------------------------------------------------------
def make_base(indicators: int, rng: random.Random) -> tuple[SourceDocument, list[Indicator]]:
    """The source document that labels everything, and the indicators the plans target."""
    source = SourceDocument.objects.create(
        key=SOURCE_KEY,
        title_en="Synthetic plans for the report benchmark (bench_reports): NOT REAL FIGURES",
        title_zh="报告基准测试合成数据(非真实数据)",
        note="Made by manage.py bench_reports and deleted at its end (bench_reports --remove if it was killed).",
    )
    rows = []
    for n in range(1, indicators + 1):
        measure = MEASURES[n % len(MEASURES)]
        percent = measure in ("share", "growth")
        rows.append(
            Indicator(code=f"{INDICATOR_PREFIX}{n:04d}", name_zh=f"合成指标{n:04d} (synthetic)",
                      name_en=f"Synthetic indicator {n:04d}", unit_zh="%" if percent else "万",
                      unit_en="%" if percent else "10,000", category="economy", measure=measure,
                      direction="lower" if n % len(MEASURES) == 0 else "higher")
        )  # fmt: skip
    Indicator.objects.bulk_create(rows, batch_size=2000)
    return source, list(Indicator.objects.filter(code__startswith=INDICATOR_PREFIX).order_by("code"))


def make_plan(source, code: str, name_zh: str, name_en: str, indicators: list[Indicator], rng) -> Plan:
    """A five-year plan in its mid-term year (the longest report: every target judged on its path), each
    target with figures for YEARS_OF_FIGURES years and a commentary: all labelled synthetic."""
    year = current_year()
    start = year - 2
    area = Area.objects.create(code=code, level="province", name_zh=f"{name_zh} (synthetic)",
                               name_en=f"{name_en} (synthetic)", source_document=source)  # fmt: skip
    plan = Plan.objects.create(
        code=f"syn-report-{code}", area=area, kind="five_year", name_zh=f"{name_zh}五年规划(合成)",
        name_en=f"{name_en} five-year plan (synthetic)", period_start=start, period_end=start + 4,
        source_document=source,
    )  # fmt: skip
    targets, values = [], []
    count = len(indicators)
    for position, indicator in enumerate(indicators, start=1):
        growth = indicator.measure == "growth"
        share = indicator.measure == "share"
        lower = indicator.direction == "lower"
        baseline = rng.uniform(5, 9) if growth else rng.uniform(20, 60) if share else rng.uniform(100, 1000)
        if growth:
            target = round(rng.uniform(5, 8), 1)
        elif share:
            target = min(99.0, baseline + rng.uniform(5, 20))
        else:
            target = baseline * (rng.uniform(0.7, 0.9) if lower else rng.uniform(1.2, 1.6))
        targets.append(
            Target(plan=plan, indicator=indicator, position=position, row=str(position),
                   category_zh=CATEGORIES[(position - 1) * len(CATEGORIES) // count], label_zh=indicator.name_zh,
                   baseline_value=Decimal(f"{baseline:.2f}"), baseline_year=start - 1, target_year=start + 4,
                   target_value=Decimal(f"{target:.2f}"), is_annual_average=growth,
                   attribute=rng.choice(["binding", "anticipatory"]), source_document=source)
        )  # fmt: skip
        # Figures around the path from the baseline to the target: some ahead, some behind.
        pace = (target / baseline) ** (1 / 5) - 1 if not growth else 0.0
        drift = pace * rng.uniform(0.3, 1.4)
        for offset in range(YEARS_OF_FIGURES):
            figure_year = year - YEARS_OF_FIGURES + offset
            if growth:
                value = target + rng.uniform(-3, 2)
            else:
                value = baseline * (1 + drift) ** (figure_year - (start - 1)) * rng.uniform(0.98, 1.02)
                value = min(99.0, value) if share else value
            values.append(
                ReportedValue(area=area, indicator=indicator, year=figure_year, quarter=0, span_from=figure_year,
                              reference_year=figure_year, value=Decimal(f"{value:.2f}"), source=VALUE_SOURCE,
                              status="preliminary" if figure_year == year - 1 else "final")
            )  # fmt: skip
    Target.objects.bulk_create(targets, batch_size=2000)
    ReportedValue.objects.bulk_create(values, batch_size=5000)
    Commentary.objects.bulk_create(
        (Commentary(target=t, year=year - 1, **COMMENTARY) for t in Target.objects.filter(plan=plan)), batch_size=2000
    )
    return Plan.objects.select_related("area", "source_document").get(pk=plan.pk)


def remove(log=print) -> bool:
    """Delete every object this benchmark made (and nothing else), with the history rows their deletion
    writes; whether there was anything."""
    sources = SourceDocument.objects.filter(key=SOURCE_KEY)
    if not sources.exists():
        return False
    with transaction.atomic():
        plan_ids = list(Plan.objects.filter(source_document__in=sources).values_list("pk", flat=True))
        targets = Target.objects.filter(plan_id__in=plan_ids)
        target_ids = list(targets.values_list("pk", flat=True))
        ReportDocument.objects.filter(plan_id__in=plan_ids).delete()
        table = connection.ops.quote_name(ReportedValue._meta.db_table)
        with connection.cursor() as cursor:  # one statement, no history rows (they were bulk-created)
            cursor.execute(
                f"DELETE FROM {table} WHERE indicator_id IN (SELECT id FROM indicators_indicator WHERE code LIKE %s)",
                [INDICATOR_PREFIX + "%"],
            )
            values = cursor.rowcount
        Commentary.objects.filter(target_id__in=target_ids).delete()
        targets.delete()
        Commentary.history.filter(target_id__in=target_ids).delete()
        Target.history.filter(plan_id__in=plan_ids).delete()
        Plan.objects.filter(pk__in=plan_ids).delete()
        Area.objects.filter(code__in=[CITY_CODE, COUNTRY_CODE]).delete()
        Indicator.objects.filter(code__startswith=INDICATOR_PREFIX).delete()
        sources.delete()
    freshness.changed(everything=True)
    log(f"Removed the synthetic report plans ({len(plan_ids)} plans, {len(target_ids):,} targets, {values:,} values).")
    return True


# -- the worker -------------------------------------------------------------------------------------------
def start_worker(log: Path) -> subprocess.Popen:
    """`manage.py db_worker` on the same settings and database (this process's environment), as `make run`;
    in a session of its own, so that Ctrl-C reaches this command, which stops the worker itself."""
    env = {**os.environ, "GZPLAN_TASKS_BACKEND": "database"}
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_ready(worker: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while "Starting worker" not in log.read_text():
        if worker.poll() is not None:
            raise CommandError(f"the task worker exited at once (code {worker.returncode})")
        if time.monotonic() > deadline:
            raise CommandError(f"the task worker did not start within {seconds:.0f} s")
        time.sleep(0.1)


def stop_worker(worker: subprocess.Popen) -> None:
    """SIGTERM (an idle db_worker exits at once; a busy one would finish its task), then SIGKILL."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def machine(own: float = 0.0) -> str:
    """The cores and how busy they are (`own`: the part of the load this benchmark made): other work on
    the machine makes every time here longer."""
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    mine = f", about {own:.0f} of it this benchmark's" if own else ""
    busy = " (other work on the machine: the times may be longer than on a quiet one)" if load - own > cores / 2 else ""
    return f"{cores} cores, load average {load:.1f} over the last minute{mine}{busy}"


def peak_memory(pid: int) -> int:
    """The process's peak resident memory in bytes (Linux), or 0."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def document_row(document_id: int) -> Mapping[str, Any] | None:
    """The document's state and progress (and its file's size), without loading the file."""
    from django.db.models.functions import Length

    return (
        ReportDocument.objects.filter(pk=document_id)
        .annotate(size=Length("data"))
        .values("state", "done", "total", "error", "updated_at", "size")
        .first()
    )


def remove_task_results(document_id: int | None) -> None:
    """The task queue's record of this benchmark's report task."""
    if document_id is None:
        return
    from django_tasks_db.models import DBTaskResult

    for result in DBTaskResult.objects.filter(task_path=TASK_PATH).only("pk", "args_kwargs"):
        if result.args_kwargs.get("args") == [document_id]:
            result.delete()
