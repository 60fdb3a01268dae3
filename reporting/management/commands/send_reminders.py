"""Send the reminders of the open reporting rounds due today: what cron runs once a day.

    python manage.py send_reminders                      # now, here
    python manage.py send_reminders --today 2026-03-24   # as if it were that day
    python manage.py send_reminders --enqueue            # hand it to the task worker

Running it again the same day sends nothing more (reporting.reminders: Once).
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reporting import reminders, tasks


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = "Send the reminder e-mails of the open reporting rounds that are due today (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, help="the day to act as if it were (YYYY-MM-DD)")
        parser.add_argument("--enqueue", action="store_true", help="queue the work for the task worker instead")

    def handle(self, *args: Any, today: datetime.date | None = None, enqueue: bool = False, **options: Any) -> None:
        today = today or timezone.localdate()
        if enqueue:
            result = tasks.send_reminders.enqueue(today.isoformat())
            self.stdout.write(f"Queued the reminders of {today}: task {result.id}")
            return
        outcome = reminders.send_due(today)
        for r in outcome.sent:
            self.stdout.write(
                f"sent {r.day.kind} {r.round.year} {r.round.kind} {r.area.code} {r.area.name_en} "
                f"to {r.user.username} <{r.user.email}>: {len(r.missing)} missing"
            )
        for r, problem in outcome.failed:
            self.stderr.write(f"FAILED {r.day.kind} {r.area.code} to {r.user.username} <{r.user.email}>: {problem}")
        self.stdout.write(f"{today}: {len(outcome.sent)} reminders sent, {len(outcome.failed)} failed")
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} reminders could not be sent; the next run tries them again")
