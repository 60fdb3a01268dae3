"""Browser tests: Debian's Chromium, headless, driven by Playwright's sync API against Django's live server.

The root conftest.py loads this module as a pytest plugin (``pytest_plugins = ["gzplan.tests.browser"]``),
so its fixtures are there for every test; a test module imports only the helpers::

    from gzplan.tests.browser import expect_problems, expect_status, screenshot

    @pytest.mark.django_db(transaction=True)
    def test_the_scorecard(page, live_server):
        page.goto(live_server.url + "/")
        screenshot(page, "scorecard")

Fixtures
    browser                  session: one headless Chromium, /usr/bin/chromium (Debian's package; never
                             ``playwright install``). Fails, not skips, when it is missing.
    page_locale              the context's locale, which is also the Accept-Language header and
                             navigator.language (default "zh-Hans"); override per test with
                             ``@pytest.mark.parametrize("page_locale", ["en"])``.
    browser_context_options  the keyword arguments of browser.new_context() (viewport 1280x900, locale, time zone).
    page                     a new context and page per test. It records console errors, uncaught page
                             errors, failed requests and responses >= 400 from the app's origin, and fails
                             the test that recorded any. On a failed test it saves a screenshot under
                             test-artifacts/screenshots/failures/.
    page_problems            the recorder behind ``page`` (``.problems``, ``.clear()``, ``.ignore(regex)``).
    real_data                for a test that uses ``live_server`` without ``page`` (``page`` requests it
                             itself): see "The database" below.
    real_data_snapshot       session: the test database as conftest.py's django_db_setup left it.

Helpers
    screenshot(page, name)             full-page PNG at test-artifacts/screenshots/<name>.png
    expect_status(page, 404, url=...)  this status is expected (and required) for a matching same-origin URL
    expect_problems(page)              context manager: the block must record a problem, which is then
                                       consumed instead of failing the test

The database
    The live server answers from another thread (on PostgreSQL, another connection), so a browser test
    has to be transactional: pytest-django's ``live_server`` makes it so. Django ends such a test by
    flushing every table, which would delete the real data that conftest.py loads once per session
    and that every later test reads. Django's own answer, ``serialized_rollback=True``, does not help
    here: Django serializes the test database right after migrating it, before django_db_setup loads
    the real data, so it would restore an empty database; it restores at the start of the next
    serialized test only, leaving the tests in between an empty database; and its JSON rounds times to
    the millisecond.

    So the harness takes its own snapshot: ``real_data_snapshot`` copies the whole test database (real
    data, its history, content types, permissions) into memory the first time a browser test needs
    it, and after every transactional test, once pytest-django has flushed, the harness empties the
    database again and writes the snapshot back, primary keys and all, before the next test starts.
    That takes about half a second; reloading the fixture files with load_real_data() takes 4-6.

Django's async-safety check
    Playwright's sync API keeps its asyncio event loop marked as running in the main thread between
    its calls, and Django then refuses every ORM call there (SynchronousOnlyOperation). The harness
    sets DJANGO_ALLOW_ASYNC_UNSAFE only while a test that uses the browser runs (setup to teardown),
    and between such tests takes the mark off, so that the other tests, and the subprocesses they
    start, run with the check intact (``manage.py check --deploy`` rejects the variable).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import TestCase, TransactionTestCase
from playwright.sync_api import sync_playwright

from indicators.models import Plan
from indicators.real_data import load_real_data

CHROMIUM = Path("/usr/bin/chromium")
# As python-svc.md describes for this machine: without the networking flags Chromium keeps trying to
# reach Google's hosts through a closed network. Playwright starts every browser with a new, empty
# --user-data-dir of its own (a temporary directory it deletes afterwards; it refuses the flag in args).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
DEFAULT_LOCALE = "zh-Hans"
DEFAULT_TIMEOUT_MS = 15_000

REPO_ROOT = Path(__file__).resolve().parents[2]
# GZPLAN_TEST_ARTIFACTS moves the artifacts elsewhere (the harness's own tests use it for a nested run).
ARTIFACTS_DIR = Path(os.environ.get("GZPLAN_TEST_ARTIFACTS") or REPO_ROOT / "test-artifacts")
SCREENSHOTS_DIR = ARTIFACTS_DIR / "screenshots"

_FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})\b")


# --- what a page did wrong ---------------------------------------------------------------------------


@dataclass
class ExpectedStatus:
    status: int
    url: str | re.Pattern[str] | None
    seen: int = 0

    def matches(self, status: int, url: str) -> bool:
        if status != self.status:
            return False
        if self.url is None:
            return True
        if isinstance(self.url, re.Pattern):
            return self.url.search(url) is not None
        return self.url in url


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions, failed requests and same-origin HTTP errors of one page."""

    page: object
    origins: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    expected_statuses: list[ExpectedStatus] = field(default_factory=list)
    ignored: list[re.Pattern[str]] = field(default_factory=list)

    def attach(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self.page.on("request", self._on_request)
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)

    # The events, as Playwright delivers them (during any later call on the page).

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        failed = _FAILED_LOAD.match(message.text)
        if failed and self._expected(int(failed.group(1)), url, count=False):
            return  # Chromium's echo of an expected HTTP error
        if failed and urlsplit(url).path == "/favicon.ico":
            return  # Chromium asks for /favicon.ico by itself: not the page's doing
        where = f" ({url}:{message.location.get('lineNumber', 0)})" if url else ""
        self._add(f"console error: {message.text}{where}")

    def _on_page_error(self, error) -> None:
        self._add(f"uncaught exception: {error.name}: {error.message}")

    def _on_request(self, request) -> None:
        # The app's origin: the live server's, plus that of every document the page navigates to.
        try:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                self.origins.add(_origin(request.url))
        except Exception:  # a request of a detached frame or a worker: not a navigation of this page
            pass

    def _on_request_failed(self, request) -> None:
        if request.failure == "net::ERR_ABORTED":
            return  # cancelled by the browser because the page moved on (a form posted, a link followed)
        self._add(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response) -> None:
        if response.status < 400 or _origin(response.url) not in self.origins:
            return
        if self._expected(response.status, response.url, count=True):
            return
        self._add(f"HTTP {response.status}: {response.request.method} {response.url}")

    def _expected(self, status: int, url: str, *, count: bool) -> bool:
        for expected in self.expected_statuses:
            if expected.matches(status, url):
                expected.seen += count
                return True
        return False

    def _add(self, problem: str) -> None:
        if not any(pattern.search(problem) for pattern in self.ignored):
            self.problems.append(problem)

    # For tests.

    def expect_status(self, status: int, url: str | re.Pattern[str] | None = None) -> None:
        self.expected_statuses.append(ExpectedStatus(status, url))

    def ignore(self, pattern: str | re.Pattern[str]) -> None:
        """Never record a problem whose description matches this regular expression (known noise)."""
        self.ignored.append(re.compile(pattern))

    def clear(self) -> list[str]:
        taken, self.problems = self.problems, []
        return taken

    def settle(self) -> None:
        """Let Playwright deliver the events the browser has already sent (one round trip to the page)."""
        try:
            self.page.evaluate("0")
        except Exception:  # the page is closed, crashed or in the middle of a navigation
            pass

    def unmet_expectations(self) -> list[str]:
        return [
            f"expected an HTTP {e.status} response{f' for {e.url}' if e.url else ''} from the app, but none came"
            for e in self.expected_statuses
            if not e.seen
        ]

    def report(self) -> str:
        return "\n".join(f"  - {line}" for line in [*self.problems, *self.unmet_expectations()])

    def check(self) -> None:
        """Fail the test with the list of problems, if any."""
        if self.problems or self.unmet_expectations():
            pytest.fail(f"the browser reported problems during the test:\n{self.report()}", pytrace=False)


