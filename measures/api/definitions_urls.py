"""API routes of measures, under ``organizations/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from measures.api.definitions import MeasureViewSet, TeamGoalViewSet

router = SimpleRouter()
router.register("measures", MeasureViewSet, basename="measure")
router.register(
    r"measures/(?P<measure_pk>\d+)/team-goals", TeamGoalViewSet, basename="measure-team-goal"
)

urlpatterns = router.urls
