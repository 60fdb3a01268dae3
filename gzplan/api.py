"""The REST API at /api/v1/: one django-ninja router per app, token auth, JSON errors.

Reads are public unless API_PRIVATE_READS is set; writes need a token (created in
the admin console, accounts.models.ApiToken) whose user may write the area
(districts.access). Every error answers with a JSON body whose `detail` says what is
wrong; nothing is written on any error.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.operation import Operation
from ninja.renderers import JSONRenderer
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from accounts.auth import read_auth
from districts.api import router as districts_router
from gzplan.lib.apitools import refuse_unknown_query_parameters
from indicators.api import router as indicators_router
from reporting.api import router as reporting_router
from reports.api import router as reports_router

DESCRIPTION = """
Guangzhou's plan indicators, targets and reported figures, and the verdict of each target
(on track, at risk, achieved…), as on the dashboards.

* **Reads** are open to all: no token needed. Lists are paged (`limit`, `offset`, with the
  `count` of all matches) and come as JSON, or as CSV with `format=csv` or `Accept: text/csv`
  (UTF-8 with a byte-order mark, so spreadsheet software shows Chinese correctly). Reported
  values and targets also come as SDMX-CSV 2.0 with `format=sdmx`, data for the SDMX-ML 3.0
  structure at `/sdmx/structure` (dataflows, data structure definitions and codelists), which
  also comes as SDMX-JSON 2.0 with `format=sdmx-json` or
  `Accept: application/vnd.sdmx.structure+json;version=2.0.0`.
* **Writes** need a token, sent as `Authorization: Bearer gzp_…`. An administrator creates it
  in the admin console (API tokens); it is shown once. A district analyst's token writes that
  district's figures, a city analyst's every area's.
* **Conditional requests**: every read carries an `ETag`; send it back in `If-None-Match` to get
  `304 Not Modified` when nothing changed.
* **Unknown query parameters** answer `422`, naming them and the parameters the endpoint takes:
  a misspelt filter is never silently ignored.
* **Caching**: reads for anonymous callers carry `Cache-Control: public, max-age=60`, answers to a
  token holder `private`; `Vary: Accept` where the `Accept` header chooses the format.
* **Errors** answer with JSON: `{"detail": ...}`; a rejected bulk write lists every rejected row
  with its reason, and writes nothing.

Areas are named by their GB/T 2260 codes (440100 Guangzhou, 440104 Yuexiu…), indicators and
plans by their codes (`gdp`, `guangzhou-14th-fyp`). Every object carries its names in Chinese (`name_zh`)
and English (`name_en`).
"""


class RateThrottle(SimpleRateThrottle):
    """Requests per user (with a token) or per client address (without); rates from settings."""

    scope: str  # always set: "anon" or "token", a key of settings.API_THROTTLE_RATES

    def __init__(self, scope: str):
        self.scope = scope
        self.rate, self.num_requests, self.duration = None, None, None

    def allow_request(self, request: HttpRequest) -> bool:
        # Read on each request, so a changed setting applies without a restart of the tests.
        rate = settings.API_THROTTLE_RATES.get(self.scope)
        if not rate:
            return True
        if rate != self.rate:
            self.rate = rate
            self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)  # set by the API's auth before throttles run
        ident: str | None
        if self.scope == "token":
            if not (user and user.is_authenticated):
                return None
            ident = f"user-{user.pk}"
        else:
            if user and user.is_authenticated:
                return None
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class Utf8JSONRenderer(JSONRenderer):
    """JSON with Chinese as characters, not \\u escapes: readable, and a third of the size."""

    json_dumps_params = {"ensure_ascii": False}


class GzplanAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`<app>_api_<view>` (indicators_api_list_values): clients generate code from these ids, so they
        name the app and the view, not the module inside the app's api package that holds the view."""
        app = operation.view_func.__module__.split(".")[0]
        return f"{app}_api_{operation.view_func.__name__}"

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema, saying that a read works with or without a token (unless reads are private)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        if not settings.API_PRIVATE_READS:
            for operations in schema["paths"].values():
                if "get" in operations:  # reads; writes (post, patch) keep the token they need
                    operations["get"]["security"] = [{}, *operations["get"].get("security", [])]
        return schema


# The API's throttles, also applied by the read cache (gzplan.middleware) to the answers it gives.
THROTTLES: list[BaseThrottle] = [RateThrottle("anon"), RateThrottle("token")]

api = GzplanAPI(
    title="gzplan API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=read_auth,
    throttle=THROTTLES,
    renderer=Utf8JSONRenderer(),
)
# Every endpoint: a query parameter it does not declare is a 422 naming it, never silently ignored.
api.add_decorator(refuse_unknown_query_parameters)


@api.exception_handler(DjangoValidationError)
def _model_validation_error(request, exc: DjangoValidationError):
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    return api.create_response(request, {"detail": messages}, status=422)


@api.exception_handler(IntegrityError)
def _integrity_error(request, exc: IntegrityError):
    # The database refused the write (a rule or a figure saved by someone else at the same moment).
    return api.create_response(
        request,
        {"detail": f"The database refused the change, nothing was written: {str(exc).splitlines()[0]}"},
        status=409,
    )


def not_found(request, rest: str = ""):
    """Any other address under /api/: a JSON 404 rather than the site's HTML page."""
    return JsonResponse({"detail": f"No API endpoint at {request.path}. See /api/v1/docs."}, status=404)


api.add_router("/", districts_router)
api.add_router("/", indicators_router)
api.add_router("/", reporting_router)
api.add_router("/", reports_router)
