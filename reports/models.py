"""Review reports made and kept: one row per plan, language, format, year and version of what it says."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("being made")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ReportDocument(models.Model):
    """A report as a file, kept until what it says changes (its `fingerprint`, content.Report.fingerprint).

    The file is kept in the database, so every web process and worker reads the same one without a
    shared disk; only the latest version of each plan, language, format and year is kept.
    """

    State = ReportState

    plan = models.ForeignKey(
        "indicators.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="report_documents"
    )
    language = models.CharField(_("language"), max_length=8)
    format = models.CharField(_("format"), max_length=4, choices=[("pdf", "PDF"), ("docx", "Word")])
    year = models.PositiveSmallIntegerField(_("report year"))
    fingerprint = models.CharField(_("fingerprint of the content"), max_length=64)
    state = models.CharField(_("state"), max_length=8, choices=ReportState.choices, default=ReportState.QUEUED)
    done = models.PositiveIntegerField(_("targets laid out"), default=0)
    total = models.PositiveIntegerField(_("targets"), default=0)
    data = models.BinaryField(_("file"), null=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "language", "format", "year", "fingerprint"], name="report_document_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.year} {self.language} {self.format} ({self.state})"
