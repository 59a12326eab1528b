"""API routes of pre-work, under ``organizations/<org>/collaboratives/<collab>/``.

Completions nest under their assignment (one router per URL level, as pretix does).
"""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from collaboratives.api.prework import AssignmentViewSet, CompletionViewSet

router = SimpleRouter()
router.register("assignments", AssignmentViewSet, basename="assignment")

assignment_router = SimpleRouter()
assignment_router.register("completions", CompletionViewSet, basename="assignment-completion")

urlpatterns = [
    *router.urls,
    path("assignments/<int:assignment>/", include(assignment_router.urls)),
]
