"""The reminders as a task of Django's Tasks API (the django-tasks backport), for the worker.

django-tasks has no periodic tasks (django-tasks issue #259 asks for them; its maintainer recommends an
external cron running a management command, #172): cron, or the compose `reminders` service, runs
`manage.py send_reminders` daily, and `send_reminders --enqueue` hands the same work to the worker.
"""

from __future__ import annotations

import datetime

from django_tasks import task

from reporting import reminders


@task()
def send_reminders(today: str | None = None) -> int:
    """Send the reminders due on `today` (ISO date; the local date if None); the number sent."""
    outcome = reminders.send_due(datetime.date.fromisoformat(today) if today else None)
    if outcome.failed:
        raise RuntimeError(f"{len(outcome.failed)} reminders failed, {len(outcome.sent)} sent: {outcome.failed[0][1]}")
    return len(outcome.sent)
