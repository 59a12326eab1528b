"""API routes of monthly reports, under ``organizations/<org>/collaboratives/<collab>/``:
``reports/`` (with ``<pk>/submit|return|accept|reopen|unlock/``) and
``teams/<team>/values/`` (a month's values from a team's own system)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from measures.api.reports import ReportViewSet, TeamValuesView

router = SimpleRouter()
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [
    path("", include(router.urls)),
    path("teams/<int:team>/values/", TeamValuesView.as_view(), name="team-values"),
]
