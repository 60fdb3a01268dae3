"""GET /health/: what a load balancer or compose asks before sending traffic (django-health-check):
the database, the caches the processes share, and the task queue."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.exceptions import RedisError


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The database queue is readable, and nothing ready has waited longer than GZPLAN_QUEUE_WAIT_SECONDS
    (then no worker is taking jobs: imports would wait for ever)."""

    def run(self) -> None:
        limit = timezone.now() - timedelta(seconds=settings.GZPLAN_QUEUE_WAIT_SECONDS)
        if settings.GZPLAN_TASKS_BACKEND == "rq":
            self.run_rq(limit)
            return
        if not isinstance(task_backends["default"], DatabaseBackend):
            return  # immediate: nothing is ever queued
        try:
            waiting = DBTaskResult.objects.ready().filter(enqueued_at__lt=limit).count()
        except DatabaseError as exc:
            raise ServiceUnavailable("The task queue cannot be read.") from exc
        finally:
            # Checks run on the executor's threads: do not leave a connection open on each of them.
            connection.close()
        if waiting:
            raise ServiceUnavailable(
                f"{waiting} task(s) waiting for over {settings.GZPLAN_QUEUE_WAIT_SECONDS} s: is a worker running?"
            )

    def run_rq(self, limit: datetime) -> None:
        """RQ on Redis: Redis answers, and the oldest job of each queue has not waited past the limit."""
        import django_rq.queues  # installed with django-tasks-rq; only an RQ deployment loads it

        try:
            for queue in django_rq.queues.get_queues(*task_backends["default"].queues):
                oldest = queue.get_jobs(0, 1)
                enqueued = oldest[0].enqueued_at if oldest else None
                if enqueued is not None and (enqueued if enqueued.tzinfo else enqueued.replace(tzinfo=UTC)) < limit:
                    raise ServiceUnavailable(
                        f"A task has waited over {settings.GZPLAN_QUEUE_WAIT_SECONDS} s in the RQ queue "
                        f"{queue.name}: is a worker running?"
                    )
        except RedisError as exc:
            raise ServiceUnavailable("The RQ queue in Redis cannot be read.") from exc


health = HealthCheckView.as_view(
    checks=[
        "health_check.checks.Database",
        ("health_check.checks.Cache", {"alias": "default"}),
        ("health_check.checks.Cache", {"alias": "progress"}),
        TaskQueue,
    ]
)