_RECORDERS: dict[int, PageProblems] = {}


def _recorder(page) -> PageProblems:
    try:
        return _RECORDERS[id(page)]
    except KeyError:
        raise LookupError("this page does not come from the harness's `page` fixture") from None


def expect_status(page, status: int, url: str | re.Pattern[str] | None = None) -> None:
    """Declare an expected HTTP error from the app (a URL substring or a compiled regex, or any URL).

    Matching responses, and Chromium's console echo of them, are not problems; and the test fails
    if no matching response came.
    """
    _recorder(page).expect_status(status, url)


@contextmanager
def expect_problems(page) -> Iterator[list[str]]:
    """The block must make the page report at least one problem; those problems do not fail the test.

    Yields a list that holds them once the block is done::

        with expect_problems(page) as caught:
            page.evaluate("console.error('boom')")
        assert "boom" in caught[0]
    """
    recorder = _recorder(page)
    recorder.settle()
    before = len(recorder.problems)
    caught: list[str] = []
    yield caught
    recorder.settle()
    caught.extend(recorder.problems[before:])
    del recorder.problems[before:]
    if not caught:
        pytest.fail(
            "expected the browser to report a problem (console error, page error, failed request or "
            "HTTP error), but it reported none",
            pytrace=False,
        )


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG as test-artifacts/screenshots/<name>.png (name may hold sub-folders)."""
    if not re.fullmatch(r"[\w.-]+(/[\w.-]+)*", name) or ".." in name.split("/"):
        raise ValueError(f"not a usable screenshot name: {name!r} (letters, digits, . _ - and / only)")
    path = SCREENSHOTS_DIR / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^\w.-]+", "_", nodeid.replace("::", ".").replace("/", ".")).strip("_")[:180]


# --- Playwright's event loop and Django's async-safety check -----------------------------------------

_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_loop: asyncio.AbstractEventLoop | None = None  # Playwright's, while the browser runs
_saved_env: list[str | None] = []


def _plain_connections() -> dict:
    """The main thread's database connections, as Django finds them when no event loop runs here."""
    return {alias: connections[alias] for alias in connections}


