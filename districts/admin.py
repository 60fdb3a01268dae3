from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from districts.models import Area, AreaAccess


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


class AreaAccessInline(admin.TabularInline):
    model = AreaAccess
    extra = 1
    autocomplete_fields = ["area"]
    verbose_name = "area whose figures the user may write (a city covers its districts)"
    verbose_name_plural = "areas whose figures the user may write (a city covers its districts)"


# The user page says which areas a user works on, beside their role (group).
admin.site.unregister(User)


@admin.register(User)
class UserWithAreasAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, AreaAccessInline]
