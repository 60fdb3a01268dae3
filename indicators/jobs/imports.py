"""Spreadsheet imports as jobs: check (the preview), then apply; a worker runs both.

The upload is kept on its ImportBatch and a task is queued (Django's Tasks API, the
django-tasks backport): `manage.py db_worker` (or an RQ worker) checks it, and after the
user confirms the preview, writes it in one transaction. The batch's row holds the state;
the "progress" cache (Redis in deployments, the local disk on one machine) holds how far the
job is and when it last moved, so any web process can show it. A job that stops moving for
GZPLAN_JOB_STALE_SECONDS lost its worker: it is marked failed (its transaction never
committed, so nothing was written) and the user may try again.
"""

from __future__ import annotations

import functools
import gc
import logging
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.utils import timezone
from django_tasks import task

from districts.models import Area
from indicators import services
from indicators.models import ImportBatch, ImportState, Indicator
from indicators.spreadsheets.reading import ImportProblem, prepare_rows, read_table

log = logging.getLogger(__name__)

_collector = {"holders": 0, "was_enabled": True}
_collector_lock = threading.Lock()

_P = ParamSpec("_P")
_R = TypeVar("_R")


def without_cycle_collection(job: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run the job with Python's cycle collector paused (reference counting still frees memory).

    A large import allocates hundreds of thousands of objects that live until it ends; the
    collector walked them over and over, 15 % of a 50,000-row import. Shared by concurrent
    jobs: the collector resumes when the last one ends, if it ran before the first began.
    """

    @functools.wraps(job)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _collector_lock:
            if _collector["holders"] == 0:
                _collector["was_enabled"] = gc.isenabled()
                gc.disable()
            _collector["holders"] += 1
        try:
            return job(*args, **kwargs)
        finally:
            with _collector_lock:
                _collector["holders"] -= 1
                if _collector["holders"] == 0 and _collector["was_enabled"]:
                    gc.enable()

    return paused


# A previewed row as stored until it is confirmed (a list, in this order, to keep 50,000 rows small).
ROW_FIELDS = ["area", "indicator", "year", "quarter", "span_from", "reference_year", "value", "status", "source",
              "note", "version", "line"]  # fmt: skip
PREVIEW_ROWS = 1000


def progress_key(batch_id: int) -> str:
    return f"gzplan-import-{batch_id}"


def report(batch_id: int | None, phase: str, done: int = 0, total: int = 0) -> None:
    """Record how far the job is, and that it is alive (`at`)."""
    if batch_id is None:
        return
    entry = {"phase": phase, "done": done, "total": total, "at": time.time()}
    caches["progress"].set(progress_key(batch_id), entry, 24 * 3600)


def progress_of(batch_id: int) -> dict[str, Any]:
    return caches["progress"].get(progress_key(batch_id)) or {"phase": "", "done": 0, "total": 0}


WORKER_LOST = (
    "The worker doing this import stopped before it finished (it was restarted or lost); nothing was "
    "written. Try again."
)


def start_check(batch: ImportBatch, data: bytes) -> None:
    """Keep the upload on the batch and queue its check (run at once by the immediate backend)."""
    batch.upload = data
    batch.state = ImportState.CHECKING
    batch.save()
    report(batch.pk, "waiting")
    check_upload.enqueue(batch.pk)


def start_apply(batch: ImportBatch) -> None:
    """Queue the write of a confirmed preview (the caller moved it from ready to applying)."""
    report(batch.pk, "waiting")
    apply_upload.enqueue(batch.pk)


def can_retry(batch: ImportBatch) -> bool:
    """Whether trying a failed job again can help: its file was never checked (the upload is kept), or its
    checked rows were never written for another reason than figures changed since the preview."""
    return batch.state == ImportState.FAILED and (
        bool(batch.upload) or (bool(batch.packed_rows) and not batch.problems)
    )


def retry(batch: ImportBatch) -> bool:
    """Queue a failed job again: the check if the file was never checked, else the write."""
    if not can_retry(batch):
        return False
    if batch.upload:
        start_check(batch, bytes(batch.upload))
        return True
    if ImportBatch.objects.filter(pk=batch.pk, state=ImportState.FAILED).update(state=ImportState.APPLYING, message=""):
        start_apply(batch)
        return True
    return False


def fail_if_lost(batch: ImportBatch) -> ImportBatch:
    """A batch whose job started but has not moved for GZPLAN_JOB_STALE_SECONDS lost its worker: mark it
    failed. A job still waiting for a worker is left waiting."""
    if batch.state not in (ImportState.CHECKING, ImportState.APPLYING):
        return batch
    progress = progress_of(batch.pk)
    if progress.get("phase") in ("", "waiting") or "at" not in progress:
        return batch
    if time.time() - progress["at"] > settings.GZPLAN_JOB_STALE_SECONDS:
        if ImportBatch.objects.filter(pk=batch.pk, state=batch.state).update(
            state=ImportState.FAILED, message=WORKER_LOST
        ):
            report(batch.pk, "failed")
        batch.refresh_from_db()
    return batch


@task()
def check_upload(batch_id: int) -> None:
    """The worker's side of start_check."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.state == ImportState.CHECKING:
        _guarded(batch, lambda: check(batch, bytes(batch.upload), batch.created_by))


@task()
def apply_upload(batch_id: int) -> None:
    """The worker's side of start_apply."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.state == ImportState.APPLYING:
        _guarded(batch, lambda: apply(batch, batch.created_by))


def _guarded(batch: ImportBatch, job: Callable[[], None]) -> None:
    try:
        job()
    except Exception:
        log.exception("import %s failed", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportState.FAILED, message="The import stopped on an unexpected error; nothing was written."
        )
        report(batch.pk, "failed")
        raise


@without_cycle_collection
def check(batch: ImportBatch, data: bytes, user: User) -> None:
    """Read the file and work out what it would add, change and reject, writing no figure."""
    report(batch.pk, "reading")
    try:
        table = read_table(batch.filename, data)
    except ImportProblem as problem:
        _rejected(batch, [problem])
        return
    batch.encoding = table.encoding
    batch.total = len(table.rows)
    report(batch.pk, "checking", 0, batch.total)
    rows, problems = prepare_rows(table)
    results, refused = services.plan_values(
        rows,  # the spreadsheet line each row came from rides along, unread
        user=user,
        require_versions=False,
        row_label=lambda index: str(rows[index]["line"]),
        build_new=False,  # the preview names new figures from their rows; objects are built when applied
    )
    headings = table.headings
    for p in refused:
        column = headings.get(p.field, p.field)
        problems.append(ImportProblem(p.message, rows[p.index]["line"], column))
    if problems:
        _rejected(batch, problems)
        return
    added: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    to_write: list[dict[str, Any]] = []
    counts = {"created": 0, "updated": 0}
    area_names = {
        code: (zh, en)
        for code, zh, en in Area.objects.filter(code__in={r["area"] for r in rows}).values_list(
            "code", "name_zh", "name_en"
        )
    }
    indicator_names = {
        code: (zh, en)
        for code, zh, en in Indicator.objects.filter(code__in={r["indicator"] for r in rows}).values_list(
            "code", "name_zh", "name_en"
        )
    }
    for result in results:
        row = rows[result.index]
        value = result.value
        if result.outcome == "created":
            to_write.append({**_storable(row), "version": 0})
        elif result.outcome == "updated":
            value = result.figure  # the stored figure the row revises
            to_write.append({**_storable(row), "version": value.version})
        else:
            continue
        counts[result.outcome] += 1
        if counts[result.outcome] > PREVIEW_ROWS:  # the preview lists the first rows of each kind
            continue
        entry = {
            "line": row["line"],
            "area": row["area"],
            "area_name": area_names[row["area"]][0],
            "area_name_en": area_names[row["area"]][1],
            "indicator": row["indicator"],
            "indicator_name": indicator_names[row["indicator"]][0],
            "indicator_name_en": indicator_names[row["indicator"]][1],
            "year": row["year"],
            "quarter": row.get("quarter") or 0,
            "value": str(row["value"]),
        }
        if result.outcome == "created":
            added.append(entry)
        else:
            old = {name: str(v) if isinstance(v, Decimal) else v for name, v in result.old.items()}
            changed.append({**entry, "old": old, "new": {n: _text(getattr(value, n)) for n in result.old}})
    batch.rows = [[row.get(name) for name in ROW_FIELDS] for row in to_write]
    batch.summary = {
        # What the preview page lists (the first rows of each), and how many there are.
        "added": added,
        "changed": changed,
        "added_count": counts["created"],
        "changed_count": counts["updated"],
        "unchanged": sum(r.outcome == "unchanged" for r in results),
        "skipped": table.skipped,
    }
    batch.state = ImportState.READY
    batch.upload = b""  # checked: the rows to write are kept instead
    batch.save()
    report(batch.pk, "ready", batch.total, batch.total)


@without_cycle_collection
def apply(batch: ImportBatch, user: User) -> None:
    """Write the previewed rows in one transaction, provided nobody changed them since the preview."""
    rows = [dict(zip(ROW_FIELDS, row, strict=True)) for row in batch.rows]
    for row in rows:
        row["value"] = Decimal(row["value"])
    report(batch.pk, "saving", 0, len(rows))
    try:
        services.upsert_values(
            rows,
            user=user,
            reason=f"imported from {batch.filename}"[:500],
            channel="import",
            progress=lambda done, total: report(batch.pk, "saving", done, total),
        )
    except services.BatchRejected as exc:
        batch.state = ImportState.FAILED
        batch.problems = [
            {"row": rows[p.index].get("line"), "column": p.field, "message": p.message} for p in exc.problems
        ]
        batch.message = "Nothing was imported: some figures changed since the preview. Upload the file again."
        batch.save()
        report(batch.pk, "failed")
        return
    batch.state = ImportState.APPLIED
    batch.applied_at = timezone.now()
    batch.rows = []  # written: the figures and their history hold them now
    batch.save(update_fields=["state", "applied_at", "packed_rows"])
    report(batch.pk, "done", len(rows), len(rows))


def _rejected(batch: ImportBatch, problems: list[ImportProblem]) -> None:
    batch.state = ImportState.REJECTED
    batch.problems = [{"row": p.row, "column": p.column, "message": p.message} for p in problems[:1000]]
    batch.message = f"Nothing can be imported: {len(problems)} problem{'s' if len(problems) != 1 else ''} in the file."
    batch.rows = []
    batch.upload = b""
    batch.save()
    report(batch.pk, "rejected")


def _storable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


def _text(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value
