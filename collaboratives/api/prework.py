"""Pre-work's API: assignments and each team's completion of them,
under ``/api/v1/organizations/<org>/collaboratives/<collab>/``.

Assignments: every member reads; staff (CONFIGURE_COLLABORATIVE) write.
Completions (``assignments/<id>/completions/``): staff, chairs and faculty
(VIEW_ALL_TEAMS) see every team's; others see their own teams'. A team's
members, or staff, mark an assignment done for it (POST, multipart with the
file where the assignment asks for one) and undo it (DELETE). Files are
checked by content by the same service the pages use, and downloaded from
``.../completions/<id>/file/`` as an attachment.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
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
from collaboratives.models import Assignment, AssignmentCompletion, AssignmentKind
from collaboratives.permissions import (
    CONFIGURE_COLLABORATIVE,
    VIEW_ALL_TEAMS,
    VIEW_COLLABORATIVE,
)
from collaboratives.selectors.prework import status_of
from collaboratives.services import prework as services
from collaboratives.uploads import ALLOWED_DESCRIPTION, attachment_response
from teams.models import Team

CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="Refused by the current state (teams already did it, or the collaborative "
    "is archived).",
)
PARAMETERS = [ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]
ASSIGNMENT_PARAMETER = OpenApiParameter(
    "assignment", OpenApiTypes.INT, OpenApiParameter.PATH, description="The assignment's id."
)
TRUE_WORDS = {"true", "1", "yes", "on"}


# --- Assignments ------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:assignment-detail")
    kind = serializers.ChoiceField(choices=AssignmentKind.choices)
    link = serializers.URLField(
        source="url",
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The reading, video or form, if it is online.",
    )
    completions = serializers.SerializerMethodField(
        help_text="Where the teams' completions of this assignment are listed."
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "instructions",
            "link",
            "due_date",
            "requires_upload",
            "order",
            "completions",
        ]
        read_only_fields = ["id", "order"]
        extra_kwargs = {
            "due_date": {"help_text": "Teams that finish after this day show as done late."},
            "requires_upload": {
                "help_text": f"Teams hand in a file: {ALLOWED_DESCRIPTION} (storyboards)."
            },
        }

    def get_completions(self, assignment: Assignment) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(
            reverse(
                "api:assignment-completion-list",
                kwargs={
                    "org": request.organization.slug,
                    "collab": request.collaborative.slug,
                    "assignment": assignment.pk,
                },
            )
        )


@extend_schema(tags=["pre-work"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(summary="Pre-work assignments, by due date"),
    retrieve=extend_schema(summary="One assignment"),
    create=extend_schema(
        summary="Add an assignment",
        description="The due date may not fall after the collaborative ends.",
        responses={201: AssignmentSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    update=extend_schema(
        summary="Change an assignment",
        responses={200: AssignmentSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change some fields of an assignment",
        responses={200: AssignmentSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Delete an assignment",
        description="Once teams have done it, refused (409) unless `?confirm=true`: then "
        "their completions and files are deleted with it.",
        parameters=[
            OpenApiParameter(
                "confirm",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                description="`true` deletes the teams' completions and files too.",
            )
        ],
        responses={204: None, 409: CONFLICT},
    ),
)
class AssignmentViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = CONFIGURE_COLLABORATIVE

    def get_queryset(self) -> QuerySet[Assignment]:
        if self.collaborative is None:
            return Assignment.objects.none()
        return Assignment.objects.filter(collaborative=self.collaborative)

    def perform_create(self, serializer: AssignmentSerializer) -> None:
        serializer.instance = services.assignment_create(
            collaborative=self.collaborative,
            actor=api_actor(self.request),
            **serializer.validated_data,
        )

    def perform_update(self, serializer: AssignmentSerializer) -> None:
        serializer.instance = services.assignment_update(
            assignment=serializer.instance,
            actor=api_actor(self.request),
            **serializer.validated_data,
        )

    def perform_destroy(self, instance: Assignment) -> None:
        confirm = self.request.query_params.get("confirm", "").lower() in TRUE_WORDS
        services.assignment_delete(
            assignment=instance, delete_completions=confirm, actor=api_actor(self.request)
        )


# --- Completions -----------------------------------------------------------------------------


class CompletionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    team_name = serializers.CharField(source="team.name", read_only=True)
    completed_by = serializers.EmailField(
        source="completed_by.email",
        read_only=True,
        allow_null=True,
        help_text="Who marked it done; null once that account is gone.",
    )
    status = serializers.SerializerMethodField(
        help_text="`done` (on time) or `late` (after the due date, in the organization's "
        "time zone)."
    )
    file_name = serializers.SerializerMethodField(
        help_text="The file's name (its extension follows its content); null without a file."
    )
    content_type = serializers.SerializerMethodField(
        help_text="What the file is, found from its content; null without a file."
    )
    download = serializers.SerializerMethodField(
        help_text="Where to download the file (with your token); null without a file."
    )

    class Meta:
        model = AssignmentCompletion
        fields = [
            "id",
            "url",
            "team",
            "team_name",
            "completed_at",
            "completed_by",
            "status",
            "note",
            "file_name",
            "content_type",
            "download",
        ]
        read_only_fields = fields

    def _url(self, completion: AssignmentCompletion, name: str) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(
            reverse(
                name,
                kwargs={
                    "org": request.organization.slug,
                    "collab": request.collaborative.slug,
                    "assignment": completion.assignment_id,
                    "pk": completion.pk,
                },
            )
        )

    def get_url(self, completion: AssignmentCompletion) -> str:
        return self._url(completion, "api:assignment-completion-detail")

    def get_status(self, completion: AssignmentCompletion) -> str:
        zone = self.context["request"].organization.tzinfo
        today = timezone.localdate(timezone=zone)
        return str(status_of(completion.assignment, completion, today=today, zone=zone).value)

    def get_file_name(self, completion: AssignmentCompletion) -> str | None:
        return completion.file_name if completion.file else None

    def get_content_type(self, completion: AssignmentCompletion) -> str | None:
        return completion.content_type if completion.file else None

    def get_download(self, completion: AssignmentCompletion) -> str | None:
        if not completion.file:
            return None
        return self._url(completion, "api:assignment-completion-file")


class CompletionInputSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(), help_text="The id of the team that did it."
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Anything staff and faculty should know. Left out: an existing note stays.",
    )
    file = serializers.FileField(
        required=False,
        allow_empty_file=True,
        use_url=False,
        help_text=f"{ALLOWED_DESCRIPTION}, judged by its content (multipart/form-data). "
        "Replaces a file handed in before.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if getattr(view, "collaborative", None) is not None:
            # Any team of the organization: the service explains why another
            # collaborative's team cannot hand in this assignment.
            self.fields["team"].queryset = Team.objects.all()


@extend_schema(tags=["pre-work"], parameters=[*PARAMETERS, ASSIGNMENT_PARAMETER])
@extend_schema_view(
    list=extend_schema(
        summary="Teams' completions of an assignment",
        description="Staff, chairs and faculty see every team's; others their own teams'.",
    ),
    retrieve=extend_schema(summary="One team's completion"),
    create=extend_schema(
        summary="Mark the assignment done for a team",
        description=(
            "multipart/form-data with `team`, an optional `note` and `file` ("
            f"{ALLOWED_DESCRIPTION}, checked by content, not by name); JSON works for "
            "assignments without a file. Marking again updates the note and replaces the "
            "file, keeping the first completion's date. For the team's members and staff."
        ),
        request={
            "multipart/form-data": CompletionInputSerializer,
            "application/json": CompletionInputSerializer,
        },
        responses={
            201: CompletionSerializer,
            200: OpenApiResponse(CompletionSerializer, description="An update."),
            400: BAD_INPUT,
            403: OpenApiResponse(ErrorSerializer, description="Not on that team."),
            409: CONFLICT,
        },
    ),
    destroy=extend_schema(
        summary="Undo: mark the assignment not done for the team",
        description="Deletes the file handed in. For the team's members and staff.",
        responses={204: None, 403: OpenApiResponse(ErrorSerializer), 409: CONFLICT},
    ),
)
class CompletionViewSet(
    CollaborativeViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CompletionSerializer
    queryset = AssignmentCompletion.objects.none()
    permission = VIEW_COLLABORATIVE
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_assignment(self) -> Assignment:
        if not hasattr(self, "_assignment"):
            self._assignment = get_object_or_404(
                Assignment.objects.filter(collaborative=self.collaborative),
                pk=self.kwargs["assignment"],
            )
        return self._assignment

    def get_queryset(self) -> QuerySet[AssignmentCompletion]:
        if self.collaborative is None:
            return AssignmentCompletion.objects.none()
        completions = AssignmentCompletion.objects.filter(
            assignment=self.get_assignment()
        ).select_related("team", "completed_by", "assignment")
        if VIEW_ALL_TEAMS not in self.access.perms:
            completions = completions.filter(team_id__in=self.access.team_ids)
        return completions.order_by("team__name", "pk")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "create":
            return CompletionInputSerializer
        return CompletionSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assignment = self.get_assignment()
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        team = given.validated_data["team"]
        if not self.access.can_complete_prework(team):
            raise PermissionDenied("Only the team's members and staff can mark its work done.")
        existed = AssignmentCompletion.objects.filter(assignment=assignment, team=team).exists()
        completion = services.completion_mark(
            assignment=assignment,
            team=team,
            note=given.validated_data.get("note"),
            upload=given.validated_data.get("file"),
            actor=api_actor(request),
        )
        completion = self.get_queryset().get(pk=completion.pk)
        data = CompletionSerializer(completion, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def perform_destroy(self, instance: AssignmentCompletion) -> None:
        if not self.access.can_complete_prework(instance.team):
            raise PermissionDenied("Only the team's members and staff can undo its work.")
        services.completion_undo(completion=instance, actor=api_actor(self.request))

    @extend_schema(
        summary="Download the file a team handed in",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/*"): OpenApiTypes.BINARY,
            404: OpenApiResponse(ErrorSerializer, description="No file was handed in."),
        },
    )
    @action(detail=True, methods=["get"], url_path="file", url_name="file")
    def file(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return attachment_response(self.get_object())