def _pin_connections(plain: dict) -> None:
    """Keep using the same connections while the loop is marked as running. Django keeps them in an
    asgiref Local, which switches to a per-context store as soon as a loop runs in the thread: without
    this, a browser test would open second connections, outside the test's transaction, and leave them
    open (PostgreSQL then refuses to drop the test database at the end)."""
    for alias, connection in plain.items():
        connections[alias] = connection


def _browser_on() -> None:
    """Before a browser test: mark Playwright's loop as running again, as its sync API needs between
    its calls, and let Django's ORM run beside it in this thread (see the module's docstring)."""
    if not _saved_env:
        _saved_env.append(os.environ.get(_ASYNC_UNSAFE))
    os.environ[_ASYNC_UNSAFE] = "true"
    if _loop is not None:
        plain = _plain_connections()
        asyncio._set_running_loop(_loop)  # what Playwright itself does after each call (wait_for_future)
        _pin_connections(plain)


def _browser_off() -> None:
    """After a browser test: no running loop in this thread, and Django's check back on."""
    if _loop is not None:
        asyncio._set_running_loop(None)
    if _saved_env:
        saved = _saved_env.pop()
        if saved is None:
            os.environ.pop(_ASYNC_UNSAFE, None)
        else:
            os.environ[_ASYNC_UNSAFE] = saved


# --- the database ------------------------------------------------------------------------------------


def _has_real_data() -> bool:
    return Plan.objects.exists()


def _snapshot_models(connection) -> list:
    """The models Django's own test snapshot covers (BaseDatabaseCreation.serialize_db_to_string)."""
    migrated = MigrationLoader(connection).migrated_apps
    return [
        model
        for app_config in apps.get_app_configs()
        if app_config.models_module is not None
        and app_config.label in migrated
        and app_config.name not in settings.TEST_NON_SERIALIZED_APPS
        for model in app_config.get_models()
        if model._meta.can_migrate(connection) and router.allow_migrate_model(connection.alias, model)
    ]


def dump_database(alias: str) -> list[dict]:
    """Every row of the database, in Django's "python" serialization (exact: no rounding of times)."""

    def rows():
        for model in _snapshot_models(connections[alias]):
            yield from model._base_manager.using(alias).order_by(model._meta.pk.name).iterator()

    return serializers.serialize("python", rows())


