"""Commentary: why a target slips and what will be done (原因分析, 下一步措施), per target and year."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models.common import year_between
from indicators.models.targets import Target


class CommentaryQuerySet(models.QuerySet["Commentary"]):
    def by_target_year(self) -> dict[tuple[int, int], Commentary]:
        """The commentaries, keyed by (target id, year), for pages that show them beside their verdicts."""
        return {(c.target_id, c.year): c for c in self}


class Commentary(models.Model):
    """What the people responsible say about a target in a year: the analysis and the measures.

    Chinese is the language of record; the English texts are optional. Every change is kept in
    `history` (who, when, old → new, why), like the figures.
    """

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="commentary")
    year = models.PositiveSmallIntegerField(_("year"))
    analysis_zh = models.TextField(_("analysis"), blank=True, max_length=5000)
    measures_zh = models.TextField(_("measures"), blank=True, max_length=5000)
    analysis_en = models.TextField(_("analysis (English)"), blank=True, max_length=5000)
    measures_en = models.TextField(_("measures (English)"), blank=True, max_length=5000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CommentaryQuerySet.as_manager()
    history = HistoricalRecords()
    # Who and why of the next save() or delete(), recorded in its history row (set by the service).
    _change_reason: str
    _history_user: Any

    class Meta:
        ordering = ["target_id", "-year"]
        verbose_name = _("commentary")
        verbose_name_plural = _("commentary")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year"],
                name="commentary_one_per_target_year",
                violation_error_message=_("This target already has a commentary for this year."),
            ),
            models.CheckConstraint(condition=year_between("year"), name="commentary_year_in_range"),
            models.CheckConstraint(
                condition=~Q(analysis_zh="") | ~Q(analysis_en=""),
                name="commentary_has_an_analysis",
                violation_error_message=_("Write the analysis (原因分析), in Chinese or in English."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.year}"

    def analysis(self, language: str) -> tuple[str, str]:
        """The analysis in `language` if written in it, else in the other: (text, the language it is in)."""
        return _in(language, self.analysis_zh, self.analysis_en)

    def measures(self, language: str) -> tuple[str, str]:
        return _in(language, self.measures_zh, self.measures_en)


def _in(language: str, zh: str, en: str) -> tuple[str, str]:
    if language.startswith("en"):
        return (en, "en") if en else (zh, "zh-Hans")
    return (zh, "zh-Hans") if zh else (en, "en")
