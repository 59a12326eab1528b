"""API of applications: the window and its form, applying, the review queue and decisions.

Under ``/api/v1/organizations/<org>/collaboratives/<collab>/``. The same
services as the pages do every write; serializers only check shapes, and
``teams.services.applications.application_errors`` gives the applicant every
problem with their answers, scores and roster at once.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

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
from bsc.exceptions import ConflictError
from collaboratives.permissions import (
    REVIEW_APPLICATIONS,
    VIEW_APPLICATIONS,
    VIEW_COLLABORATIVE,
)
from teams.models import (
    Application,
    ApplicationQuestion,
    ApplicationStatus,
    ApplicationWindow,
    ReadinessItem,
    TeamRole,
)
from teams.selectors import applications as selectors
from teams.services import applications as services

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object here.")
NO_WINDOW = "This collaborative has no application window yet: create it with PUT first."
PARAMETERS = [ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]


# --- Serializers --------------------------------------------------------------------------


class ApplicationQuestionSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:application-question-detail")
    order = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Place on the form, from 1. On create, leave it out to add at the end; "
        "on update, the others move to make room.",
    )

    class Meta:
        model = ApplicationQuestion
        fields = ["id", "url", "text", "help_text", "is_required", "order"]
        read_only_fields = ["id"]
        extra_kwargs = {"is_required": {"default": True}}


class ReadinessItemSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:readiness-item-detail")
    max_score = serializers.IntegerField(
        min_value=services.MIN_MAX_SCORE,
        max_value=services.MAX_MAX_SCORE,
        default=5,
        help_text="Applicants score the statement from 1 to this number.",
    )
    order = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Place in the assessment, from 1. Leave it out on create to add at the end.",
    )

    class Meta:
        model = ReadinessItem
        fields = ["id", "url", "statement", "max_score", "order"]
        read_only_fields = ["id"]


class ApplicationWindowSerializer(serializers.ModelSerializer):
    is_open = serializers.SerializerMethodField(help_text="Whether members can apply right now.")
    questions = ApplicationQuestionSerializer(many=True, read_only=True)
    readiness_items = ReadinessItemSerializer(many=True, read_only=True)

    class Meta:
        model = ApplicationWindow
        fields = [
            "opens_at",
            "closes_at",
            "instructions",
            "is_open",
            "questions",
            "readiness_items",
        ]
        extra_kwargs = {"instructions": {"required": False}}

    def get_is_open(self, window: ApplicationWindow) -> bool:
        return selectors.window_is_open(window)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        opens_at = attrs.get("opens_at", getattr(self.instance, "opens_at", None))
        closes_at = attrs.get("closes_at", getattr(self.instance, "closes_at", None))
        if opens_at and closes_at and closes_at <= opens_at:
            raise serializers.ValidationError(
                {"closes_at": ["Applications must close after they open: choose a later time."]}
            )
        return attrs


class ProposedMemberSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    job_title = serializers.CharField(max_length=150, required=False, allow_blank=True)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=TeamRole.choices), help_text="One or more."
    )


class AnswerSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(help_text="The question's id when it was answered.")
    question = serializers.CharField(help_text="The question's wording when it was answered.")
    answer = serializers.CharField()


class ScoreSerializer(serializers.Serializer):
    item_id = serializers.IntegerField(help_text="The statement's id when it was scored.")
    statement = serializers.CharField(help_text="The statement's wording when it was scored.")
    score = serializers.IntegerField()
    max_score = serializers.IntegerField()


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as staff (or its applicant) read it."""

    url = CollaborativeHyperlinkedIdentityField(view_name="api:application-detail")
    applicant = serializers.EmailField(
        source="applicant.email", read_only=True, allow_null=True, default=None
    )
    decided_by = serializers.EmailField(
        source="decided_by.email", read_only=True, allow_null=True, default=None
    )
    team = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Once accepted.")
    answers = serializers.SerializerMethodField()
    readiness = serializers.SerializerMethodField()
    readiness_max_score = serializers.SerializerMethodField()
    readiness_percent = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    composition_warnings = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "url",
            "team_name",
            "site_name",
            "is_member_site",
            "status",
            "applicant",
            "submitted_at",
            "answers",
            "readiness",
            "readiness_score",
            "readiness_max_score",
            "readiness_percent",
            "members",
            "composition_warnings",
            "decided_at",
            "decided_by",
            "decision_note",
            "team",
        ]
        read_only_fields = fields

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, application: Application) -> list[dict[str, Any]]:
        return selectors.answers_of(application)

    @extend_schema_field(ScoreSerializer(many=True))
    def get_readiness(self, application: Application) -> list[dict[str, Any]]:
        return selectors.scores_of(application)

    def get_readiness_max_score(self, application: Application) -> int:
        return selectors.readiness_of(application).max_score

    def get_readiness_percent(self, application: Application) -> int | None:
        return selectors.readiness_of(application).percent

    @extend_schema_field(ProposedMemberSerializer(many=True))
    def get_members(self, application: Application) -> list[dict[str, Any]]:
        return [
            {
                "full_name": person.full_name,
                "email": person.email,
                "phone": person.phone,
                "job_title": person.job_title,
                "roles": list(person.roles or []),
            }
            for person in application.proposed_members.all()
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_composition_warnings(self, application: Application) -> list[str]:
        return selectors.warnings_for(application, self.context["collaborative"])


@extend_schema_field(ProposedMemberSerializer(many=True))
class _RosterField(serializers.ListField):
    """The proposed roster: checked as a whole by the service, so every message is a sentence."""

    child = serializers.DictField()


class ApplySerializer(serializers.Serializer):
    """What an applicant sends. Answers and scores are keyed by question and statement id."""

    team_name = serializers.CharField(max_length=200)
    site_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_member_site = serializers.BooleanField(default=True)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text='{"<question id>": "answer"}; every required question needs an answer.',
    )
    readiness = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        default=dict,
        help_text='{"<statement id>": score}; every statement, from 1 to its max_score.',
    )
    members = _RosterField(help_text="The proposed team; at least one person.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        window = self.context["window"]
        if window is not None:
            errors = services.application_errors(
                window=window,
                answers=attrs["answers"],
                scores=attrs["readiness"],
                members=attrs["members"],
            )
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Sent to the applicant with the decision.",
    )


