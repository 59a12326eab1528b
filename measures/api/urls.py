"""API routes of measures and monthly reports."""

from __future__ import annotations

from django.urls import include, path

COLLAB = "organizations/<slug:org>/collaboratives/<slug:collab>/"

urlpatterns = [
    path(COLLAB, include("measures.api.definitions_urls")),
    path(COLLAB, include("measures.api.reports_urls")),
    path(COLLAB, include("measures.api.completeness_urls")),
    path(COLLAB, include("measures.api.reminders_urls")),
    path(COLLAB, include("measures.api.transfer_urls")),
    path("organizations/<slug:org>/", include("measures.api.charts_urls")),
]
