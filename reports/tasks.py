"""The worker's task (Django's Tasks API, the django-tasks backport): make a large review report."""

from __future__ import annotations

from django_tasks import task

from reports import services


@task()
def make_report(document_id: int) -> int:
    """Make the queued report document; the number of targets laid out."""
    return services.make(document_id).total
