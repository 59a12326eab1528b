"""API of teams, rosters and affinity groups.

All under ``/organizations/<org>/collaboratives/<collab>/``.

Who may do what is decided in one place: the permission names (``permission``
/ ``write_permission``, checked by ``bsc.api.OrganizationPermission``) and the
``CollaborativeAccess`` predicates named by ``team_access`` / ``object_access``
(checked by ``TeamPermission`` below). The pages ask the same predicates, so
the browser and the API cannot disagree. Writes are one call each to
``teams.services.teams``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

from bsc import tenancy
from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    ORGANIZATION_PARAMETER,
    CollaborativeHyperlinkedIdentityField,
    CollaborativeViewSetMixin,
    ErrorSerializer,
    api_actor,
)
from collaboratives.permissions import MANAGE_TEAMS, VIEW_COLLABORATIVE
from teams.composition import rules_for, rules_summary
from teams.models import Team, TeamMember, TeamStatus
from teams.roles import TeamRole
from teams.selectors import teams as selectors
from teams.services import teams as services

CONFLICT = OpenApiResponse(
    ErrorSerializer, description="Refused by the current state (e.g. an archived collaborative)."
)
TEAM_PARAMETER = OpenApiParameter("team", int, OpenApiParameter.PATH, description="The team's id.")
TEAM_URL_KWARG = "team"


# --- Permissions ----------------------------------------------------------------


class TeamPermission(permissions.BasePermission):
    """Team-level rules: ``CollaborativeAccess`` predicates, named by the view.

    ``team_access = (read, write)`` is checked against the team in the URL
    (``.../teams/<team>/members/``) before anything else; ``object_access =
    (read, write)`` against the team being read or changed. ``None`` means
    the permission name of the view is enough. Runs after
    ``OrganizationPermission``, which has put ``request.access`` in place.
    """

    @staticmethod
    def _predicate(view: Any, request: Request, attribute: str) -> str | None:
        read, write = getattr(view, attribute, (None, None))
        return read if request.method in permissions.SAFE_METHODS else write

    def has_permission(self, request: Request, view: Any) -> bool:
        predicate = self._predicate(view, request, "team_access")
        if predicate is None:
            return True
        return bool(getattr(view.access, predicate)(view.team))

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        predicate = self._predicate(view, request, "object_access")
        if predicate is None:
            return True
        team = obj if isinstance(obj, Team) else obj.team
        return bool(getattr(view.access, predicate)(team))


PERMISSION_CLASSES = [*api_settings.DEFAULT_PERMISSION_CLASSES, TeamPermission]


# --- Serializers ----------------------------------------------------------------


class TeamSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(
        view_name="api:team-detail", lookup_url_kwarg=TEAM_URL_KWARG
    )
    members_url = CollaborativeHyperlinkedIdentityField(
        view_name="api:team-member-list",
        lookup_url_kwarg=TEAM_URL_KWARG,
        help_text="The team's roster.",
    )
    composition_url = CollaborativeHyperlinkedIdentityField(
        view_name="api:team-composition",
        lookup_url_kwarg=TEAM_URL_KWARG,
        help_text="The roster checked against the collaborative's rules.",
    )
    status = serializers.ChoiceField(choices=TeamStatus.choices, default=TeamStatus.ACTIVE)
    is_member_site = serializers.BooleanField(
        default=True, help_text="False for a non-member organization joining as a partner."
    )
    member_count = serializers.IntegerField(read_only=True, help_text="People on the roster.")
    composition_warning_count = serializers.SerializerMethodField(
        help_text="How many composition warnings the roster has; 0 for a withdrawn team."
    )

    class Meta:
        model = Team
        fields = [
            "id",
            "url",
            "name",
            "site_name",
            "is_member_site",
            "status",
            "member_count",
            "composition_warning_count",
            "members_url",
            "composition_url",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        # The service checks the name (case-insensitively) within the collaborative.
        validators: list[Any] = []

    @extend_schema_field(serializers.IntegerField())
    def get_composition_warning_count(self, team: Team) -> int:
        return len(team.warnings)  # type: ignore[attr-defined]


class RoleListField(serializers.ListField):
    """A member's roles as a list of ``TeamRole`` values, read from the prefetched rows."""

    child = serializers.ChoiceField(choices=TeamRole.choices)

    def get_attribute(self, instance: TeamMember) -> list[str]:
        return [str(role) for role in selectors.member_roles(instance)]

    def to_internal_value(self, data: Any) -> list[str]:
        # One message per field (``{"roles": ["..."]}``), not one per list position.
        if isinstance(data, str) or not hasattr(data, "__iter__"):
            raise serializers.ValidationError('Give the roles as a list, e.g. ["clinician"].')
        unknown = [str(role) for role in data if role not in TeamRole.values]
        if unknown:
            raise serializers.ValidationError(
                f"Not a team role: {', '.join(unknown)}. Choose from: {', '.join(TeamRole.values)}."
            )
        return list(data)


class InvitationStateSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="Always `pending`: older ones are not shown.")
    sent_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField()


class TeamMemberSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        max_length=254,
        help_text="Links the member's account, or receives the invitation to the platform.",
    )
    roles = RoleListField(help_text="One or more team roles.")
    has_account = serializers.BooleanField(read_only=True)
    invitation = serializers.SerializerMethodField(
        help_text="The pending invitation to the platform for this roster place, if any."
    )

    class Meta:
        model = TeamMember
        fields = [
            "id",
            "url",
            "full_name",
            "email",
            "phone",
            "job_title",
            "roles",
            "has_account",
            "invitation",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators: list[Any] = []

    @extend_schema_field(serializers.URLField())
    def get_url(self, member: TeamMember) -> str:
        request = self.context["request"]
        kwargs = {
            tenancy.ORG_URL_KWARG: request.organization.slug,
            tenancy.COLLAB_URL_KWARG: request.collaborative.slug,
            TEAM_URL_KWARG: member.team_id,
            "pk": member.pk,
        }
        return reverse("api:team-member-detail", kwargs=kwargs, request=request)

    @extend_schema_field(InvitationStateSerializer(allow_null=True))
    def get_invitation(self, member: TeamMember) -> dict[str, Any] | None:
        invitation = getattr(member, "pending_invitation", None)
        if invitation is None:
            return None
        return InvitationStateSerializer(
            {
                "status": "pending",
                "sent_at": invitation.sent_at,
                "expires_at": invitation.expires_at,
            }
        ).data


class CompositionSerializer(serializers.Serializer):
    team = serializers.IntegerField(help_text="The team's id.")
    member_count = serializers.IntegerField()
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text="Plain sentences; empty when the roster fits."
    )
    rules = serializers.CharField(help_text="The collaborative's rules in one sentence.")


class AffinityTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AffinityMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="member_id")
    full_name = serializers.CharField()
    job_title = serializers.CharField()
    team = serializers.SerializerMethodField()
    email = serializers.CharField(
        allow_null=True,
        help_text="null when you may not see this group's contacts; empty when none was given.",
    )

    @extend_schema_field(AffinityTeamSerializer())
    def get_team(self, person: Any) -> dict[str, Any]:
        return {"id": person.team_id, "name": person.team_name}


class AffinityGroupSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=TeamRole.choices)
    label = serializers.CharField(help_text="The group's name, e.g. “Clinical supervisors”.")
    contacts_visible = serializers.BooleanField(
        source="can_see_contacts",
        help_text="Whether the e-mail addresses are shown: faculty and staff see every "
        "group's, a roster member those of their own roles' groups.",
    )
    members = AffinityMemberSerializer(many=True)


# --- Views ------------------------------------------------------------------------

COLLAB_PARAMETERS = [ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]


