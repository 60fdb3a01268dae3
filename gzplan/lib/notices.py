"""Notices for a page shown in its default view because a query parameter named nothing there.

A bad `?plan=`, `?year=`, `?page=`, `?area=` or `?kind=` is no reason for an error page: the page
shows what it shows without the parameter, and a notice (a context variable `notices`, a list of
sentences, rendered by base.html) says what was wrong. The notice is part of the page, so the answer
may be cached for its full address like any other anonymous read; Django's messages would set a cookie.
"""

from __future__ import annotations

QUOTED_LENGTH = 40  # a parameter is quoted back at most this long: a notice, not a mirror of the address


def quoted(value: str) -> str:
    """The value as the notice quotes it: trimmed, and cut short with an ellipsis if long."""
    value = value.strip()
    return value if len(value) <= QUOTED_LENGTH else value[: QUOTED_LENGTH - 1] + "…"
