from __future__ import annotations

from django.contrib import admin

from .models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["parent"]
    fieldsets = [
        (None, {"fields": ["code", "level", "parent", "name_zh", "name_en"]}),
        ("专栏14 发展指引 / development guidance", {"fields": ["positioning_zh", "focus_zh", "platforms_zh"]}),
        ("来源 / source", {"fields": ["source_document", "source_ref"]}),
    ]
