"""Reviewing an area's year (年度审核): a reviewer freezes its figures, and reopens it with a reason.

The one write path of districts.models.YearReview: the entry grid's review form and the reporting
round's acceptance (reporting.services.accept) both come here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import AnyUser, may_review
from districts.models import Area, YearReview


def freeze_year(user: AnyUser, area: Area, year: int) -> YearReview:
    """Mark the area's year as reviewed: its figures and commentary are frozen until reopened."""
    if not may_review(user, area):
        raise PermissionDenied(_("You may not review %(area)s.") % {"area": area.name})
    with transaction.atomic():
        review = YearReview.objects.select_for_update().filter(area=area, year=year).first()
        review = review or YearReview(area=area, year=year)
        review.reviewed_by, review.reviewed_at = user, timezone.now()  # type: ignore[assignment]
        review.reopened_by, review.reopened_at, review.reopen_reason = None, None, ""
        review._change_reason = "reviewed"
        review.save()
    return review


def reopen_year(user: AnyUser, area: Area, year: int, reason: str) -> YearReview | None:
    """Reopen a frozen year with the reason; None when the year is not frozen (nothing to reopen)."""
    if not may_review(user, area):
        raise PermissionDenied(_("You may not review %(area)s.") % {"area": area.name})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the year is reopened.")})
    with transaction.atomic():
        review = YearReview.objects.select_for_update().filter(area=area, year=year).first()
        if review is None or not review.is_frozen:
            return None
        review.reopened_by, review.reopened_at, review.reopen_reason = user, timezone.now(), reason  # type: ignore[assignment]
        review._change_reason = f"reopened: {reason}"
        review.save()
    return review
