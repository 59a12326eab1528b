"""API of spread plans: ``teams/<team>/spread-plan/`` under
``/organizations/<org>/collaboratives/<collab>/``. ``GET`` reads the team's plan
(version 0 and empty answers when nobody wrote it yet); ``PUT`` writes the
answers given, with the ``version`` read (a stale one answers 409). The team,
faculty and staff read it; the team's leads (and staff) write it."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    ORGANIZATION_PARAMETER,
    CollaborativeViewSetMixin,
    ErrorSerializer,
    api_actor,
)
from collaboratives.permissions import VIEW_COLLABORATIVE
from teams import assessment_permissions as rules
from teams.models import SpreadPlan, Team
from teams.services import spread_plans as services


class SpreadPlanSerializer(serializers.ModelSerializer):
    team = serializers.IntegerField(source="team_id")
    updated_by = serializers.CharField(source="updated_by.display_name", default=None)
    updated_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = SpreadPlan
        fields = [
            "team",
            "what",
            "to_whom",
            "expected_improvement",
            "target_date",
            "learning_transfer",
            "version",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields


class SpreadPlanInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0, help_text="The version you read (0 for a plan not written yet)."
    )
    what = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    to_whom = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    expected_improvement = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    target_date = serializers.DateField(required=False, allow_null=True)
    learning_transfer = serializers.CharField(required=False, allow_blank=True, max_length=5000)


STALE = OpenApiResponse(
    inline_serializer(
        "StaleSpreadPlan",
        {"detail": serializers.CharField(), "spread_plan": serializers.DictField()},
    ),
    description="Someone saved the plan after the version you read (``spread_plan`` is the "
    "current one), or the collaborative is archived.",
)


@extend_schema(
    parameters=[
        ORGANIZATION_PARAMETER,
        COLLABORATIVE_PARAMETER,
        OpenApiParameter("team", int, OpenApiParameter.PATH, description="The team's id."),
    ]
)
class SpreadPlanView(CollaborativeViewSetMixin, APIView):
    permission = VIEW_COLLABORATIVE

    def _team(self, kwargs: dict[str, Any]) -> Team:
        team = get_object_or_404(
            Team.objects.filter(collaborative=self.collaborative), pk=kwargs["team"]
        )
        if not rules.can_view_spread_plan(self.access, team):
            raise exceptions.NotFound()
        self.collaborative.organization = self.request._request.organization
        team.collaborative = self.collaborative
        return team

    @extend_schema(summary="A team's spread plan", responses={200: SpreadPlanSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = services.spread_plan_for(self._team(kwargs))
        return Response(SpreadPlanSerializer(plan).data)

    @extend_schema(
        summary="Write the team's spread plan",
        request=SpreadPlanInputSerializer,
        responses={200: SpreadPlanSerializer, 400: BAD_INPUT, 403: ErrorSerializer, 409: STALE},
    )
    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = self._team(kwargs)
        if not rules.can_edit_spread_plan(self.access, team):
            raise exceptions.PermissionDenied()
        data = SpreadPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        try:
            services.spread_plan_save(
                team=team,
                actor=api_actor(request),
                data=fields,
                expected_version=version,
                source="api",
            )
        except services.StaleSpreadPlanError as error:
            current = services.spread_plan_for(team)
            return Response(
                {"detail": error.message, "spread_plan": SpreadPlanSerializer(current).data},
                status=409,
            )
        return Response(SpreadPlanSerializer(services.spread_plan_for(team)).data)
