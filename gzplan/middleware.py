"""The project's middleware: client addresses from trusted proxies, anonymous reads from the cache,
control characters and oversized or anonymous upload bodies refused before they are read, a 503 when
the database does not answer, errors under /api/ in JSON."""

from __future__ import annotations

import ipaddress
import logging
import threading

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.translation import gettext as _

from gzplan.api import THROTTLES
from gzplan.lib import freshness
from gzplan.lib.apitools import VARY_KEY
from gzplan.lib.cells import CONTROL_CHARACTERS
from gzplan.lib.freshness import CACHE_HEADER, NEVER_CACHED

logger = logging.getLogger(__name__)


def refusal(request, message: str, status: int, *, retry_after: int | None = None) -> HttpResponse:
    """A request this middleware answers itself: JSON under /api/, else a page in the request's language."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": str(message)}, status=status)
    else:
        title = {413: _("Request too large"), 503: _("Service unavailable")}.get(status, _("Bad request"))
        response = render(request, "refusal.html", {"title": title, "problem": message}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED", "HTTP_X_FORWARDED_PROTO")


class ClientAddressMiddleware:
    """REMOTE_ADDR is the client's address for everything downstream (rate limits, login lockouts, logs).

    The socket's peer is the client unless it is one of TRUSTED_PROXIES; then the client is the
    right-most address in X-Forwarded-For that is not a trusted proxy (what the proxy itself saw),
    and X-Forwarded-Proto says whether the client came over HTTPS. Forwarding headers from anyone
    else are dropped, so a client cannot choose its own address or pretend to have used HTTPS.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = [ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES]

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in net for net in self.proxies)

    def __call__(self, request):
        meta = request.META
        if self.proxies and self.trusted(meta.get("REMOTE_ADDR", "")):
            hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
            for hop in reversed(hops):
                if not self.trusted(hop):
                    try:
                        meta["REMOTE_ADDR"] = str(ipaddress.ip_address(hop))
                    except ValueError:
                        pass  # not an address: the proxy's own stays
                    break
            for header in FORWARDING_HEADERS[:-1]:
                meta.pop(header, None)
        else:
            for header in FORWARDING_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)


_COLD_RENDERS = threading.BoundedSemaphore(settings.GZPLAN_COLD_RENDERS_PER_PROCESS)


class CachedReadsMiddleware:
    """Answers an anonymous GET from the read cache while what it shows is unchanged (gzplan.lib.freshness)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with freshness.declaring():
            return self.answer(request)

    def answer(self, request):
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
        # Rendering afresh for anonymous visitors is rationed per process, so that visitors asking for
        # uncached pages as fast as they can leave threads and processor time for everyone else (cached
        # answers above, signed-in users and token holders, who never come here).
        if not _COLD_RENDERS.acquire(timeout=settings.GZPLAN_COLD_RENDER_WAIT_SECONDS):
            return self.busy(request)
        try:
            with freshness.reading() as reading:
                response = self.get_response(request)
        finally:
            _COLD_RENDERS.release()
        if reading is not None and self.storable(request, response):
            set_response_etag(response)
            headers = [(name, value) for name, value in response.items() if name != CACHE_HEADER]
            entry = (reading.dependencies, response.content, headers)
            cache.set(key, entry, settings.GZPLAN_READ_CACHE_SECONDS)
            response[CACHE_HEADER] = "miss"
        return response

    @staticmethod
    def busy(request) -> HttpResponse:
        return refusal(request, _("The server is busy; try again in a few seconds."), 503, retry_after=5)

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


class CacheHeadersMiddleware:
    """Cache-Control and Vary, decided in one place for every response.

    - Vary names the request headers a view said its answer depends on (apitools.varies_on: the API's
      `Accept`, which chooses JSON, CSV or SDMX-CSV when there is no `format` parameter).
    - An anonymous read (GET or HEAD, 200, no cookie set, no form: a form carries the visitor's own CSRF
      token) is `public, max-age=GZPLAN_PUBLIC_MAX_AGE`: browsers and proxies may keep it a minute.
    - Any other read is `private`: a signed-in user's or token holder's answer, or a form, is theirs alone.
    - Writes (POST, PATCH…) get nothing; a view's own Cache-Control (never_cache on the sign-in form) is kept.

    Placed just inside CachedReadsMiddleware, so the answers it keeps carry the same headers, and inside
    ConditionalGetMiddleware, so a 304 repeats them as its 200 would.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        varies = request.META.get(VARY_KEY)
        if varies:
            patch_vary_headers(response, varies)
        if request.method not in ("GET", "HEAD") or "Cache-Control" in response:
            return response
        if self.shared(request, response):
            patch_cache_control(response, public=True, max_age=settings.GZPLAN_PUBLIC_MAX_AGE)
        else:
            patch_cache_control(response, private=True)
        return response

    @staticmethod
    def shared(request, response) -> bool:
        """Whether any cache may keep the answer for anyone: anonymous, successful, carrying nothing personal."""
        user = getattr(request, "user", None)
        token = getattr(request, "auth", None)
        return (
            response.status_code == 200
            and "HTTP_AUTHORIZATION" not in request.META
            and not (user is not None and user.is_authenticated)
            and not (token is not None and getattr(token, "is_authenticated", False))
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.cookies
        )


class AddressLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, without a false `Vary: Accept-Language`.

    The language is the address's (zh-Hans at /, English under /en/, the API in one language): with
    i18n_patterns(prefix_default_language=False), Django takes an address without a prefix to be in the
    default language whatever Accept-Language says, yet still names Accept-Language in Vary, which would
    make caches keep a copy of the same page per browser language. Were the default language ever
    prefixed, Accept-Language would choose again, and Django's Vary is kept.
    """

    def process_request(self, request):
        super().process_request(request)
        if request.path_info.startswith("/api/"):  # the API speaks English, its messages from models too
            translation.activate("en")
            request.LANGUAGE_CODE = "en"

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if self.language_from_address(request) and "Vary" in response:
            kept = [name.strip() for name in response["Vary"].split(",")]
            kept = [name for name in kept if name and name.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response

    @staticmethod
    def language_from_address(request) -> bool:
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
        return i18n_patterns_used and not prefixed_default_language


class RefuseControlCharactersMiddleware:
    """A NUL (or another control character) in the address or the query string is refused before any
    view: no page or parameter takes one, and PostgreSQL cannot even compare one. Pages answer 400;
    the API 422, as for any other invalid parameter (bodies are the API's own validation's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem is None:
            return self.get_response(request)
        # The API answers any invalid parameter with a 422; a page's address is a bad request.
        return refusal(request, problem, 422 if request.path.startswith("/api/") else 400)

    @staticmethod
    def problem(request):
        if CONTROL_CHARACTERS.search(request.path):
            return _("The address contains a control character (such as NUL), which no page has.")
        for name, values in request.GET.lists():
            if CONTROL_CHARACTERS.search(name) or any(CONTROL_CHARACTERS.search(value) for value in values):
                return _("The query parameter “%(name)s” contains a control character (such as NUL).") % {
                    "name": CONTROL_CHARACTERS.sub("?", name)
                }
        return None


class DatabaseUnavailableMiddleware:
    """The database cannot be reached or cancelled a statement that ran too long: a 503 that says so,
    with Retry-After, instead of a 500 (the connect and statement timeouts are in settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable for %s: %s", request.path, exception)
        message = _("The database is not answering just now; nothing was changed. Try again in a minute.")
        return refusal(request, message, 503, retry_after=60)


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header (settings.PERMISSIONS_POLICY): browser features no page uses, off."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


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


SIGN_IN_VIEWS = ("login", "admin:login")
SIGN_IN_BYTES = 64 * 1024  # a user name, a password and a token, with room to spare


class UploadGateMiddleware:
    """Refuses a request body before anything reads it: one larger than GZPLAN_MAX_UPLOAD_BYTES (413),
    and a file upload (multipart) to a page from someone not signed in (sent to the login page), but for a
    small one to the sign-in form.

    Placed right after AuthenticationMiddleware: every middleware's __call__ runs before any view hook,
    so this answers before CsrfViewMiddleware.process_view reads request.POST, which parses a multipart
    body and writes its files to disk. No page takes files from an anonymous visitor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.GZPLAN_MAX_UPLOAD_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then
        api = request.path.startswith("/api/")
        if length > limit:
            message = _("The request is %(size)s MB, more than the %(limit)s MB allowed: split the file.") % {
                "size": f"{length / 1024 / 1024:,.0f}",
                "limit": f"{limit / 1024 / 1024:,.0f}",
            }
            return refusal(request, message, 413)
        multipart = request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")
        # Not under /api/: its views are exempt from CSRF (nothing reads a body before them), and they check
        # the caller's token before reading theirs.
        if (
            multipart
            and not api
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and not request.user.is_authenticated
        ):
            if self.signing_in(request):
                if length > SIGN_IN_BYTES:
                    return refusal(request, _("This is too large for a sign-in form."), 413)
            else:
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    @staticmethod
    def signing_in(request) -> bool:
        """Whether the request goes to a sign-in form: the one page taking a form from an anonymous visitor
        (a program may send it as multipart, as Django's test client does)."""
        try:
            return resolve(request.path_info).view_name in SIGN_IN_VIEWS
        except Resolver404:
            return False
