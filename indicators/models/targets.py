"""Targets: one indicator's goal in one plan, a row (or part of a row) of the plan table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from indicators.domain import DECIMAL_PLACES, MAX_DIGITS, TargetKind, share_in_range, target_kind
from indicators.models.common import TARGET_COMPARATORS, Comparator, in_choices, year_between
from indicators.models.plans import Indicator, Plan, PlanNote, SourceDocument

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class TargetQuerySet(models.QuerySet):
    def for_plan_table(self) -> TargetQuerySet:
        """A plan's targets in the order its table prints them, ready to display."""
        return (
            self.select_related("plan", "indicator", "linked_indicator")
            .prefetch_related("footnotes")
            .order_by("plan_id", "position", "part")
        )


class Attribute(models.TextChoices):
    BINDING = "binding", _("binding")
    ANTICIPATORY = "anticipatory", _("anticipatory")


class AssignedBy(models.TextChoices):
    """Who sets the figure of a target 完成…下达目标, from the highest level down."""

    NATION = "nation", _("the nation")
    PROVINCE = "province", _("the province")
    CITY = "city", _("the city")


class LinkedRelation(models.TextChoices):
    """How a linked target's figure must relate to the linked indicator's (GDP growth, mostly)."""

    IN_STEP = "in_step", _("in step with it")  # 与经济增长(基本)同步: not below it beyond the band
    ABOVE = "above", _("above it")  # 高于GDP增长, 快于经济增长: strictly above it


class Assessment(models.TextChoices):
    MET = "met", _("met")
    NOT_MET = "not_met", _("not met")


