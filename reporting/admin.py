from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from gzplan.lib.admin import FieldLanguages, printed_column
from reporting.models import MissingReason, OwedAdjustment, ReminderPreference, ReminderSent, Round, Submission


@admin.register(Round)
class RoundAdmin(FieldLanguages, SimpleHistoryAdmin):
    list_display = [
        "year",
        "kind",
        "title_zh_printed",
        "title_en_printed",
        "opens_on",
        "due_on",
        "created_by",
        "created_at",
    ]
    title_zh_printed = printed_column(Round, "title_zh")
    title_en_printed = printed_column(Round, "title_en")
    list_filter = ["kind", "year"]
    readonly_fields = ["year", "kind", "created_by", "created_at"]

    def has_add_permission(self, request):
        # Rounds are created on /rounds/ (reporting.services.create_round); here their dates and titles change.
        return False


@admin.register(OwedAdjustment)
class OwedAdjustmentAdmin(SimpleHistoryAdmin):
    list_display = ["round", "area", "indicator", "action", "reason", "by", "at"]
    list_filter = ["action", "round"]
    list_select_related = ["round", "area", "indicator", "by"]

    # Added and waived on the round's page for the area (reporting.services), which checks what is owed.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Reminders (issue 17 part 3) ---------------------------------------------------------------------


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """The log of reminder e-mails sent (reporting.reminders): read only, it is what keeps them from going twice."""

    list_display = ["sent_at", "round", "area", "user", "kind", "missing"]
    list_filter = ["kind", "round"]
    list_select_related = ["round", "area", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "reminders_enabled", "updated_at"]
    list_filter = ["reminders_enabled"]


# --- Submission and acceptance (issue 17 part 5): read-only here, the steps are the services' ---


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["round", "area", "state", "by", "at", "comment"]
    list_filter = ["state", "round"]
    list_select_related = ["round", "area", "by"]

    # Submitted, returned, accepted and reopened on the round's page for the area (reporting.services),
    # which checks who may and freezes or reopens the year with it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MissingReason)
class MissingReasonAdmin(SimpleHistoryAdmin):
    list_display = ["round", "area", "indicator", "reason", "by", "at"]
    list_filter = ["round"]
    list_select_related = ["round", "area", "indicator", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
