from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from districts.access import ALL, can_edit_area, editable_area_ids, frozen_message, frozen_reviews, held_years
from districts.models import Area
from gzplan.lib.admin import FieldLanguages, printed_column
from gzplan.lib.numbers import plain_number
from indicators import services
from indicators.models import Commentary, Indicator, Plan, PlanNote, ReportedValue, SourceDocument, Target

admin.site.site_header = _("Guangzhou plan indicators")
admin.site.site_title = _("gzplan")
admin.site.index_title = _("Plans, indicators and reported values")


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["key", "title_zh", "title_en", "publisher", "published"]
    search_fields = ["key", "title_zh", "title_en", "publisher", "file"]


@admin.register(Indicator)
class IndicatorAdmin(FieldLanguages, admin.ModelAdmin):
    list_display = ["code", "name_zh_printed", "name_en_printed", "unit_zh_printed", "category", "direction", "measure"]
    list_filter = ["category", "direction", "measure"]
    # Each name in its own language: the Chinese page marks the English name, the English page the Chinese.
    name_zh_printed = printed_column(Indicator, "name_zh")
    name_en_printed = printed_column(Indicator, "name_en")
    unit_zh_printed = printed_column(Indicator, "unit_zh")
    search_fields = ["code", "name_zh", "name_en"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    ("name_zh", "name_en"),
                    ("unit_zh", "unit_en"),
                    "category",
                    "direction",
                    "measure",
                    "growth_of",
                    "note",
                ]
            },
        ),
        (
            _("Metadata"),
            {
                "description": _("Shown on the indicator's page; leave a field blank until a source states it."),
                "fields": [
                    ("definition_zh", "definition_en"),
                    ("scope_zh", "scope_en"),
                    ("department_zh", "department_en"),
                    ("data_source_zh", "data_source_en"),
                    ("release_zh", "release_en"),
                    ("metadata_source", "metadata_source_ref"),
                ],
            },
        ),
    ]


class PlanNoteInline(admin.TabularInline):
    model = PlanNote
    extra = 0
    fields = ["number", "text_zh", "source_ref"]


class TargetInline(admin.TabularInline):
    model = Target
    fk_name = "plan"
    extra = 0
    show_change_link = True
    autocomplete_fields = ["indicator", "linked_indicator"]
    fields = [
        "position",
        "row",
        "part",
        "indicator",
        "label_zh",
        "baseline_notation",
        "target_year",
        "target_value",
        "comparator",
        "target_notation",
        "is_cumulative",
        "is_annual_average",
        "is_planning_scale",
        "linked_indicator",
        "linked_relation",
        "assigned_by",
        "attribute",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "linked_indicator")


