"""Read responses cached until the published data they show changes: generation keys in a shared cache.

The figures change a few times a year and are read all day, so an anonymous GET of a page or an
API read is answered from the read cache (Redis when REDIS_URL is set, shared by every web process;
this process's memory otherwise) while what it shows is unchanged. "Unchanged" is exact, not a
timeout. The cache holds counters, the generations:

- ``everything``: areas, plans, indicators, targets, notes, reviews: any change to them ends
  every cached read;
- ``figures``: any figure anywhere;
- ``area:<id>`` and ``indicator:<id>``: the figures of one area, of one indicator.

A write records which generations it changes (``changed()``; model signals and the figures'
queryset do it for every write through the ORM, the services call it for writes that go around
it, and ``manage.py refresh_read_cache`` for changes made by hand in the database); they are
bumped once its transaction commits. A cached read keeps the generations it depends on, as they
were before it read the data, and is served again only while every one of them is unchanged. By
default a read depends on ``everything`` and ``figures``; a view that shows the figures of known
areas or indicators only says so with ``reads()`` before it reads them (a district's page depends
on that district, the city's scorecard on the city), so a figure written for Haizhu leaves the other
districts' pages cached.

Why this is safe: a generation grows only after its change is committed, and a read records the
generations before it reads the data, so an entry never claims to be newer than its data; an
entry rendered while a change was committed keeps the old generation and is never served again.
A connection holding uncommitted changes neither reads nor fills the cache. A generation that the
cache evicted or lost starts again at a random number, which no entry recorded. Nothing here ever
empties the cache: entries end by their generations, or by GZPLAN_READ_CACHE_SECONDS (0 turns the
cache off), which also bounds how long a change made outside the application may go unseen.
"""

from __future__ import annotations

import contextvars
import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.dispatch import Signal

CACHE_HEADER = "X-Gzplan-Cache"
# Paths that do not depend on the data (or are the admin's): never cached.
NEVER_CACHED = ("/admin/", "/api/v1/docs", "/api/v1/openapi.json", "/static/", "/health/")
EVERYTHING = "everything"
FIGURES = "figures"
DEFAULT_DEPENDENCIES = (EVERYTHING, FIGURES)
_PREFIX = "gzplan-gen:"
# Sent once a change of the published data is committed, with `keys`: the generations it changed
# (``area:<id>``, ``indicator:<id>``, ``figures``, ``everything``). Whoever reacts to written figures
# (followers' e-mails) listens here, so every write path that keeps the read cache right reaches it.
committed = Signal()


def ids_in(keys: Iterable[str], kind: str) -> set[int]:
    """The ids of the `kind` ("area" or "indicator") generations among `keys`."""
    prefix = f"{kind}:"
    return {int(key[len(prefix) :]) for key in keys if key.startswith(prefix)}


def area_key(area_id: int) -> str:
    return f"area:{area_id}"


def indicator_key(indicator_id: int) -> str:
    return f"indicator:{indicator_id}"


def _cache():
    return caches[settings.GZPLAN_READ_CACHE]


def enabled() -> bool:
    return bool(settings.GZPLAN_READ_CACHE_SECONDS)


# -- writing: what a transaction changes, bumped when it commits -------------------------------------


class _Bump:
    """The on-commit callback that bumps generations: recognisable among a connection's callbacks."""

    def __init__(self, keys: set[str]) -> None:
        self.keys = keys

    def __call__(self) -> None:
        bump(self.keys)
        committed.send(sender=None, keys=frozenset(self.keys))


def bump(keys: Iterable[str]) -> None:
    """Move the generations on now (after a commit; or for a change made outside the application)."""
    cache = _cache()
    for key in sorted(set(keys)):
        try:
            cache.incr(_PREFIX + key)
        except ValueError:  # never read yet, or evicted: any new number ends what was recorded before
            cache.set(_PREFIX + key, secrets.randbits(52), None)


def changed(
    *, areas: Iterable[int] = (), indicators: Iterable[int] = (), everything: bool = False, using: str = "default"
) -> None:
    """Record that figures of these areas and indicators (or, with everything, anything published)
    change when the current transaction commits; outside a transaction, now."""
    keys = {area_key(a) for a in areas if a is not None} | {indicator_key(i) for i in indicators if i is not None}
    if keys:
        keys.add(FIGURES)
    if everything:
        keys.add(EVERYTHING)
    if not keys:
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        bump(keys)
        committed.send(sender=None, keys=frozenset(keys))
        return
    savepoints = set(connection.savepoint_ids)
    # Each entry is (savepoint ids, callback, robust): a callback registered under the same savepoints
    # shares the fate of this change (kept or rolled back with it), so it can carry these keys too.
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _Bump) and entry[0] == savepoints:
            entry[1].keys |= keys
            return
    transaction.on_commit(_Bump(keys), using=using)


