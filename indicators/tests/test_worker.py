"""Imports run in a real task worker (`manage.py db_worker`, the database queue), never in the web
process: the upload only queues its check, the confirmation only queues its write. A worker killed
in the middle of a write leaves nothing written; the import is then marked failed, and trying again
imports it. Runs on the suite's database (SQLite file or PostgreSQL), which the worker shares."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from bench.measure import import_file
from indicators.jobs import imports as import_jobs
from indicators.models import ImportBatch, ImportState, ReportedValue
from indicators.tests.conftest import CITY, make_account

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(django_settings.BASE_DIR)
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(*options: str, output: int = subprocess.PIPE) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gzplan.test_settings",
        "GZPLAN_TASKS_BACKEND": "database",
        "DATABASE_URL": _database_url(),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2", *options],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _work_off_the_queue() -> None:
    worker = _worker("--batch")
    output, _ = worker.communicate(timeout=300)
    assert worker.returncode == 0, output


@pytest.fixture
def analyst(settings, real_data) -> Client:
    # real_data (gzplan.tests.browser): the worker needs committed data, so these tests are
    # transactional; the harness puts the real data back after them, for the tests that follow.
    settings.TASKS = DATABASE_QUEUE  # queue for the worker, as deployed (the suite runs tasks at once)
    client = Client()
    client.force_login(make_account("worker-city", "city analyst", CITY).user)
    return client


def _upload(client: Client, name: str, data: bytes) -> ImportBatch:
    response = client.post("/en/imports/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    return ImportBatch.objects.latest("pk")


def test_the_worker_checks_and_writes_an_import(analyst):
    data = b"area,indicator,year,value\n440105,gdp,2031,4321.5\n440106,gdp,2031,6543.25\n"
    batch = _upload(analyst, "two.csv", data)
    assert batch.state == ImportState.CHECKING  # queued: the web process did not check it
    assert bytes(batch.upload) == data
    _work_off_the_queue()
    batch.refresh_from_db()
    assert batch.state == ImportState.READY, batch.message
    assert batch.summary["added_count"] == 2 and not batch.upload  # the file gives way to its rows

    assert analyst.post(f"/en/imports/{batch.pk}/confirm/").status_code == 302
    batch.refresh_from_db()
    assert batch.state == ImportState.APPLYING
    assert not ReportedValue.objects.filter(year=2031).exists()  # queued, not written by the web process
    _work_off_the_queue()
    batch.refresh_from_db()
    assert batch.state == ImportState.APPLIED
    assert sorted(ReportedValue.objects.filter(year=2031).values_list("value", flat=True)) == [4321.5, 6543.25]


def test_a_worker_killed_midway_leaves_nothing_written_and_the_import_can_be_tried_again(analyst, settings):
    rows = 40_000
    before = ReportedValue.objects.count()
    batch = _upload(analyst, "large.csv", import_file(rows))
    _work_off_the_queue()
    batch.refresh_from_db()
    assert batch.state == ImportState.READY, batch.problems[:3]
    assert analyst.post(f"/en/imports/{batch.pk}/confirm/").status_code == 302

    worker = _worker(output=subprocess.DEVNULL)  # killed below: nobody reads what it says
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # until the write is under way
            progress = import_jobs.progress_of(batch.pk)
            if progress["phase"] == "saving" and 0 < progress["done"] < progress["total"]:
                break
            assert worker.poll() is None, "the worker stopped by itself"
            time.sleep(0.02)
        else:
            pytest.fail(f"the write never got under way: {import_jobs.progress_of(batch.pk)}")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()

    batch.refresh_from_db()
    assert batch.state == ImportState.APPLYING  # nobody has noticed yet
    assert ReportedValue.objects.count() == before  # the transaction died with the worker

    settings.GZPLAN_JOB_STALE_SECONDS = 0  # from now on, a job that does not move is lost
    time.sleep(0.05)
    page = analyst.get(f"/en/imports/{batch.pk}/").content.decode()
    batch.refresh_from_db()
    assert batch.state == ImportState.FAILED
    assert import_jobs.WORKER_LOST in page and "Try again" in page

    settings.GZPLAN_JOB_STALE_SECONDS = 120
    assert analyst.post(f"/en/imports/{batch.pk}/retry/").status_code == 302
    batch.refresh_from_db()
    assert batch.state == ImportState.APPLYING
    _work_off_the_queue()
    batch.refresh_from_db()
    assert batch.state == ImportState.APPLIED, batch.message
    assert ReportedValue.objects.count() == before + rows


RQ_REDIS = "redis://127.0.0.1:6379/12"  # the suite's own Redis database for the RQ queue


def test_with_the_rq_backend_an_import_is_checked_and_written_by_an_rq_worker(analyst, settings):
    """GZPLAN_TASKS_BACKEND=rq: the same jobs go to RQ on Redis (django-tasks-rq), worked by `manage.py rqworker`."""
    import redis

    redis.Redis.from_url(RQ_REDIS).flushdb()
    settings.TASKS = {"default": django_settings.TASK_BACKENDS["rq"]}
    settings.RQ_QUEUES = {"default": {"URL": RQ_REDIS}}

    def work_off_rq() -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gzplan.test_settings", "GZPLAN_TASKS_BACKEND": "rq",
               "REDIS_URL": RQ_REDIS, "DATABASE_URL": _database_url()}  # fmt: skip
        worker = subprocess.run(
            [sys.executable, "manage.py", "rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        said = worker.stdout + worker.stderr
        assert worker.returncode == 0 and "Traceback" not in said, said

    data = b"area,indicator,year,value\n440105,gdp,2033,111.5\n440106,gdp,2033,222.25\n"
    batch = _upload(analyst, "rq.csv", data)
    assert batch.state == ImportState.CHECKING
    assert redis.Redis.from_url(RQ_REDIS).llen("rq:queue:default") == 1  # queued in RQ, not in the database
    work_off_rq()
    batch.refresh_from_db()
    assert batch.state == ImportState.READY, batch.message
    assert analyst.post(f"/en/imports/{batch.pk}/confirm/").status_code == 302
    work_off_rq()
    batch.refresh_from_db()
    assert batch.state == ImportState.APPLIED, batch.message
    assert sorted(ReportedValue.objects.filter(year=2033).values_list("value", flat=True)) == [111.5, 222.25]
