"""API routes of report completeness, under ``organizations/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from measures.api.completeness import CompletenessViewSet

router = SimpleRouter()
router.register("completeness", CompletenessViewSet, basename="completeness")

urlpatterns = [path("", include(router.urls))]
