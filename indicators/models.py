"""Plans, indicators, their targets and the values reported each year.

The plan tables carry meaning in their notation (约束性 binding, `[ ]` five-year
totals, 年均 averages, "X以上", "完成市下达目标"…); these models keep each of
those as a field of its own, and keep the cell as printed beside it, so the
official table can be reproduced and every verdict explained.
"""

from __future__ import annotations

import json
import zlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gzplan.lib.bilingual import BilingualName
from gzplan.lib.numbers import plain_number

FIRST_YEAR = 1949
LAST_YEAR = 2100
DECIMAL = {"max_digits": 20, "decimal_places": 6}


def _year_between(field: str) -> Q:
    return Q(**{f"{field}__gte": FIRST_YEAR, f"{field}__lte": LAST_YEAR})


def _in_choices(field: str, choices: type[models.TextChoices], blank: bool = False) -> Q:
    allowed = list(choices.values) + ([""] if blank else [])
    return Q(**{f"{field}__in": allowed})


class Comparator(models.TextChoices):
    """How a figure relates to its number: the notation of the plan tables."""

    AT_LEAST = "at_least", _("at least (≥, 以上, 突破, 不低于)")
    MORE_THAN = "more_than", _("more than (>)")
    AT_MOST = "at_most", _("at most (≤, 以下, 低于)")
    LESS_THAN = "less_than", _("less than (<)")
    ABOUT = "about", _("about (左右, 约)")
    EXACT = "exact", _("exactly")


TARGET_COMPARATORS = [
    Comparator.AT_LEAST,
    Comparator.AT_MOST,
    Comparator.ABOUT,
    Comparator.EXACT,
]


