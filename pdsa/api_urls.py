"""API routes of PDSA cycles, under ``organizations/<org>/collaboratives/<collab>/``:
``pdsa-cycles/`` (with ``<pk>/status|next|ramp|attachments/``), ``pdsa-ramps/`` and
``pdsa-spread-map/``."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from pdsa.api import CycleViewSet, RampView, SpreadMapView

COLLAB = "organizations/<slug:org>/collaboratives/<slug:collab>/"

router = SimpleRouter()
router.register("pdsa-cycles", CycleViewSet, basename="pdsa-cycle")

urlpatterns = [
    path(COLLAB, include(router.urls)),
    path(f"{COLLAB}pdsa-ramps/", RampView.as_view(), name="pdsa-ramps"),
    path(f"{COLLAB}pdsa-spread-map/", SpreadMapView.as_view(), name="pdsa-spread-map"),
]
