"""The REST API of the domain: a router per resource, mounted by the project's API root (gzplan.api).

Each module holds its resource's views (indicators, plans, targets, values, progress, the SDMX structure), common.py
what they share, schemas.py the shapes of the objects and types.py the domain's types."""

from ninja import Router

from indicators.api.indicators import router as indicators_router
from indicators.api.plans import router as plans_router
from indicators.api.plantables import router as plan_tables_router
from indicators.api.progress import router as progress_router
from indicators.api.sdmx import router as sdmx_router
from indicators.api.targets import router as targets_router
from indicators.api.values import router as values_router

router = Router()
router.add_router("", indicators_router)
router.add_router("", plans_router)
router.add_router("", targets_router)
router.add_router("", values_router)
router.add_router("", progress_router)
router.add_router("", plan_tables_router)
router.add_router("", sdmx_router)

__all__ = ["router"]
