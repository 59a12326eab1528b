"""Routes of monthly reports, under ``/orgs/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import path

from measures.views.reports import ReportActionView, ReportView, TeamReportListView

MONTH = "<str:month>"

urlpatterns = [
    path("teams/<int:team>/reports/", TeamReportListView.as_view(), name="team_reports"),
    path(f"teams/<int:team>/reports/{MONTH}/", ReportView.as_view(), name="report_edit"),
    path(
        f"teams/<int:team>/reports/{MONTH}/<slug:action>/",
        ReportActionView.as_view(),
        name="report_action",
    ),
]
