"""The progress engine: judge plan targets against the figures reported for them.

`engine` decides (pure Python), `explain` words the verdicts in each language of the
message catalogue, `evaluation` feeds the engine from the database. The engine's public
names are here too: `from indicators.progress import evaluate, TargetSpec, Observation`.
"""

from indicators.progress.engine import (
    ACHIEVED,
    AT_RISK,
    NO_DATA,
    NOT_ACHIEVED,
    NOT_ASSESSED,
    OFF_TRACK,
    ON_TRACK,
    STATUS_ORDER,
    STATUSES,
    TARGET_PENDING,
    Evaluation,
    Note,
    NoteKind,
    Observation,
    TargetSpec,
    evaluate,
    expected_path,
)

__all__ = [
    "ACHIEVED",
    "AT_RISK",
    "NOT_ACHIEVED",
    "NOT_ASSESSED",
    "NO_DATA",
    "OFF_TRACK",
    "ON_TRACK",
    "STATUSES",
    "STATUS_ORDER",
    "TARGET_PENDING",
    "Evaluation",
    "Note",
    "NoteKind",
    "Observation",
    "TargetSpec",
    "evaluate",
    "expected_path",
]