# --- Views -------------------------------------------------------------------------------


def _window(collaborative: Any) -> ApplicationWindow | None:
    return selectors.application_window_for(collaborative) if collaborative else None


@extend_schema(tags=["applications"], parameters=PARAMETERS)
class ApplicationWindowView(CollaborativeViewSetMixin, generics.GenericAPIView):
    """The collaborative's application window, with its questions and readiness statements.

    Every member may read it (it is the application form); staff set it up.
    """

    serializer_class = ApplicationWindowSerializer
    queryset = ApplicationWindow.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = REVIEW_APPLICATIONS

    def get_object(self) -> ApplicationWindow:
        window = _window(self.collaborative)
        if window is None:
            raise exceptions.NotFound(NO_WINDOW)
        return window

    def _save(self, request: Request, *, partial: bool) -> Response:
        current = _window(self.collaborative)
        if partial and current is None:
            raise exceptions.NotFound(NO_WINDOW)
        serializer = self.get_serializer(current, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.application_window_save(
            collaborative=self.collaborative,
            opens_at=data.get("opens_at", getattr(current, "opens_at", None)),
            closes_at=data.get("closes_at", getattr(current, "closes_at", None)),
            instructions=data.get("instructions", getattr(current, "instructions", "")),
            actor=api_actor(request),
        )
        window = _window(self.collaborative)
        return Response(
            self.get_serializer(window).data,
            status=status.HTTP_201_CREATED if current is None else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="The application window and its form",
        responses={200: ApplicationWindowSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Open or change the application window",
        description="Creates the window (201) or replaces its dates and instructions (200).",
        responses={
            200: ApplicationWindowSerializer,
            201: ApplicationWindowSerializer,
            400: BAD_INPUT,
            409: CONFLICT,
        },
    )
    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, partial=False)

    @extend_schema(
        summary="Change some of the window's settings",
        responses={200: ApplicationWindowSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, partial=True)


class _FormPartViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    """Questions or readiness statements of the window: nested CRUD, in form order."""

    permission = VIEW_COLLABORATIVE
    write_permission = REVIEW_APPLICATIONS
    model: type
    fields: tuple[str, ...]
    object_kwarg: str
    lookup_value_regex = r"[0-9]+"
    pagination_class = None

    def get_queryset(self) -> QuerySet[Any]:
        if self.collaborative is None:
            return self.model.objects.none()
        return self.model.objects.filter(window__collaborative=self.collaborative).order_by(
            "order", "id"
        )

    def _values(self, serializer: serializers.Serializer, instance: Any = None) -> dict[str, Any]:
        data = serializer.validated_data
        if instance is None:
            values = {name: data[name] for name in self.fields if name in data}
        else:
            # PATCH leaves out what does not change.
            values = {name: data.get(name, getattr(instance, name)) for name in self.fields}
        values["position"] = data.get("order")
        return values

    def perform_create(self, serializer: serializers.Serializer) -> None:
        window = ApplicationWindow.objects.filter(collaborative=self.collaborative).first()
        if window is None:
            raise ConflictError(NO_WINDOW)
        serializer.instance = self.create_service(
            window=window, actor=api_actor(self.request), **self._values(serializer)
        )
        serializer.instance.refresh_from_db()

    def perform_update(self, serializer: serializers.Serializer) -> None:
        instance = serializer.instance
        values = self._values(serializer, instance)
        serializer.instance = self.update_service(
            **{self.object_kwarg: instance}, actor=api_actor(self.request), **values
        )
        serializer.instance.refresh_from_db()

    def perform_destroy(self, instance: Any) -> None:
        self.delete_service(**{self.object_kwarg: instance}, actor=api_actor(self.request))


@extend_schema(tags=["applications"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(summary="Questions of the application form, in order"),
    retrieve=extend_schema(summary="One question"),
    create=extend_schema(
        summary="Add a question",
        responses={201: ApplicationQuestionSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    update=extend_schema(
        summary="Change a question",
        description="Applications already submitted keep the wording they answered.",
        responses={200: ApplicationQuestionSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change part of a question, or move it (order)",
        responses={200: ApplicationQuestionSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Remove a question",
        description="Applications already submitted keep their answer to it.",
        responses={204: None, 409: CONFLICT},
    ),
)
class ApplicationQuestionViewSet(_FormPartViewSet):
    serializer_class = ApplicationQuestionSerializer
    queryset = ApplicationQuestion.objects.none()
    model = ApplicationQuestion
    fields = ("text", "help_text", "is_required")
    object_kwarg = "question"
    create_service = staticmethod(services.application_question_create)
    update_service = staticmethod(services.application_question_update)
    delete_service = staticmethod(services.application_question_delete)


@extend_schema(tags=["applications"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(summary="Statements of the readiness assessment, in order"),
    retrieve=extend_schema(summary="One readiness statement"),
    create=extend_schema(
        summary="Add a readiness statement",
        responses={201: ReadinessItemSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    update=extend_schema(
        summary="Change a readiness statement",
        description="Applications already submitted keep the wording and scale they scored.",
        responses={200: ReadinessItemSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change part of a readiness statement, or move it (order)",
        responses={200: ReadinessItemSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Remove a readiness statement",
        description="Applications already submitted keep their score for it.",
        responses={204: None, 409: CONFLICT},
    ),
)
class ReadinessItemViewSet(_FormPartViewSet):
    serializer_class = ReadinessItemSerializer
    queryset = ReadinessItem.objects.none()
    model = ReadinessItem
    fields = ("statement", "max_score")
    object_kwarg = "item"
    create_service = staticmethod(services.readiness_item_create)
    update_service = staticmethod(services.readiness_item_update)
    delete_service = staticmethod(services.readiness_item_delete)


STATUS_PARAMETER = OpenApiParameter(
    "status",
    str,
    OpenApiParameter.QUERY,
    enum=ApplicationStatus.values,
    description="Only applications in this status.",
)


@extend_schema(tags=["applications"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(
        summary="Applications, newest first",
        description="Chairs, faculty and staff see every application; other members see their own.",
        parameters=[STATUS_PARAMETER],
    ),
    retrieve=extend_schema(summary="One application"),
    create=extend_schema(
        summary="Apply",
        description="While the window is open, any member applies for a team with answers, "
        "readiness scores and the proposed roster. The applicant gets a receipt by e-mail.",
        request=ApplySerializer,
        responses={201: ApplicationSerializer, 400: BAD_INPUT},
    ),
)
class ApplicationViewSet(
    CollaborativeViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ApplicationSerializer
    queryset = Application.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = VIEW_COLLABORATIVE
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Application]:
        if self.collaborative is None:
            return Application.objects.none()
        applications = selectors.applications_with_roster(self.collaborative).order_by(
            "-submitted_at", "-id"
        )
        if not self.access.has(VIEW_APPLICATIONS):
            applications = applications.filter(applicant=self.request.user)
        status_filter = self.request.query_params.get("status")
        if status_filter:
            if status_filter not in ApplicationStatus.values:
                raise exceptions.ValidationError(
                    {"status": [f"Choose one of: {', '.join(ApplicationStatus.values)}."]}
                )
            applications = applications.filter(status=status_filter)
        return applications

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["collaborative"] = self.collaborative
        return context

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        window = _window(self.collaborative)
        problem = services.window_problem(window)
        if problem:
            # Say why before checking the input: no answer can make it acceptable.
            raise exceptions.ValidationError({"non_field_errors": [problem]})
        serializer = ApplySerializer(data=request.data, context={"window": window})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = services.application_submit(
            collaborative=self.collaborative,
            applicant=request.user,
            team_name=data["team_name"],
            site_name=data["site_name"],
            is_member_site=data["is_member_site"],
            answers=data["answers"],
            scores=data["readiness"],
            members=data["members"],
            actor=api_actor(request),
        )
        body = self.get_serializer(self.get_queryset().get(pk=application.pk)).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})

    def _decide(self, request: Request, decide: Any) -> Response:
        application = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decide(
            application=application,
            note=serializer.validated_data["note"],
            actor=api_actor(request),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(
        summary="Accept: the application becomes a team with its roster",
        description="Creates the active team and its roster (linking people whose e-mail "
        "belongs to a member) and e-mails the applicant. 409 if it was already decided or "
        "withdrawn, or a team of that name exists.",
        request=DecisionSerializer,
        responses={200: ApplicationSerializer, 400: BAD_INPUT, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], write_permission=REVIEW_APPLICATIONS)
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._decide(request, services.application_accept)

    @extend_schema(
        summary="Decline, with a note to the applicant",
        description="E-mails the applicant. 409 if it was already decided or withdrawn.",
        request=DecisionSerializer,
        responses={200: ApplicationSerializer, 400: BAD_INPUT, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], write_permission=REVIEW_APPLICATIONS)
    def decline(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._decide(request, services.application_decline)

    @extend_schema(
        summary="Withdraw your own application",
        description="Only the applicant, and only before staff have decided (409 after).",
        request=None,
        responses={200: ApplicationSerializer, 403: ErrorSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        application = self.get_object()
        if not self.access.can_withdraw_application(application):
            raise exceptions.PermissionDenied("Only the applicant can withdraw an application.")
        services.application_withdraw(application=application, actor=api_actor(request))
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)
