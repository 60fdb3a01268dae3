"""Objects named in both product languages."""

from __future__ import annotations

from django.utils.translation import get_language


class BilingualName:
    """`name` in the active language, from `name_zh` (zh-Hans) and `name_en`."""

    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh
