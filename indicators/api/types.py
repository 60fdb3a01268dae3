"""The API's types for the facts of the domain: years, figures, statuses and the choices of the
models, each built from where the fact is defined (indicators.domain, the models, the engine).

Some stay spelled out as Literal types, since the OpenAPI schema lists their values in this
order; a check at import makes sure they still name exactly the models' choices.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from django.db import models
from pydantic import Field, Strict, StringConstraints

from gzplan.lib.apitools import STORABLE, choice_pattern
from indicators.domain import DECIMAL_PLACES, FIRST_YEAR, LARGEST, LAST_YEAR, MAX_DIGITS
from indicators.models import Attribute, Comparator, PlanKind, ReportedValue, ValueStatus
from indicators.progress.engine import STATUSES


def _same_values(name: str, literal: Any, choices: Iterable[str]) -> None:
    """Refuse to start if a Literal of the API and the choices it mirrors have drifted apart."""
    values, expected = set(get_args(literal)), set(choices)
    if values != expected:
        raise TypeError(f"{name} {sorted(values)} differs from the model's choices {sorted(expected)}")


Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]

# In a JSON body a whole number must be a number: not true/false, not "2024", not 2024.0.
WholeNumber = Annotated[int, Strict()]
BodyYear = Annotated[Year, Strict()]

FigureStatus = Literal["preliminary", "final", "revised"]
_same_values("FigureStatus", FigureStatus, ValueStatus.values)

Qualifier = Literal["", "at_least", "more_than", "at_most", "less_than", "about", "exact"]
_same_values("Qualifier", Qualifier, ["", *Comparator.values])

Number = Annotated[
    Decimal,
    Field(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        ge=-LARGEST,
        le=LARGEST,
        description=f"At most {MAX_DIGITS - DECIMAL_PLACES} digits before the point and {DECIMAL_PLACES} after, "
        f"at most {LARGEST} either side of 0.",
    ),
]


def _column_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a text column of bounded length")
    return field.max_length


# Text a figure carries: as long as its column allows; for unbounded columns (TextField), as the API allows.
Notation = Annotated[str, StringConstraints(max_length=_column_length(ReportedValue, "notation")), STORABLE]
SourceText = Annotated[str, StringConstraints(max_length=_column_length(ReportedValue, "source")), STORABLE]
NoteText = Annotated[str, StringConstraints(max_length=2000), STORABLE]
ReasonText = Annotated[str, StringConstraints(max_length=500), STORABLE]

# Query parameter patterns.
PLAN_KIND_PATTERN = choice_pattern(PlanKind.values)
ATTRIBUTE_PATTERN = choice_pattern([*Attribute.values, ""])  # "" for a target whose attribute is not stated
VERDICT_STATUS_PATTERN = choice_pattern(STATUSES)
VERDICT_STATUSES_TEXT = ", ".join(STATUSES[:-1]) + " or " + STATUSES[-1]
