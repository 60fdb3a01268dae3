"""Source documents, indicators, plans and the notes printed under a plan's table."""

from __future__ import annotations

from typing import NamedTuple

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gzplan.lib.bilingual import BilingualName
from indicators.models.common import in_choices, year_between


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
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

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
    # Metadata as Open SDG's indicator pages give it, in both languages; blank until someone states it.
    definition_zh = models.TextField(_("definition (zh-Hans)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    scope_zh = models.TextField(_("statistical scope (zh-Hans)"), blank=True)
    scope_en = models.TextField(_("statistical scope (English)"), blank=True)
    department_zh = models.CharField(_("responsible department (zh-Hans)"), max_length=200, blank=True)
    department_en = models.CharField(_("responsible department (English)"), max_length=200, blank=True)
    data_source_zh = models.TextField(_("source of the figures (zh-Hans)"), blank=True)
    data_source_en = models.TextField(_("source of the figures (English)"), blank=True)
    release_zh = models.CharField(_("release schedule (zh-Hans)"), max_length=200, blank=True)
    release_en = models.CharField(_("release schedule (English)"), max_length=200, blank=True)
    metadata_source = models.ForeignKey(
        SourceDocument,
        verbose_name=_("metadata stated in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_metadata",
    )
    metadata_source_ref = models.CharField(_("where in the source"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=in_choices("category", IndicatorCategory), name="indicator_category_known"
            ),
            models.CheckConstraint(condition=in_choices("direction", Direction), name="indicator_direction_known"),
            models.CheckConstraint(condition=in_choices("measure", Measure), name="indicator_measure_known"),
        ]

    def __str__(self) -> str:
        return self.name  # in the active language: a page (the admin console's too) speaks one

    @property
    def is_share(self) -> bool:
        return self.measure == self.Measure.SHARE

    def metadata(self) -> list[IndicatorFact]:
        """The indicator's metadata in the active language, in Open SDG's order; a fact stated only in the
        other language is given in that language (and says so), one stated in neither is blank."""
        english = (get_language() or "").startswith("en")
        facts = []
        for key, label in METADATA_FIELDS:
            zh, en = getattr(self, f"{key}_zh"), getattr(self, f"{key}_en")
            text, other = (en, zh) if english else (zh, en)
            lang = "" if text or not other else ("zh-Hans" if english else "en")
            facts.append(IndicatorFact(key, str(label), text or other, lang))
        return facts


class IndicatorFact(NamedTuple):
    """One metadata field of an indicator as a page shows it: `lang` is set when the text is in the other language."""

    key: str
    label: str
    text: str
    lang: str


# The bilingual metadata fields (<key>_zh, <key>_en) and their labels on the indicator page.
METADATA_FIELDS = [
    ("definition", _("Definition")),
    ("scope", _("Statistical scope")),
    ("department", _("Responsible department")),
    ("data_source", _("Source of the figures")),
    ("release", _("Release schedule")),
]


class PlanQuerySet(models.QuerySet):
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
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(condition=in_choices("kind", PlanKind), name="plan_kind_known"),
            models.CheckConstraint(
                condition=year_between("period_start") & year_between("period_end"),
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
        return f"{self.name} ({self.period_start}–{self.period_end})"  # in the active language

    def covers(self, year: int) -> bool:
        return self.period_start <= year <= self.period_end

    def report_kind(self, year: int) -> str:
        """The review report the plan has in `year`: its final evaluation after the period, the mid-term
        evaluation from a five-year plan's third year, else a progress report."""
        if year > self.period_end:
            return "final"
        if self.kind == PlanKind.FIVE_YEAR and year >= self.period_start + 2:
            return "midterm"
        return "progress"

    def reports(self, today: int) -> list[tuple[str, int]]:
        """The review reports the plan has by `today`, (kind, year), newest first: the report of this
        year, and for a five-year plan past its third year the mid-term evaluation of that year."""
        found = [(self.report_kind(today), today)] if today >= self.period_start else []
        midterm = self.period_start + 2
        if self.kind == PlanKind.FIVE_YEAR and midterm < today and midterm <= self.period_end:
            found.append(("midterm", midterm))
        return found


class PlanNote(models.Model):
    """A footnote printed under a plan's indicator table (注)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="notes")
    number = models.PositiveSmallIntegerField(_("number"))
    text_zh = models.TextField(_("text (zh-Hans)"))
    source_ref = models.CharField(_("where in the source"), max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan note")
        verbose_name_plural = _("plan notes")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plannote_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} 注{self.number}"