class SourceDocument(models.Model):
    """A document that real figures come from (a plan outline, a news report)."""

    key = models.CharField(_("key"), max_length=32, unique=True)
    file = models.CharField(_("file"), max_length=200, blank=True)
    title_zh = models.CharField(_("title (zh-Hans)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published = models.CharField(_("published"), max_length=32, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("source document 来源文件")
        verbose_name_plural = _("source documents 来源文件")

    def __str__(self) -> str:
        return f"{self.key} {self.title_en or self.title_zh}"


class IndicatorCategory(models.TextChoices):
    ECONOMY = "economy", _("economy")
    INNOVATION = "innovation", _("innovation")
    HUB = "hub", _("urban functions and hub")
    ENVIRONMENT = "environment", _("environment")
    LIVELIHOOD = "livelihood", _("livelihood")
    CULTURE = "culture", _("culture")
    SECURITY = "security", _("security")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class Measure(models.TextChoices):
    LEVEL = "level", _("level: an amount or stock")
    SHARE = "share", _("share: a percentage of a whole, 0–100")
    GROWTH = "growth", _("growth: annual growth rate, %")
    REDUCTION = "reduction", _("reduction: decrease on the previous year, %")
    FLOW = "flow", _("flow: a count added during the year")
    PER_CAPITA = "per_capita", _("per capita: per 1,000 or 10,000 people")


class Indicator(BilingualName, models.Model):
    """Something measured the same way wherever it appears (指标)."""

    Category = IndicatorCategory

    Direction = Direction

    Measure = Measure

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_zh = models.CharField(_("name (zh-Hans)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    unit_zh = models.CharField(_("unit (zh-Hans)"), max_length=32, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=64, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    measure = models.CharField(_("what is measured"), max_length=16, choices=Measure.choices)
    growth_of = models.ForeignKey(
        "self",
        verbose_name=_("growth of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="growth_indicators",
        help_text=_("For a growth rate: the level it is the growth of (GDP for GDP growth)."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator 指标")
        verbose_name_plural = _("indicators 指标")
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("category", IndicatorCategory), name="indicator_category_known"
            ),
            models.CheckConstraint(condition=_in_choices("direction", Direction), name="indicator_direction_known"),
            models.CheckConstraint(condition=_in_choices("measure", Measure), name="indicator_measure_known"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} {self.name_en}"

    @property
    def is_share(self) -> bool:
        return self.measure == self.Measure.SHARE


class PlanQuerySet(models.QuerySet):
    def for_area(self, area) -> PlanQuerySet:
        return self.filter(area=area)

    def covering(self, year: int) -> PlanQuerySet:
        """Plans whose period includes `year`."""
        return self.filter(period_start__lte=year, period_end__gte=year)


class PlanKind(models.TextChoices):
    FIVE_YEAR = "five_year", _("five-year plan")
    ANNUAL = "annual", _("annual plan")
    VISION = "vision", _("long-range vision")


class Plan(BilingualName, models.Model):
    """An area's plan for a period: a five-year plan, an annual plan, a long-range vision."""

    Kind = PlanKind

    code = models.SlugField(_("code"), max_length=64, unique=True)
    area = models.ForeignKey("districts.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_zh = models.CharField(_("name (zh-Hans)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    source_document = models.ForeignKey(
        SourceDocument, verbose_name=_("source document"), on_delete=models.PROTECT, related_name="plans"
    )
    source_ref = models.CharField(_("where in the source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["area__code", "-period_end", "kind"]
        verbose_name = _("plan 规划")
        verbose_name_plural = _("plans 规划")
        constraints = [
            models.CheckConstraint(condition=_in_choices("kind", PlanKind), name="plan_kind_known"),
            models.CheckConstraint(
                condition=_year_between("period_start") & _year_between("period_end"),
                name="plan_years_in_range",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                name="plan_period_ordered",
                violation_error_message=_("A plan's first year must not be after its last."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="five_year") | Q(period_end=F("period_start") + 4),
                name="plan_five_year_spans_five_years",
                violation_error_message=_("A five-year plan covers five years."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="annual") | Q(period_end=F("period_start")),
                name="plan_annual_spans_one_year",
                violation_error_message=_("An annual plan covers one year."),
            ),
            models.UniqueConstraint(
                fields=["area", "kind", "period_start", "period_end"], name="plan_unique_per_area_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.period_start}–{self.period_end})"

    def covers(self, year: int) -> bool:
        return self.period_start <= year <= self.period_end


class PlanNote(models.Model):
    """A footnote printed under a plan's indicator table (注)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="notes")
    number = models.PositiveSmallIntegerField(_("number"))
    text_zh = models.TextField(_("text (zh-Hans)"))
    source_ref = models.CharField(_("where in the source"), max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan note 表注")
        verbose_name_plural = _("plan notes 表注")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plannote_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} 注{self.number}"


class TargetQuerySet(models.QuerySet):
    def for_plan_table(self) -> TargetQuerySet:
        """A plan's targets in the order its table prints them, ready to display."""
        return (
            self.select_related("plan", "indicator", "linked_indicator")
            .prefetch_related("footnotes")
            .order_by("plan_id", "position", "part")
        )

    def binding(self) -> TargetQuerySet:
        return self.filter(attribute=Target.Attribute.BINDING)

    def evaluated(self):
        """Each target with the progress engine's verdict, in three queries (indicators.progress.evaluation)."""
        from indicators.progress.evaluation import evaluate_targets

        return evaluate_targets(self)


class Attribute(models.TextChoices):
    BINDING = "binding", _("binding")
    ANTICIPATORY = "anticipatory", _("anticipatory")


class AssignedBy(models.TextChoices):
    PROVINCE = "province", _("the province")
    CITY = "city", _("the city")


class Assessment(models.TextChoices):
    MET = "met", _("met")
    NOT_MET = "not_met", _("not met")


class Target(models.Model):
    """One indicator's target in one plan: a row (or part of a row) of the plan table."""

    Attribute = Attribute

    AssignedBy = AssignedBy
    Assessment = Assessment

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    position = models.PositiveSmallIntegerField(_("position in the table"), default=0)
    row = models.CharField(
        _("row number 序号"), max_length=8, blank=True, help_text=_("Empty for a target stated in the plan's text.")
    )
    part = models.PositiveSmallIntegerField(
        _("part"), default=1, help_text=_("1, 2, … for the indicators sharing one table row (A/B).")
    )
    category_zh = models.CharField(_("table category 类别"), max_length=64, blank=True)
    label_zh = models.CharField(_("indicator as worded in the table"), max_length=200, blank=True)
    unit_label = models.CharField(_("unit as printed"), max_length=32, blank=True)

    baseline_value = models.DecimalField(_("baseline value"), null=True, blank=True, **DECIMAL)
    baseline_qualifier = models.CharField(
        _("baseline qualifier"), max_length=16, choices=Comparator.choices, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline reference year"), null=True, blank=True)
    baseline_span_from = models.PositiveSmallIntegerField(
        _("baseline covers from"), null=True, blank=True, help_text=_("For a five-year total or average.")
    )
    baseline_notation = models.CharField(_("baseline as printed"), max_length=64, blank=True)

    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_value = models.DecimalField(_("target value"), null=True, blank=True, **DECIMAL)
    comparator = models.CharField(
        _("comparator"),
        max_length=16,
        choices=[(c.value, c.label) for c in TARGET_COMPARATORS],
        blank=True,
        help_text=_("Empty for a plain figure: its sense comes from the indicator's direction."),
    )
    target_notation = models.CharField(_("target as printed"), max_length=64, blank=True)
    is_cumulative = models.BooleanField(
        _("cumulative over the period [ ]"), default=False, help_text=_("A total over the plan's years.")
    )
    is_annual_average = models.BooleanField(_("average annual 年均"), default=False)
    linked_indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("in step with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_targets",
        help_text=_("与经济增长同步: the indicator this target moves with."),
    )
    assigned_by = models.CharField(
        _("assigned by the higher level"),
        max_length=16,
        choices=AssignedBy.choices,
        blank=True,
        help_text=_("完成省/市下达目标: the figure is set later by the province or city."),
    )
    attribute = models.CharField(
        _("attribute 属性"),
        max_length=16,
        choices=Attribute.choices,
        blank=True,
        help_text=_("Empty when the source does not say (a target stated in a plan's text or a speech)."),
    )
    tolerance = models.DecimalField(
        _("band"),
        null=True,
        blank=True,
        help_text=_(
            "For 'about' and 'in step with' targets: how far off still counts as met, in the indicator's "
            "unit. Empty: 5 per cent of the target."
        ),
        **DECIMAL,
    )
    assessment = models.CharField(
        _("judged by the reviewing body"),
        max_length=16,
        choices=Assessment.choices,
        blank=True,
        help_text=_("For a target assigned by the higher level and judged met or not met without a figure."),
    )
    assessment_source = models.CharField(_("source of the judgement"), max_length=300, blank=True)
    original_value = models.DecimalField(_("value before revision"), null=True, blank=True, **DECIMAL)
    revision_reason = models.TextField(_("reason for revision"), blank=True)
    footnotes = models.ManyToManyField(PlanNote, verbose_name=_("footnotes"), blank=True, related_name="targets")
    note = models.TextField(_("note"), blank=True)
    source_document = models.ForeignKey(
        SourceDocument, verbose_name=_("source document"), on_delete=models.PROTECT, related_name="+"
    )
    source_ref = models.CharField(_("where in the source"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "part"]
        verbose_name = _("target 目标")
        verbose_name_plural = _("targets 目标")
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "target_year"], name="target_unique_per_plan"),
            models.UniqueConstraint(
                fields=["plan", "row", "part"], condition=~Q(row=""), name="target_unique_row_part"
            ),
            models.CheckConstraint(condition=Q(part__gte=1), name="target_part_positive"),
            models.CheckConstraint(
                condition=_year_between("target_year")
                & (Q(baseline_year__isnull=True) | _year_between("baseline_year"))
                & (Q(baseline_span_from__isnull=True) | _year_between("baseline_span_from")),
                name="target_years_in_range",
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True) | Q(baseline_year__lte=F("target_year")),
                name="target_baseline_before_target",
                violation_error_message=_("The baseline year must not be after the target year."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_span_from__isnull=True)
                | Q(baseline_year__isnull=False, baseline_span_from__lte=F("baseline_year")),
                name="target_baseline_span_ordered",
            ),
            models.CheckConstraint(
                condition=Q(comparator__in=[c.value for c in TARGET_COMPARATORS] + [""]),
                name="target_comparator_known",
                violation_error_message=_("Unknown comparator."),
            ),
            models.CheckConstraint(
                condition=_in_choices("baseline_qualifier", Comparator, blank=True),
                name="target_baseline_qualifier_known",
            ),
            models.CheckConstraint(
                condition=_in_choices("attribute", Attribute, blank=True), name="target_attribute_known"
            ),
            models.CheckConstraint(
                condition=_in_choices("assigned_by", AssignedBy, blank=True), name="target_assigned_by_known"
            ),
            models.CheckConstraint(
                condition=Q(comparator="") | Q(target_value__isnull=False),
                name="target_comparator_needs_value",
                violation_error_message=_("A target with a comparator (about, at least…) needs a value."),
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=False) | Q(linked_indicator__isnull=False) | ~Q(assigned_by=""),
                name="target_has_value_link_or_assignment",
                violation_error_message=_(
                    "A target needs a value unless it is linked to another indicator or assigned by the higher level."
                ),
            ),
            models.CheckConstraint(
                condition=Q(linked_indicator__isnull=True) | Q(target_value__isnull=True),
                name="target_linked_has_no_value",
            ),
            models.CheckConstraint(
                condition=~Q(is_cumulative=True, is_annual_average=True),
                name="target_not_both_cumulative_and_average",
                violation_error_message=_("A target is either a period total or an annual average, not both."),
            ),
            models.CheckConstraint(
                condition=_in_choices("assessment", Assessment, blank=True), name="target_assessment_known"
            ),
            models.CheckConstraint(
                condition=Q(assessment="") | (~Q(assigned_by="") & ~Q(assessment_source="")),
                name="target_assessment_of_assigned_with_source",
                violation_error_message=_(
                    "A judgement (met / not met) is for a target assigned by the higher level, and needs its source."
                ),
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                name="target_tolerance_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(original_value__isnull=True) | ~Q(revision_reason=""),
                name="target_revision_has_reason",
                violation_error_message=_("A revised target needs the reason for its revision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.row or '-'}.{self.part} {self.indicator.code}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.plan_id and self.target_year and not self.plan.covers(self.target_year):
            errors.setdefault("target_year", []).append(
                _("The target year %(year)s is outside the plan's period %(start)s–%(end)s.")
                % {"year": self.target_year, "start": self.plan.period_start, "end": self.plan.period_end}
            )
        if self.indicator_id:
            if self.is_cumulative and self.indicator.is_share:
                errors.setdefault("is_cumulative", []).append(
                    _(
                        "A share cannot be summed over the years: a cumulative target needs a flow, "
                        "growth or reduction indicator, not %(indicator)s."
                    )
                    % {"indicator": self.indicator.name}
                )
            if self.indicator.is_share:
                for field in ("target_value", "baseline_value"):
                    value = getattr(self, field)
                    if value is not None and not (Decimal(0) <= value <= Decimal(100)):
                        errors.setdefault(field, []).append(_("A share lies between 0 and 100."))
        if self.comparator == Comparator.ABOUT and self.target_value is None:
            errors.setdefault("target_value", []).append(_("An 'about' target needs a value."))
        if self.linked_indicator_id and self.target_value is not None:
            errors.setdefault("target_value", []).append(
                _("A target linked to another indicator has no value of its own.")
            )
        if self.target_value is None and not self.linked_indicator_id and not self.assigned_by:
            errors.setdefault("target_value", []).append(
                _("Give a value, or mark the target as linked or assigned by the higher level.")
            )
        if self.assessment and not self.assigned_by:
            errors.setdefault("assessment", []).append(
                _("Only a target assigned by the higher level is judged met / not met without a figure.")
            )
        if self.assessment and not self.assessment_source.strip():
            errors.setdefault("assessment_source", []).append(_("Say who judged it, and where."))
        if self.original_value is not None and not self.revision_reason.strip():
            errors.setdefault("revision_reason", []).append(_("Say why the target was revised."))
        if errors:
            raise ValidationError(errors)

    @property
    def kind(self) -> str:
        """The kind of target, for display and for the progress engine."""
        if self.assigned_by:
            return "assigned"
        if self.linked_indicator_id:
            return "linked"
        if self.is_cumulative:
            return "cumulative"
        if self.is_annual_average:
            return "annual_average"
        return "level"

    @property
    def effective_comparator(self) -> str:
        """The comparator, with a plain figure read in the indicator's direction."""
        if self.comparator:
            return self.comparator
        if self.indicator.direction == Indicator.Direction.LOWER:
            return Comparator.AT_MOST
        return Comparator.AT_LEAST


class ReportedValueQuerySet(models.QuerySet):
    def annual(self) -> ReportedValueQuerySet:
        return self.filter(quarter=0)

    def series(self, area, indicator) -> ReportedValueQuerySet:
        """One area's yearly figures for one indicator, oldest first."""
        return self.filter(area=area, indicator=indicator, quarter=0).order_by("year", "span_from")


class ValueStatus(models.TextChoices):
    PRELIMINARY = "preliminary", _("preliminary")
    FINAL = "final", _("final")
    REVISED = "revised", _("revised")


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
    value = models.DecimalField(_("value"), **DECIMAL)
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
    history = HistoricalRecords(
        no_db_index=["area", "indicator", "entered_by", "source_document"], user_db_constraint=False
    )
    objects = ReportedValueQuerySet.as_manager()

    class Meta:
        ordering = ["area__code", "indicator__code", "year", "quarter"]
        verbose_name = _("reported value 统计值")
        verbose_name_plural = _("reported values 统计值")
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
                condition=_year_between("year") & _year_between("span_from") & _year_between("reference_year"),
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
            models.CheckConstraint(condition=_in_choices("status", ValueStatus), name="value_status_known"),
            models.CheckConstraint(
                condition=_in_choices("qualifier", Comparator, blank=True), name="value_qualifier_known"
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
            if not (Decimal(0) <= self.value <= Decimal(100)):
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
    value = models.DecimalField(_("value attempted"), **DECIMAL)
    based_on_version = models.PositiveIntegerField(_("edited from version"), null=True, blank=True)
    stored_version = models.PositiveIntegerField(_("version stored"), null=True, blank=True)
    stored_value = models.DecimalField(_("value stored"), null=True, blank=True, **DECIMAL)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    channel = models.CharField(_("where"), max_length=16)  # api, grid, import, admin
    reason = models.TextField(_("why it was refused"))
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("refused edit 被拒修改")
        verbose_name_plural = _("refused edits 被拒修改")
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
    summary = models.JSONField(_("preview"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spreadsheet import 导入")
        verbose_name_plural = _("spreadsheet imports 导入")
        constraints = [models.CheckConstraint(condition=_in_choices("state", ImportState), name="import_state_known")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def rows(self) -> list[list]:
        return json.loads(zlib.decompress(self.packed_rows)) if self.packed_rows else []

    @rows.setter
    def rows(self, rows: list[list]) -> None:
        self.packed_rows = zlib.compress(json.dumps(rows, separators=(",", ":")).encode(), 1) if rows else b""
