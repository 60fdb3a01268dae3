"""The one write path for reported values and targets: every page, the API, the admin console,
imports and loaders write through these functions (one module per noun), never by saving the
models themselves."""

from indicators.services.targets import revise_target
from indicators.services.values import (
    BatchRejected,
    RowProblem,
    RowResult,
    StaleVersion,
    plan_values,
    record_value,
    save_value_from_form,
    upsert_values,
)

__all__ = [
    "BatchRejected",
    "RowProblem",
    "RowResult",
    "StaleVersion",
    "plan_values",
    "record_value",
    "revise_target",
    "save_value_from_form",
    "upsert_values",
]
