"""The notice on every page for a signed-in analyst: what their areas still owe in the open rounds."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from reporting.reminders import Notice, notices


def reminder_notices(request: HttpRequest) -> dict[str, object]:
    """Lazy: computed when base.html shows it, once per request, and not at all for anonymous visitors
    (no query: the anonymous user is known without the database)."""

    def compute() -> list[Notice]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return notices(user)

    return {"reminder_notices": SimpleLazyObject(compute)}
