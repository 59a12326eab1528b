"""Routes of the accounts API, one router per level of the URL (as pretix does).

``SimpleRouter`` rather than ``DefaultRouter``: the API root is our own view,
and a generated root at ``organizations/<org>/`` would shadow the organization
detail. The organization's URL kwarg is ``org`` (``bsc.tenancy.ORG_URL_KWARG``),
which is what makes ``TenantMiddleware`` scope the request and
``OrganizationPermission`` check membership.
"""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

# Importing registers the OpenAPI description of token authentication.
from accounts.api import schema  # noqa: F401
from accounts.api.views import ApiRootView, InvitationViewSet, MemberViewSet, OrganizationViewSet

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")

organization_router = SimpleRouter()
organization_router.register("members", MemberViewSet, basename="member")
organization_router.register("invitations", InvitationViewSet, basename="invitation")

urlpatterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("", include(router.urls)),
    path("organizations/<slug:org>/", include(organization_router.urls)),
]
