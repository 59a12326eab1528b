"""API routes of the collaborative itself: one router per URL level (as pretix does).

``.../collaboratives/<collab>/`` names the collaborative ``collab``, the kwarg
that makes ``TenantMiddleware`` and ``OrganizationPermission`` resolve it.
"""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from collaboratives.api.core import AimGoalViewSet, CollaborativeViewSet, LeadershipViewSet

organization_router = SimpleRouter()
organization_router.register("collaboratives", CollaborativeViewSet, basename="collaborative")

collaborative_router = SimpleRouter()
collaborative_router.register("goals", AimGoalViewSet, basename="collaborative-goal")
collaborative_router.register("leadership", LeadershipViewSet, basename="collaborative-leadership")

urlpatterns = [
    path("organizations/<slug:org>/", include(organization_router.urls)),
    path(
        "organizations/<slug:org>/collaboratives/<slug:collab>/",
        include(collaborative_router.urls),
    ),
]
