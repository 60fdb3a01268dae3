"""/health/: the database, the shared caches and the task queue, for compose and load balancers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from indicators.jobs.imports import check_upload

pytestmark = pytest.mark.django_db


def test_a_healthy_instance_answers_200_with_each_check(client):
    response = client.get("/health/?format=json")
    assert response.status_code == 200, response.content
    checks = response.json()
    assert len(checks) == 4 and all(status == "OK" for status in checks.values()), checks
    assert "no-store" in response["Cache-Control"]  # never answered from the read cache


@pytest.mark.django_db(transaction=True)
def test_jobs_that_no_worker_takes_make_the_queue_unhealthy(client, settings, real_data):
    # Transactional: the checks run in other threads, on their own connections (real_data puts the
    # real data back afterwards).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.GZPLAN_QUEUE_WAIT_SECONDS = 60
    result = check_upload.enqueue(0)
    assert client.get("/health/?format=json").status_code == 200  # just queued: a worker may take it
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=5))
    response = client.get("/health/?format=json")
    assert response.status_code == 500
    assert any("waiting for over 60 s: is a worker running?" in status for status in response.json().values())


def test_with_rq_jobs_that_no_worker_takes_make_the_queue_unhealthy(client, settings):
    import django_rq
    import redis

    url = "redis://127.0.0.1:6379/12"  # the suite's own Redis database for RQ
    redis.Redis.from_url(url).flushdb()
    settings.GZPLAN_TASKS_BACKEND = "rq"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": url}}
    settings.GZPLAN_QUEUE_WAIT_SECONDS = 60
    check_upload.enqueue(0)
    assert client.get("/health/?format=json").status_code == 200  # just queued: a worker may take it
    job = django_rq.get_queue("default").get_jobs(0, 1)[0]
    job.enqueued_at = timezone.now() - timedelta(minutes=5)
    job.save()
    response = client.get("/health/?format=json")
    assert response.status_code == 500
    assert any("in the RQ queue default: is a worker running?" in status for status in response.json().values())
    redis.Redis.from_url(url).flushdb()
