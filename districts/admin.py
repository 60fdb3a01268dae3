from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, Permission, User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.models import Area, AreaAccess
from gzplan.lib.admin import FieldLanguages, printed_column


@admin.register(Area)
class AreaAdmin(FieldLanguages, admin.ModelAdmin):
    list_display = ["code", "name_zh_printed", "name_en_printed", "level", "parent"]
    # Each name in its own language: the Chinese page marks the English name, the English page the Chinese.
    name_zh_printed = printed_column(Area, "name_zh")
    name_en_printed = printed_column(Area, "name_en")
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["parent"]
    fieldsets = [
        (None, {"fields": ["code", "level", "parent", "name_zh", "name_en"]}),
        (gettext_lazy("Development guidance (table 14)"), {"fields": ["positioning_zh", "focus_zh", "platforms_zh"]}),
        (
            gettext_lazy("English translation (not official)"),
            {"fields": ["positioning_en", "focus_en", "platforms_en"]},
        ),
        (gettext_lazy("Source"), {"fields": ["source_document", "source_ref"]}),
    ]


class AreaAccessInline(admin.TabularInline):
    model = AreaAccess
    extra = 1
    autocomplete_fields = ["area"]
    verbose_name = gettext_lazy("area whose figures the user may write (a city covers its districts)")
    verbose_name_plural = gettext_lazy("areas whose figures the user may write (a city covers its districts)")


def _label(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def refuse_ungranted(request, permissions, groups=()) -> None:
    """A ValidationError naming the permissions among these (and these groups') that the signed-in user
    does not hold: only a superuser grants what they do not hold themselves."""
    if request.user.is_superuser:
        return
    wanted = {_label(p) for p in permissions}
    for group in groups:
        wanted |= {_label(p) for p in group.permissions.select_related("content_type")}
    missing = sorted(wanted - request.user.get_all_permissions())
    if missing:
        raise forms.ValidationError(
            _("You may grant only permissions you hold yourself; not held: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )


class NoEscalationUserForm(UserChangeForm):
    """Only a superuser makes a superuser or grants what they do not hold themselves."""

    request: Any = None  # set by UserWithAreasAdmin.get_form

    def clean(self):
        data = super().clean() or {}
        request = self.request
        if request is None or request.user.is_superuser:
            return data
        stored = User.objects.filter(pk=self.instance.pk).first()
        if stored is not None and stored.is_superuser:
            raise forms.ValidationError(_("Only a superuser may change a superuser."))
        if data.get("is_superuser"):
            raise forms.ValidationError(_("Only a superuser may make a user a superuser."))
        old_permissions = set(stored.user_permissions.all()) if stored else set()
        old_groups = set(stored.groups.all()) if stored else set()
        added_permissions = set(data.get("user_permissions") or []) - old_permissions
        added_groups = set(data.get("groups") or []) - old_groups
        refuse_ungranted(request, added_permissions, added_groups)
        return data


# The user page says which areas a user works on, beside their role (group).
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserWithAreasAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, AreaAccessInline]
    form = NoEscalationUserForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request}) if issubclass(form, NoEscalationUserForm) else form

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or request.user.is_superuser or not obj.is_superuser)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or request.user.is_superuser or not obj.is_superuser)


class NoEscalationGroupForm(forms.ModelForm):
    request: Any = None  # set by GroupAdmin.get_form

    class Meta:
        model = Group
        fields = ["name", "permissions"]

    def clean(self):
        data = super().clean() or {}
        if self.request is not None and not self.request.user.is_superuser:
            old = set(self.instance.permissions.all()) if self.instance.pk else set()
            refuse_ungranted(self.request, set(data.get("permissions") or []) - old)
        return data


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles: only a superuser adds to a role a permission they do not hold themselves."""

    form = NoEscalationGroupForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request": request})
