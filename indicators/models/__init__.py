"""Plans, indicators, their targets and the values reported each year.

The plan tables carry meaning in their notation (约束性 binding, `[ ]` five-year
totals, 年均 averages, "X以上", "完成市下达目标"…); these models keep each of
those as a field of its own, and keep the cell as printed beside it, so the
official table can be reproduced and every verdict explained.
"""

from gzplan.lib.bilingual import BilingualName  # noqa: F401 - named by migration 0001 as indicators.models.BilingualName
from indicators.models.commentary import Commentary
from indicators.models.common import TARGET_COMPARATORS, Comparator
from indicators.models.plans import (
    METADATA_FIELDS,
    Direction,
    Indicator,
    IndicatorCategory,
    IndicatorFact,
    Measure,
    Plan,
    PlanKind,
    PlanNote,
    PlanQuerySet,
    SourceDocument,
)
from indicators.models.targets import Assessment, AssignedBy, Attribute, LinkedRelation, Target, TargetQuerySet
from indicators.models.values import (
    ImportBatch,
    ImportState,
    RejectedEdit,
    ReportedValue,
    ValueStatus,
)

__all__ = [
    "METADATA_FIELDS",
    "TARGET_COMPARATORS",
    "Assessment",
    "AssignedBy",
    "Attribute",
    "Commentary",
    "Comparator",
    "Direction",
    "ImportBatch",
    "ImportState",
    "Indicator",
    "IndicatorCategory",
    "IndicatorFact",
    "LinkedRelation",
    "Measure",
    "Plan",
    "PlanKind",
    "PlanNote",
    "PlanQuerySet",
    "RejectedEdit",
    "ReportedValue",
    "SourceDocument",
    "Target",
    "TargetQuerySet",
    "ValueStatus",
]
