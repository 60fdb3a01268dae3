"""The admin console's columns of stored text in one language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models

from gzplan.lib.bilingual import as_printed


def printed_column(model: type[models.Model], field: str) -> Callable[[Any, Any], str]:
    """A list column showing a stored text as printed (gzplan.lib.bilingual.as_printed): an English name on
    a Chinese page, or a Chinese one on an English page, in its own `lang`, and Chinese with Chinese
    punctuation; labelled and sorted as the field."""

    def column(model_admin: Any, obj: Any) -> str:
        return as_printed(getattr(obj, field))

    column.__name__ = f"{field}_printed"
    label = getattr(model._meta.get_field(field), "verbose_name", field)
    return admin.display(description=label, ordering=field)(column)
