"""When committed figures make a followed target's verdict worse, e-mail its followers, once.

`gzplan.lib.freshness.committed` reports every committed change of the published data with the
areas and indicators whose figures changed (every write path keeps the read cache right through it:
the grid, imports, the API, the admin console). If anyone follows anything, a task for the worker
re-judges the followed targets those figures touch and compares each verdict with the last one seen
(`VerdictSeen`): worse (on track → at risk → off track → not achieved, achieved → anything) sends one
e-mail per follower listing the targets; the verdict seen moves on either way, by a conditional update
that only one worker can win, so two workers never send the same news twice.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from gzplan.lib import freshness
from indicators.models import Target
from indicators.progress.engine import ACHIEVED, AT_RISK, NOT_ACHIEVED, OFF_TRACK, ON_TRACK, STATUS_LABELS
from indicators.progress.evaluation import evaluate_values

# Better first: a move to the right is news.
RANK = {ACHIEVED: 0, ON_TRACK: 1, AT_RISK: 2, OFF_TRACK: 3, NOT_ACHIEVED: 4}


def worse(before: str, after: str) -> bool:
    return before in RANK and after in RANK and RANK[after] > RANK[before]


def connect() -> None:
    freshness.committed.connect(_committed, dispatch_uid="following.watch")


def _committed(sender, keys: frozenset[str], **kwargs) -> None:
    from following.models import Follow

    areas, indicators = freshness.ids_in(keys, "area"), freshness.ids_in(keys, "indicator")
    if areas and indicators and Follow.objects.exists():
        check_verdicts.enqueue(sorted(areas), sorted(indicators))


@task()
def check_verdicts(area_ids: list[int], indicator_ids: list[int]) -> int:
    """Re-judge the followed targets these figures touch; e-mail their followers where a verdict worsened.
    Returns the number of e-mails sent."""
    from following.models import Follow, VerdictSeen
    from following.services import followers, remember, targets_of

    touched = (
        targets_of(Follow.objects.all())
        .filter(plan__area_id__in=area_ids)
        .filter(
            Q(indicator_id__in=indicator_ids)
            | Q(linked_indicator_id__in=indicator_ids)
            | Q(indicator__growth_of_id__in=indicator_ids)
        )
    )
    verdicts = evaluate_values(touched)
    seen = {s.target_id: s.status for s in VerdictSeen.objects.filter(target_id__in=list(verdicts))}
    news: dict[int, list[tuple[Target, str, object]]] = defaultdict(list)
    targets = {t.pk: t for t in touched.select_related("plan__area", "indicator")}
    for pk, verdict in verdicts.items():
        before = seen.get(pk)
        if before is None or before == verdict.status:
            continue
        moved = VerdictSeen.objects.filter(target_id=pk, status=before).update(
            status=verdict.status, seen_at=timezone.now()
        )
        if moved and worse(before, verdict.status):
            for user in followers(targets[pk]):
                news[user.pk].append((targets[pk], before, verdict))
    remember(touched)
    sent = 0
    users = {u.pk: u for u in _users(news)}
    for user_pk, items in news.items():
        user = users[user_pk]
        if user.email:
            sent += send_mail(_subject(items), _body(items), None, [user.email])
    return sent


def _users(news):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=list(news))


def _subject(items) -> str:
    target = items[0][0]
    more = f" (+{len(items) - 1})" if len(items) > 1 else ""
    name = target.label_zh or target.indicator.name_zh
    return f"[gzplan] 目标进度变差 A verdict worsened: {target.plan.name_zh} {name}{more}"


def _body(items) -> str:
    base = getattr(settings, "GZPLAN_BASE_URL", "").rstrip("/")
    lines = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for target, before, verdict in items:
                name = target.label_zh or target.indicator.name_zh
                if language == "en":
                    name = f"{target.indicator.name_en} ({name})"
                lines.append(f"{target.plan.name_zh if language != 'en' else target.plan.name_en} · {name}")
                lines.append(f"  {STATUS_LABELS[before]} → {STATUS_LABELS[verdict.status]}")
                lines.append(f"  {verdict.explanation(language)}")
                lines.append(f"  {base}{reverse('plan', args=[target.plan.code])}")
        lines.append("")
    with translation.override("zh-hans"):
        lines.append("退订 / Stop following: " + base + reverse("following"))
    return "\n".join(lines)