class Target(models.Model):
    """One indicator's target in one plan: a row (or part of a row) of the plan table."""

    Attribute = Attribute

    AssignedBy = AssignedBy
    LinkedRelation = LinkedRelation
    Assessment = Assessment

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    position = models.PositiveSmallIntegerField(_("position in the table"), default=0)
    row = models.CharField(
        _("row number"), max_length=8, blank=True, help_text=_("Empty for a target stated in the plan's text.")
    )
    part = models.PositiveSmallIntegerField(
        _("part"), default=1, help_text=_("1, 2, … for the indicators sharing one table row (A/B).")
    )
    category_zh = models.CharField(_("table category"), max_length=64, blank=True)
    label_zh = models.CharField(_("indicator as worded in the table"), max_length=200, blank=True)
    unit_label = models.CharField(_("unit as printed"), max_length=32, blank=True)

    baseline_value = models.DecimalField(
        _("baseline value"), null=True, blank=True, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES
    )
    baseline_qualifier = models.CharField(
        _("baseline qualifier"), max_length=16, choices=Comparator.choices, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline reference year"), null=True, blank=True)
    baseline_span_from = models.PositiveSmallIntegerField(
        _("baseline covers from"), null=True, blank=True, help_text=_("For a five-year total or average.")
    )
    baseline_notation = models.CharField(_("baseline as printed"), max_length=64, blank=True)

    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_value = models.DecimalField(
        _("target value"), null=True, blank=True, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES
    )
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
    is_annual_average = models.BooleanField(_("average annual"), default=False)
    is_planning_scale = models.BooleanField(
        _("planning scale"),
        default=False,
        help_text=_(
            "A projection the plan provides for (常住人口 1550万), neither better nor worse when exceeded: judged "
            "within, above or below the planned scale, never achieved or missed."
        ),
    )
    linked_indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("in step with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_targets",
        help_text=_("For a target in step with another indicator (such as economic growth): that indicator."),
    )
    # In step is the default even for a target that is not linked, so that every writer of targets (the
    # loader, the admin console, imports) keeps working unchanged; only "above" needs a linked indicator.
    linked_relation = models.CharField(
        _("relation to the linked indicator"),
        max_length=16,
        choices=LinkedRelation.choices,
        default=LinkedRelation.IN_STEP,
        help_text=_("For a linked target: in step with it (such as economic growth) or strictly above it."),
    )
    assigned_by = models.CharField(
        _("assigned by the higher level"),
        max_length=16,
        choices=AssignedBy.choices,
        blank=True,
        help_text=_(
            "For a target left to a higher level: the figure is set later by the nation, the province or the city."
        ),
    )
    attribute = models.CharField(
        _("attribute"),
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
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
    )
    assessment = models.CharField(
        _("judged by the reviewing body"),
        max_length=16,
        choices=Assessment.choices,
        blank=True,
        help_text=_("For a target assigned by the higher level and judged met or not met without a figure."),
    )
    assessment_source = models.CharField(_("source of the judgement"), max_length=300, blank=True)
    original_value = models.DecimalField(
        _("value before revision"), null=True, blank=True, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES
    )
    revision_reason = models.TextField(_("reason for revision"), blank=True)
    footnotes = models.ManyToManyField(PlanNote, verbose_name=_("footnotes"), blank=True, related_name="targets")
    note = models.TextField(_("note"), blank=True)
    source_document = models.ForeignKey(
        SourceDocument, verbose_name=_("source document"), on_delete=models.PROTECT, related_name="+"
    )
    source_ref = models.CharField(_("where in the source"), max_length=200, blank=True)

    # Who and why of the next save() or delete(): set before it, recorded in its history row by
    # django-simple-history (the services set them).
    _change_reason: str
    _history_user: Any
    history = HistoricalRecords()
    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "part"]
        verbose_name = _("target")
        verbose_name_plural = pgettext_lazy("model", "targets")
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "target_year"], name="target_unique_per_plan"),
            models.UniqueConstraint(
                fields=["plan", "row", "part"], condition=~Q(row=""), name="target_unique_row_part"
            ),
            models.CheckConstraint(condition=Q(part__gte=1), name="target_part_positive"),
            models.CheckConstraint(
                condition=year_between("target_year")
                & (Q(baseline_year__isnull=True) | year_between("baseline_year"))
                & (Q(baseline_span_from__isnull=True) | year_between("baseline_span_from")),
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
                condition=in_choices("baseline_qualifier", Comparator, blank=True),
                name="target_baseline_qualifier_known",
            ),
            models.CheckConstraint(
                condition=in_choices("attribute", Attribute, blank=True), name="target_attribute_known"
            ),
            models.CheckConstraint(
                condition=in_choices("assigned_by", AssignedBy, blank=True), name="target_assigned_by_known"
            ),
            models.CheckConstraint(
                condition=Q(comparator="") | Q(target_value__isnull=False),
                name="target_comparator_needs_value",
                violation_error_message=_("A target with a comparator (about, at least…) needs a value."),
            ),
            models.CheckConstraint(
                condition=in_choices("linked_relation", LinkedRelation), name="target_linked_relation_known"
            ),
            models.CheckConstraint(
                condition=Q(linked_relation=LinkedRelation.IN_STEP) | Q(linked_indicator__isnull=False),
                name="target_above_needs_link",
                violation_error_message=_("A target 'above' another indicator needs the indicator it is linked to."),
            ),
            # A target without a number, a link or an assignment is qualitative (保持在合理区间): its words are
            # all there is of it, so they must be kept.
            models.CheckConstraint(
                condition=Q(target_value__isnull=False)
                | Q(linked_indicator__isnull=False)
                | ~Q(assigned_by="")
                | ~Q(target_notation=""),
                name="target_has_value_link_assignment_or_words",
                violation_error_message=_(
                    "A target needs a value unless it is linked to another indicator, assigned by the higher "
                    "level, or qualitative with its words as printed."
                ),
            ),
            models.CheckConstraint(
                condition=Q(linked_indicator__isnull=True) | Q(target_value__isnull=True),
                name="target_linked_has_no_value",
            ),
            models.CheckConstraint(
                condition=Q(is_planning_scale=False)
                | Q(
                    target_value__isnull=False,
                    is_cumulative=False,
                    is_annual_average=False,
                    linked_indicator__isnull=True,
                    assigned_by="",
                ),
                name="target_scale_is_a_plain_level",
                violation_error_message=_(
                    "A planning scale is a figure of its own for one year: not a period total, an annual average, "
                    "a linked or an assigned target."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(is_cumulative=True, is_annual_average=True),
                name="target_not_both_cumulative_and_average",
                violation_error_message=_("A target is either a period total or an annual average, not both."),
            ),
            models.CheckConstraint(
                condition=in_choices("assessment", Assessment, blank=True), name="target_assessment_known"
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
        errors: dict[str, list[StrOrPromise]] = {}
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
                    if value is not None and not share_in_range(value):
                        errors.setdefault(field, []).append(_("A share lies between 0 and 100."))
        if self.comparator == Comparator.ABOUT and self.target_value is None:
            errors.setdefault("target_value", []).append(_("An 'about' target needs a value."))
        if self.linked_indicator_id and self.target_value is not None:
            errors.setdefault("target_value", []).append(
                _("A target linked to another indicator has no value of its own.")
            )
        if self.linked_relation == LinkedRelation.ABOVE and not self.linked_indicator_id:
            errors.setdefault("linked_indicator", []).append(
                _("Say which indicator the target must be above (GDP growth, mostly).")
            )
        if (
            self.target_value is None
            and not self.linked_indicator_id
            and not self.assigned_by
            and not self.target_notation.strip()
        ):
            errors.setdefault("target_value", []).append(
                _(
                    "Give a value, mark the target as linked or assigned by the higher level, or give the words "
                    "of a qualitative target as printed."
                )
            )
        if self.is_planning_scale and (
            self.target_value is None
            or self.is_cumulative
            or self.is_annual_average
            or self.linked_indicator_id
            or self.assigned_by
        ):
            errors.setdefault("is_planning_scale", []).append(
                _(
                    "A planning scale is a figure of its own for one year: not a period total, an annual average, "
                    "a linked or an assigned target."
                )
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
    def kind(self) -> TargetKind:
        """The kind of target, for display and for the progress engine."""
        return target_kind(
            assigned=bool(self.assigned_by),
            linked=self.linked_indicator_id is not None,
            valued=self.target_value is not None,
            cumulative=self.is_cumulative,
            annual_average=self.is_annual_average,
            scale=self.is_planning_scale,
        )

    @property
    def effective_comparator(self) -> str:
        """The comparator, with a plain figure read in the indicator's direction."""
        if self.comparator:
            return self.comparator
        if self.indicator.direction == Indicator.Direction.LOWER:
            return Comparator.AT_MOST
        return Comparator.AT_LEAST
