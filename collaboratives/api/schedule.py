"""The schedule's API: learning sessions (and their materials), action periods, call series,
calls and attendance, under ``/api/v1/organizations/<org>/collaboratives/<collab>/``.

Thin, like the pages: querysets start from the collaborative in the URL
(``CollaborativeViewSetMixin``), serializers check the shape of the input, and
every write is one call to ``collaboratives.services.schedule`` (the same
functions the pages use), which applies the business rules. Reading needs
VIEW_COLLABORATIVE; writing CONFIGURE_COLLABORATIVE, attendance TAKE_ATTENDANCE.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    ORGANIZATION_PARAMETER,
    CollaborativeHyperlinkedIdentityField,
    CollaborativeViewSetMixin,
    ErrorSerializer,
    api_actor,
)
from collaboratives.models import (
    ActionPeriod,
    Call,
    CallAttendance,
    CallKind,
    CallSeries,
    LearningSession,
    SessionMaterial,
)
from collaboratives.permissions import (
    CONFIGURE_COLLABORATIVE,
    TAKE_ATTENDANCE,
    VIEW_COLLABORATIVE,
)
from collaboratives.selectors import schedule as selectors
from collaboratives.services import schedule as services
from teams.models import Team
from teams.roles import TeamRole

CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="Refused by the current state (e.g. the collaborative is archived).",
)
PARAMETERS = [ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]


def _collaborative_of(serializer: serializers.Serializer) -> Any:
    view = serializer.context.get("view")
    return getattr(view, "collaborative", None)


# --- Learning sessions ------------------------------------------------------------------


class SessionMaterialSerializer(serializers.ModelSerializer):
    link = serializers.URLField(
        source="url", read_only=True, help_text="The web address, for a material that is a link."
    )
    file_name = serializers.SerializerMethodField(help_text="Null for a link.")
    download = serializers.SerializerMethodField(
        help_text="Where to download the file (with your token); null for a link."
    )

    class Meta:
        model = SessionMaterial
        fields = ["id", "title", "link", "file_name", "download", "created_at"]
        read_only_fields = fields

    def get_file_name(self, material: SessionMaterial) -> str | None:
        return material.file.name.rsplit("/", 1)[-1] if material.file else None

    def get_download(self, material: SessionMaterial) -> str | None:
        if not material.file:
            return None
        request = self.context["request"]
        return request.build_absolute_uri(
            reverse(
                "api:learning-session-material",
                kwargs={
                    "org": request.organization.slug,
                    "collab": request.collaborative.slug,
                    "pk": material.session_id,
                    "material": material.pk,
                },
            )
        )


class SessionMaterialUploadSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="The file name if left out."
    )
    file = serializers.FileField(
        required=False, help_text="Any document, up to 20 MB (multipart/form-data)."
    )
    url = serializers.URLField(required=False, allow_blank=True, help_text="Or a link.")


class LearningSessionSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:learning-session-detail")
    number = serializers.IntegerField(
        min_value=1, max_value=999, required=False, help_text="The next number if left out."
    )
    end_date = serializers.DateField(
        required=False, help_text="The day after start_date (a two-day session) if left out."
    )
    host_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(),
        allow_null=True,
        required=False,
        help_text="The id of a team of this collaborative, or null.",
    )
    materials = SessionMaterialSerializer(many=True, read_only=True)

    class Meta:
        model = LearningSession
        fields = [
            "id",
            "url",
            "number",
            "title",
            "start_date",
            "end_date",
            "location",
            "video_url",
            "host_team",
            "agenda",
            "materials",
        ]
        read_only_fields = ["id"]
        # Unique numbers are checked by the service, with a sentence naming the session.
        validators: list = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        collaborative = _collaborative_of(self)
        if collaborative is not None:
            self.fields["host_team"].queryset = selectors.session_host_teams(collaborative)


SESSION_FIELDS = [
    "number",
    "title",
    "start_date",
    "end_date",
    "location",
    "video_url",
    "host_team",
    "agenda",
]


@extend_schema(tags=["schedule"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(summary="Learning sessions, in date order"),
    retrieve=extend_schema(summary="One learning session with its materials"),
    create=extend_schema(
        summary="Add a learning session",
        description=(
            "Must fall within the collaborative's dates and not overlap another session. "
            "The action periods follow."
        ),
        responses={201: LearningSessionSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    update=extend_schema(
        summary="Change a learning session",
        responses={200: LearningSessionSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a learning session",
        responses={200: LearningSessionSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Delete a learning session and its materials",
        responses={204: None, 409: CONFLICT},
    ),
)
class LearningSessionViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    serializer_class = LearningSessionSerializer
    queryset = LearningSession.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = CONFIGURE_COLLABORATIVE

    def get_queryset(self) -> QuerySet[LearningSession]:
        if self.collaborative is None:
            return LearningSession.objects.none()
        return selectors.learning_sessions(self.collaborative)

    def perform_create(self, serializer: LearningSessionSerializer) -> None:
        created = services.learning_session_create(
            collaborative=self.collaborative,
            actor=api_actor(self.request),
            **serializer.validated_data,
        )
        serializer.instance = self.get_queryset().get(pk=created.pk)

    def perform_update(self, serializer: LearningSessionSerializer) -> None:
        session = serializer.instance
        values = {field: getattr(session, field) for field in SESSION_FIELDS}
        values.update(serializer.validated_data)
        services.learning_session_update(session=session, actor=api_actor(self.request), **values)
        serializer.instance = self.get_queryset().get(pk=session.pk)

    def perform_destroy(self, instance: LearningSession) -> None:
        services.learning_session_delete(session=instance, actor=api_actor(self.request))

    @extend_schema(
        summary="Add material (a file or a link)",
        description=(
            "multipart/form-data with `file` (any document, up to 20 MB) and an optional "
            "`title`; or JSON with `url` and `title` for a link."
        ),
        request={
            "multipart/form-data": SessionMaterialUploadSerializer,
            "application/json": SessionMaterialUploadSerializer,
        },
        responses={201: SessionMaterialSerializer, 400: BAD_INPUT, 409: CONFLICT},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="materials",
        url_name="materials",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def materials(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        upload = SessionMaterialUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        material = services.session_material_add(
            session=session,
            title=upload.validated_data.get("title", ""),
            file=upload.validated_data.get("file"),
            url=upload.validated_data.get("url", ""),
            actor=api_actor(request),
        )
        data = SessionMaterialSerializer(material, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="Download a material's file",
        responses={(200, "application/octet-stream"): bytes},
    )
    @extend_schema(
        methods=["DELETE"], summary="Remove a material", responses={204: None, 409: CONFLICT}
    )
    @action(
        detail=True,
        methods=["get", "delete"],
        url_path=r"materials/(?P<material>[0-9]+)",
        url_name="material",
    )
    def material(self, request: Request, *args: Any, material: str, **kwargs: Any) -> Any:
        session = self.get_object()
        item = get_object_or_404(SessionMaterial.objects.filter(session=session), pk=material)
        if request.method == "DELETE":
            services.session_material_delete(material=item, actor=api_actor(request))
            return Response(status=status.HTTP_204_NO_CONTENT)
        if not item.file:
            raise Http404("This material is a link, not a file.")
        try:
            handle = item.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is missing from storage.") from None
        return FileResponse(handle, as_attachment=True, filename=item.file.name.rsplit("/", 1)[-1])


# --- Action periods ---------------------------------------------------------------------


class ActionPeriodSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:action-period-detail")

    class Meta:
        model = ActionPeriod
        fields = ["id", "url", "number", "start_date", "end_date", "focus", "is_customized"]
        read_only_fields = ["id", "number", "is_customized"]


@extend_schema(tags=["schedule"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(
        summary="Action periods",
        description="Derived from the learning sessions: one after each session.",
    ),
    retrieve=extend_schema(summary="One action period"),
    partial_update=extend_schema(
        summary="Set an action period's dates or focus",
        description="The period then keeps them when sessions change (`is_customized`).",
        responses={200: ActionPeriodSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
)
class ActionPeriodViewSet(
    CollaborativeViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ActionPeriodSerializer
    queryset = ActionPeriod.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = CONFIGURE_COLLABORATIVE

    def get_queryset(self) -> QuerySet[ActionPeriod]:
        if self.collaborative is None:
            return ActionPeriod.objects.none()
        return ActionPeriod.objects.filter(collaborative=self.collaborative).order_by("number")

    # PATCH only: the dates and the focus are all a client may change; the number and the
    # set of periods follow the learning sessions.
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        period = self.get_object()
        serializer = self.get_serializer(period, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {
            "start_date": period.start_date,
            "end_date": period.end_date,
            "focus": period.focus,
            **serializer.validated_data,
        }
        period = services.action_period_update(period=period, actor=api_actor(request), **values)
        return Response(self.get_serializer(period).data)

    @extend_schema(
        summary="Give the period its dates from the sessions again",
        request=None,
        responses={200: ActionPeriodSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reset(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        period = services.action_period_reset(period=self.get_object(), actor=api_actor(request))
        return Response(self.get_serializer(period).data)


# --- Call series --------------------------------------------------------------------------


class CallSeriesSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:call-series-detail")
    week_of_month = serializers.IntegerField(
        min_value=1, max_value=5, help_text="1-4: the n-th weekday of the month; 5: the last one."
    )
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 Monday ... 6 Sunday.")
    start_time = serializers.TimeField(
        help_text="Wall-clock time in the organization's time zone (see time_zone)."
    )
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=services.CALL_MAX_MINUTES, required=False
    )
    affinity_role = serializers.ChoiceField(
        choices=TeamRole.choices,
        required=False,
        allow_blank=True,
        help_text="For an affinity-group call: the team role it gathers.",
    )
    time_zone = serializers.SerializerMethodField(help_text="The organization's time zone.")
    call_count = serializers.IntegerField(read_only=True, help_text="Calls of the series.")

    class Meta:
        model = CallSeries
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "affinity_role",
            "week_of_month",
            "weekday",
            "start_time",
            "duration_minutes",
            "first_date",
            "last_date",
            "video_url",
            "time_zone",
            "call_count",
        ]
        read_only_fields = ["id"]

    def get_time_zone(self, series: CallSeries) -> str:
        return self.context["request"].organization.time_zone


SERIES_FIELDS = [
    "kind",
    "title",
    "affinity_role",
    "week_of_month",
    "weekday",
    "start_time",
    "duration_minutes",
    "first_date",
    "last_date",
    "video_url",
]


@extend_schema(tags=["schedule"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(summary="Monthly call series"),
    retrieve=extend_schema(summary="One call series"),
    create=extend_schema(
        summary="Schedule a monthly call",
        description=(
            "Creates one call on the n-th weekday of each month from first_date to last_date, "
            "at start_time in the organization's time zone."
        ),
        responses={201: CallSeriesSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    update=extend_schema(
        summary="Change a call series",
        description=(
            "The calls still to come without attendance follow the change; calls held or "
            "with attendance stay as they were."
        ),
        responses={200: CallSeriesSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a call series",
        responses={200: CallSeriesSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Delete a call series",
        description="Its calls still to come go; calls held or with attendance stay as one-offs.",
        responses={204: None, 409: CONFLICT},
    ),
)
class CallSeriesViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    serializer_class = CallSeriesSerializer
    queryset = CallSeries.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = CONFIGURE_COLLABORATIVE

    def get_queryset(self) -> QuerySet[CallSeries]:
        if self.collaborative is None:
            return CallSeries.objects.none()
        return (
            CallSeries.objects.filter(collaborative=self.collaborative)
            .annotate(call_count=Count("calls"))
            .order_by("kind", "title", "pk")
        )

    def perform_create(self, serializer: CallSeriesSerializer) -> None:
        series = services.call_series_create(
            collaborative=self.collaborative,
            actor=api_actor(self.request),
            **serializer.validated_data,
        )
        serializer.instance = self.get_queryset().get(pk=series.pk)

    def perform_update(self, serializer: CallSeriesSerializer) -> None:
        series = serializer.instance
        values = {field: getattr(series, field) for field in SERIES_FIELDS}
        values.update(serializer.validated_data)
        services.call_series_update(series=series, actor=api_actor(self.request), **values)
        serializer.instance = self.get_queryset().get(pk=series.pk)

    def perform_destroy(self, instance: CallSeries) -> None:
        services.call_series_delete(series=instance, actor=api_actor(self.request))


# --- Calls and attendance ---------------------------------------------------------------


class CallFilter(django_filters.FilterSet):
    starts_after = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", label="Calls starting at or after this time."
    )
    starts_before = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", label="Calls starting before this time."
    )

    kind = django_filters.ChoiceFilter(choices=CallKind.choices)
    # By id, not a ModelChoiceFilter: that would query the series at import, outside any scope.
    series = django_filters.NumberFilter(field_name="series_id", label="Calls of this series.")
    is_cancelled = django_filters.BooleanFilter()

    class Meta:
        model = Call
        fields: list[str] = []


class CallSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:call-detail")
    affinity_role = serializers.ChoiceField(
        choices=TeamRole.choices,
        required=False,
        allow_blank=True,
        help_text="For an affinity-group call: the team role it gathers.",
    )
    attendance_taken = serializers.BooleanField(
        read_only=True, help_text="Whether attendance was recorded (the call cannot be deleted)."
    )

    class Meta:
        model = Call
        fields = [
            "id",
            "url",
            "series",
            "kind",
            "affinity_role",
            "title",
            "starts_at",
            "ends_at",
            "video_url",
            "notes",
            "is_cancelled",
            "attendance_taken",
        ]
        read_only_fields = ["id", "series"]


CALL_FIELDS = [
    "kind",
    "affinity_role",
    "title",
    "starts_at",
    "ends_at",
    "video_url",
    "notes",
]


class AttendanceRecordSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    recorded_by = serializers.EmailField(
        source="recorded_by.email", read_only=True, allow_null=True
    )

    class Meta:
        model = CallAttendance
        fields = [
            "member",
            "member_name",
            "team",
            "team_name",
            "attended",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class AttendanceSerializer(serializers.Serializer):
    member_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=True,
        help_text=(
            "Every roster member who was on the call. Everyone else expected on it is "
            "recorded as absent."
        ),
    )
    records = AttendanceRecordSerializer(many=True, read_only=True)


@extend_schema(tags=["schedule"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(summary="Calls, in time order (filter with starts_after/starts_before)"),
    retrieve=extend_schema(summary="One call"),
    create=extend_schema(
        summary="Schedule a one-off call",
        responses={201: CallSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    update=extend_schema(
        summary="Change a call",
        responses={200: CallSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a call; cancel it with is_cancelled",
        responses={200: CallSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Delete a one-off call",
        description=(
            "Refused (409) for a call with attendance or of a series: set is_cancelled instead."
        ),
        responses={204: None, 409: CONFLICT},
    ),
)
class CallViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    serializer_class = CallSerializer
    queryset = Call.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = CONFIGURE_COLLABORATIVE
    filterset_class = CallFilter

    def get_queryset(self) -> QuerySet[Call]:
        if self.collaborative is None:
            return Call.objects.none()
        return (
            Call.objects.filter(collaborative=self.collaborative)
            .annotate(attendance_taken=Exists(CallAttendance.objects.filter(call=OuterRef("pk"))))
            .order_by("starts_at", "pk")
        )

    def perform_create(self, serializer: CallSerializer) -> None:
        data = dict(serializer.validated_data)
        is_cancelled = data.pop("is_cancelled", False)
        call = services.call_create(
            collaborative=self.collaborative, actor=api_actor(self.request), **data
        )
        if is_cancelled:
            services.call_set_cancelled(call=call, is_cancelled=True, actor=api_actor(self.request))
        serializer.instance = self.get_queryset().get(pk=call.pk)

    def perform_update(self, serializer: CallSerializer) -> None:
        call = serializer.instance
        data = dict(serializer.validated_data)
        actor = api_actor(self.request)
        is_cancelled = data.pop("is_cancelled", None)
        if data:
            values = {field: getattr(call, field) for field in CALL_FIELDS}
            values.update(data)
            services.call_update(call=call, actor=actor, is_cancelled=is_cancelled, **values)
        elif is_cancelled is not None:
            # Cancelling alone is allowed for any call, also one whose time has passed.
            services.call_set_cancelled(call=call, is_cancelled=is_cancelled, actor=actor)
        serializer.instance = self.get_queryset().get(pk=call.pk)

    def perform_destroy(self, instance: Call) -> None:
        services.call_delete(call=instance, actor=api_actor(self.request))

    @extend_schema(
        methods=["GET"],
        summary="Who was on the call",
        description=(
            "`member_ids` lists the members recorded present; `records` every recorded "
            "member. Faculty and staff see every team; others the teams they are on."
        ),
        responses=AttendanceSerializer,
    )
    @extend_schema(
        methods=["PUT"],
        summary="Record who was on the call",
        description=(
            "Send every member who attended. Everyone else expected on the call (the active "
            "teams' members; for an affinity-group call those with its role; for a "
            "senior-leader call the senior and day-to-day leaders) is recorded absent."
        ),
        request=AttendanceSerializer,
        responses={200: AttendanceSerializer, 400: BAD_INPUT, 409: CONFLICT},
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path="attendance",
        url_name="attendance",
        filterset_class=None,
        pagination_class=None,
        write_permission=TAKE_ATTENDANCE,
    )
    def attendance(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        call = self.get_object()
        if request.method == "PUT":
            body = AttendanceSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.call_attendance_set(
                call=call, member_ids=body.validated_data["member_ids"], actor=api_actor(request)
            )
        records = list(
            selectors.attendance_records(call, visible_team_ids=self.access.viewable_team_ids())
        )
        data = {
            "member_ids": [r.member_id for r in records if r.attended],
            "records": AttendanceRecordSerializer(records, many=True).data,
        }
        return Response(data)
