"""Shapes of the accounts API: the root, organizations, members and invitations.

One serializer per resource: fields the caller may not write are read-only, so
input and output share a shape (house style 3.3). Writes never happen here:
the views hand ``validated_data`` to ``accounts.services``.
"""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Invitation, Membership, Organization, Role
from bsc.api import OrganizationHyperlinkedIdentityField


class ApiRootSerializer(serializers.Serializer):
    organizations = serializers.URLField(help_text="The organizations you belong to.")
    schema = serializers.URLField(help_text="This API as an OpenAPI 3 document.")
    docs = serializers.URLField(help_text="Interactive documentation (Swagger UI).")


class OrganizationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organization-detail", lookup_field="slug", lookup_url_kwarg="org"
    )
    # Not a field of Organization: the view sets ``role`` from the caller's membership.
    role = serializers.ChoiceField(
        choices=Role.choices, read_only=True, help_text="Your role in this organization."
    )

    class Meta:
        model = Organization
        fields = ["slug", "name", "time_zone", "role", "url"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    url = OrganizationHyperlinkedIdentityField(view_name="api:member-detail")
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "url", "email", "full_name", "role", "joined_at"]
        read_only_fields = ["id"]


class InvitationSerializer(serializers.ModelSerializer):
    url = OrganizationHyperlinkedIdentityField(view_name="api:invitation-detail")
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)
    status = serializers.ChoiceField(choices=Invitation.Status.choices, read_only=True)
    invited_by = serializers.EmailField(
        source="invited_by.email",
        read_only=True,
        allow_null=True,
        help_text="Who sent it; null once that account is gone.",
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "url",
            "email",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "sent_at",
        ]
        read_only_fields = ["id", "created_at", "expires_at", "sent_at"]
