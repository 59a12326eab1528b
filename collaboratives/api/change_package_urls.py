"""API routes of the change package, under ``organizations/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from collaboratives.api.change_package import (
    ChangeIdeaViewSet,
    ChangePackageView,
    DriverViewSet,
)

router = SimpleRouter()
router.register("drivers", DriverViewSet, basename="driver")
router.register("change-ideas", ChangeIdeaViewSet, basename="change-idea")

urlpatterns = [
    path("change-package/", ChangePackageView.as_view(), name="change-package"),
    *router.urls,
]