@extend_schema(tags=["teams"], parameters=COLLAB_PARAMETERS)
@extend_schema_view(
    list=extend_schema(
        summary="Teams of the collaborative",
        description="Every member of the organization may list the teams. Active teams come "
        "first, then applicants, then withdrawn teams.",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                OpenApiParameter.QUERY,
                enum=TeamStatus.values,
                description="Only teams with this status.",
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One team",
        description="For the team's own members, faculty and staff.",
        parameters=[TEAM_PARAMETER],
    ),
    create=extend_schema(
        summary="Add a team", responses={201: TeamSerializer, 400: BAD_INPUT, 409: CONFLICT}
    ),
    update=extend_schema(
        summary="Change a team",
        parameters=[TEAM_PARAMETER],
        responses={200: TeamSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change some of a team's fields",
        parameters=[TEAM_PARAMETER],
        responses={200: TeamSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Withdraw a team",
        description="Teams are never deleted: the team's status becomes `withdrawn` and the "
        "team, its roster and its history stay. Set the status back to `active` to undo.",
        parameters=[TEAM_PARAMETER],
        responses={204: None, 409: CONFLICT},
    ),
)
class TeamViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    serializer_class = TeamSerializer
    queryset = Team.objects.none()
    permission_classes = PERMISSION_CLASSES
    permission = VIEW_COLLABORATIVE
    write_permission = MANAGE_TEAMS
    object_access = ("can_view_team", None)
    lookup_url_kwarg = TEAM_URL_KWARG
    lookup_value_regex = r"[0-9]+"
    # django-filter builds its filter set from the model's default manager, which is
    # scoped: filter by hand instead.
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Team]:
        if self.collaborative is None:
            return Team.objects.none()
        return selectors.team_queryset_with_counts(self.collaborative)

    def _with_warnings(self, teams: list[Team]) -> list[Team]:
        warnings = selectors.warnings_for_teams(self.collaborative, teams)
        for team in teams:
            team.warnings = warnings[team.pk]  # type: ignore[attr-defined]
        return teams

    def _fresh(self, team: Team) -> Team:
        """The team as the API shows it, with its counts, after a write."""
        return self._with_warnings([self.get_queryset().get(pk=team.pk)])[0]

    def filter_queryset(self, queryset: QuerySet[Team]) -> QuerySet[Team]:
        wanted = self.request.query_params.get("status")
        if self.action != "list" or not wanted:
            return queryset
        if wanted not in TeamStatus.values:
            choices = ", ".join(TeamStatus.values)
            raise exceptions.ValidationError({"status": [f"Choose one of: {choices}."]})
        return queryset.filter(status=wanted)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        teams = self._with_warnings(list(page if page is not None else queryset))
        data = self.get_serializer(teams, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = self._with_warnings([self.get_object()])[0]
        return Response(self.get_serializer(team).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        team = services.team_create(
            collaborative=self.collaborative, actor=api_actor(request), **serializer.validated_data
        )
        data = self.get_serializer(self._fresh(team)).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = self.get_object()
        serializer = self.get_serializer(team, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        services.team_update(team=team, actor=api_actor(request), **serializer.validated_data)
        return Response(self.get_serializer(self._fresh(team)).data)

    def perform_destroy(self, instance: Team) -> None:
        services.team_withdraw(team=instance, actor=api_actor(self.request))

    @extend_schema(
        summary="The team's composition check",
        description="The roster checked against the collaborative's rules (team size, "
        "required roles, leads), as plain sentences.",
        parameters=[TEAM_PARAMETER],
        responses=CompositionSerializer,
    )
    @action(detail=True, methods=["get"])
    def composition(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = self._with_warnings([self.get_object()])[0]
        body = {
            "team": team.pk,
            "member_count": team.member_count,  # type: ignore[attr-defined]
            "warnings": team.warnings,  # type: ignore[attr-defined]
            "rules": rules_summary(rules_for(self.collaborative)),
        }
        return Response(CompositionSerializer(body).data)


@extend_schema(tags=["rosters"], parameters=[*COLLAB_PARAMETERS, TEAM_PARAMETER])
@extend_schema_view(
    list=extend_schema(
        summary="A team's roster",
        description="For the team's own members, faculty and staff: names, roles, contact "
        "details, and whether each person has an account or a pending invitation.",
    ),
    retrieve=extend_schema(summary="One roster member"),
    create=extend_schema(
        summary="Add a member to the roster",
        description="For staff and the team's senior leader or day-to-day leader. A member of "
        "the organization with this e-mail address is linked to the entry at once.",
        responses={201: TeamMemberSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    update=extend_schema(
        summary="Change a roster member",
        responses={200: TeamMemberSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change some of a roster member's fields",
        responses={200: TeamMemberSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Take a member off the roster",
        description="Their account and organization membership stay; a pending invitation "
        "for this roster place is withdrawn.",
        responses={204: None, 409: CONFLICT},
    ),
)
class TeamMemberViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    serializer_class = TeamMemberSerializer
    queryset = TeamMember.objects.none()
    permission_classes = PERMISSION_CLASSES
    permission = VIEW_COLLABORATIVE
    team_access = ("can_view_team", "can_manage_roster")
    lookup_value_regex = r"[0-9]+"

    @property
    def team(self) -> Team:
        """The team in the URL; 404 if it is not in this collaborative."""
        if not hasattr(self, "_team"):
            self._team = get_object_or_404(
                Team.objects.filter(collaborative=self.collaborative),
                pk=self.kwargs[TEAM_URL_KWARG],
            )
        return self._team

    def get_queryset(self) -> QuerySet[TeamMember]:
        if self.collaborative is None:
            return TeamMember.objects.none()
        return selectors.members_queryset(self.team)

    def _fresh(self, member: TeamMember) -> TeamMember:
        return selectors.annotate_roster([self.get_queryset().get(pk=member.pk)])[0]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        members = selectors.annotate_roster(list(page if page is not None else queryset))
        data = self.get_serializer(members, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = selectors.annotate_roster([self.get_object()])[0]
        return Response(self.get_serializer(member).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.team_member_add(
            team=self.team, actor=api_actor(request), **serializer.validated_data
        )
        data = self.get_serializer(self._fresh(member)).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        serializer = self.get_serializer(member, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        services.team_member_update(
            member=member, actor=api_actor(request), **serializer.validated_data
        )
        return Response(self.get_serializer(self._fresh(member)).data)

    def perform_destroy(self, instance: TeamMember) -> None:
        services.team_member_remove(member=instance, actor=api_actor(self.request))

    @extend_schema(
        summary="Give a roster member access to the platform",
        description="If the e-mail address belongs to a member of the organization, their "
        "account is linked at once. Otherwise an invitation to join the organization is "
        "e-mailed; accepting it links the roster entry. Answers with the member: "
        "`has_account` or `invitation` tells which happened.",
        request=None,
        responses={200: TeamMemberSerializer, 400: BAD_INPUT, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        services.team_member_invite(member=member, actor=api_actor(request))
        return Response(self.get_serializer(self._fresh(member)).data)


@extend_schema(tags=["teams"], parameters=COLLAB_PARAMETERS)
@extend_schema_view(
    list=extend_schema(
        summary="Affinity groups",
        description="For each team role, the members holding it across the active teams. "
        "E-mail addresses are null where you may not see them: faculty and staff see every "
        "group's; a roster member sees those of the groups of their own roles.",
    )
)
class AffinityGroupViewSet(CollaborativeViewSetMixin, viewsets.GenericViewSet):
    serializer_class = AffinityGroupSerializer
    queryset = TeamMember.objects.none()
    permission = VIEW_COLLABORATIVE
    pagination_class = None

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self.collaborative is None:
            raise exceptions.NotFound()
        groups = selectors.affinity_groups(self.collaborative, self.access)
        return Response(self.get_serializer(groups, many=True).data)
