"""Deadlines and reminders of reporting rounds (issue 17 part 3): e-mail to the analysts of each area
that still owes figures, so many days before the due day and after it, once each; the notice on their
pages; and their choice to receive none.

When. A round has reminder days: GZPLAN_REMINDER_DAYS_BEFORE days before its due day ("before-7",
"before-1") and GZPLAN_REMINDER_DAYS_AFTER days after ("after-1", "after-7"). `send_due(today)` sends the
latest reminder day that has come, on that day or, if the daily run missed it, up to
GZPLAN_REMINDER_CATCH_UP_DAYS days later; never one before the round opens. Cron (or the worker, through
reporting.tasks) runs it daily; running it again sends nothing more.

To whom. The analysts (district or city analyst role) with access to exactly the owing area
(districts.models.AreaAccess: the city's analysts for the city's own figures, not for each district's),
active, with an e-mail address, who did not turn reminders off (ReminderPreference). An area that owes
nothing gets none.

Once. Each send inserts its ReminderSent row (unique per round, area, user and reminder day) and sends
the e-mail inside one transaction: the insert comes first, so of two runs at the same time (cron and a
queued task, two workers) one inserts, the other's insert waits for that transaction (PostgreSQL's unique
index; SQLite's write lock) and then fails, and only the first sends. If the mail server refuses, the
transaction rolls back with the row, and the next run tries again. (select_for_update could not do it:
there is no row to lock before the first send.) The one gap left: the mail server took the message and
the commit then failed; the next run sends it again, a duplicate rather than a reminder lost.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from districts.models import Area, AreaAccess
from districts.roles import CITY_ANALYST, DISTRICT_ANALYST
from reporting.models import ReminderPreference, ReminderSent, Round
from reporting.owed import OwedFigure, completeness

log = logging.getLogger(__name__)

ANALYST_ROLES = (DISTRICT_ANALYST, CITY_ANALYST)


@dataclass(frozen=True)
class ReminderDay:
    kind: str  # "before-7", "after-1"
    on: datetime.date


def reminder_days(round_: Round) -> list[ReminderDay]:
    """The round's reminder days in date order."""
    days = [
        ReminderDay(f"before-{n}", round_.due_on - datetime.timedelta(days=n))
        for n in settings.GZPLAN_REMINDER_DAYS_BEFORE
    ]
    days += [
        ReminderDay(f"after-{n}", round_.due_on + datetime.timedelta(days=n))
        for n in settings.GZPLAN_REMINDER_DAYS_AFTER
    ]
    return sorted(days, key=lambda day: day.on)


def due_reminder(round_: Round, today: datetime.date) -> ReminderDay | None:
    """The reminder to send today: the latest reminder day that has come, within the catch-up days."""
    if today < round_.opens_on:
        return None
    come = [day for day in reminder_days(round_) if day.on <= today]
    if not come or (today - come[-1].on).days > settings.GZPLAN_REMINDER_CATCH_UP_DAYS:
        return None
    return come[-1]


def open_rounds(today: datetime.date) -> list[Round]:
    """The rounds that have opened and whose last reminder day (or due day) is not past: one query."""
    last_after = max(settings.GZPLAN_REMINDER_DAYS_AFTER, default=0) + settings.GZPLAN_REMINDER_CATCH_UP_DAYS
    return list(
        Round.objects.filter(opens_on__lte=today, due_on__gte=today - datetime.timedelta(days=last_after)).order_by(
            "due_on", "pk"
        )
    )


def recipients(area_ids: set[int]) -> dict[int, list[User]]:
    """Per area, the analysts to remind: access to exactly that area, an analyst role, active, with an
    e-mail address, reminders not turned off. One query."""
    accesses = (
        AreaAccess.objects.filter(area_id__in=area_ids, user__is_active=True, user__groups__name__in=ANALYST_ROLES)
        .exclude(user__email="")
        .exclude(user__reminder_preference__reminders_enabled=False)
        .select_related("user")
        .order_by("area_id", "user__username")
        .distinct()
    )
    found: dict[int, list[User]] = {}
    for access in accesses:
        found.setdefault(access.area_id, []).append(access.user)
    return found


@dataclass
class Reminder:
    round: Round
    area: Area
    user: User
    day: ReminderDay
    missing: list[OwedFigure] = field(default_factory=list)


