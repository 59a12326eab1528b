"""Pages of measures and monthly reports, under ``/orgs/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import include, path

COLLAB = "orgs/<slug:org>/collaboratives/<slug:collab>/"

urlpatterns = [
    path(COLLAB, include("measures.urls.definitions")),
    path(COLLAB, include("measures.urls.reports")),
    path(COLLAB, include("measures.urls.completeness")),
    path(COLLAB, include("measures.urls.reminders")),
    path(COLLAB, include("measures.urls.transfer")),
    path(COLLAB, include("measures.urls.charts")),
]