def pending(using: str = "default") -> bool:
    """Whether this connection holds uncommitted changes of the published data."""
    return any(isinstance(entry[1], _Bump) for entry in connections[using].run_on_commit)


# -- reading: the generations a read depends on ------------------------------------------------------


def generations(keys: Iterable[str]) -> dict[str, int]:
    """The current number of each generation (starting the ones the cache does not hold)."""
    keys = list(keys)
    cache = _cache()
    found = cache.get_many([_PREFIX + k for k in keys])
    numbers = {}
    for key in keys:
        number = found.get(_PREFIX + key)
        if number is None:
            cache.add(_PREFIX + key, secrets.randbits(52), None)
            number = cache.get(_PREFIX + key)
        numbers[key] = number
    return numbers


def current(recorded: dict[str, int]) -> bool:
    """Whether the generations recorded with an entry are all still the current ones."""
    if not recorded:
        return False
    found = _cache().get_many([_PREFIX + k for k in recorded])
    return all(found.get(_PREFIX + key) == number for key, number in recorded.items())


class Reading:
    """The generations one read depends on, recorded before it reads the data."""

    def __init__(self) -> None:
        self.dependencies = generations(DEFAULT_DEPENDENCIES)

    def narrow(self, keys: set[str]) -> None:
        if FIGURES in self.dependencies:  # the first narrowing replaces the default "any figure"
            del self.dependencies[FIGURES]
        self.dependencies.update(generations(keys - set(self.dependencies)))


_reading: contextvars.ContextVar[Reading | None] = contextvars.ContextVar("gzplan_reading", default=None)
# What the request's view said it shows: key sets, or (areas, indicators) iterables kept unread until asked.
_shown: contextvars.ContextVar[list | None] = contextvars.ContextVar("gzplan_shown", default=None)


@contextmanager
def reading(active: bool = True) -> Iterator[Reading | None]:
    """Around the rendering of a cacheable read: what it depends on."""
    if not active:
        yield None
        return
    state = Reading()
    token = _reading.set(state)
    try:
        yield state
    finally:
        _reading.reset(token)


def reads(*, areas: Iterable[int] = (), indicators: Iterable[int] = ()) -> None:
    """A view says that it shows the figures of these areas (or these indicators) only, before it
    reads them; the read is then cached until one of those changes, not until any figure does.
    A view that shows any other figure does not call this (or names those areas too)."""
    shown = _shown.get()
    state = _reading.get()
    if state is None:
        if shown is not None:
            shown.append((areas, indicators))  # unread: only a page's foot asks (scope())
        return
    keys = {area_key(a) for a in areas} | {indicator_key(i) for i in indicators}
    if shown is not None:
        shown.append(keys)
    if keys:
        state.narrow(keys)


def scope() -> tuple[set[int], set[int]] | None:
    """The areas and indicators whose figures the request's view said it shows (`reads()`), or None when it
    may show any figure. Something a page adds about the figures (its foot) keeps to these, so that the
    page is the same cached or not, and its cached copy never outlives what the foot counts."""
    shown = _shown.get()
    if not shown:
        return None
    keys: set[str] = set()
    for index, item in enumerate(shown):
        if isinstance(item, tuple):  # read now, once: a lazy iterable was kept as given
            item = shown[index] = {area_key(a) for a in item[0]} | {indicator_key(i) for i in item[1]}
        keys |= item
    if not keys:
        return None
    return ids_in(keys, "area"), ids_in(keys, "indicator")


@contextmanager
def declaring() -> Iterator[None]:
    """Around a request: what its view says it shows (`reads()`), whether or not the answer is cached."""
    token = _shown.set([])
    try:
        yield
    finally:
        _shown.reset(token)


def request_key(kind: str, what: str) -> str:
    return f"gzplan-{kind}:{hashlib.sha256(what.encode('utf-8', 'surrogatepass')).hexdigest()}"


_T = TypeVar("_T")


def remembered(what: str, compute: Callable[[], _T], *, areas: Iterable[int] = ()) -> _T:
    """compute(), kept in the read cache until the figures of `areas` (by default, any figure) or
    anything else published changes; for example the count of a large list."""
    if not enabled() or pending():
        return compute()
    cache = _cache()
    key = request_key("value", what)
    stored = cache.get(key)
    if stored is not None and current(stored[0]):
        return stored[1]
    areas = list(areas)
    dependencies = generations([EVERYTHING, *([area_key(a) for a in areas] or [FIGURES])])
    found = compute()
    if not pending():
        cache.set(key, (dependencies, found), settings.GZPLAN_READ_CACHE_SECONDS)
    return found
