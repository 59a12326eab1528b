"""API of PDSA cycles, under ``/organizations/<org>/collaboratives/<collab>/``.

``pdsa-cycles/`` lists (filters: team, idea, status, month, measure), reads,
plans (POST), changes (PATCH with the ``version`` read: a stale one answers
409 with the current cycle) and deletes drafts; ``<id>/status/`` moves a
cycle, ``<id>/next/`` plans the next cycle of its ramp, ``<id>/ramp/`` reads
its ramp and ``<id>/attachments/`` lists and adds files. ``pdsa-ramps/``
reads a team's ramps toward one change idea and ``pdsa-spread-map/`` the
faculty's change idea x team matrix. Who may do what: ``pdsa.permissions``,
as on the pages; every write is one call to ``pdsa.services``.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    CONFLICT,
    ORGANIZATION_PARAMETER,
    CollaborativeHyperlinkedIdentityField,
    CollaborativeViewSetMixin,
    ErrorSerializer,
    api_actor,
)
from collaboratives.models import ChangeIdea
from collaboratives.permissions import VIEW_COLLABORATIVE
from pdsa import permissions, selectors, services
from pdsa.models import AsPlanned, CycleStatus, Decision, PDSAAttachment, PDSACycle
from teams.models import Team

STALE = OpenApiResponse(
    inline_serializer(
        "StaleCycle", {"detail": serializers.CharField(), "cycle": serializers.DictField()}
    ),
    description="Someone saved the cycle after the version you read; ``cycle`` is the current one.",
)


# --- Serializers ----------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="Where to download the file.")

    class Meta:
        model = PDSAAttachment
        fields = ["id", "file_name", "content_type", "size", "description", "uploaded_at"]
        fields = [*fields, "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: PDSAAttachment) -> str:
        from django.urls import reverse

        request = self.context["request"]
        cycle = attachment.cycle
        url = reverse(
            "pdsa_attachment",
            kwargs={
                "org": request.organization.slug,
                "collab": request.collaborative.slug,
                "team": cycle.team_id,
                "cycle": cycle.pk,
                "attachment": attachment.pk,
            },
        )
        return request.build_absolute_uri(url)


class CycleSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:pdsa-cycle-detail")
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.SerializerMethodField(
        help_text="The team as the caller sees it: its name, or “Team C” when anonymized."
    )
    change_idea = serializers.IntegerField(source="change_idea_id", allow_null=True)
    change_idea_title = serializers.CharField(source="change_idea.title", default=None)
    measures = serializers.SerializerMethodField(help_text="Ids of the linked measures.")
    measure_codes = serializers.SerializerMethodField(help_text="Codes of the linked measures.")
    builds_on = serializers.IntegerField(source="builds_on_id", allow_null=True)
    created_by = serializers.SerializerMethodField(help_text="Left out for anonymized teams.")
    page_url = serializers.SerializerMethodField(help_text="The cycle's page.")

    class Meta:
        model = PDSACycle
        fields = [
            "id",
            "url",
            "page_url",
            "team",
            "team_name",
            "change_idea",
            "change_idea_title",
            "other_idea_note",
            "measures",
            "measure_codes",
            "builds_on",
            "title",
            "objective",
            "questions",
            "predictions",
            "who",
            "what",
            "where",
            "when_text",
            "planned_start",
            "planned_end",
            "scale",
            "data_to_collect",
            "carried_out_as_planned",
            "observations",
            "problems",
            "results",
            "learned",
            "decision",
            "next_steps",
            "status",
            "started_on",
            "finished_on",
            "version",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _anonymized(self, cycle: PDSACycle) -> bool:
        access = self.context["access"]
        return permissions.is_anonymized_for(access, cycle.team)

    def get_team_name(self, cycle: PDSACycle) -> str:
        labels = self.context.get("labels") or {}
        return labels.get(cycle.team_id, cycle.team.name)

    def get_measures(self, cycle: PDSACycle) -> list[int]:
        return sorted(measure.pk for measure in cycle.measures.all())

    def get_measure_codes(self, cycle: PDSACycle) -> list[str]:
        return sorted(measure.code for measure in cycle.measures.all())

    def get_created_by(self, cycle: PDSACycle) -> str | None:
        if cycle.created_by is None or self._anonymized(cycle):
            return None
        return cycle.created_by.display_name

    def get_page_url(self, cycle: PDSACycle) -> str:
        from pdsa.annotations import cycle_url

        request = self.context["request"]
        return request.build_absolute_uri(
            cycle_url(
                request.organization.slug, request.collaborative.slug, cycle.team_id, cycle.pk
            )
        )


class CycleDetailSerializer(CycleSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(CycleSerializer.Meta):
        fields = [*CycleSerializer.Meta.fields, "attachments"]
        read_only_fields = fields


def _choice(choices: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=[("", "—"), *choices], required=False, allow_blank=True)


class CycleInputSerializer(serializers.Serializer):
    """Fields of a cycle; any subset on PATCH (plus ``version``), ``team`` and ``title`` on
    POST. ``change_idea`` null with an ``other_idea_note`` for a test outside the package."""

    team = serializers.IntegerField(required=False, help_text="The team's id (POST only).")
    version = serializers.IntegerField(
        min_value=0, required=False, help_text="The version you read (PATCH); stale: 409."
    )
    title = serializers.CharField(required=False, max_length=200)
    change_idea = serializers.IntegerField(required=False, allow_null=True)
    other_idea_note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    measures = serializers.ListField(child=serializers.IntegerField(), required=False)
    builds_on = serializers.IntegerField(required=False, allow_null=True)
    objective = serializers.CharField(required=False, allow_blank=True)
    questions = serializers.CharField(required=False, allow_blank=True)
    predictions = serializers.CharField(required=False, allow_blank=True)
    who = serializers.CharField(required=False, allow_blank=True, max_length=300)
    what = serializers.CharField(required=False, allow_blank=True)
    where = serializers.CharField(required=False, allow_blank=True, max_length=300)
    when_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    planned_start = serializers.DateField(required=False, allow_null=True)
    planned_end = serializers.DateField(required=False, allow_null=True)
    scale = serializers.CharField(required=False, allow_blank=True, max_length=200)
    data_to_collect = serializers.CharField(required=False, allow_blank=True)
    carried_out_as_planned = _choice(AsPlanned.choices)
    observations = serializers.CharField(required=False, allow_blank=True)
    problems = serializers.CharField(required=False, allow_blank=True)
    results = serializers.CharField(required=False, allow_blank=True)
    learned = serializers.CharField(required=False, allow_blank=True)
    decision = _choice(Decision.choices)
    next_steps = serializers.CharField(required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    finished_on = serializers.DateField(required=False, allow_null=True)

    def fields_data(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.validated_data.items()
            if name not in ("team", "version")
        }


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CycleStatus.choices)
    version = serializers.IntegerField(
        min_value=0, required=False, help_text="The version you read; a stale one answers 409."
    )


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A PDF or an image, judged by its content.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


class RampStepSerializer(serializers.Serializer):
    depth = serializers.IntegerField(help_text="0 for the first test, 1 for one built on it…")
    number = serializers.IntegerField()
    cycle = serializers.SerializerMethodField()

    def get_cycle(self, step: Any) -> dict[str, Any]:
        cycle = step.cycle
        return {
            "id": cycle.pk,
            "title": cycle.title,
            "builds_on": cycle.builds_on_id,
            "change_idea": cycle.change_idea_id,
            "scale": cycle.scale,
            "status": cycle.status,
            "decision": cycle.decision,
            "started_on": cycle.started_on.isoformat() if cycle.started_on else None,
            "finished_on": cycle.finished_on.isoformat() if cycle.finished_on else None,
        }


def _ramps_body(ramps: list[list[Any]]) -> list[list[dict[str, Any]]]:
    return [RampStepSerializer(steps, many=True).data for steps in ramps]


def _cycle_errors(error: services.CycleErrors) -> Response:
    return Response({"detail": error.message, "errors": error.errors}, status=400)


# --- Views ----------------------------------------------------------------------


CYCLE_FILTERS = [
    OpenApiParameter("team", int, description="Only this team's cycles."),
    OpenApiParameter("idea", str, description="A change idea's id, or “other”."),
    OpenApiParameter("status", str, enum=CycleStatus.values),
    OpenApiParameter("month", str, description="Cycles active in this month, YYYY-MM."),
    OpenApiParameter("measure", int, description="Only cycles linked to this measure (its id)."),
]


class PDSAApiMixin(CollaborativeViewSetMixin):
    permission = VIEW_COLLABORATIVE

    def labels(self) -> dict[int, str]:
        from measures.services.transfer import export_team_labels

        return export_team_labels(self.collaborative, self.access)

    def context_for(self, request: Request) -> dict[str, Any]:
        request._request.collaborative.organization = request._request.organization
        return {
            "access": self.access,
            "labels": self.labels() if self.collaborative is not None else {},
        }


@extend_schema(parameters=[ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER])
@extend_schema_view(
    list=extend_schema(summary="PDSA cycles", parameters=CYCLE_FILTERS),
    retrieve=extend_schema(
        summary="One PDSA cycle with its files", responses=CycleDetailSerializer
    ),
    create=extend_schema(
        summary="Plan a cycle",
        request=CycleInputSerializer,
        responses={201: CycleDetailSerializer, 400: BAD_INPUT, 403: ErrorSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a cycle's fields",
        request=CycleInputSerializer,
        responses={200: CycleDetailSerializer, 400: BAD_INPUT, 409: STALE},
    ),
    destroy=extend_schema(
        summary="Delete a draft (a cycle still planned)", responses={204: None, 409: CONFLICT}
    ),
)
class CycleViewSet(
    PDSAApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CycleSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        if self.collaborative is None:
            return PDSACycle.objects.none()
        cycles = selectors.cycles_visible_to(self.collaborative, self.access).prefetch_related(
            "attachments"
        )
        if self.action == "list":
            cycles = self._filtered(cycles)
        return cycles.order_by("-created_at", "-id")

    def get_serializer_class(self) -> Any:
        return CycleSerializer if self.action == "list" else CycleDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.collaborative is not None:
            context.update(self.context_for(self.request))
        return context

    def _filtered(self, cycles: Any) -> Any:
        params = self.request.query_params
        errors: dict[str, list[str]] = {}
        if params.get("team"):
            if not params["team"].isdigit():
                errors["team"] = ["Give the team's id."]
            else:
                cycles = cycles.filter(team_id=int(params["team"]))
        idea = params.get("idea") or None
        if idea and idea != "other" and not idea.isdigit():
            errors["idea"] = ["Give a change idea's id, or “other”."]
        status_ = params.get("status") or None
        if status_ and status_ not in CycleStatus.values:
            errors["status"] = [f"Choose one of: {', '.join(CycleStatus.values)}."]
        month = selectors.parse_month(params.get("month"))
        if params.get("month") and month is None:
            errors["month"] = ["Give the month as YYYY-MM, e.g. 2026-03."]
        measure = params.get("measure") or None
        if measure and not measure.isdigit():
            errors["measure"] = ["Give the measure's id."]
        if errors:
            raise exceptions.ValidationError(errors)
        return selectors.filter_cycles(
            cycles,
            idea=idea,
            status=status_,
            month=month,
            measure=int(measure) if measure else None,
        )

    def _cycle(self) -> PDSACycle:
        cycle = self.get_object()
        cycle.team.collaborative = self.collaborative
        return cycle

    def _require_edit(self, team: Team) -> None:
        if not permissions.can_edit_cycles(self.access, team):
            raise exceptions.PermissionDenied()

    def _body(self, cycle: PDSACycle) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=cycle.pk)
        return CycleDetailSerializer(fresh, context=self.get_serializer_context()).data

    def _stale(self, error: services.StaleCycleError) -> Response:
        return Response({"detail": error.message, "cycle": self._body(error.cycle)}, status=409)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CycleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team_id = data.validated_data.get("team")
        if team_id is None:
            raise exceptions.ValidationError({"team": ["Give the team's id."]})
        team = Team.objects.filter(collaborative=self.collaborative, pk=team_id).first()
        if team is None or not permissions.can_view_cycles(self.access, team):
            raise exceptions.ValidationError({"team": ["No team of this collaborative has it."]})
        self._require_edit(team)
        team.collaborative = self.collaborative
        fields = data.fields_data()
        if "title" not in fields:
            raise exceptions.ValidationError({"title": ["Give the cycle a short title."]})
        try:
            cycle = services.cycle_create(
                team=team, actor=api_actor(request), data=fields, source="api"
            )
        except services.CycleErrors as error:
            return _cycle_errors(error)
        return Response(self._body(cycle), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cycle = self._cycle()
        self._require_edit(cycle.team)
        data = CycleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "version" not in data.validated_data:
            raise exceptions.ValidationError(
                {"version": ["Give the version you read, so no one's change is overwritten."]}
            )
        if "team" in data.validated_data:
            raise exceptions.ValidationError({"team": ["A cycle stays with its team."]})
        try:
            services.cycle_update(
                cycle=cycle,
                actor=api_actor(request),
                data=data.fields_data(),
                version=data.validated_data["version"],
                source="api",
            )
        except services.StaleCycleError as error:
            return self._stale(error)
        except services.CycleErrors as error:
            return _cycle_errors(error)
        return Response(self._body(cycle))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cycle = self._cycle()
        self._require_edit(cycle.team)
        services.cycle_delete(cycle=cycle, actor=api_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Move a cycle to another status (done needs an Act decision)",
        request=StatusSerializer,
        responses={200: CycleDetailSerializer, 400: BAD_INPUT, 403: ErrorSerializer, 409: STALE},
    )
    @action(detail=True, methods=["post"])
    def status(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cycle = self._cycle()
        self._require_edit(cycle.team)
        data = StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.cycle_move(
                cycle=cycle,
                actor=api_actor(request),
                status=data.validated_data["status"],
                version=data.validated_data.get("version"),
                source="api",
            )
        except services.StaleCycleError as error:
            return self._stale(error)
        return Response(self._body(cycle))

    @extend_schema(
        summary="Plan the next cycle of this cycle's ramp",
        request=None,
        responses={201: CycleDetailSerializer, 403: ErrorSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="next")
    def next_cycle(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cycle = self._cycle()
        self._require_edit(cycle.team)
        following = services.cycle_start_next(cycle=cycle, actor=api_actor(request), source="api")
        return Response(self._body(following), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The ramp this cycle belongs to, first test first",
        responses=RampStepSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def ramp(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cycle = self._cycle()
        return Response(RampStepSerializer(selectors.ramp_for_cycle(cycle), many=True).data)

    @extend_schema(
        methods=["get"], summary="The cycle's files", responses=AttachmentSerializer(many=True)
    )
    @extend_schema(
        methods=["post"],
        summary="Attach a file (multipart: file, description)",
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer, 400: BAD_INPUT, 403: ErrorSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def attachments(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cycle = self._cycle()
        context = self.get_serializer_context()
        if request.method == "GET":
            return Response(
                AttachmentSerializer(cycle.attachments.all(), many=True, context=context).data
            )
        self._require_edit(cycle.team)
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            cycle=cycle,
            actor=api_actor(request),
            upload=data.validated_data["file"],
            description=data.validated_data.get("description", ""),
        )
        return Response(
            AttachmentSerializer(attachment, context=context).data, status=status.HTTP_201_CREATED
        )


@extend_schema(
    parameters=[
        ORGANIZATION_PARAMETER,
        COLLABORATIVE_PARAMETER,
        OpenApiParameter("team", int, required=True, description="The team's id."),
        OpenApiParameter("idea", str, required=True, description="A change idea's id, or “other”."),
    ]
)
class RampView(PDSAApiMixin, APIView):
    @extend_schema(
        summary="A team's ramps toward one change idea",
        responses={200: RampStepSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        errors = {}
        if not (params.get("team") or "").isdigit():
            errors["team"] = ["Give the team's id."]
        idea_text = params.get("idea") or ""
        if idea_text != "other" and not idea_text.isdigit():
            errors["idea"] = ["Give a change idea's id, or “other”."]
        if errors:
            raise exceptions.ValidationError(errors)
        team = get_object_or_404(
            Team.objects.filter(collaborative=self.collaborative), pk=int(params["team"])
        )
        if not permissions.can_view_cycles(self.access, team):
            raise exceptions.NotFound()
        idea = None
        if idea_text != "other":
            idea = ChangeIdea.objects.filter(
                collaborative=self.collaborative, pk=int(idea_text)
            ).first()
            if idea is None:
                raise exceptions.ValidationError(
                    {"idea": ["No change idea of this collaborative has it."]}
                )
        ramps = selectors.ramps_for_idea(team, idea)
        return Response(
            {"team": team.pk, "idea": idea.pk if idea else None, "ramps": _ramps_body(ramps)}
        )


class SpreadCellSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    count = serializers.IntegerField()
    stage = serializers.CharField(help_text="testing, adopted, abandoned, or empty")
    cycles = serializers.ListField(child=serializers.IntegerField())


@extend_schema(parameters=[ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER])
class SpreadMapView(PDSAApiMixin, APIView):
    @extend_schema(
        summary="The change idea x team spread map (faculty and staff)",
        responses={
            200: inline_serializer(
                "SpreadMap",
                {
                    "teams": serializers.ListField(child=serializers.DictField()),
                    "ideas": serializers.ListField(child=serializers.DictField()),
                    "other": SpreadCellSerializer(many=True),
                },
            ),
            403: ErrorSerializer,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not permissions.can_view_spread_map(self.access):
            raise exceptions.PermissionDenied()
        spread = selectors.spread_map(self.collaborative, self.access)

        def cells(pairs: list[tuple[int, Any]]) -> list[dict[str, Any]]:
            return [
                {
                    "team": team_id,
                    "count": cell.count,
                    "stage": cell.stage,
                    "cycles": list(cell.cycle_ids),
                }
                for team_id, cell in pairs
            ]

        return Response(
            {
                "teams": [{"id": pk, "name": label} for pk, label in spread.teams],
                "ideas": [
                    {
                        "id": idea.pk,
                        "title": idea.title,
                        "teams_adopted": adopted,
                        "cells": cells(pairs),
                    }
                    for idea, pairs, adopted in spread.rows()
                ],
                "other": cells(spread.other_cells()),
            }
        )
