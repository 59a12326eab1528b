"""API routes of teams, rosters and affinity groups, one router per URL level (as pretix does).

Under ``organizations/<org>/collaboratives/<collab>/``: ``teams/``,
``teams/<team>/`` (with ``composition/``), ``teams/<team>/members/`` (with
``<pk>/invite/``) and ``affinity-groups/``.
"""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from teams.api.teams import AffinityGroupViewSet, TeamMemberViewSet, TeamViewSet

router = SimpleRouter()
router.register("teams", TeamViewSet, basename="team")
router.register("affinity-groups", AffinityGroupViewSet, basename="affinity-group")

team_router = SimpleRouter()
team_router.register("members", TeamMemberViewSet, basename="team-member")

urlpatterns = [
    path("", include(router.urls)),
    path("teams/<int:team>/", include(team_router.urls)),
]
