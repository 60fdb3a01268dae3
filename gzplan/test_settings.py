"""Settings for the test suite: the production settings, with test-only defaults.

The database still comes from DATABASE_URL (PostgreSQL in CI) or the embedded SQLite.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_SSL", "false")

from gzplan.settings import *  # noqa: E402,F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files from the apps' folders, as in development: no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# No rate limits unless a test sets them: the fuzzing tests send thousands of requests.
API_THROTTLE_RATES = {"anon": "", "token": ""}
# Background work runs in the request, so tests see its outcome at once; the tests of the worker
# start a real one (indicators/tests/test_worker.py) on the database queue.
if "GZPLAN_TASKS_BACKEND" not in os.environ:
    TASKS = {"default": TASK_BACKENDS["immediate"]}  # noqa: F405
# A file, not memory, when the tests run on SQLite: a worker process must see the test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-gzplan.sqlite3")}  # noqa: F405
