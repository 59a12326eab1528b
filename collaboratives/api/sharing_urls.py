"""API routes of sharing, under ``organizations/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from collaboratives.api.sharing import FeedPreferenceView, PostViewSet, ResourceViewSet

router = SimpleRouter()
router.register("posts", PostViewSet, basename="post")
router.register("resources", ResourceViewSet, basename="resource")

urlpatterns = [
    path("feed-preference/", FeedPreferenceView.as_view(), name="feed-preference"),
    *router.urls,
]
