"""API routes of the schedule, under ``organizations/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from collaboratives.api.schedule import (
    ActionPeriodViewSet,
    CallSeriesViewSet,
    CallViewSet,
    LearningSessionViewSet,
)

router = SimpleRouter()
router.register("learning-sessions", LearningSessionViewSet, basename="learning-session")
router.register("action-periods", ActionPeriodViewSet, basename="action-period")
router.register("call-series", CallSeriesViewSet, basename="call-series")
router.register("calls", CallViewSet, basename="call")

urlpatterns = router.urls
