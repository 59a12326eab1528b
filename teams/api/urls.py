"""API routes of teams and applications."""

from __future__ import annotations

from django.urls import include, path

COLLAB = "organizations/<slug:org>/collaboratives/<slug:collab>/"

urlpatterns = [
    path(COLLAB, include("teams.api.teams_urls")),
    path(COLLAB, include("teams.api.applications_urls")),
    path(COLLAB, include("teams.api.assessments_urls")),
    path(COLLAB, include("teams.api.spread_plans_urls")),
]
