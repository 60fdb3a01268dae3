"""Test set-up shared by every app: the test database holds the real data."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.utils import translation
from hypothesis import settings

from indicators.real_data import load_real_data

# Property tests check invariants, not speed: no per-example deadline, which a loaded CI machine
# (browser tests, another suite) can exceed and turn into a spurious failure.
settings.register_profile("gzplan", deadline=None)
settings.load_profile("gzplan")

# Browser fixtures (browser, page, …) for the tests that drive Chromium: see gzplan/tests/browser.py.
pytest_plugins = ["gzplan.tests.browser", "gzplan.tests.mail"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real plan data once into the test database; each test runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        load_real_data()


@pytest.fixture(autouse=True)
def english_messages():
    """Tests read validation and error messages in English; pages choose their language by URL."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_read_cache():
    """Each test starts with no cached pages: a test may change settings that a cached page does not know of."""
    caches["reads"].clear()
