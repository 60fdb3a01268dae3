"""The REST API of the domain: a router per resource, mounted by the project's API root (gzplan.api)."""

from indicators.api.routes import router

__all__ = ["router"]
