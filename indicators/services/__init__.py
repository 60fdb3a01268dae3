"""The one write path for reported values and targets: every page, the API, the admin console,
imports and loaders write through these functions (one module per noun), never by saving the
models themselves."""

from indicators.services.commentary import write_commentary
from indicators.services.targets import delete_targets, revise_target, save_target
from indicators.services.values import (
    BatchRejected,
    RowProblem,
    RowResult,
    delete_values,
    plan_values,
    record_refused_edit,
    save_value_from_form,
    upsert_values,
)

__all__ = [
    "delete_values",
    "record_refused_edit",
    "save_target",
    "delete_targets",
    "BatchRejected",
    "RowProblem",
    "RowResult",
    "plan_values",
    "revise_target",
    "save_value_from_form",
    "upsert_values",
    "write_commentary",
]
