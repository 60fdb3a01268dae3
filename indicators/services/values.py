"""Writes of reported values: one figure, or many at once, all or none.

Views, the API, the admin console and importers call these functions rather than saving
figures themselves, so that every change is validated, versioned and recorded in the
history with who made it and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from districts.access import can_edit_area, frozen_message, frozen_reviews, held_years
from districts.models import Area
from gzplan.lib.cells import CONTROL_CHARACTERS
from gzplan.lib.numbers import plain_number
from indicators.domain import SHARE_MAX, SHARE_MIN, share_in_range
from indicators.models import Indicator, RejectedEdit, ReportedValue, ValueStatus
from indicators.services.copy import CHUNK, copy_available, copy_create


def save_value_from_form(obj: ReportedValue, *, changed_fields: list[str], user) -> ReportedValue:
    """Save a value edited in a form (the admin console), counting it as a new version."""
    if obj.pk and not changed_fields:
        return obj
    with transaction.atomic():
        if obj.pk:
            current = ReportedValue.objects.select_for_update().get(pk=obj.pk)
            if "value" in changed_fields and current.status == ValueStatus.FINAL and "status" not in changed_fields:
                obj.status = ValueStatus.REVISED
            obj.version = current.version + 1
        obj.entered_by = user
        obj._history_user = user
        obj._change_reason = "edited in the admin console: " + ", ".join(changed_fields)
        obj.save()
    return obj


def delete_values(values: Iterable[ReportedValue], *, user, reason: str) -> int:
    """Delete figures (the admin console): only of areas the user may write and of years not reviewed.

    Raises PermissionDenied for another area's figure and ValidationError for a frozen year,
    deleting nothing then; each deleted figure leaves a last version in its history.
    """
    values = list(values)
    for value in values:
        if not can_edit_area(user, value.area_id):
            raise PermissionDenied(f"You may not delete the figures of area {value.area_id}.")
    for review in frozen_reviews({(v.area_id, v.year) for v in values}).values():
        raise ValidationError(frozen_message(review))
    for message in held_years({(v.area_id, v.year) for v in values}).values():
        raise ValidationError(message)
    with transaction.atomic():
        for value in values:
            value._change_reason = reason
            value._history_user = user
            value.delete()
    return len(values)


def record_refused_edit(stored: ReportedValue, *, value: Decimal | None, seen_version: int, user, channel: str) -> None:
    """Keep an edit refused because the figure changed after the editor opened it (a form)."""
    edit = _refused_edit(
        stored,
        value if value is not None else stored.value,
        seen_version,
        user if getattr(user, "is_authenticated", False) else None,
        channel,
        "changed by someone else after the page was opened",
    )
    edit.save()


def _refused_edit(
    stored: ReportedValue, value: Decimal, seen_version: int | None, user, channel: str, reason: str
) -> RejectedEdit:
    """The record of an attempt to change `stored` from a version someone else had replaced."""
    return RejectedEdit(
        area_id=stored.area_id,
        indicator_id=stored.indicator_id,
        year=stored.year,
        quarter=stored.quarter,
        span_from=stored.span_from,
        value=value,
        based_on_version=seen_version,
        stored_version=stored.version,
        stored_value=stored.value,
        user=user,
        channel=channel,
        reason=reason,
    )


# --- many figures at once (the API, the entry grid, spreadsheet imports) --------------------

VALUE_DETAIL_FIELDS = ("reference_year", "qualifier", "notation", "status", "source", "note")


@dataclass(slots=True)
class RowProblem:
    """Why one row of a batch was rejected. `code`: forbidden, invalid, frozen, submitted or conflict."""

    index: int
    code: str
    field: str
    message: str
    row: dict
    current: ReportedValue | None = None


@dataclass(slots=True)
class RowResult:
    """What a row does (or did): created, updated (with the fields' old values) or unchanged."""

    index: int
    outcome: str
    value: ReportedValue | None  # None for a new figure planned with build_new=False
    old: dict = field(default_factory=dict)

    @property
    def figure(self) -> ReportedValue:
        """The figure the row writes or wrote: every row has one but a preview's new figures (build_new=False)."""
        if self.value is None:
            raise RuntimeError(f"row {self.index} was planned without its figure")
        return self.value


class BatchRejected(Exception):
    """Some rows cannot be written; nothing was. `problems` lists each with its reason."""

    def __init__(self, problems: list[RowProblem], total: int):
        self.problems = problems
        self.total = total
        super().__init__(f"{len(problems)} of {total} rows rejected; nothing was written")

    @property
    def status_code(self) -> int:
        codes = {p.code for p in self.problems}
        if "forbidden" in codes:
            return 403
        if "invalid" in codes:
            return 422
        return 409


def plan_values(
    rows: list[dict],
    *,
    user,
    may_write=None,
    create_only: bool = False,
    require_versions: bool = True,
    lock: bool = False,
    row_label=str,
    build_new: bool = True,
) -> tuple[list[RowResult], list[RowProblem]]:
    """What writing the rows would do, without writing: a RowResult per row, and the problems.

    Each row names its area and indicator by code and carries `year`, `value` and
    optionally quarter, span_from, reference_year, qualifier, notation, status, source,
    note and `version`. A row equal to the stored figure is unchanged, whatever its
    version. A row that changes a stored figure must name the version it replaces
    (unless `require_versions` is off, as in a spreadsheet import whose preview shows
    old → new); a stale version is a conflict. Rows for areas the user may not write
    (`may_write(area)`, districts.access.can_edit_area by default) are forbidden, rows
    for a reviewed (frozen) year are refused.

    A new figure may name its source document by id (`source_document_id`).

    A preview that only counts new figures passes `build_new=False`: their results then
    carry no object (value None).
    """
    may_write = may_write or (lambda area: can_edit_area(user, area))
    problems: list[RowProblem] = []
    areas = {a.code: a for a in Area.objects.filter(code__in={r["area"] for r in rows})}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in={r["indicator"] for r in rows})}
    frozen = frozen_reviews({(a.pk, r["year"]) for r in rows if (a := areas.get(r["area"]))})
    # Submitted for review (reporting): held until a reviewer returns or accepts it.
    held = held_years({(a.pk, r["year"]) for r in rows if (a := areas.get(r["area"]))})
    allowed: dict[int, bool] = {}

    keyed: list[tuple[int, dict, tuple]] = []
    seen: dict[tuple, int] = {}
    for index, row in enumerate(rows):
        area, indicator = areas.get(row["area"]), indicators.get(row["indicator"])
        if area is None or indicator is None:
            problems.append(RowProblem(index, *_unknown(row, area), row=row))
            continue
        problem = _row_problem(row, indicator)
        if problem is None:
            if area.id not in allowed:
                allowed[area.id] = may_write(area)
            if not allowed[area.id]:
                problem = ("forbidden", "area", f"You may not write the figures of {area.code} {area.name_en}.")
            elif (area.id, row["year"]) in frozen:
                problem = ("frozen", "year", frozen_message(frozen[(area.id, row["year"])]))
            elif (area.id, row["year"]) in held:
                problem = ("submitted", "year", held[(area.id, row["year"])])
        if problem:
            problems.append(RowProblem(index, *problem, row=row))
            continue
        year = row["year"]
        key = (area.id, indicator.id, year, row.get("quarter") or 0, row.get("span_from") or year)
        if key in seen:
            problems.append(
                RowProblem(
                    index,
                    "invalid",
                    "year",
                    f"Repeats row {row_label(seen[key])}: the same area, indicator and period.",
                    row,
                )
            )
            continue
        seen[key] = index
        keyed.append((index, row, key))

    existing = {}
    if keyed:
        found = ReportedValue.objects.filter(
            area_id__in={k[0] for _, _, k in keyed},
            indicator_id__in={k[1] for _, _, k in keyed},
            year__in={k[2] for _, _, k in keyed},
        ).select_related("area", "indicator")
        if lock:
            found = found.select_for_update(of=("self",)) if _locks_rows() else found
        existing = {(v.area_id, v.indicator_id, v.year, v.quarter, v.span_from): v for v in found}
    results: list[RowResult] = []
    for index, row, key in keyed:
        current = existing.get(key)
        version = row.get("version")
        if current is None:
            if version not in (None, 0):
                problems.append(
                    RowProblem(
                        index,
                        "conflict",
                        "version",
                        f"No stored figure has version {version}: "
                        "it was never saved, or was removed. Send it without a version to create it.",
                        row,
                    )
                )
                continue
            if not build_new:
                results.append(RowResult(index, "created", None))
                continue
            obj = _new_value(
                areas[row["area"]],
                indicators[row["indicator"]],
                year=key[2],
                quarter=key[3],
                span_from=key[4],
                reference_year=row.get("reference_year") or key[2],
                value=row["value"],
                qualifier=row.get("qualifier") or "",
                notation=row.get("notation") or "",
                status=row.get("status") or ValueStatus.PRELIMINARY,
                source=row.get("source") or "",
                note=row.get("note") or "",
                source_document_id=row.get("source_document_id"),
            )
            results.append(RowResult(index, "created", obj))
            continue
        wanted = _wanted(current, row)
        if not wanted:
            results.append(RowResult(index, "unchanged", current))
        elif create_only or (version is None and require_versions):
            problems.append(
                RowProblem(
                    index,
                    "conflict",
                    "version",
                    f"A figure is already stored (version {current.version}, "
                    f"value {plain_number(current.value)}); to replace it, send version {current.version}.",
                    row,
                    current,
                )
            )
        elif version is not None and version != current.version:
            problems.append(
                RowProblem(
                    index,
                    "conflict",
                    "version",
                    f"Changed by someone else meanwhile: you sent version "
                    f"{version}, the stored figure is version {current.version} "
                    f"(value {plain_number(current.value)}). Reload it before saving.",
                    row,
                    current,
                )
            )
        else:
            old = {name: getattr(current, name) for name in wanted}
            results.append(RowResult(index, "updated", current, old))
            for name, value in wanted.items():
                setattr(current, name, value)
    problems.sort(key=lambda p: p.index)
    results.sort(key=lambda r: r.index)
    return results, problems


