"""API routes of collaboratives, one module per area (routers per URL level, as pretix does)."""

from __future__ import annotations

from django.urls import include, path

COLLAB = "organizations/<slug:org>/collaboratives/<slug:collab>/"

urlpatterns = [
    path("", include("collaboratives.api.core_urls")),
    path(COLLAB, include("collaboratives.api.schedule_urls")),
    path(COLLAB, include("collaboratives.api.change_package_urls")),
    path(COLLAB, include("collaboratives.api.prework_urls")),
    path(COLLAB, include("collaboratives.api.sharing_urls")),
]