def _take_snapshot() -> dict[str, list[dict]]:
    if not _has_real_data():  # an earlier transactional test, outside the harness, flushed it
        load_real_data()
    return {DEFAULT_DB_ALIAS: dump_database(DEFAULT_DB_ALIAS)}


def restore_snapshot(snapshot: dict[str, list[dict]]) -> None:
    """Empty the test database and write the snapshot back, primary keys and all."""
    for alias, rows in snapshot.items():
        connection = connections[alias]
        # The test's own flush has run post_migrate, which re-created content types and permissions
        # under new ids: remove them too, so that the snapshot's rows (and ids) come back alone.
        call_command("flush", database=alias, interactive=False, verbosity=0, inhibit_post_migrate=True)
        # As BaseDatabaseCreation.deserialize_db_from_string does it, with the exact "python" format.
        tables = set()
        with transaction.atomic(using=alias):
            with connection.constraint_checks_disabled():
                for obj in serializers.deserialize("python", rows, using=alias):
                    obj.save()
                    tables.add(obj.object._meta.db_table)
            connection.check_constraints(table_names=tables)
        # Rows inserted with explicit ids leave PostgreSQL's sequences behind: set them past the rows.
        models = [m for m in apps.get_models(include_auto_created=True) if router.allow_migrate_model(alias, m)]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    # get_for_model() caches content types by id; the ones post_migrate made are gone again.
    ContentType.objects.clear_cache()


def _is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django (or Django) flushes the database after this test, as its own ordering decides."""
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return not issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        args, kwargs = marker.args, marker.kwargs  # django_db(transaction=False, reset_sequences=False, ...)
        if kwargs.get("transaction", args[0] if args else False):
            return True
        if kwargs.get("reset_sequences", args[1] if len(args) > 1 else False):
            return True
    names = getattr(item, "fixturenames", ())
    return any(n in names for n in ("transactional_db", "live_server", "django_db_reset_sequences"))


def _uses_browser(item: pytest.Item) -> bool:
    return "browser" in getattr(item, "fixturenames", ())


# --- the plugin: hooks the fixtures need -------------------------------------------------------------

_REPORTS = pytest.StashKey[dict]()
_RECORDER = pytest.StashKey[PageProblems]()


class _HarnessPlugin:
    """Registered by the fixtures the first time they run (conftest.py is left alone).

    - switches Django's async-safety check off for the tests that use the browser, and back on after;
    - fails a test whose page recorded problems, after the test body (a FAILED test, not a teardown error);
    - keeps each phase's report on the item, so that the ``page`` fixture knows to take a failure screenshot;
    - after every transactional test, once pytest-django's flush has run, puts the snapshot back.
    """

    name = "gzplan-browser-harness"

    def __init__(self) -> None:
        self.snapshot: dict[str, list[dict]] | None = None
        self.db_blocker = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item):
        if _uses_browser(item):
            _browser_on()
        return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        recorder = item.stash.get(_RECORDER, None)
        if recorder is None:
            return (yield)
        try:
            result = yield
        except BaseException:
            recorder.settle()
            if recorder.report():
                item.add_report_section("call", "browser problems", recorder.report())
            raise
        recorder.settle()
        recorder.check()
        return result

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call):
        report = yield
        item.stash.setdefault(_REPORTS, {})[report.when] = report
        return report

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None):
        try:
            return (yield)
        finally:
            if _uses_browser(item):
                _browser_off()
            # After the last test the test database is about to be destroyed: nothing to restore.
            if self.snapshot is not None and nextitem is not None and _is_transactional(item):
                with self.db_blocker.unblock():
                    restore_snapshot(self.snapshot)


def _plugin(config: pytest.Config) -> _HarnessPlugin:
    plugin = config.pluginmanager.get_plugin(_HarnessPlugin.name)
    if plugin is None:
        plugin = _HarnessPlugin()
        config.pluginmanager.register(plugin, _HarnessPlugin.name)
    return plugin


def _failed(item: pytest.Item) -> bool:
    return any(report.failed for report in item.stash.get(_REPORTS, {}).values())


# --- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def real_data_snapshot(request, django_db_setup, django_db_blocker) -> dict[str, list[dict]]:
    """The test database as conftest.py's django_db_setup left it; restored after each flush."""
    plugin = _plugin(request.config)
    if plugin.snapshot is None:
        with django_db_blocker.unblock():
            plugin.snapshot = _take_snapshot()
        plugin.db_blocker = django_db_blocker
    return plugin.snapshot