def upsert_values(
    rows: list[dict],
    *,
    user,
    reason: str = "",
    may_write=None,
    create_only: bool = False,
    require_versions: bool = True,
    channel: str = "api",
    progress=None,
) -> list[RowResult]:
    """Create or revise many figures in one transaction: all of them, or none (see plan_values).

    Returns a RowResult per row, in order; raises BatchRejected listing every rejected
    row when any is, having written nothing. Rows refused because a colleague changed
    the figure first are kept as RejectedEdit, so the attempt leaves a trace.
    """
    entered_by = user if getattr(user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            results, problems = plan_values(
                rows, user=user, may_write=may_write, create_only=create_only,
                require_versions=require_versions, lock=True,
            )  # fmt: skip
            if problems:
                raise BatchRejected(problems, len(rows))
            now = timezone.now()
            created = [r.figure for r in results if r.outcome == "created"]
            updated = [r.figure for r in results if r.outcome == "updated"]
            entered_by_id = getattr(entered_by, "pk", None)
            for obj in created:  # not through the related-object descriptor, which costs 6 µs a figure
                obj.entered_by_id = entered_by_id
                obj._state.fields_cache["entered_by"] = entered_by
            total, done = len(created) + len(updated), 0
            saved = []
            if created and copy_available():
                saved = copy_create(created, entered_by, reason or "entered", now, progress, total)
                done = len(saved)
            for start in range(len(saved), len(created), CHUNK):
                saved += bulk_create_with_history(
                    created[start : start + CHUNK], ReportedValue, default_user=entered_by,
                    default_change_reason=reason or "entered", default_date=now,
                )  # fmt: skip
                done += len(created[start : start + CHUNK])
                if progress:
                    progress(done, total)
            for result, obj in zip((r for r in results if r.outcome == "created"), saved, strict=True):
                result.value = obj
            for obj in updated:
                obj.version += 1
                obj.updated_at = now
                obj.entered_by = entered_by
            for start in range(0, len(updated), CHUNK):
                bulk_update_with_history(
                    updated[start : start + CHUNK],
                    ReportedValue,
                    ["value", *VALUE_DETAIL_FIELDS, "version", "updated_at", "entered_by"],
                    default_user=entered_by,
                    default_change_reason=reason or "revised",
                    default_date=now,
                )
                done += len(updated[start : start + CHUNK])
                if progress:
                    progress(done, total)
    except BatchRejected as exc:
        record_refused(exc.problems, user=entered_by, channel=channel)
        raise
    except IntegrityError:
        # Another request created one of these figures between this one's check and its write, and the
        # unique key refused the second: a conflict like any other, with nothing of this batch written.
        _, problems = plan_values(
            rows, user=user, may_write=may_write, create_only=create_only, require_versions=require_versions
        )
        if not problems:
            problems = [
                RowProblem(index, "conflict", "version", SAVED_MEANWHILE, row) for index, row in enumerate(rows)
            ]
        record_refused(problems, user=entered_by, channel=channel)
        raise BatchRejected(problems, len(rows)) from None
    return results


SAVED_MEANWHILE = "Someone else saved this figure at the same moment; reload it and try again."


def record_refused(problems: list[RowProblem], *, user, channel: str) -> None:
    """Keep the attempts refused because the stored figure had changed (not rows that were merely invalid)."""
    refused = [
        _refused_edit(p.current, p.row["value"], p.row.get("version"), user, channel, p.message)
        for p in problems
        if p.code == "conflict" and p.current is not None
    ]
    if refused:
        RejectedEdit.objects.bulk_create(refused)


_VALUE_FIELDS = [f.attname for f in ReportedValue._meta.concrete_fields]
_VALUE_DEFAULTS = {"id": None, "source_document_id": None, "version": 1, "entered_by_id": None,
                   "created_at": None, "updated_at": None}  # fmt: skip


_VALUE_PLAIN = ("year", "quarter", "span_from", "reference_year", "value", "qualifier", "notation", "status",
                "source", "note")  # fmt: skip
assert set(_VALUE_FIELDS) == {*_VALUE_DEFAULTS, *_VALUE_PLAIN, "area_id", "indicator_id"}


def _new_value(area, indicator, **values) -> ReportedValue:
    """An unsaved ReportedValue with its area and indicator attached, built without Model.__init__.

    An import plans tens of thousands of new figures (twice: at the preview and when
    applied); __init__ with its signals and per-field defaults costs 35 µs a figure, this 3.
    Every concrete field is set (the caller gives each of _VALUE_PLAIN), so the object is
    the same as ReportedValue(**values).
    """
    obj = ReportedValue.__new__(ReportedValue)
    fields = obj.__dict__
    fields.update(_VALUE_DEFAULTS)
    fields.update(values)
    fields["area_id"], fields["indicator_id"] = area.id, indicator.id
    state = fields["_state"] = ModelState()
    state.fields_cache = {"area": area, "indicator": indicator}
    return obj


def _locks_rows() -> bool:
    return connection.features.has_select_for_update_of


def _unknown(row: dict, area: Area | None) -> tuple[str, str, str]:
    if area is None:
        return ("invalid", "area", f"No area with code {row['area']}.")
    return ("invalid", "indicator", f"No indicator with code {row['indicator']}.")


def _row_problem(row: dict, indicator: Indicator) -> tuple[str, str, str] | None:
    for name in ("source", "note", "notation", "qualifier"):
        text = row.get(name)
        if isinstance(text, str) and (found := CONTROL_CHARACTERS.search(text)):
            return ("invalid", name, f"The {name} holds the control character U+{ord(found.group()):04X}: remove it.")
    year = row["year"]
    quarter = row.get("quarter") or 0
    span_from = row.get("span_from") or year
    if span_from > year:
        return ("invalid", "span_from", f"span_from {span_from} is after the year {year}.")
    if quarter and span_from != year:
        return ("invalid", "quarter", "A quarterly figure covers one year: span_from must equal the year.")
    if (row.get("reference_year") or year) > year:
        return ("invalid", "reference_year", f"reference_year {row['reference_year']} is after the year {year}.")
    if indicator.is_share and not share_in_range(row["value"]):
        return ("invalid", "value", f"A share lies between {SHARE_MIN} and {SHARE_MAX} ({indicator.code} is a share).")
    return None


def _wanted(current: ReportedValue, row: dict) -> dict:
    """The fields the row would change on the stored figure (empty: the row is the same)."""
    new = {"value": row["value"], "reference_year": row.get("reference_year") or current.year}
    for name in ("qualifier", "notation", "source", "note"):
        if row.get(name) is not None:
            new[name] = row[name]
    if row.get("status"):
        new["status"] = row["status"]
    elif row["value"] != current.value and current.status == ValueStatus.FINAL:
        new["status"] = ValueStatus.REVISED
    return {name: value for name, value in new.items() if getattr(current, name) != value}
