"""Reported values (figures), refused edits, and spreadsheet import batches."""

from __future__ import annotations

import json
import zlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gzplan.lib import freshness
from gzplan.lib.numbers import plain_number
from indicators.domain import DECIMAL_PLACES, MAX_DIGITS, share_in_range
from indicators.models.common import Comparator, in_choices, year_between
from indicators.models.plans import Indicator, SourceDocument


class ValueStatus(models.TextChoices):
    PRELIMINARY = "preliminary", _("preliminary")
    FINAL = "final", _("final")
    REVISED = "revised", _("revised")


class ReportedValueQuerySet(models.QuerySet["ReportedValue"]):
    """Writes in bulk record the areas and indicators whose figures they change, as save() and delete()
    do through the model signals (indicators.services.published): the read cache ends their pages."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        freshness.changed(areas={o.area_id for o in objs}, indicators={o.indicator_id for o in objs}, using=self.db)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        freshness.changed(areas={o.area_id for o in objs}, indicators={o.indicator_id for o in objs}, using=self.db)
        return super().bulk_update(objs, *args, **kwargs)

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            touched = list(self.order_by().values_list("area_id", "indicator_id").distinct())
            freshness.changed(
                areas={a for a, _ in touched}, indicators={i for _, i in touched} | _moved(kwargs), using=self.db
            )
            if "area" in kwargs or "area_id" in kwargs:
                freshness.changed(everything=True, using=self.db)
            return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]


def _moved(fields: dict) -> set[int]:
    """The indicator an update() moves figures to, when it is given as an id or an object."""
    target = fields.get("indicator_id", fields.get("indicator"))
    if isinstance(target, models.Model):
        return {target.pk}
    return {target} if isinstance(target, int) else set()


class ReportedValue(models.Model):
    """A figure reported for an area, an indicator and a year (or quarter, or span of years).

    The period reported for is `span_from`–`year` (the column of a table): one
    year, or several for a `[ ]` five-year total or a 年均 average.
    `reference_year` is the last year the figure actually measures, earlier than
    `year` when a table gives a 2019 value in its 2020 column.
    Every change is kept in `history` (who, when, old → new, why).
    """

    Status = ValueStatus

    # No index of their own: the unique (area, indicator, year, quarter, span_from) index serves lookups
    # by area, and value_indicator_year those by indicator; each index more slows every insert.
    area = models.ForeignKey(
        "districts.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="values", db_index=False
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), default=0, help_text=_("0 for the whole year, 1–4 for a quarter.")
    )
    span_from = models.PositiveSmallIntegerField(
        _("covers from"),
        blank=True,
        help_text=_("The first year the figure covers; the same as the year for one year."),
    )
    reference_year = models.PositiveSmallIntegerField(
        _("reference year"), blank=True, help_text=_("The year the figure measures, if not the year.")
    )
    value = models.DecimalField(_("value"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    qualifier = models.CharField(_("qualifier"), max_length=16, choices=Comparator.choices, blank=True)
    notation = models.CharField(_("as printed"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PRELIMINARY)
    source_document = models.ForeignKey(
        SourceDocument,
        verbose_name=_("source document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Who entered it: kept without a database constraint (the ORM still sets it to NULL when a user is
    # deleted), since the commit of a large import would check every row against the same user, and
    # without an index, which no query uses (deleting a user scans the figures once).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # History is looked up by the figure's id (and by date or user); indexes on its copies of the
    # foreign keys would only slow the insert of every version. Its user is kept without a database
    # constraint (the ORM still sets it to NULL when a user is deleted): a constraint would check
    # every row of a 50,000-row import against the same user at the commit.
    # Who and why of the next save() or delete(): set before it, recorded in its history row by
    # django-simple-history (the services set them).
    _change_reason: str
    _history_user: Any
    objects = ReportedValueQuerySet.as_manager()
    history = HistoricalRecords(
        no_db_index=["area", "indicator", "entered_by", "source_document"], user_db_constraint=False
    )

    class Meta:
        ordering = ["area__code", "indicator__code", "year", "quarter"]
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        indexes = [
            models.Index(fields=["indicator", "year"], name="value_indicator_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "indicator", "year", "quarter", "span_from"],
                name="value_unique_per_period",
                violation_error_message=_("There is already a value for this area, indicator and period."),
            ),
            models.CheckConstraint(
                condition=year_between("year") & year_between("span_from") & year_between("reference_year"),
                name="value_years_in_range",
            ),
            models.CheckConstraint(condition=Q(quarter__gte=0, quarter__lte=4), name="value_quarter_0_to_4"),
            models.CheckConstraint(
                condition=Q(span_from__lte=F("year"), reference_year__lte=F("year")),
                name="value_years_ordered",
                violation_error_message=_("The span start and the reference year cannot be after the year."),
            ),
            models.CheckConstraint(
                condition=Q(quarter=0) | Q(span_from=F("year")),
                name="value_quarter_within_one_year",
            ),
            models.CheckConstraint(condition=in_choices("status", ValueStatus), name="value_status_known"),
            models.CheckConstraint(
                condition=in_choices("qualifier", Comparator, blank=True), name="value_qualifier_known"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="value_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.area.code} {self.indicator.code} {self.period_label}: {plain_number(self.value)}"

    def save(self, *args, **kwargs):
        self._default_years()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self._default_years()
        if self.indicator_id and self.indicator.is_share and self.value is not None:
            if not share_in_range(self.value):
                raise ValidationError({"value": _("A share lies between 0 and 100.")})

    @property
    def period_label(self) -> str:
        label = f"{self.span_from}–{self.year}" if self.span_from != self.year else str(self.year)
        if self.quarter:
            label += f"Q{self.quarter}"
        return label

    def _default_years(self) -> None:
        # A figure for one year covers that year and measures that year unless told otherwise.
        if self.span_from is None:
            self.span_from = self.year
        if self.reference_year is None:
            self.reference_year = self.year


class RejectedEdit(models.Model):
    """An attempt to change a figure that was refused because someone else had changed it first.

    Kept so that no attempt is lost without a trace: the figure's history page shows it
    beside the saved versions.
    """

    area = models.ForeignKey("districts.Area", verbose_name=_("area"), on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0)
    span_from = models.PositiveSmallIntegerField(_("covers from"))
    value = models.DecimalField(_("value attempted"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    based_on_version = models.PositiveIntegerField(_("edited from version"), null=True, blank=True)
    stored_version = models.PositiveIntegerField(_("version stored"), null=True, blank=True)
    stored_value = models.DecimalField(
        _("value stored"), null=True, blank=True, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    channel = models.CharField(_("where"), max_length=16)  # api, grid, import, admin
    reason = models.TextField(_("why it was refused"))
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("refused edit")
        verbose_name_plural = _("refused edits")
        indexes = [models.Index(fields=["area", "indicator", "year"], name="rejectededit_figure")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.indicator_id} {self.year}: {plain_number(self.value)} refused"


class ImportState(models.TextChoices):
    CHECKING = "checking", _("checking")
    READY = "ready", _("ready to import")
    REJECTED = "rejected", _("rejected")
    APPLYING = "applying", _("importing")
    APPLIED = "applied", _("imported")
    FAILED = "failed", _("failed")


class ImportBatch(models.Model):
    """An uploaded spreadsheet: its preview (what would be added, changed, rejected), then its import."""

    State = ImportState

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=255)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.CHECKING)
    total = models.PositiveIntegerField(_("rows"), default=0)
    # The rows to write once confirmed: JSON, zlib-compressed (a 50,000-row file is 3 MB of JSON, and
    # PostgreSQL parsing it into jsonb took half a second of the import).
    packed_rows = models.BinaryField(_("rows to write"), default=b"", blank=True, editable=False)
    # The file as uploaded, for the worker that checks it (and a retry if that worker died); emptied
    # once the file is checked.
    upload = models.BinaryField(_("uploaded file"), default=b"", blank=True, editable=False)
    summary = models.JSONField(_("preview"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        constraints = [models.CheckConstraint(condition=in_choices("state", ImportState), name="import_state_known")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def rows(self) -> list[list]:
        return json.loads(zlib.decompress(self.packed_rows)) if self.packed_rows else []

    @rows.setter
    def rows(self, rows: list[list]) -> None:
        self.packed_rows = zlib.compress(json.dumps(rows, separators=(",", ":")).encode(), 1) if rows else b""
