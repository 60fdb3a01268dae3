"""The one write path of reporting rounds: open a round, add or waive an owed figure; submit an area's
round, explain a missing figure, and the city's review: return, accept (freezing the year), reopen.

Each function checks who acts (districts.roles: city analysts and administrators open rounds,
administrators adjust what is owed) and refuses with a message saying what is wrong: PermissionDenied,
or ValidationError naming the field.
"""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import AnyUser, can_edit_area, may_review, may_write_values
from districts.models import Area, YearReview
from districts.reviews import freeze_year, reopen_year
from gzplan.lib import freshness
from indicators.models import Commentary, Indicator, Target
from indicators.progress.engine import AT_RISK, NOT_ACHIEVED, OFF_TRACK, STATUS_LABELS
from indicators.progress.evaluation import evaluate_values
from reporting.models import MissingReason, OwedAdjustment, Round, Submission
from reporting.owed import YEARLY_PLAN_KINDS, Why, completeness

OPEN_PERMISSION = "reporting.add_round"
ADJUST_PERMISSION = "reporting.add_owedadjustment"


def may_open_rounds(user: AnyUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(OPEN_PERMISSION))


def may_adjust(user: AnyUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(ADJUST_PERMISSION))


def create_round(
    user: AnyUser,
    *,
    year: int,
    kind: str,
    title_zh: str,
    title_en: str,
    opens_on: datetime.date,
    due_on: datetime.date,
) -> Round:
    """Open the year's round of this kind (preliminary or final figures)."""
    if not may_open_rounds(user):
        raise PermissionDenied(_("Only city analysts and administrators open reporting rounds."))
    round_ = Round(
        year=year,
        kind=kind,
        title_zh=title_zh.strip(),
        title_en=title_en.strip(),
        opens_on=opens_on,
        due_on=due_on,
        created_by=user if isinstance(user, User) else None,
    )
    round_.full_clean(exclude=["created_by"])
    with transaction.atomic():
        round_._history_user = user
        round_.save()
        freshness.changed(everything=True)
    return round_


def add_owed(user: AnyUser, round_: Round, area: Area, indicator: Indicator, reason: str) -> OwedAdjustment:
    """Make the area owe a figure its plans do not ask for (or take back a waiver)."""
    return _adjust(user, round_, area, indicator, reason, OwedAdjustment.Action.ADD)


def waive_owed(user: AnyUser, round_: Round, area: Area, indicator: Indicator, reason: str) -> OwedAdjustment:
    """Excuse the area from a figure it owes this round (or take back an addition)."""
    return _adjust(user, round_, area, indicator, reason, OwedAdjustment.Action.WAIVE)


