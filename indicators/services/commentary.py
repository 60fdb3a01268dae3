"""Writing commentary (原因分析, 下一步措施) on a target's year: the one write path for pages, API and admin.

The same rules as for figures: the writer needs a role that writes figures and the target's area, a
year the target's plan covers, a year not reviewed (frozen) nor submitted for review (held). An empty
text leaves nothing to say: clearing both analyses deletes the commentary, which its history keeps.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from districts.access import can_edit_area, frozen_message, frozen_reviews, held_years, may_write_values
from indicators.models import Commentary, Target

TEXT_FIELDS = ("analysis_zh", "measures_zh", "analysis_en", "measures_en")
MAX_LENGTH = 5000


def write_commentary(target: Target, year: int, texts: dict[str, str], *, user, reason: str = "") -> Commentary | None:
    """Save the commentary on `target` for `year` (texts by TEXT_FIELDS; missing ones kept as stored).

    Returns the commentary, or None when the texts leave no analysis (it is deleted). Raises
    PermissionDenied for a user who may not write the target's area, ValidationError naming the field
    for a year outside the plan, a frozen year, a text too long, or measures without an analysis.
    """
    if not (may_write_values(user) and can_edit_area(user, target.plan.area_id)):
        raise PermissionDenied(
            f"You may not write commentary for {target.plan.area.name_en}: it needs an analyst role for that area."
        )
    if not target.plan.covers(year):
        raise ValidationError(
            {"year": f"{year} is outside the plan's period {target.plan.period_start}–{target.plan.period_end}."}
        )
    for review in frozen_reviews({(target.plan.area_id, year)}).values():
        raise ValidationError({"year": frozen_message(review)})
    for message in held_years({(target.plan.area_id, year)}).values():
        raise ValidationError({"year": message})
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    stored = Commentary.objects.filter(target=target, year=year).first()
    values = {name: (getattr(stored, name) if stored else "") for name in TEXT_FIELDS}
    values.update({name: str(text).strip() for name, text in texts.items()})
    errors = {
        name: f"At most {MAX_LENGTH} characters ({len(text)} given)."
        for name, text in values.items()
        if len(text) > MAX_LENGTH
    }
    if not values["analysis_zh"] and not values["analysis_en"] and (values["measures_zh"] or values["measures_en"]):
        errors["analysis_zh"] = "Write the analysis (原因分析) before the measures, in Chinese or in English."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if not values["analysis_zh"] and not values["analysis_en"]:
            if stored is not None:
                stored._history_user, stored._change_reason = user, reason or "cleared"
                stored.delete()
            return None
        commentary = stored or Commentary(target=target, year=year)
        if stored is not None and all(getattr(stored, n) == values[n] for n in TEXT_FIELDS):
            return stored
        for name, text in values.items():
            setattr(commentary, name, text)
        commentary.written_by = user
        commentary._history_user = user
        commentary._change_reason = reason or ("written" if stored is None else "revised")
        commentary.save()
    return commentary
