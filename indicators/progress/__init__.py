"""The progress engine: judge plan targets against the figures reported for them.

`engine` decides (pure Python), `explain` words the verdicts in each language of the
message catalogue, `evaluation` feeds the engine from the database. The engine's public
names are here too: `from indicators.progress import evaluate, TargetSpec, Observation`.
"""

from indicators.progress.engine import (
    ABOVE_SCALE,
    ACHIEVED,
    AT_RISK,
    BELOW_SCALE,
    NO_DATA,
    NOT_ACHIEVED,
    NOT_ASSESSED,
    OFF_TRACK,
    ON_TRACK,
    STATUS_ORDER,
    STATUSES,
    TARGET_PENDING,
    WITHIN_SCALE,
    Evaluation,
    Note,
    NoteKind,
    Observation,
    TargetSpec,
    evaluate,
    expected_path,
    period_closed,
)

__all__ = [
    "ABOVE_SCALE",
    "ACHIEVED",
    "AT_RISK",
    "BELOW_SCALE",
    "NOT_ACHIEVED",
    "NOT_ASSESSED",
    "NO_DATA",
    "OFF_TRACK",
    "ON_TRACK",
    "STATUSES",
    "STATUS_ORDER",
    "TARGET_PENDING",
    "WITHIN_SCALE",
    "Evaluation",
    "Note",
    "NoteKind",
    "Observation",
    "TargetSpec",
    "evaluate",
    "expected_path",
    "period_closed",
]
