"""Read responses cached until the published data changes.

The figures change a few times a year and are read all day, so an anonymous GET of a page or
an API read is answered from the cache when the data has not changed since it was rendered.
"Changed" is exact, not a timeout: every statement that writes a table of the published data
(``districts_*``, ``indicators_*``: areas, plans, indicators, targets, figures, notes) is seen
by a database execute wrapper, which bumps ``gzplan.DataVersion`` once its transaction commits;
the version is part of every cache key. Writes that go around Django's cursor (``COPY``) call
``changed()`` themselves.

Why this is safe: the version grows only after the change is committed, so a request that reads
the new version also reads the new data; a request that read the old version while the change
was being committed may store fresher data under the old key, which nobody asks for any more.
A connection holding uncommitted writes neither reads nor fills the cache.

Only requests without a session, an Authorization header or a messages cookie are cached, and
only responses that are a 200 without cookies or `private`; GZPLAN_READ_CACHE_SECONDS (0 turns
it off) bounds how long an entry lives in any case, for changes made outside the application.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

# Tables whose rows are written while nothing published changes (import progress, refused edits).
QUIET_TABLES = frozenset({"indicators_importbatch", "indicators_rejectededit"})
DATA_PREFIXES = ("districts_", "indicators_")
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_WRITE_ANYWHERE = re.compile(r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_TABLE = "gzplan_dataversion"
CACHE_HEADER = "X-Gzplan-Cache"
# Paths that do not depend on the data (or are the admin's): answered without asking the data version.
NEVER_CACHED = ("/admin/", "/api/v1/docs", "/api/v1/openapi.json", "/static/")


def _published(table: str) -> bool:
    table = table.lower()
    return table.startswith(DATA_PREFIXES) and table not in QUIET_TABLES


def writes_data(sql: str) -> bool:
    head = sql.lstrip()[:8].upper()
    if head.startswith("WITH"):  # a data-modifying common table expression
        return any(_published(table) for table in _WRITE_ANYWHERE.findall(sql))
    if head == "TRUNCATE":  # Django truncates many tables in one statement
        return any(prefix in sql for prefix in DATA_PREFIXES)
    match = _WRITE.match(sql)
    return match is not None and _published(match.group(1))


def _bump(alias: str) -> None:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(f"UPDATE {_TABLE} SET number = number + 1 WHERE id = 1")
            if cursor.rowcount == 0:  # a new or flushed database: start far from any earlier number
                cursor.execute(f"INSERT INTO {_TABLE} (id, number) VALUES (1, %s)", [secrets.randbits(52)])
    except DatabaseError:  # the table is not migrated yet: nothing is cached without it either
        pass


class _Bump:
    """The on-commit callback that bumps the data version: recognisable among a connection's callbacks."""

    def __init__(self, using: str) -> None:
        self.using = using

    def __call__(self) -> None:
        _bump(self.using)


def changed(using: str = "default") -> None:
    """Record that the published data changes when the current transaction commits (now, outside one)."""
    if not pending(using):
        transaction.on_commit(_Bump(using), using=using)


def pending(using: str = "default") -> bool:
    """Whether this connection holds uncommitted changes of the published data."""
    # Each entry is (savepoint ids, callback, robust); django-stubs declares only the first two.
    return any(isinstance(entry[1], _Bump) for entry in connections[using].run_on_commit)


def current(using: str = "default") -> int | None:
    """The committed data version; None when there is none yet (then nothing is cached)."""
    try:
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT number FROM {_TABLE} WHERE id = 1")
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return row[0] if row else None


_seen: dict[str, int | None] = {"version": None}


def forget_older(version: int) -> None:
    """Empty this process's cache when the data has moved on: entries of older versions are never read
    again, and would otherwise fill the worker's memory until culled."""
    if _seen["version"] != version:
        if _seen["version"] is not None:
            caches[settings.GZPLAN_READ_CACHE].clear()
        _seen["version"] = version


def versioned_key(kind: str, what: str) -> str | None:
    """The cache key of `what` under the committed data version; None when nothing may be cached now
    (the cache is off, this connection holds uncommitted changes, or there is no version yet)."""
    if not settings.GZPLAN_READ_CACHE_SECONDS or pending():
        return None
    version = current()
    if version is None:
        return None
    forget_older(version)
    return f"gzplan-{kind}:{version}:{hashlib.sha256(what.encode('utf-8', 'surrogatepass')).hexdigest()}"


_T = TypeVar("_T")


def remembered(what: str, compute: Callable[[], _T]) -> _T:
    """compute(), kept in the reads cache until the data changes (e.g. the count of a large list)."""
    key = versioned_key("value", what)
    if key is None:
        return compute()
    cache = caches[settings.GZPLAN_READ_CACHE]
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, settings.GZPLAN_READ_CACHE_SECONDS)
    return found


def _watch_writes(execute: Callable[..., Any], sql: object, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and writes_data(sql):
        changed(context["connection"].alias)
    return result


def install(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """connection_created: watch every new connection's writes."""
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def connect_signals() -> None:
    connection_created.connect(install, dispatch_uid="gzplan.freshness")
    for connection in connections.all(initialized_only=True):
        install(None, connection)