@admin.register(Plan)
class PlanAdmin(FieldLanguages, admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "area", "kind", "period_start", "period_end", "source_document"]
    list_filter = ["kind", "area"]
    search_fields = ["code", "name_zh", "name_en", "area__name_zh", "area__name_en"]
    list_select_related = ["area", "source_document"]
    inlines = [TargetInline, PlanNoteInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Target:
            return super().save_formset(request, form, formset, change)
        # The plan's targets are written through the services, like every other target edit.
        targets = formset.save(commit=False)
        services.delete_targets(formset.deleted_objects, user=request.user, reason="deleted in the admin console")
        for target in targets:
            services.save_target(target, user=request.user, reason="edited in the admin console (plan page)")
        formset.save_m2m()


@admin.register(Target)
class TargetAdmin(FieldLanguages, SimpleHistoryAdmin):
    list_display = [
        "plan",
        "row",
        "part",
        "indicator",
        "baseline_notation_printed",
        "target_notation_printed",
        "target_number",
        "comparator",
        "kind_label",
        "attribute",
    ]
    list_filter = [
        "plan__area",
        "plan",
        "attribute",
        "assigned_by",
        "linked_relation",
        "is_cumulative",
        "is_annual_average",
        "is_planning_scale",
    ]
    search_fields = ["indicator__code", "indicator__name_zh", "indicator__name_en", "label_zh", "plan__code"]
    # The notation as the plan prints it (Chinese): marked as Chinese on the English page.
    baseline_notation_printed = printed_column(Target, "baseline_notation")
    target_notation_printed = printed_column(Target, "target_notation")
    list_select_related = ["plan", "indicator", "linked_indicator"]
    autocomplete_fields = ["indicator", "linked_indicator"]
    filter_horizontal = ["footnotes"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "plan",
                    "indicator",
                    "position",
                    "row",
                    "part",
                    "category_zh",
                    "label_zh",
                    "unit_label",
                    "attribute",
                ]
            },
        ),
        (
            _("Baseline"),
            {
                "fields": [
                    "baseline_value",
                    "baseline_qualifier",
                    "baseline_year",
                    "baseline_span_from",
                    "baseline_notation",
                ]
            },
        ),
        (
            pgettext_lazy("admin fieldset", "Target"),
            {
                "fields": [
                    "target_year",
                    "target_value",
                    "comparator",
                    "target_notation",
                    "is_cumulative",
                    "is_annual_average",
                    "is_planning_scale",
                    "linked_indicator",
                    "linked_relation",
                    "assigned_by",
                    "tolerance",
                    "assessment",
                    "assessment_source",
                ]
            },
        ),
        (
            _("Revision and notes"),
            {"fields": ["original_value", "revision_reason", "footnotes", "note", "source_document", "source_ref"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        fields = ", ".join(form.changed_data) or "no field"
        services.save_target(obj, user=request.user, reason=f"edited in the admin console: {fields}")

    def delete_model(self, request, obj):
        self.delete_queryset(request, Target.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # A plan's targets are its area's: an administrator scoped to one district deletes none of another's.
        targets = list(queryset.select_related("plan__area"))
        for target in targets:
            if not can_edit_area(request.user, target.plan.area_id):
                raise PermissionDenied(
                    _("You may not delete the targets of %(area)s's plans.") % {"area": target.plan.area}
                )
        services.delete_targets(targets, user=request.user, reason="deleted in the admin console")

    # Changing or deleting a target: only for the plans of the areas the user works on.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_area(request.user, obj.plan.area_id))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit_area(request.user, obj.plan.area_id))

    @admin.display(description=_("kind"))
    def kind_label(self, obj: Target) -> str:
        return obj.kind

    @admin.display(description=_("target value"), ordering="target_value")
    def target_number(self, obj: Target) -> str:
        return plain_number(obj.target_value)


class ReportedValueForm(forms.ModelForm):
    """Carries the version the page was opened with: a save over a colleague's newer figure is refused."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReportedValue
        fields = [
            "area",
            "indicator",
            "year",
            "quarter",
            "span_from",
            "reference_year",
            "value",
            "qualifier",
            "notation",
            "status",
            "source_document",
            "source",
            "note",
        ]

    user: Any = None  # set by ReportedValueAdmin.get_form: who is editing

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The stored version, not the instance's: the history's revert fills the form from an old
            # version, which is the change to make, not the version it replaces.
            stored = ReportedValue.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.fields["seen_version"].initial = stored if stored is not None else self.instance.version

    def clean(self):
        data = super().clean() or {}
        pairs = {(area.pk, data["year"]) for area in [data.get("area")] if area and data.get("year")}
        if self.instance.pk:
            stored = ReportedValue.objects.filter(pk=self.instance.pk).first()
            if stored is not None:
                pairs.add((stored.area_id, stored.year))
                seen = data.get("seen_version")
                if seen is not None and seen != stored.version:
                    services.record_refused_edit(
                        stored, value=data.get("value"), seen_version=seen, user=self.user, channel="admin"
                    )
                    raise forms.ValidationError(
                        _(
                            "Someone changed this figure after you opened the page (now version %(version)s, "
                            "value %(value)s). Your change was not saved: reload the page."
                        )
                        % {"version": stored.version, "value": plain_number(stored.value)}
                    )
        for review in frozen_reviews(pairs).values():
            raise forms.ValidationError(frozen_message(review))
        for message in held_years(pairs).values():
            raise forms.ValidationError(message)
        return data


def _attribute(value: ReportedValue, name: str) -> object:
    """A form field's value on the model, foreign keys by their id."""
    return getattr(value, name + "_id") if name in _FOREIGN_KEYS else getattr(value, name)


_FOREIGN_KEYS = {f.name for f in ReportedValue._meta.concrete_fields if f.is_relation}


@admin.register(ReportedValue)
class ReportedValueAdmin(SimpleHistoryAdmin):
    form = ReportedValueForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The form records a refused edit with its user: a subclass that knows the request's user.
        return type(form.__name__, (form,), {"user": request.user})

    list_display = [
        "area",
        "indicator",
        "year",
        "quarter",
        "span_from",
        "reference_year",
        "value_number",
        "qualifier",
        "status",
        "version",
        "updated_at",
    ]
    list_filter = ["status", "year", "area", "indicator__category"]
    search_fields = [
        "indicator__code",
        "indicator__name_zh",
        "indicator__name_en",
        "area__code",
        "area__name_zh",
        "area__name_en",
        "source",
        "note",
    ]
    list_select_related = ["area", "indicator"]
    autocomplete_fields = ["area", "indicator"]
    readonly_fields = ["version", "entered_by", "created_at", "updated_at"]

    @admin.display(description=_("value"), ordering="value")
    def value_number(self, obj: ReportedValue) -> str:
        return plain_number(obj.value)

    date_hierarchy = None

    # Analysts write only the figures of their areas (districts.access); everyone with the
    # view permission reads all. Checked again on save, which the history's revert also calls.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and editable_area_ids(request.user) != set()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_area(request.user, obj.area_id))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit_area(request.user, obj.area_id))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            areas = editable_area_ids(request.user)
            if areas is not ALL:
                kwargs["queryset"] = Area.objects.filter(pk__in=areas)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history lets whoever may view a figure open an old version; reverting is a change.
        if request.method == "POST":
            stored = ReportedValue.objects.filter(pk=object_id).select_related("area").first()
            if stored is None or not self.has_change_permission(request, stored):
                area = stored.area if stored is not None else "?"
                raise PermissionDenied(
                    _("You may not change the figures of %(area)s, so you may not revert this one.") % {"area": area}
                )
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        changed = form.changed_data
        if change:
            stored = ReportedValue.objects.get(pk=obj.pk)
            if not self.has_change_permission(request, stored):
                raise PermissionDenied
            # Against the stored figure, not the form's first values: a revert from the history starts
            # from the old version, so what it changes is what differs from the figure as stored now.
            changed = [
                name for name in ReportedValueForm.Meta.fields if _attribute(obj, name) != _attribute(stored, name)
            ]
        elif not self.has_add_permission(request):
            raise PermissionDenied
        if not can_edit_area(request.user, obj.area_id):
            raise PermissionDenied
        services.save_value_from_form(obj, changed_fields=changed, user=request.user)

    def delete_model(self, request, obj):
        self.delete_queryset(request, ReportedValue.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # Through the services: another area's figures and a reviewed year's are refused, nothing is deleted.
        try:
            services.delete_values(queryset, user=request.user, reason="deleted in the admin console")
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None


@admin.register(Commentary)
class CommentaryAdmin(FieldLanguages, SimpleHistoryAdmin):
    """Read here, written on its page (/targets/<id>/commentary/<year>/), where the rules of the areas
    and of reviewed years apply as for figures: the console has no second way to write it."""

    list_display = ["target", "year", "written_by", "updated_at"]
    list_filter = ["year", "target__plan"]
    search_fields = ["target__plan__code", "target__indicator__code", "analysis_zh", "analysis_en"]
    list_select_related = ["target__plan", "target__indicator", "written_by"]
    readonly_fields = ["target", "year", "analysis_zh", "measures_zh", "analysis_en", "measures_en", "written_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
