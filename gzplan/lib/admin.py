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


class FieldLanguages:
    """A ModelAdmin mixin: the boxes of a field kept in one language (`…_zh`, `…_en`) carry its `lang`, so a
    screen reader reads and a spell checker checks the text in that language (WCAG 3.1.2)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        lang = {"_zh": "zh-Hans", "_en": "en"}.get(db_field.name[-3:])
        if field is not None and lang:
            field.widget.attrs["lang"] = lang
        return field