@pytest.fixture
def real_data(real_data_snapshot, transactional_db) -> None:
    """The real data, committed where the live server sees it, and back in place for the tests after this one."""
    if not _has_real_data():  # a transactional test that ran before the harness's first one flushed it
        restore_snapshot(real_data_snapshot)


class _Chromium:
    """The one browser of the session. Each test module that imports the ``browser`` fixture gets a
    fixture of its own (pytest keys fixtures by the module they are found in): they all share this."""

    playwright = None
    browser = None
    users = 0

    @classmethod
    def acquire(cls):
        global _loop
        if cls.browser is None:
            plain = _plain_connections()
            playwright = sync_playwright().start()
            _loop = asyncio.get_running_loop()
            _pin_connections(plain)
            try:
                cls.browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
            except BaseException:
                playwright.stop()
                _loop = None
                raise
            cls.playwright = playwright
        cls.users += 1
        return cls.browser

    @classmethod
    def release(cls) -> None:
        global _loop
        cls.users -= 1
        if cls.users or cls.browser is None:
            return
        _browser_on()  # the session may end after a test without the browser
        try:
            cls.browser.close()
            cls.playwright.stop()  # ends the loop, which takes its running mark with it
        finally:
            cls.browser = cls.playwright = _loop = None
            _browser_off()


@pytest.fixture(scope="session")
def browser(request):
    """One headless Debian Chromium for the whole session."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium package. Install it with "
            "`apt-get install -y chromium` (.ci/run does so); Playwright's own browser download "
            "(`playwright install`) does not work on these machines.",
            pytrace=False,
        )
    _plugin(request.config)
    _browser_on()  # the first browser test's setup ran before the plugin existed; its teardown turns this off
    yield _Chromium.acquire()
    _Chromium.release()


@pytest.fixture
def page_locale() -> str:
    """The page's locale and Accept-Language; parametrize this name to change it."""
    return DEFAULT_LOCALE


@pytest.fixture
def browser_context_options(page_locale) -> dict:
    return {"viewport": VIEWPORT, "locale": page_locale, "timezone_id": "Asia/Shanghai"}


CSP_VIOLATIONS_REPORTED = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


@pytest.fixture
def page(request, browser, browser_context_options):
    """A fresh context and page; the test fails if the page reports problems (see PageProblems)."""
    origins = set()
    if "live_server" in request.fixturenames:
        request.getfixturevalue("real_data")
        origins.add(_origin(request.getfixturevalue("live_server").url))
    context = browser.new_context(**browser_context_options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    # Every Content-Security-Policy violation becomes a console error, which fails the test.
    context.add_init_script(CSP_VIOLATIONS_REPORTED)
    new_page = context.new_page()
    recorder = PageProblems(new_page, origins)
    recorder.attach()
    _RECORDERS[id(new_page)] = recorder
    request.node.stash[_RECORDER] = recorder
    failure_shot = f"failures/{_artifact_name(request.node.nodeid)}"
    (SCREENSHOTS_DIR / f"{failure_shot}.png").unlink(missing_ok=True)  # from an earlier run of this test
    try:
        yield new_page
        if _failed(request.node) and not new_page.is_closed():
            path = screenshot(new_page, failure_shot)
            request.node.add_report_section("teardown", "screenshot", str(path))
    finally:
        del _RECORDERS[id(new_page)]
        context.close()


@pytest.fixture
def page_problems(page) -> PageProblems:
    """The recorder of ``page``: what it has reported so far, and ways to expect or ignore some of it."""
    return _recorder(page)
