"""The project's middleware: anonymous reads from the cache, and errors under /api/ in JSON."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, JsonResponse
from django.utils.cache import set_response_etag

from gzplan.api import THROTTLES
from gzplan.lib import freshness
from gzplan.lib.freshness import CACHE_HEADER, NEVER_CACHED


class CachedReadsMiddleware:
    """Answers an anonymous GET from the read cache while what it shows is unchanged (gzplan.lib.freshness)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self.key(request)
        if key is None:
            return self.get_response(request)
        cache = caches[settings.GZPLAN_READ_CACHE]
        stored = cache.get(key)
        if stored is not None and freshness.current(stored[0]) and self.throttle_allows(request):
            _, content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response[CACHE_HEADER] = "hit"
            return response
        with freshness.reading() as reading:
            response = self.get_response(request)
        if reading is not None and self.storable(request, response):
            set_response_etag(response)
            headers = [(name, value) for name, value in response.items() if name != CACHE_HEADER]
            entry = (reading.dependencies, response.content, headers)
            cache.set(key, entry, settings.GZPLAN_READ_CACHE_SECONDS)
            response[CACHE_HEADER] = "miss"
        return response

    def key(self, request) -> str | None:
        if (
            not freshness.enabled()
            or request.method != "GET"
            or request.path.startswith(NEVER_CACHED)
            or "HTTP_AUTHORIZATION" in request.META
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "messages" in request.COOKIES
            or freshness.pending()
        ):
            return None
        accept = request.META.get("HTTP_ACCEPT", "")
        return freshness.request_key(
            "read", "\n".join((request.scheme, request.get_host(), request.get_full_path(), accept))
        )

    def storable(self, request, response) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            # A page with a form carries the visitor's own CSRF token: never another visitor's.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
            and len(response.content) <= settings.GZPLAN_READ_CACHE_MAX_BYTES
            and not freshness.pending()
        )

    @staticmethod
    def throttle_allows(request) -> bool:
        """An API answer from the cache still counts against the caller's rate, as the view would."""
        if not request.path.startswith("/api/"):
            return True
        return all(throttle.allow_request(request) for throttle in THROTTLES)


class JsonErrorsMiddleware:
    """Errors under /api/ that Django answers itself (405 wrong method, 400 bad host, 413 too
    large, 500) in JSON too, so a program never has to parse an HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            detail = response.reason_phrase
            if response.status_code == 405:
                detail = f"{request.method} is not allowed here; use {response.get('Allow', 'GET')}."
            fresh = JsonResponse({"detail": detail}, status=response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    fresh[header] = response[header]
            return fresh
        return response
