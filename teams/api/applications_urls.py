"""API routes of applications, under ``organizations/<org>/collaboratives/<collab>/``.

``application-window/`` is one object per collaborative (GET, PUT, PATCH); its
questions and readiness statements are nested collections below it.
"""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from teams.api.applications import (
    ApplicationQuestionViewSet,
    ApplicationViewSet,
    ApplicationWindowView,
    ReadinessItemViewSet,
)

router = SimpleRouter()
router.register(
    "application-window/questions", ApplicationQuestionViewSet, basename="application-question"
)
router.register(
    "application-window/readiness-items", ReadinessItemViewSet, basename="readiness-item"
)
router.register("applications", ApplicationViewSet, basename="application")

urlpatterns = [
    path("application-window/", ApplicationWindowView.as_view(), name="application-window"),
    *router.urls,
]
