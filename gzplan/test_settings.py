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
# Imports run in the request, so tests see their outcome at once (one test turns the background on).
GZPLAN_IMPORT_IN_BACKGROUND = False
