"""API routes of progress assessments, under ``organizations/<org>/collaboratives/<collab>/``:
``assessments/`` (list, create, read, PATCH) and ``assessment-scale/`` (GET, PUT)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from teams.api.assessments import AssessmentScaleView, AssessmentViewSet

router = SimpleRouter()
router.register("assessments", AssessmentViewSet, basename="assessment")

urlpatterns = [
    path("", include(router.urls)),
    path("assessment-scale/", AssessmentScaleView.as_view(), name="assessment-scale"),
]