def _adjust(user: AnyUser, round_: Round, area: Area, indicator: Indicator, reason: str, action: str) -> OwedAdjustment:
    if not may_adjust(user):
        raise PermissionDenied(_("Only administrators add or waive owed figures."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the figure is added or waived.")})
    with transaction.atomic():
        existing = (
            OwedAdjustment.objects.select_for_update().filter(round=round_, area=area, indicator=indicator).first()
        )
        # What the plans and figures ask for, before any adjustment: one of them is waived, an added one is not.
        (state,) = completeness(round_, areas=[area])
        derived = {f.indicator.pk for f in state.figures if f.why != Why.ADDED} | {f.indicator.pk for f in state.waived}
        names = {"indicator": indicator.code, "area": area.name, "year": round_.year}
        if existing is not None and existing.action == action:
            message = _("%(indicator)s is already added for %(area)s in this round.")
            if action == OwedAdjustment.Action.WAIVE:
                message = _("%(indicator)s is already waived for %(area)s in this round.")
            raise ValidationError({"indicator": message % names})
        # Otherwise an existing adjustment is the opposite one, taken back: its history keeps it.
        if existing is None and action == OwedAdjustment.Action.ADD and indicator.pk in derived:
            raise ValidationError({"indicator": _("%(area)s already owes %(indicator)s for %(year)s.") % names})
        if existing is None and action == OwedAdjustment.Action.WAIVE and indicator.pk not in derived:
            raise ValidationError(
                {"indicator": _("%(area)s does not owe %(indicator)s for %(year)s: nothing to waive.") % names}
            )
        adjustment = existing or OwedAdjustment(round=round_, area=area, indicator=indicator)
        adjustment.action = action
        adjustment.reason = reason
        adjustment.by = user if isinstance(user, User) else None
        adjustment.at = timezone.now()
        adjustment.full_clean(exclude=["by"])
        adjustment._history_user = adjustment.by
        adjustment.save()
        freshness.changed(everything=True)
    return adjustment


# --- Submission and acceptance (issue 17 part 5) ---

# The verdicts that need the area to say why and what it will do (原因分析, 下一步措施) before submitting.
NEEDS_COMMENTARY = (AT_RISK, OFF_TRACK, NOT_ACHIEVED)


class WrongState(ValidationError):
    """The step does not apply to the submission's state (submitting an accepted one, accepting an open one)."""


def may_submit(user: AnyUser, area: Area) -> bool:
    """The area's analysts (a role that writes figures, and access to the area) submit its round."""
    return may_write_values(user) and can_edit_area(user, area)


def submission_of(round_: Round, area: Area) -> Submission:
    """The area's submission in the round; a new open one (not saved) when it has none yet."""
    found = Submission.objects.filter(round=round_, area=area).select_related("by").first()
    return found or Submission(round=round_, area=area, state=Submission.State.OPEN)


def submission_problems(round_: Round, area: Area) -> list[str]:
    """Why the area may not submit yet, each problem a sentence; empty when it may.

    Each owed figure is entered or explained (waived by an administrator, which takes it off the owed
    list, or given a missing reason); each target of the area's plans covering the year whose verdict is
    at risk, off track or not achieved has a commentary for the year.
    """
    (state,) = completeness(round_, areas=[area])
    explained = set(MissingReason.objects.filter(round=round_, area=area).values_list("indicator_id", flat=True))
    problems = [
        _("No figure for %(indicator)s (%(code)s): enter it, or say why it is missing.")
        % {"indicator": figure.indicator.name, "code": figure.indicator.code}
        for figure in state.figures
        if not figure.has_figure and figure.indicator.pk not in explained
    ]
    targets = Target.objects.filter(
        plan__area=area, plan__kind__in=YEARLY_PLAN_KINDS, plan__period_start__lte=round_.year,
        plan__period_end__gte=round_.year,
    )  # fmt: skip
    verdicts = evaluate_values(targets)
    slipping = [pk for pk, verdict in verdicts.items() if verdict.status in NEEDS_COMMENTARY]
    if slipping:
        commented = set(
            Commentary.objects.filter(target_id__in=slipping, year=round_.year).values_list("target_id", flat=True)
        )
        for target in targets.filter(pk__in=set(slipping) - commented).select_related("plan", "indicator"):
            problems.append(
                _("%(indicator)s in %(plan)s is %(status)s: write the commentary (原因分析, 下一步措施) for %(year)s.")
                % {
                    "indicator": target.indicator.name,
                    "plan": target.plan.code,
                    "status": STATUS_LABELS[verdicts[target.pk].status],
                    "year": round_.year,
                }  # fmt: skip
            )
    return problems


def explain_missing(user: AnyUser, round_: Round, area: Area, indicator: Indicator, reason: str) -> MissingReason:
    """Record (or revise) why an owed figure of the area is not entered: the area may then submit without it."""
    if not may_submit(user, area):
        raise PermissionDenied(_("Only the analysts of %(area)s explain its missing figures.") % {"area": area.name})
    submission = submission_of(round_, area)
    if submission.state not in (Submission.State.OPEN, Submission.State.RETURNED):  # held or frozen, as figures
        raise _wrong_state(submission, _("explain a missing figure"))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the figure is missing.")})
    (state,) = completeness(round_, areas=[area])
    if indicator.pk not in {figure.indicator.pk for figure in state.figures}:
        raise ValidationError(
            {
                "indicator": _("%(area)s does not owe %(indicator)s for %(year)s.")
                % {"area": area.name, "indicator": indicator.code, "year": round_.year}
            }  # fmt: skip
        )
    with transaction.atomic():
        explanation = MissingReason.objects.filter(round=round_, area=area, indicator=indicator).first()
        explanation = explanation or MissingReason(round=round_, area=area, indicator=indicator)
        explanation.reason, explanation.at = reason, timezone.now()
        explanation.by = user if isinstance(user, User) else None
        explanation._history_user = explanation.by
        explanation.save()
    return explanation


def submit(user: AnyUser, round_: Round, area: Area, comment: str = "") -> Submission:
    """The area's analyst submits its figures and commentary for review; its year is then held."""
    if not may_submit(user, area):
        raise PermissionDenied(_("Only the analysts of %(area)s submit its figures.") % {"area": area.name})
    with transaction.atomic():
        submission = _locked(round_, area)
        if submission.state not in (Submission.State.OPEN, Submission.State.RETURNED):
            raise _wrong_state(submission, _("submit"))
        problems = submission_problems(round_, area)
        if problems:
            raise ValidationError(problems)
        return _step(submission, user, Submission.State.SUBMITTED, comment)


def return_to_area(user: AnyUser, round_: Round, area: Area, comment: str) -> Submission:
    """A city reviewer sends the submission back, saying why: the district may correct its figures again."""
    _require_reviewer(user, area)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the submission is returned.")})
    with transaction.atomic():
        submission = _locked(round_, area)
        if submission.state != Submission.State.SUBMITTED:
            raise _wrong_state(submission, _("return"))
        return _step(submission, user, Submission.State.RETURNED, comment)


def accept(user: AnyUser, round_: Round, area: Area, comment: str = "") -> Submission:
    """A city reviewer accepts the submission: the area's year is frozen as the entry grid's review does."""
    _require_reviewer(user, area)
    with transaction.atomic():
        submission = _locked(round_, area)
        if submission.state != Submission.State.SUBMITTED:
            raise _wrong_state(submission, _("accept"))
        with _stepping():
            freeze_year(user, area, round_.year)
        return _step(submission, user, Submission.State.ACCEPTED, comment)


def reopen(user: AnyUser, round_: Round, area: Area, reason: str) -> Submission:
    """A city reviewer reopens an accepted submission with the reason: the year is unfrozen, the area may
    change its figures and submits again."""
    _require_reviewer(user, area)
    if not reason.strip():
        raise ValidationError({"comment": _("Say why the submission is reopened.")})
    with transaction.atomic():
        submission = _locked(round_, area)
        if submission.state != Submission.State.ACCEPTED:
            raise _wrong_state(submission, _("reopen"))
        with _stepping():
            reopen_year(user, area, round_.year, reason)
        return _step(submission, user, Submission.State.OPEN, reason)


_STEPPING: contextvars.ContextVar[bool] = contextvars.ContextVar("reporting_stepping", default=False)


@contextmanager
def _stepping() -> Iterator[None]:
    """Around a review this module makes itself: the submission's own step follows, not review_changed's."""
    token = _STEPPING.set(True)
    try:
        yield
    finally:
        _STEPPING.reset(token)


def review_changed(sender, instance: YearReview, **kwargs) -> None:
    """A year reviewed or reopened elsewhere (the entry grid's review, the admin console) moves the area's
    submissions for that year with it, so that every path leaves the same state: frozen is accepted,
    reopened is open again. Connected to YearReview's post_save by the app."""
    if _STEPPING.get():
        return
    submissions = Submission.objects.select_for_update().filter(round__year=instance.year, area_id=instance.area_id)
    if instance.is_frozen:
        for submission in submissions.exclude(state=Submission.State.ACCEPTED):
            _step(submission, instance.reviewed_by, Submission.State.ACCEPTED, "reviewed in the entry grid")
    else:
        for submission in submissions.filter(state=Submission.State.ACCEPTED):
            _step(submission, instance.reopened_by, Submission.State.OPEN, instance.reopen_reason or "reopened")


def _require_reviewer(user: AnyUser, area: Area) -> None:
    if not may_review(user, area):
        raise PermissionDenied(_("Only the city's reviewers return, accept or reopen submissions of %(area)s.")
                               % {"area": area.name})  # fmt: skip


def _locked(round_: Round, area: Area) -> Submission:
    found = Submission.objects.select_for_update().filter(round=round_, area=area).first()
    return found or Submission(round=round_, area=area, state=Submission.State.OPEN)


def _wrong_state(submission: Submission, step: str) -> WrongState:
    return WrongState(
        _("%(area)s's submission is %(state)s: it cannot %(step)s now.")
        % {"area": submission.area.name, "state": submission.get_state_display(), "step": step}
    )


def _step(submission: Submission, user: AnyUser, state: str, comment: str) -> Submission:
    submission.state, submission.comment, submission.at = state, comment.strip(), timezone.now()
    submission.by = user if isinstance(user, User) else None
    submission.full_clean(exclude=["by", "round", "area"])
    submission._history_user = submission.by
    submission.save()
    freshness.changed(everything=True)
    return submission
