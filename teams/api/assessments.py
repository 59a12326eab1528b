"""API of progress assessments and the assessment scale, under
``/organizations/<org>/collaboratives/<collab>/``.

``assessments/`` lists the scores the caller may see (filters ``team``,
``month``, ``month_from``, ``month_to``, ``kind``) and creates one; a score is
read, and changed with ``PATCH`` and the ``version`` read (a stale one answers
409 with the current score). ``assessment-scale/`` reads the collaborative's
levels and lets staff reword them with ``PUT``. Who may do what: the predicates
of ``teams.assessment_permissions``, as on the pages; every write is one call
to ``teams.services.assessments``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    CONFLICT,
    ORGANIZATION_PARAMETER,
    CollaborativeViewSetMixin,
    ErrorSerializer,
    api_actor,
)
from collaboratives.permissions import VIEW_COLLABORATIVE
from teams import assessment_permissions as rules
from teams.models import AssessmentKind, ProgressAssessment, Team
from teams.selectors import assessments as selectors
from teams.services import assessments as services

STALE = OpenApiResponse(
    inline_serializer(
        "StaleAssessment",
        {"detail": serializers.CharField(), "assessment": serializers.DictField()},
    ),
    description="Someone saved the score after the version you read (``assessment`` is the "
    "current one), a score of that kind exists already for the month, or the collaborative "
    "is archived.",
)


class AssessmentSerializer(serializers.ModelSerializer):
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.CharField(source="team.name")
    month = serializers.DateField(format="%Y-%m", help_text="The month assessed, YYYY-MM.")
    score = serializers.DecimalField(max_digits=2, decimal_places=1, coerce_to_string=True)
    level = serializers.SerializerMethodField(help_text="The scale's label of the score.")
    assessed_by = serializers.CharField(source="assessed_by.display_name", default=None)

    class Meta:
        model = ProgressAssessment
        fields = [
            "id",
            "team",
            "team_name",
            "month",
            "kind",
            "score",
            "level",
            "justification",
            "comments",
            "suggestions",
            "shared_with_team",
            "assessed_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_level(self, assessment: ProgressAssessment) -> str:
        return self.context.get("words", {}).get(assessment.score, "")


class AssessmentCreateSerializer(serializers.Serializer):
    team = serializers.IntegerField(help_text="The team's id.")
    month = serializers.CharField(help_text="The month assessed, YYYY-MM.")
    kind = serializers.ChoiceField(choices=AssessmentKind.choices)
    score = serializers.CharField(help_text="0.5 to 5 in steps of 0.5.")
    justification = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    comments = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    suggestions = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    shared_with_team = serializers.BooleanField(
        required=False, help_text="Faculty scores only; default true."
    )


class AssessmentPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0, help_text="The version you read; a stale one answers 409."
    )
    score = serializers.CharField(required=False, help_text="0.5 to 5 in steps of 0.5.")
    justification = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    comments = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    suggestions = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    shared_with_team = serializers.BooleanField(required=False)


class ScaleLevelSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=2, decimal_places=1, coerce_to_string=True)
    label = serializers.CharField(max_length=120)
    description = serializers.CharField(allow_blank=True, max_length=1000, required=False)


class ScaleSerializer(serializers.Serializer):
    levels = ScaleLevelSerializer(many=True)


ASSESSMENT_FILTERS = [
    OpenApiParameter("team", int, description="Only this team's scores."),
    OpenApiParameter("month", str, description="Only this month, YYYY-MM."),
    OpenApiParameter("month_from", str, description="From this month on, YYYY-MM."),
    OpenApiParameter("month_to", str, description="Up to this month, YYYY-MM."),
    OpenApiParameter("kind", str, enum=list(AssessmentKind.values)),
]


@extend_schema(parameters=[ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER])
@extend_schema_view(
    list=extend_schema(summary="Progress scores", parameters=ASSESSMENT_FILTERS),
    retrieve=extend_schema(summary="One progress score"),
    create=extend_schema(
        summary="Score a team for a month (faculty) or enter the team's self-score",
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer, 400: BAD_INPUT, 403: ErrorSerializer, 409: STALE},
    ),
    partial_update=extend_schema(
        summary="Change a score",
        request=AssessmentPatchSerializer,
        responses={200: AssessmentSerializer, 400: BAD_INPUT, 403: ErrorSerializer, 409: STALE},
    ),
)
class AssessmentViewSet(
    CollaborativeViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Faculty see every score; a team's members see its self-scores and the faculty scores
    shared with it; scores of teams the caller may not see are 404."""

    permission = VIEW_COLLABORATIVE
    serializer_class = AssessmentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        if self.collaborative is None:
            return ProgressAssessment.objects.none()
        assessments = (
            selectors.visible_assessments(self.collaborative, self.access)
            .select_related("team", "assessed_by")
            .order_by("team__name", "team_id", "month", "kind")
        )
        if self.action == "list":
            assessments = self._filtered(assessments)
        return assessments

    def _filtered(self, assessments: Any) -> Any:
        params = self.request.query_params
        errors: dict[str, list[str]] = {}
        if params.get("team"):
            if not params["team"].isdigit():
                errors["team"] = ["Give the team's id."]
            else:
                assessments = assessments.filter(team_id=int(params["team"]))
        for name, lookup in (
            ("month", "month"),
            ("month_from", "month__gte"),
            ("month_to", "month__lte"),
        ):
            if params.get(name):
                month = selectors.parse_month(params[name])
                if month is None:
                    errors[name] = ["Give the month as YYYY-MM, e.g. 2026-03."]
                else:
                    assessments = assessments.filter(**{lookup: month})
        if params.get("kind"):
            if params["kind"] not in AssessmentKind.values:
                errors["kind"] = [f"Choose one of: {', '.join(AssessmentKind.values)}."]
            else:
                assessments = assessments.filter(kind=params["kind"])
        if errors:
            raise exceptions.ValidationError(errors)
        return assessments

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.collaborative is not None:
            levels = selectors.scale_levels(self.collaborative)
            context["words"] = {level.score: level.label for level in levels}
        return context

    def _body(self, assessment: ProgressAssessment) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=assessment.pk)
        return self.get_serializer(fresh).data

    def _stale(self, error: services.StaleAssessmentError) -> Response:
        current = error.assessment
        body = self._body(current) if current.pk else None
        return Response({"detail": error.message, "assessment": body}, status=409)

    def _prepare(self, team: Team) -> None:
        self.collaborative.organization = self.request._request.organization
        team.collaborative = self.collaborative

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = AssessmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        team = Team.objects.filter(collaborative=self.collaborative, pk=fields["team"]).first()
        if team is None or not self.access.can_view_team(team):
            raise exceptions.ValidationError(
                {"team": ["No team of this collaborative has this id."]}
            )
        if not rules.can_edit_assessment(self.access, fields["kind"], team):
            raise exceptions.PermissionDenied()
        self._prepare(team)
        try:
            assessment = services.assessment_save(
                team=team,
                month=fields["month"],
                kind=fields["kind"],
                actor=api_actor(request),
                data={
                    key: value
                    for key, value in fields.items()
                    if key not in ("team", "month", "kind")
                },
                expected_version=0,
                source="api",
            )
        except services.StaleAssessmentError as error:
            return self._stale(error)
        return Response(self._body(assessment), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assessment = self.get_object()
        team = assessment.team
        if not rules.can_edit_assessment(self.access, assessment.kind, team):
            raise exceptions.PermissionDenied()
        data = AssessmentPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        fields.setdefault("score", str(assessment.score))
        self._prepare(team)
        try:
            services.assessment_save(
                team=team,
                month=assessment.month,
                kind=assessment.kind,
                actor=api_actor(request),
                data=fields,
                expected_version=version,
                source="api",
            )
        except services.StaleAssessmentError as error:
            return self._stale(error)
        return Response(self._body(assessment))


@extend_schema(parameters=[ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER])
class AssessmentScaleView(CollaborativeViewSetMixin, APIView):
    """The collaborative's assessment scale, lowest level first."""

    permission = VIEW_COLLABORATIVE

    def _levels(self) -> Response:
        levels = selectors.scale_levels(self.collaborative)
        return Response(
            {"levels": ScaleLevelSerializer(levels, many=True).data},
        )

    @extend_schema(summary="The assessment scale's levels", responses={200: ScaleSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._levels()

    @extend_schema(
        summary="Reword the scale's levels (staff)",
        request=ScaleSerializer,
        responses={200: ScaleSerializer, 400: BAD_INPUT, 403: ErrorSerializer, 409: CONFLICT},
    )
    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not rules.can_edit_scale(self.access):
            raise exceptions.PermissionDenied()
        data = ScaleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        levels: dict[Any, dict[str, str]] = {}
        for level in data.validated_data["levels"]:
            key = selectors.score_text(level["score"])
            if key in levels:
                raise exceptions.ValidationError({"levels": [f"Level {key} appears twice."]})
            levels[key] = {"label": level["label"], "description": level.get("description", "")}
        self.collaborative.organization = request._request.organization
        services.scale_update(
            collaborative=self.collaborative, actor=api_actor(request), levels=levels
        )
        return self._levels()
