"""The measures API: a collaborative's measures, teams' own measures, and team goals,
under ``/api/v1/organizations/<org>/collaboratives/<collab>/``.

Thin, like the pages: reading goes through ``selectors.definitions`` (a team's
own measure is seen only by that team and by faculty and staff), writing is
one call to ``services.definitions`` with the same rules and messages. Every
member reads; staff change the collaborative's measures and team goals, a
team's leads their team's own measures (``can_manage_measures``). DELETE
archives: a measure is never deleted, its values stay.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    CONFLICT,
    ORGANIZATION_PARAMETER,
    CollaborativeHyperlinkedIdentityField,
    CollaborativeViewSetMixin,
    api_actor,
)
from collaboratives.permissions import VIEW_COLLABORATIVE
from measures.models import Measure, TeamGoal
from measures.selectors.definitions import team_goals_of, visible_measures
from measures.services import definitions as services
from measures.services.definitions import EDITABLE_FIELDS
from teams.models import Team

PARAMETERS = [ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]
TRUE_WORDS = {"true", "1", "yes", "on"}


def _team_param(view: Any) -> Team | None:
    raw = view.request.query_params.get("team")
    if raw in (None, ""):
        return None
    try:
        pk = int(raw)
    except ValueError:
        raise ValidationError({"team": ["Give the id of a team, a whole number."]}) from None
    team = Team.objects.filter(collaborative=view.collaborative, pk=pk).first()
    if team is None or not view.access.can_view_team(team):
        raise ValidationError({"team": ["No team of this collaborative with that id."]})
    return team


class MeasureSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:measure-detail")
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(),
        allow_null=True,
        required=False,
        help_text="For a team's own measure: the team's id (set on creation only). "
        "Null for a measure of the whole collaborative.",
    )
    is_archived = serializers.SerializerMethodField()
    goal = serializers.DecimalField(
        max_digits=14, decimal_places=4, allow_null=True, required=False, min_value=0
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "url",
            "team",
            "name",
            "code",
            "measure_type",
            "shape",
            "unit",
            "rate_per",
            "definition",
            "guidance",
            "numerator_label",
            "denominator_label",
            "direction",
            "goal",
            "is_required",
            "default_chart",
            "order",
            "is_archived",
            "archived_at",
        ]
        read_only_fields = ["id", "order", "archived_at"]
        # The service checks uniqueness with a message on the field.
        validators: list = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if getattr(view, "collaborative", None) is not None:
            self.fields["team"].queryset = Team.objects.filter(collaborative=view.collaborative)
        if self.instance is not None and not isinstance(self.instance, (list, QuerySet)):
            self.fields["team"].read_only = True

    def get_is_archived(self, measure: Measure) -> bool:
        return measure.archived_at is not None


class TeamGoalSerializer(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.none())
    team_name = serializers.CharField(source="team.name", read_only=True)
    goal = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0)

    class Meta:
        model = TeamGoal
        fields = ["id", "measure", "team", "team_name", "goal"]
        read_only_fields = ["id", "measure"]
        validators: list = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if getattr(view, "collaborative", None) is not None:
            self.fields["team"].queryset = Team.objects.filter(collaborative=view.collaborative)


@extend_schema(tags=["measures"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(
        summary="Measures",
        description="The collaborative's measures in order, then the teams' own measures the "
        "caller may see. `?team=<id>`: the collaborative's measures and that team's own. "
        "`?archived=true` includes archived measures.",
        parameters=[
            OpenApiParameter("team", OpenApiTypes.INT, OpenApiParameter.QUERY),
            OpenApiParameter("archived", OpenApiTypes.BOOL, OpenApiParameter.QUERY),
        ],
    ),
    retrieve=extend_schema(summary="One measure"),
    create=extend_schema(
        summary="Add a measure",
        description="Without `team`: a measure of the collaborative (staff). With `team`: "
        "that team's own measure (its leads, or staff). The short code is unique in the "
        "collaborative; a rate needs `rate_per`; `default_chart` is `run` or the control "
        "chart that fits the shape.",
        responses={201: MeasureSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    update=extend_schema(
        summary="Change a measure", responses={200: MeasureSerializer, 400: BAD_INPUT}
    ),
    partial_update=extend_schema(
        summary="Change some fields of a measure",
        responses={200: MeasureSerializer, 400: BAD_INPUT},
    ),
    destroy=extend_schema(
        summary="Archive a measure",
        description="Measures are archived, never deleted: their values and charts stay.",
        responses={204: None, 409: CONFLICT},
    ),
)
class MeasureViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    serializer_class = MeasureSerializer
    queryset = Measure.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = VIEW_COLLABORATIVE  # refined per measure: can_manage_measures

    def get_queryset(self) -> QuerySet[Measure]:
        if self.collaborative is None:
            return Measure.objects.none()
        include_archived = self.action != "list" or (
            self.request.query_params.get("archived", "").lower() in TRUE_WORDS
        )
        team = _team_param(self) if self.action == "list" else None
        return visible_measures(
            self.collaborative, self.access, include_archived=include_archived, team=team
        )

    def _require_manage(self, team: Team | None) -> None:
        if not self.access.can_manage_measures(team):
            raise PermissionDenied("You may not change these measures.")

    def perform_create(self, serializer: MeasureSerializer) -> None:
        data = dict(serializer.validated_data)
        team = data.pop("team", None)
        self._require_manage(team)
        serializer.instance = services.measure_create(
            collaborative=self.collaborative, team=team, actor=api_actor(self.request), **data
        )

    def perform_update(self, serializer: MeasureSerializer) -> None:
        self._require_manage(serializer.instance.team)
        data = {k: v for k, v in serializer.validated_data.items() if k in EDITABLE_FIELDS}
        serializer.instance = services.measure_update(
            measure=serializer.instance, actor=api_actor(self.request), **data
        )

    def perform_destroy(self, instance: Measure) -> None:
        self._require_manage(instance.team)
        services.measure_archive(measure=instance, actor=api_actor(self.request))


@extend_schema(
    tags=["measures"],
    parameters=[
        *PARAMETERS,
        OpenApiParameter("measure_pk", OpenApiTypes.INT, OpenApiParameter.PATH),
    ],
)
@extend_schema_view(
    list=extend_schema(summary="Teams' own goals for a measure"),
    retrieve=extend_schema(summary="One team goal"),
    create=extend_schema(
        summary="Set a team's own goal (staff)",
        description="Setting it again for the same team changes it.",
        responses={201: TeamGoalSerializer, 400: BAD_INPUT},
    ),
    update=extend_schema(summary="Change a team goal"),
    partial_update=extend_schema(summary="Change a team goal"),
    destroy=extend_schema(summary="Remove a team goal: the team follows the collaborative's"),
)
class TeamGoalViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    serializer_class = TeamGoalSerializer
    queryset = TeamGoal.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = VIEW_COLLABORATIVE  # refined: can_manage_measures(None)

    @property
    def measure(self) -> Measure:
        if not hasattr(self, "_measure"):
            self._measure = get_object_or_404(
                visible_measures(self.collaborative, self.access, include_archived=True),
                pk=self.kwargs["measure_pk"],
            )
        return self._measure

    def get_queryset(self) -> QuerySet[TeamGoal]:
        if self.collaborative is None:
            return TeamGoal.objects.none()
        return team_goals_of(self.measure)

    def _require_manage(self) -> None:
        if not self.access.can_manage_measures(None):
            raise PermissionDenied("Only the collaborative's staff set team goals.")

    def perform_create(self, serializer: TeamGoalSerializer) -> None:
        self._require_manage()
        serializer.instance = services.team_goal_set(
            measure=self.measure,
            team=serializer.validated_data["team"],
            goal=serializer.validated_data["goal"],
            actor=api_actor(self.request),
        )

    def perform_update(self, serializer: TeamGoalSerializer) -> None:
        self._require_manage()
        team = serializer.validated_data.get("team", serializer.instance.team)
        if team.pk != serializer.instance.team_id:
            raise ValidationError({"team": ["A goal stays with its team; add a new one instead."]})
        serializer.instance = services.team_goal_set(
            measure=self.measure,
            team=team,
            goal=serializer.validated_data.get("goal", serializer.instance.goal),
            actor=api_actor(self.request),
        )

    def perform_destroy(self, instance: TeamGoal) -> None:
        self._require_manage()
        services.team_goal_delete(team_goal=instance, actor=api_actor(self.request))
