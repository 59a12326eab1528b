"""API views of accounts: the root, organizations, members and invitations.

Thin, as house style 3.3 asks: the tenant comes from the URL (``request.organization``,
set by ``bsc.middleware.TenantMiddleware`` and checked by
``bsc.api.OrganizationPermission``), querysets start from it, and every write
is one call to ``accounts.services`` with the token (or the user) as actor.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_scopes import scopes_disabled
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    ApiRootSerializer,
    InvitationSerializer,
    MemberSerializer,
    OrganizationSerializer,
)
from accounts.models import ApiToken, Invitation, Membership, Organization
from accounts.permissions import MANAGE_MEMBERS, VIEW_MEMBERS, VIEW_ORGANIZATION
from bsc import tenancy
from bsc.api import BAD_INPUT, CONFLICT, ORGANIZATION_PARAMETER, api_actor


class ApiRootView(APIView):
    """The entry point: links to the top-level endpoints."""

    # Only links, and the schema and docs they name are public too; the
    # organizations endpoint checks the caller itself.
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ApiRootSerializer, summary="Links to the top-level endpoints")
    def get(self, request: Request, format: str | None = None) -> Response:
        links = {
            "organizations": "api:organization-list",
            "schema": "api:schema",
            "docs": "api:docs",
        }
        return Response(
            {key: reverse(name, request=request, format=format) for key, name in links.items()}
        )


@extend_schema(tags=["organizations"])
@extend_schema_view(
    list=extend_schema(summary="Your organizations"),
    retrieve=extend_schema(summary="One of your organizations"),
)
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organizations the caller belongs to; a token sees only its own organization."""

    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()
    lookup_field = "slug"
    lookup_url_kwarg = tenancy.ORG_URL_KWARG
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    permission = VIEW_ORGANIZATION

    def get_queryset(self) -> list[Organization]:
        user = self.request.user
        token = self.request.auth if isinstance(self.request.auth, ApiToken) else None
        organizations = tenancy.organizations_for(user, token)
        # The API's one read across tenants: the caller's own memberships, for their roles.
        with scopes_disabled():
            memberships = Membership.objects.filter(user=user).order_by()
            roles = dict(memberships.values_list("organization", "role"))
        # Two reads, so a membership removed in between leaves an organization without a
        # role: it is no longer the caller's, so leave it out rather than fail.
        listed = [organization for organization in organizations if organization.pk in roles]
        for organization in listed:
            organization.role = roles[organization.pk]  # type: ignore[attr-defined]
        return listed

    def get_object(self) -> Organization:
        # OrganizationPermission has loaded the organization and the caller's membership.
        organization: Organization = self.request.organization
        organization.role = self.request.membership.role  # type: ignore[attr-defined]
        self.check_object_permissions(self.request, organization)
        return organization


@extend_schema(tags=["members"], parameters=[ORGANIZATION_PARAMETER])
@extend_schema_view(
    list=extend_schema(summary="Members of the organization"),
    retrieve=extend_schema(summary="One member"),
    partial_update=extend_schema(
        summary="Change a member's role",
        responses={200: MemberSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Remove a member",
        description="Also revokes the member's API tokens for this organization.",
        responses={204: None, 409: CONFLICT},
    ),
)
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MemberSerializer
    queryset = Membership.objects.none()
    permission = VIEW_MEMBERS
    write_permission = MANAGE_MEMBERS

    def get_queryset(self) -> QuerySet[Membership]:
        return self.request.organization.memberships.select_related("user").order_by(
            "user__email", "pk"
        )

    # PATCH only: the role is the one thing a client may change, so PUT would add nothing.
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        serializer = self.get_serializer(membership, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "role" in serializer.validated_data:
            services.membership_change_role(
                membership=membership,
                role=serializer.validated_data["role"],
                actor=api_actor(request),
            )
        return Response(self.get_serializer(membership).data)

    def perform_destroy(self, instance: Membership) -> None:
        services.membership_remove(membership=instance, actor=api_actor(self.request))


@extend_schema(tags=["invitations"], parameters=[ORGANIZATION_PARAMETER])
@extend_schema_view(
    list=extend_schema(summary="Invitations, newest first"),
    retrieve=extend_schema(summary="One invitation"),
    create=extend_schema(
        summary="Invite someone by e-mail",
        description=(
            "Sends the invitation e-mail. A pending invitation of the same address is "
            "replaced, so its link stops working."
        ),
        responses={201: InvitationSerializer, 400: BAD_INPUT},
    ),
    destroy=extend_schema(
        summary="Withdraw a pending invitation",
        description="The invitation is kept, with status `revoked`; its link stops working.",
        responses={204: None, 409: CONFLICT},
    ),
)
class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()
    # Who was invited, and by whom, is for those who may manage members.
    permission = MANAGE_MEMBERS

    def get_queryset(self) -> QuerySet[Invitation]:
        return self.request.organization.invitations.select_related("invited_by").order_by(
            "-created_at", "-pk"
        )

    def perform_create(self, serializer: InvitationSerializer) -> None:
        serializer.instance = services.invitation_create(
            organization=self.request.organization,
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
            actor=api_actor(self.request),
        )

    def perform_destroy(self, instance: Invitation) -> None:
        services.invitation_revoke(invitation=instance, actor=api_actor(self.request))

    @extend_schema(
        summary="Send a fresh link",
        description=(
            "Creates a new invitation with a new expiry and returns it; the old one "
            "becomes `replaced` and its link stops working."
        ),
        request=None,
        responses={201: InvitationSerializer, 400: BAD_INPUT},
    )
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = services.invitation_resend(
            invitation=self.get_object(), actor=api_actor(request)
        )
        data = self.get_serializer(invitation).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})
