from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path, re_path, register_converter

from accounts.views import SignInView
from following import views as following_views
from gzplan.api import api, not_found
from gzplan.health import health
from gzplan.lib.converters import IdConverter, YearConverter
from indicators.web import commentary as commentary_views
from indicators.web import districts as district_views
from indicators.web import entry as entry_views
from indicators.web import imports as import_views
from indicators.web import pages as indicator_views
from indicators.web import plantables as plan_table_views
from indicators.web import search as search_views
from reporting.web import reminders as reminder_views
from reporting.web import rounds as round_views
from reports import views as report_views

# Ids and years in paths are bounded as the database stores them: a larger number is a 404, not a 500.
register_converter(IdConverter, "id")
register_converter(YearConverter, "year")

# zh-Hans at /, English under /en/: every page (the admin console too) has a stable,
# shareable address per language.
# The API speaks JSON in one language for programs: outside the language prefixes.
urlpatterns = [
    path("api/v1/", api.urls),
    path("health/", health, name="health"),
    re_path(r"^api/(?P<rest>.*)$", not_found),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("entry/", entry_views.entry_index, name="entry"),
    path("entry/<str:code>/<year:year>/", entry_views.entry_grid, name="entry-grid"),
    path("entry/<str:code>/<year:year>/review/", entry_views.review_year, name="entry-review"),
    path("entry/<str:code>/<year:year>/template.<str:fmt>", import_views.entry_template, name="entry-template"),
    path("imports/", import_views.import_upload, name="import"),
    path("imports/<id:pk>/", import_views.import_batch, name="import-batch"),
    path("imports/<id:pk>/progress.json", import_views.import_progress, name="import-progress"),
    path("imports/<id:pk>/confirm/", import_views.import_confirm, name="import-confirm"),
    path("imports/<id:pk>/retry/", import_views.import_retry, name="import-retry"),
    path("values/<id:pk>/", entry_views.value_history, name="value-history"),
    path("targets/<id:pk>/commentary/<year:year>/", commentary_views.commentary_edit, name="commentary"),
    path("export/everything.<str:fmt>", import_views.export_everything, name="export-everything"),
    path("values/<id:pk>/restore/<id:history_id>/", entry_views.restore_value, name="value-restore"),
    path("", indicator_views.scorecard, name="scorecard"),
    path("districts/", district_views.district_index, name="district-index"),
    path("districts/<str:code>/", district_views.district, name="district"),
    path("search/", search_views.search, name="search"),
    path("indicators/", indicator_views.indicator_index, name="indicator-index"),
    path("downloads/", indicator_views.downloads, name="downloads"),
    path("indicators/<slug:code>/", indicator_views.indicator_detail, name="indicator"),
    path("indicators/<slug:code>/data.<str:fmt>", indicator_views.indicator_data, name="indicator-data"),
    path("plans/new-from-table/", plan_table_views.new_from_table, name="plan-from-table"),
    path("plans/<slug:code>/", indicator_views.plan_detail, name="plan"),
    path("plans/<slug:code>/table.xlsx", indicator_views.plan_xlsx, name="plan-xlsx"),
    path("plans/<slug:code>/report.pdf", report_views.report_file, {"fmt": "pdf"}, name="plan-report-pdf"),
    path("plans/<slug:code>/report.docx", report_views.report_file, {"fmt": "docx"}, name="plan-report-docx"),
    path("following/", following_views.following, name="following"),
    path("following/follow/", following_views.follow, name="follow"),
    path("following/unfollow/", following_views.unfollow, name="unfollow"),
    path("rounds/", round_views.round_list, name="rounds"),
    path("rounds/<year:year>/", round_views.round_board, name="round"),
    path("rounds/<year:year>/<str:code>/", round_views.round_area, name="round-area"),
    path("account/reminders/", reminder_views.reminder_preference, name="reminder-preference"),
    path("rounds/<year:year>/<str:code>/submission/", round_views.round_submission, name="round-submission"),
    prefix_default_language=False,
)
