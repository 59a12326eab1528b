"""API routes of the reminder log, under ``organizations/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from measures.api.reminders import ReminderViewSet

router = SimpleRouter()
router.register("reminders", ReminderViewSet, basename="reminder")

urlpatterns = router.urls
