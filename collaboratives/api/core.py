"""API of the collaborative itself: collaboratives, their aim goals and their leadership.

``/api/v1/organizations/<org>/collaboratives/`` lists and creates;
``.../collaboratives/<collab>/`` reads, changes (PATCH), archives (DELETE) and
restores (POST ``restore/``); POST ``copy/`` makes a new wave. Goals and
leadership are nested under the collaborative. Every write is one call to
``collaboratives.services.core`` (or ``collaboratives.copying``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Invitation, Membership
from accounts.permissions import CREATE_COLLABORATIVE, VIEW_ORGANIZATION
from bsc import tenancy
from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    ORGANIZATION_PARAMETER,
    CollaborativeHyperlinkedIdentityField,
    CollaborativeViewSetMixin,
    ErrorSerializer,
    OrganizationHyperlinkedIdentityField,
    api_actor,
)
from bsc.exceptions import DomainError
from collaboratives import copying
from collaboratives.models import (
    AimGoal,
    Collaborative,
    CollaborativeRole,
    LeadershipRole,
    Status,
)
from collaboratives.permissions import CONFIGURE_COLLABORATIVE, VIEW_COLLABORATIVE
from collaboratives.services import core as services

CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="Refused by the current state (e.g. the collaborative is archived).",
)


# --- Serializers ----------------------------------------------------------------------------


class GoalHyperlinkedIdentityField(serializers.HyperlinkedIdentityField):
    """A goal's ``url``, also inside a collaborative's own body (the list, a new wave).

    The collaborative's slug comes from the request when the goal belongs to the
    collaborative in the URL, else from the goal's prefetched collaborative: no query.
    """

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str | None:
        if getattr(obj, "pk", None) is None:
            return None
        in_url = getattr(request, "collaborative", None)
        if in_url is not None and in_url.pk == obj.collaborative_id:
            collaborative_slug = in_url.slug
        else:
            collaborative_slug = obj.collaborative.slug
        kwargs = {
            tenancy.ORG_URL_KWARG: request.organization.slug,
            tenancy.COLLAB_URL_KWARG: collaborative_slug,
            "pk": obj.pk,
        }
        return self.reverse(view_name, kwargs=kwargs, request=request, format=format)


class AimGoalSerializer(serializers.ModelSerializer):
    url = GoalHyperlinkedIdentityField(view_name="api:collaborative-goal-detail")
    baseline = serializers.DecimalField(
        max_digits=12, decimal_places=3, required=False, allow_null=True, coerce_to_string=False
    )
    target = serializers.DecimalField(max_digits=12, decimal_places=3, coerce_to_string=False)

    class Meta:
        model = AimGoal
        fields = ["id", "url", "description", "baseline", "target", "unit", "order"]
        read_only_fields = ["id"]
        extra_kwargs = {"order": {"required": False}}


class RequiredRolesField(serializers.JSONField):
    """``{team role: least number of members}``, checked against ``teams.roles.TeamRole``."""

    def to_internal_value(self, data: Any) -> dict[str, int]:
        value = super().to_internal_value(data)
        try:
            return services.clean_required_roles(value)
        except DomainError as error:
            raise serializers.ValidationError(error.message) from error


class CollaborativeSerializer(serializers.ModelSerializer):
    url = OrganizationHyperlinkedIdentityField(
        view_name="api:collaborative-detail",
        lookup_field="slug",
        lookup_url_kwarg=tenancy.COLLAB_URL_KWARG,
    )
    goals = AimGoalSerializer(
        many=True,
        required=False,
        help_text="The aim's numeric goals. Given on create only; change them at goals/.",
    )
    required_roles = RequiredRolesField(
        required=False,
        help_text='Least number of members per team role, e.g. {"clinician": 2}.',
    )
    is_archived = serializers.BooleanField(read_only=True)
    copied_from = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        help_text="The collaborative this wave was copied from, if any.",
    )

    class Meta:
        model = Collaborative
        fields = [
            "slug",
            "url",
            "name",
            "kind",
            "status",
            "topic",
            "aim_statement",
            "aim_target_date",
            "goals",
            "prework_start_date",
            "start_date",
            "end_date",
            "data_sharing",
            "run_chart_rules",
            "report_due_day",
            "reminder_days_before",
            "overdue_reminder_count",
            "escalation_after_days",
            "target_team_count",
            "min_team_size",
            "max_team_size",
            "required_roles",
            "chair_count",
            "faculty_count",
            "is_archived",
            "archived_at",
            "copied_from",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["archived_at", "created_at", "updated_at"]
        extra_kwargs = {
            "slug": {
                "required": True,
                # Uniqueness per organization is the service's check (a field error).
                "validators": [],
                "help_text": "Short name used in web addresses; fixed once created.",
            },
            "kind": {
                "help_text": (
                    "national or regional; fills in the team and leadership numbers "
                    "not given (see the kind defaults)."
                )
            },
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            if "slug" in attrs and attrs["slug"] != self.instance.slug:
                raise serializers.ValidationError(
                    {"slug": ["The slug cannot be changed: links and calendar feeds use it."]}
                )
            if "goals" in self.initial_data:
                raise serializers.ValidationError(
                    {"goals": ["Change the goals at this collaborative's goals/ endpoint."]}
                )
        return attrs


class CopySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=60)
    start_date = serializers.DateField(
        help_text="The new wave's start; every date moves by the same number of days."
    )


class LeaderUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class LeadershipSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:collaborative-leadership-detail")
    user = LeaderUserSerializer(read_only=True)
    user_id = serializers.IntegerField(
        write_only=True,
        required=False,
        help_text="A member of the organization to assign (or give email instead).",
    )
    email = serializers.EmailField(
        write_only=True,
        required=False,
        help_text=(
            "Someone to give the role by e-mail: a member is assigned at once, anyone else "
            "gets an invitation to the organization and the role on acceptance (202)."
        ),
    )
    role = serializers.ChoiceField(choices=LeadershipRole.choices)

    class Meta:
        model = CollaborativeRole
        fields = ["id", "url", "role", "user", "user_id", "email", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("user_id")) == bool(attrs.get("email")):
            raise serializers.ValidationError(
                {"user_id": ["Give either user_id (a member) or email (to invite), not both."]}
            )
        return attrs


class LeadershipInvitationSerializer(serializers.Serializer):
    detail = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=LeadershipRole.choices)
    expires_at = serializers.DateTimeField()


# --- Collaboratives -----------------------------------------------------------------------------

ARCHIVED_PARAMETER = OpenApiParameter(
    "archived",
    bool,
    description="true: only archived collaboratives; false (the default): only the others.",
)
STATUS_PARAMETER = OpenApiParameter(
    "status", str, enum=Status.values, description="Only collaboratives with this status."
)


@extend_schema(tags=["collaboratives"], parameters=[ORGANIZATION_PARAMETER])
@extend_schema_view(
    list=extend_schema(
        summary="Collaboratives of the organization",
        parameters=[STATUS_PARAMETER, ARCHIVED_PARAMETER],
        responses={200: CollaborativeSerializer, 400: BAD_INPUT},
    ),
    create=extend_schema(
        summary="Set up a collaborative",
        description=(
            "Organization admins. The kind fills in target_team_count, min_team_size, "
            "max_team_size, required_roles, chair_count and faculty_count when they are not "
            "given."
        ),
        responses={201: CollaborativeSerializer, 400: BAD_INPUT},
    ),
    retrieve=extend_schema(summary="One collaborative", parameters=[COLLABORATIVE_PARAMETER]),
    partial_update=extend_schema(
        summary="Change a collaborative's settings",
        description=(
            "Staff. The slug cannot change. Changing the kind keeps the team and leadership "
            "numbers as they are; an archived collaborative answers 409."
        ),
        parameters=[COLLABORATIVE_PARAMETER],
        responses={200: CollaborativeSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Archive a collaborative",
        description=(
            "Collaboratives are never deleted: this archives it (archived_at is set), and it "
            "stays readable but refuses changes until restored."
        ),
        parameters=[COLLABORATIVE_PARAMETER],
        responses={204: None, 409: CONFLICT},
    ),
)
class CollaborativeViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    # PATCH only (no UpdateModelMixin, so no PUT): a full PUT of every setting adds
    # nothing but mistakes.
    serializer_class = CollaborativeSerializer
    queryset = Collaborative.objects.none()
    lookup_field = "slug"
    lookup_url_kwarg = tenancy.COLLAB_URL_KWARG
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    @property
    def permission(self) -> str:
        if tenancy.COLLAB_URL_KWARG in self.kwargs:
            return VIEW_COLLABORATIVE
        return VIEW_ORGANIZATION

    @property
    def write_permission(self) -> str:
        if self.action in ("create", "copy"):
            return CREATE_COLLABORATIVE
        return CONFIGURE_COLLABORATIVE

    def _queryset(self) -> QuerySet[Collaborative]:
        return (
            Collaborative.objects.filter(organization=self.request.organization)
            .select_related("copied_from")
            .prefetch_related(Prefetch("goals", AimGoal.objects.order_by("order", "id")))
        )

    def get_queryset(self) -> QuerySet[Collaborative]:
        if getattr(self.request, "organization", None) is None:
            return Collaborative.objects.none()
        collaboratives = self._queryset()
        if self.action != "list":
            return collaboratives
        params = self.request.query_params
        archived = params.get("archived", "false").lower()
        if archived not in ("true", "false"):
            raise serializers.ValidationError({"archived": ["Give true or false."]})
        collaboratives = collaboratives.filter(archived_at__isnull=archived == "false")
        if "status" in params:
            if params["status"] not in Status.values:
                raise serializers.ValidationError(
                    {"status": [f"Choose one of: {', '.join(Status.values)}."]}
                )
            collaboratives = collaboratives.filter(status=params["status"])
        return collaboratives.order_by("-start_date", "name")

    def get_object(self) -> Collaborative:
        # OrganizationPermission has loaded the collaborative of this organization (404
        # otherwise); read it again with its goals and source for the response.
        return self._queryset().get(pk=self.request.collaborative.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        goals = [dict(goal) for goal in data.pop("goals", [])]
        collaborative = services.collaborative_create(
            organization=request.organization,
            goals=goals,
            actor=api_actor(request),
            **data,
        )
        output = self.get_serializer(self._queryset().get(pk=collaborative.pk)).data
        return Response(output, status=status.HTTP_201_CREATED, headers={"Location": output["url"]})

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        collaborative = request.collaborative
        serializer = self.get_serializer(collaborative, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {key: value for key, value in serializer.validated_data.items() if key != "slug"}
        if changes:
            services.collaborative_update(
                collaborative=collaborative, actor=api_actor(request), **changes
            )
        return Response(self.get_serializer(self.get_object()).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.collaborative_archive(
            collaborative=request.collaborative, actor=api_actor(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Restore an archived collaborative",
        parameters=[COLLABORATIVE_PARAMETER],
        request=None,
        responses={200: CollaborativeSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.collaborative_restore(
            collaborative=request.collaborative, actor=api_actor(request)
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Copy into a new wave",
        description=(
            "Organization admins. Copies the settings, aim and goals, the schedule's shape "
            "(learning sessions, call series, action periods), the change package, pre-work "
            "assignments and the application form, with every date moved by the difference "
            "between the start dates. Teams, applications, attendance and completions are "
            "not copied."
        ),
        parameters=[COLLABORATIVE_PARAMETER],
        request=CopySerializer,
        responses={201: CollaborativeSerializer, 400: BAD_INPUT},
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CopySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = copying.collaborative_copy(
            source=request.collaborative, actor=api_actor(request), **serializer.validated_data
        )
        # The new wave's own link: the request names the source collaborative.
        output = CollaborativeSerializer(
            self._queryset().get(pk=copy.pk), context=self.get_serializer_context()
        ).data
        return Response(output, status=status.HTTP_201_CREATED, headers={"Location": output["url"]})


# --- Goals -------------------------------------------------------------------------------------


@extend_schema(
    tags=["collaboratives"], parameters=[ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]
)
@extend_schema_view(
    list=extend_schema(summary="The aim's numeric goals"),
    retrieve=extend_schema(summary="One goal"),
    create=extend_schema(
        summary="Add a goal", responses={201: AimGoalSerializer, 400: BAD_INPUT, 409: CONFLICT}
    ),
    partial_update=extend_schema(
        summary="Change a goal", responses={200: AimGoalSerializer, 400: BAD_INPUT, 409: CONFLICT}
    ),
    destroy=extend_schema(summary="Remove a goal", responses={204: None, 409: CONFLICT}),
)
class AimGoalViewSet(
    CollaborativeViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AimGoalSerializer
    queryset = AimGoal.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = CONFIGURE_COLLABORATIVE
    # A collaborative has a handful of goals: one page, in their order.
    pagination_class = None

    def get_queryset(self) -> QuerySet[AimGoal]:
        if self.collaborative is None:
            return AimGoal.objects.none()
        return AimGoal.objects.filter(collaborative=self.collaborative).order_by("order", "id")

    def perform_create(self, serializer: AimGoalSerializer) -> None:
        serializer.instance = services.aim_goal_create(
            collaborative=self.collaborative,
            actor=api_actor(self.request),
            **serializer.validated_data,
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = self.get_object()
        serializer = self.get_serializer(goal, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        goal.collaborative = self.collaborative
        goal = services.aim_goal_update(
            goal=goal, actor=api_actor(request), **serializer.validated_data
        )
        return Response(self.get_serializer(goal).data)

    def perform_destroy(self, instance: AimGoal) -> None:
        instance.collaborative = self.collaborative
        services.aim_goal_delete(goal=instance, actor=api_actor(self.request))


# --- Leadership ----------------------------------------------------------------------------------


@extend_schema(
    tags=["collaboratives"], parameters=[ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]
)
@extend_schema_view(
    list=extend_schema(summary="Chairs, faculty and staff"),
    retrieve=extend_schema(summary="One leadership role"),
    create=extend_schema(
        summary="Assign a leadership role, or invite someone to one",
        responses={
            201: LeadershipSerializer,
            202: OpenApiResponse(
                LeadershipInvitationSerializer,
                description="Not a member yet: an invitation was sent instead.",
            ),
            400: BAD_INPUT,
            409: CONFLICT,
        },
    ),
    destroy=extend_schema(
        summary="Remove a leadership role",
        description="The person stays a member of the organization.",
        responses={204: None, 409: CONFLICT},
    ),
)
class LeadershipViewSet(
    CollaborativeViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = LeadershipSerializer
    queryset = CollaborativeRole.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = CONFIGURE_COLLABORATIVE
    # A dozen people at most: one page.
    pagination_class = None

    def get_queryset(self) -> QuerySet[CollaborativeRole]:
        if self.collaborative is None:
            return CollaborativeRole.objects.none()
        return (
            CollaborativeRole.objects.filter(collaborative=self.collaborative)
            .select_related("user")
            .order_by("role", "user__email", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = api_actor(request)
        if data.get("user_id"):
            membership = (
                Membership.objects.filter(
                    organization=request.organization, user_id=data["user_id"]
                )
                .select_related("user")
                .first()
            )
            if membership is None:
                raise serializers.ValidationError(
                    {"user_id": ["No member of this organization has this id."]}
                )
            result: CollaborativeRole | Invitation = services.leadership_assign(
                collaborative=self.collaborative,
                user=membership.user,
                role=data["role"],
                actor=actor,
            )
        else:
            result = services.leadership_invite(
                collaborative=self.collaborative,
                email=data["email"],
                role=data["role"],
                actor=actor,
            )
        if isinstance(result, Invitation):
            body = LeadershipInvitationSerializer(
                {
                    "detail": (
                        f"Invitation sent to {result.email}; they become "
                        f"{LeadershipRole(data['role']).label.lower()} when they accept it."
                    ),
                    "email": result.email,
                    "role": data["role"],
                    "expires_at": result.expires_at,
                }
            ).data
            return Response(body, status=status.HTTP_202_ACCEPTED)
        output = self.get_serializer(result).data
        return Response(output, status=status.HTTP_201_CREATED, headers={"Location": output["url"]})

    def perform_destroy(self, instance: CollaborativeRole) -> None:
        instance.collaborative = self.collaborative
        services.leadership_remove(assignment=instance, actor=api_actor(self.request))