def due_reminders(today: datetime.date) -> list[Reminder]:
    """Every reminder to send today that has not been sent. Per round with a reminder due: completeness
    (five queries), the recipients (one), the reminders already sent (one)."""
    due: list[Reminder] = []
    for round_ in open_rounds(today):
        day = due_reminder(round_, today)
        if day is None:
            continue
        owing = {state.area.pk: state for state in completeness(round_, today=today) if state.missing}
        if not owing:
            continue
        sent = set(
            ReminderSent.objects.filter(round=round_, kind=day.kind).values_list("area_id", "user_id").distinct()
        )
        for area_id, users in recipients(set(owing)).items():
            state = owing[area_id]
            due += [
                Reminder(round_, state.area, user, day, state.missing)
                for user in users
                if (area_id, user.pk) not in sent
            ]
    return due


def absolute_url(view: str, language: str, **kwargs: object) -> str:
    with translation.override(language):
        return settings.GZPLAN_BASE_URL + reverse(view, kwargs=kwargs)


def message(reminder: Reminder, today: datetime.date) -> EmailMultiAlternatives:
    """The e-mail: Chinese first, then English; the missing figures and the links to the entry grid."""
    round_, area = reminder.round, reminder.area
    context = {
        "round": round_,
        "area": area,
        "user": reminder.user,
        "missing": reminder.missing,
        "days_left": (round_.due_on - today).days,
        "days_late": (today - round_.due_on).days,
        "grid_zh": absolute_url("entry-grid", "zh-hans", code=area.code, year=round_.year),
        "grid_en": absolute_url("entry-grid", "en", code=area.code, year=round_.year),
        "preference_zh": absolute_url("reminder-preference", "zh-hans"),
        "preference_en": absolute_url("reminder-preference", "en"),
    }
    subject = render_to_string("reporting/email/reminder_subject.txt", context).strip().replace("\n", " ")
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reporting/email/reminder.txt", context),
        to=[reminder.user.email],
    )
    email.attach_alternative(render_to_string("reporting/email/reminder.html", context), "text/html")
    return email


def send_one(reminder: Reminder, today: datetime.date) -> bool:
    """Record and send one reminder, or nothing if it was recorded already (module docstring: Once)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                round=reminder.round,
                area=reminder.area,
                user=reminder.user,
                kind=reminder.day.kind,
                missing=len(reminder.missing),
            )
            message(reminder, today).send()
    except IntegrityError:
        return False  # another run recorded (and sent) it first
    return True


@dataclass
class Outcome:
    sent: list[Reminder] = field(default_factory=list)
    failed: list[tuple[Reminder, str]] = field(default_factory=list)


def send_due(today: datetime.date | None = None) -> Outcome:
    """Send every reminder due today (the daily run: manage.py send_reminders, reporting.tasks)."""
    today = today or timezone.localdate()
    outcome = Outcome()
    for reminder in due_reminders(today):
        try:
            if send_one(reminder, today):
                outcome.sent.append(reminder)
        except Exception as exc:  # the mail server refused or is away: the next run tries again
            log.exception("reminder %s for %s to %s failed", reminder.day.kind, reminder.area.code, reminder.user)
            outcome.failed.append((reminder, str(exc)))
    return outcome


def reminders_enabled(user: User) -> bool:
    preference = ReminderPreference.objects.filter(user=user).first()
    return preference is None or preference.reminders_enabled


def set_reminders_enabled(user: User, enabled: bool) -> None:
    """The user's choice: reminder e-mails on or off."""
    ReminderPreference.objects.update_or_create(user=user, defaults={"reminders_enabled": enabled})


@dataclass(frozen=True)
class Notice:
    round: Round
    area: Area
    missing: int


def notices(user: User, today: datetime.date | None = None) -> list[Notice]:
    """What the analyst's own areas still owe in the open rounds, for the notice on every page: one query
    when no round is open, then one for the user's areas and four per open round."""
    today = today or timezone.localdate()
    rounds = open_rounds(today)
    if not rounds:
        return []
    areas = [
        access.area
        for access in AreaAccess.objects.filter(user=user, user__groups__name__in=ANALYST_ROLES)
        .select_related("area")
        .order_by("area__level", "area__code")
        .distinct()
    ]
    if not areas:
        return []
    return [
        Notice(round_, state.area, len(state.missing))
        for round_ in rounds
        for state in completeness(round_, areas=areas, today=today)
        if state.missing
    ]
