"""Areas: Guangzhou and its 11 districts, keyed by their GB/T 2260 codes."""

from __future__ import annotations

from typing import NamedTuple

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gzplan.lib.bilingual import BilingualName, chinese_punctuation

# Areas under one parent a switch offers at most: a province's 130 fit; a flat list of a country's
# 2,900 would cost 100 ms to render on every page (the area list has them all).
SWITCH_NEIGHBOURS = 150


class AreaQuerySet(models.QuerySet["Area"]):
    def districts(self) -> AreaQuerySet:
        return self.filter(level=Area.Level.DISTRICT)


class AreaText(NamedTuple):
    """One of a district's 专栏14 texts on a page: `lang` set when in the other language than the page's."""

    label: str
    text: str
    lang: str
    translated: bool


POSITIONING_TEXTS = [
    ("positioning", _("Functional positioning")),
    ("focus", _("Development focus")),
    ("platforms", _("Key platforms")),
]
# Their columns: the Chinese as printed and the English translation of each.
POSITIONING_FIELDS = [f"{key}_{language}" for language in ("zh", "en") for key, _label in POSITIONING_TEXTS]


class Area(BilingualName, models.Model):
    """A city or district with plans of its own (地区)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        DISTRICT = "district", _("district")

    code = models.CharField(
        _("GB/T 2260 code"),
        max_length=6,
        unique=True,
        help_text=_("Six-digit administrative division code, e.g. 440104 for Yuexiu."),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name_zh = models.CharField(_("name (zh-Hans)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)
    positioning_zh = models.TextField(
        _("functional positioning"), blank=True, help_text=_("From table 14 of the city's 14th five-year plan.")
    )
    focus_zh = models.TextField(_("development focus"), blank=True)
    platforms_zh = models.TextField(_("key platforms"), blank=True)
    # English translations of the three texts (the plan publishes them in Chinese only); pages say so.
    positioning_en = models.TextField(_("functional positioning (English translation)"), blank=True)
    focus_en = models.TextField(_("development focus (English translation)"), blank=True)
    platforms_en = models.TextField(_("key platforms (English translation)"), blank=True)
    source_document = models.ForeignKey(
        "indicators.SourceDocument",
        verbose_name=_("source document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_ref = models.CharField(_("where in the source"), max_length=200, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[1-8][0-9]{5}$"),
                name="area_code_is_gbt2260",
                violation_error_message=_("An area code has six digits (GB/T 2260)."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=["province", "city", "district"]),
                name="area_level_known",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="area_not_its_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"  # in the active language: a page (the admin console's too) speaks one

    def positioning(self) -> list[AreaText]:
        """The district's texts from 专栏14 as a page in the active language shows them: Chinese with Chinese
        punctuation, or the English translation (marked as one), or the Chinese when none is written yet."""
        english = (get_language() or "").startswith("en")
        texts = []
        for key, label in POSITIONING_TEXTS:
            chinese, translation = getattr(self, f"{key}_zh"), getattr(self, f"{key}_en")
            if not chinese:
                continue
            if english and translation:
                texts.append(AreaText(str(label), translation, "", True))
            else:
                texts.append(AreaText(str(label), chinese_punctuation(chinese), "zh-Hans" if english else "", False))
        return texts

    def neighbourhood(self) -> list[Area]:
        """The areas the district and plan switches offer: this area, its parent, its neighbours under
        that parent and its own districts (for Guangzhou: the city and its 11 districts); of many
        neighbours, the SWITCH_NEIGHBOURS nearest by code. One query of plain rows; objects (code,
        level and names: what a switch shows) for those offered only."""
        fields = ("pk", "code", "level", "name_zh", "name_en", "parent_id")
        near = Q(pk=self.pk) | Q(parent_id=self.pk)
        if self.parent_id:
            near |= Q(pk=self.parent_id) | Q(parent_id=self.parent_id)
        rows = list(Area.objects.filter(near).order_by("code").values_list(*fields))
        half = SWITCH_NEIGHBOURS // 2
        siblings = [row for row in rows if self.parent_id and row[5] == self.parent_id]
        position = next((i for i, row in enumerate(siblings) if row[0] == self.pk), 0)
        children = [row for row in rows if row[5] == self.pk][: 2 * half]
        others = [row for row in rows if row[0] in (self.pk, self.parent_id)]
        chosen = {r[0]: r for r in [*siblings[max(position - half, 0) : position + half + 1], *children, *others]}
        offered = [Area(**dict(zip(fields, row, strict=True))) for row in chosen.values()]
        return sorted(offered, key=lambda a: (a.level, a.code))


class AreaAccess(models.Model):
    """A user may enter and revise the figures of this area and of the areas within it.

    A district analyst has their district; city staff have the city, which covers its
    districts. What the user may do there (view, add, change) comes from their groups'
    permissions; see districts.access.
    """

    user = models.ForeignKey("auth.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="area_access")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="access")

    class Meta:
        ordering = ["user", "area__code"]
        verbose_name = _("area access")
        verbose_name_plural = _("area access")
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="areaaccess_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.area.code} {self.area.name_zh}"


class YearReviewQuerySet(models.QuerySet["YearReview"]):
    def frozen(self) -> YearReviewQuerySet:
        return self.filter(reopened_at__isnull=True)


class YearReview(models.Model):
    """A reviewer has checked an area's figures for a year: they are frozen until reopened with a reason."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    reviewed_by = models.ForeignKey(
        "auth.User", verbose_name=_("reviewed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"))
    reopened_by = models.ForeignKey(
        "auth.User", verbose_name=_("reopened by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    history = HistoricalRecords()
    objects = YearReviewQuerySet.as_manager()
    # Why the next save() happens: set before saving, recorded in its history row by django-simple-history.
    _change_reason: str

    class Meta:
        ordering = ["area__code", "-year"]
        verbose_name = _("reviewed year")
        verbose_name_plural = _("reviewed years")
        permissions = [("review_year", _("Can mark an area's year as reviewed, or reopen it"))]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="yearreview_unique"),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="yearreview_reopen_has_reason",
                violation_error_message=_("Reopening a reviewed year needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area.code} {self.year}"

    @property
    def is_frozen(self) -> bool:
        return self.reopened_at is None
