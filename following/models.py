"""Following (关注): a user follows an area, a plan or a target and is e-mailed when a verdict worsens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Area
from indicators.models import Plan, Target


class Follow(models.Model):
    """One thing a user follows: exactly one of an area (its plans' targets), a plan or a target."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="follows"
    )
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, null=True, blank=True)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, null=True, blank=True)
    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, null=True, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False, plan__isnull=True, target__isnull=True)
                | Q(area__isnull=True, plan__isnull=False, target__isnull=True)
                | Q(area__isnull=True, plan__isnull=True, target__isnull=False),
                name="follow_exactly_one_thing",
            ),
            models.UniqueConstraint(fields=["user", "area"], name="follow_area_once", condition=Q(area__isnull=False)),
            models.UniqueConstraint(fields=["user", "plan"], name="follow_plan_once", condition=Q(plan__isnull=False)),
            models.UniqueConstraint(
                fields=["user", "target"], name="follow_target_once", condition=Q(target__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.area or self.plan or self.target}"

    @property
    def thing(self) -> Area | Plan | Target:
        return self.area or self.plan or self.target  # type: ignore[return-value]


class VerdictSeen(models.Model):
    """The last verdict followers were told of (or that stood when they began to follow), per target:
    a write that makes it worse than this sends the e-mail, once, and moves it on."""

    target = models.OneToOneField(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=16)
    seen_at = models.DateTimeField(_("seen"), default=timezone.now)

    class Meta:
        verbose_name = _("verdict seen")
        verbose_name_plural = _("verdicts seen")

    def __str__(self) -> str:
        return f"{self.target_id}: {self.status}"
