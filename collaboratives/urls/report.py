"""The collaborative report, under ``/orgs/<org>/collaboratives/<collab>/report/``."""

from __future__ import annotations

from django.urls import path

from collaboratives.views import report as views

urlpatterns = [
    path("report/", views.CollaborativeReportView.as_view(), name="collaborative_report"),
    path(
        "report/pdf/", views.CollaborativeReportPdfView.as_view(), name="collaborative_report_pdf"
    ),
]
