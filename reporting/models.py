"""The yearly reporting round (报送轮次): the city collects each area's figures for a year, and what an
area owes is adjusted by hand where the plans' targets do not say it (issue 17)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.domain import FIRST_YEAR, LAST_YEAR
from indicators.models.common import in_choices, year_between


class RoundKind(models.TextChoices):
    """Preliminary figures come in January–March of the next year, final ones with the yearbook in autumn."""

    PRELIMINARY = "preliminary", pgettext_lazy("round", "preliminary")
    FINAL = "final", pgettext_lazy("round", "final")


class RoundQuerySet(models.QuerySet["Round"]):
    def for_year(self, year: int, kind: str | None = None) -> Round | None:
        """The year's round of this kind; without a kind, the latest created (final after preliminary)."""
        rounds = self.filter(year=year)
        if kind:
            rounds = rounds.filter(kind=kind)
        return rounds.order_by("-created_at", "-pk").first()


class Round(models.Model):
    """A reporting round: every area reports its figures for `year` between `opens_on` and `due_on`."""

    Kind = RoundKind

    year = models.PositiveSmallIntegerField(
        _("year reported on"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RoundKind.choices)
    title_zh = models.CharField(_("title (zh-Hans)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"), help_text=_("Figures not entered by the end of this day are late."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    _history_user: Any
    history = HistoricalRecords()
    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind"],
                name="round_unique_per_year_kind",
                violation_error_message=_("There is already a round of this kind for this year."),
            ),
            models.CheckConstraint(condition=year_between("year"), name="round_year_in_range"),
            models.CheckConstraint(condition=in_choices("kind", RoundKind), name="round_kind_known"),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opens_on")),
                name="round_due_not_before_opening",
                violation_error_message=_("A round is due on or after the day it opens."),
            ),
            models.CheckConstraint(condition=~Q(title_zh="") & ~Q(title_en=""), name="round_titled_in_both_languages"),
        ]

    def __str__(self) -> str:
        return self.title  # in the language of the page

    @property
    def title(self) -> str:
        """The title in the language of the page."""
        return self.title_zh if (get_language() or "").startswith("zh") else self.title_en

    def is_late(self, today: Any = None) -> bool:
        """Has the due day passed (figures still owed are late)?"""
        return (today or timezone.localdate()) > self.due_on


class OwedAction(models.TextChoices):
    ADD = "add", _("add: owed although no target asks for it")
    WAIVE = "waive", _("waive: not owed this round")


class OwedAdjustment(models.Model):
    """An administrator's change to what an area owes in a round, with the reason (one per figure)."""

    Action = OwedAction

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="adjustments")
    area = models.ForeignKey("districts.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=8, choices=OwedAction.choices)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    _history_user: Any
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "area__code", "indicator__code"]
        verbose_name = _("owed figure adjustment")
        verbose_name_plural = _("owed figure adjustments")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area", "indicator"],
                name="owedadjustment_unique",
                violation_error_message=_("This figure of this area is already adjusted in this round."),
            ),
            models.CheckConstraint(condition=in_choices("action", OwedAction), name="owedadjustment_action_known"),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="owedadjustment_has_reason",
                violation_error_message=_("Say why the figure is added or waived."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.area_id} {self.indicator_id} {self.action}"


# --- Reminders (issue 17 part 3): who was reminded of what, and who wants no reminders. ---------------


class ReminderPreference(models.Model):
    """A user's choice about reminder e-mails; without a row, reminders are on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="reminder_preference"
    )
    reminders_enabled = models.BooleanField(_("send me reminders"), default=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user} reminders {'on' if self.reminders_enabled else 'off'}"


class ReminderSent(models.Model):
    """One reminder e-mail sent: to `user`, about what `area` still owed in `round`, at one of the
    reminder days (`kind`: "before-7", "after-1"…).

    The unique constraint is the guard against sending twice: the row is inserted before the e-mail goes,
    in the same transaction (reporting.reminders.send_one), so of two workers at the same reminder one
    inserts and sends, the other's insert waits for it and then fails, and it sends nothing.
    """

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="reminders")
    area = models.ForeignKey("districts.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("reminder"), max_length=16)
    missing = models.PositiveIntegerField(_("figures missing"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["round", "area", "user", "kind"], name="remindersent_once"),
            # Not a regular expression: SQLite's REGEXP is a function only Django's connections have.
            models.CheckConstraint(
                condition=Q(kind__startswith="before-") | Q(kind__startswith="after-"), name="remindersent_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.area_id} {self.user_id} {self.kind}"


# --- Submission and acceptance (issue 17 part 5): an area submits its round, a city reviewer accepts it ---


class SubmissionState(models.TextChoices):
    """open → submitted → returned → submitted … → accepted; accepted is reopened back to open."""

    OPEN = "open", pgettext_lazy("submission", "open")
    SUBMITTED = "submitted", pgettext_lazy("submission", "submitted")
    RETURNED = "returned", pgettext_lazy("submission", "returned")
    ACCEPTED = "accepted", pgettext_lazy("submission", "accepted")


class Submission(models.Model):
    """An area's submission of its figures and commentary for a round, and where the review of it stands.

    Each step (submit, return, accept, reopen) saves the row with who, when and the step's comment; its
    history (django-simple-history) keeps every step. Returning and reopening need a comment (the reason).
    """

    State = SubmissionState

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="submissions")
    area = models.ForeignKey("districts.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=SubmissionState.choices, default=SubmissionState.OPEN)
    comment = models.TextField(_("comment"), blank=True, help_text=_("Why this step: required to return or reopen."))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    _history_user: Any
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "area__code"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area"],
                name="submission_unique_per_round_area",
                violation_error_message=_("This area already has a submission in this round."),
            ),
            models.CheckConstraint(condition=in_choices("state", SubmissionState), name="submission_state_known"),
            models.CheckConstraint(
                condition=~Q(state=SubmissionState.RETURNED) | ~Q(comment=""),
                name="submission_returned_has_comment",
                violation_error_message=_("Say why the submission is returned."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.area_id} {self.state}"


class MissingReason(models.Model):
    """Why an owed figure is not entered (说明): an analyst's explanation that lets the area submit without it."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("districts.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    _history_user: Any
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "area__code", "indicator__code"]
        verbose_name = _("reason a figure is missing")
        verbose_name_plural = _("reasons figures are missing")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area", "indicator"],
                name="missingreason_unique",
                violation_error_message=_("This figure already has a reason in this round."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="missingreason_has_reason",
                violation_error_message=_("Say why the figure is missing."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.area_id} {self.indicator_id}"
