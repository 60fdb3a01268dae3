"""With REDIS_URL set, the API's rate limits are kept in Redis: every web process counts the same
requests, so a client cannot multiply its allowance by the number of workers (the real Redis on
127.0.0.1:6379, database 15; each test uses its own client address)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(django_settings.BASE_DIR)

# Another process: the project's settings with REDIS_URL, asking the API's throttle whether one
# more request from the address may pass. It prints the answer as JSON.
OTHER_PROCESS = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import RequestFactory
from gzplan.api import RateThrottle
settings.API_THROTTLE_RATES = {"anon": "3/m", "token": ""}
request = RequestFactory().get("/api/v1/areas", REMOTE_ADDR=sys.argv[1])
allowed = RateThrottle("anon").allow_request(request)
print(json.dumps({"cache": settings.CACHES["default"]["BACKEND"], "allowed": allowed}))
"""


def _ask_another_process(address: str) -> dict:
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "gzplan.test_settings"}
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, address], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gzplan",
        },
    }
    settings.API_THROTTLE_RATES = {"anon": "3/m", "token": ""}
    settings.GZPLAN_READ_CACHE_SECONDS = 0  # every request reaches the API (and its throttle)
    return settings


@pytest.mark.django_db
def test_the_rate_limit_counts_across_processes(client, redis_cache):
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    assert _ask_another_process(address) == {
        "cache": "django.core.cache.backends.redis.RedisCache",
        "allowed": True,
    }  # the other process's request counts: one of three
    statuses = [client.get("/api/v1/areas", REMOTE_ADDR=address).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # this process saw the other's request
    assert _ask_another_process(address)["allowed"] is False  # and the other sees this one's
    other = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    if other != address:
        assert client.get("/api/v1/areas", REMOTE_ADDR=other).status_code == 200  # per address


def test_without_redis_url_the_caches_stay_on_this_machine():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "gzplan.test_settings"
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: v['BACKEND'] for k, v in settings.CACHES.items()}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "default": "django.core.cache.backends.locmem.LocMemCache",
        "reads": "django.core.cache.backends.locmem.LocMemCache",
        "progress": "django.core.cache.backends.filebased.FileBasedCache",
    }


def test_the_compose_deployment_releases_once_then_runs_web_and_worker_with_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web"} <= services.keys()
    web = services["web"]
    assert web["environment"]["REDIS_URL"].startswith("redis://redis:6379/")
    assert web["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert "healthcheck" in services["redis"]
    assert "/health/" in " ".join(web["healthcheck"]["test"])  # gzplan/health.py
    worker = services["worker"]  # imports run in a worker on the database queue, never in the web service
    assert worker["command"][:3] == ["python", "manage.py", "db_worker"]
    assert worker["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    assert worker["environment"]["REDIS_URL"] == web["environment"]["REDIS_URL"]
    # Migrations and the real-data load run once, before web and worker; the image's command only serves.
    release = " ".join(services["release"]["command"])
    assert "migrate" in release and "load_real_data" in release
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["release"] == {"condition": "service_completed_successfully"}
    image_command = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD"))
    assert "gunicorn" in image_command and "migrate" not in image_command
    # Clients reach nginx only (deploy/nginx.conf, the file bench/hammer.py runs), which alone may forward.
    proxy = services["proxy"]
    assert "ports" not in web and proxy["ports"] and "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert web["environment"]["TRUSTED_PROXIES"] == subnet
    nginx = (ROOT / "deploy/nginx.conf").read_text()
    assert "server web:8000;" in nginx and "limit_req_zone" in nginx and "client_max_body_size" in nginx
