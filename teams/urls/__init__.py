"""Pages of teams and applications: ``/orgs/<org>/collaboratives/<collab>/...``."""

from __future__ import annotations

from django.urls import include, path

COLLAB = "orgs/<slug:org>/collaboratives/<slug:collab>/"

urlpatterns = [
    path(COLLAB, include("teams.urls.teams")),
    path(COLLAB, include("teams.urls.applications")),
    path(COLLAB, include("teams.urls.assessments")),
]
