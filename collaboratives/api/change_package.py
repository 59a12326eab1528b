"""The change package's API: drivers, change ideas and the whole diagram,
under ``/api/v1/organizations/<org>/collaboratives/<collab>/``.

Thin, like the pages: querysets start from the collaborative in the URL,
serializers check the shape of the input, and every write is one call to
``collaboratives.services.change_package`` (the functions the pages use), so
the rules and their messages are the same: two levels of drivers, parents
and drivers of the same collaborative, no deleting a driver that still has
contents unless ``?confirm=true``. Reading needs VIEW_COLLABORATIVE (every
member); writing EDIT_CHANGE_PACKAGE (staff, chairs, faculty).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    ORGANIZATION_PARAMETER,
    CollaborativeHyperlinkedIdentityField,
    CollaborativeViewSetMixin,
    ErrorSerializer,
    api_actor,
)
from collaboratives.models import ChangeIdea, Driver
from collaboratives.permissions import EDIT_CHANGE_PACKAGE, VIEW_COLLABORATIVE
from collaboratives.selectors.change_package import DriverNode, IdeaNode, change_package_for
from collaboratives.services import change_package as services

CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="Refused by the current state (contents left under a driver, or the "
    "collaborative is archived).",
)
PARAMETERS = [ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]
CONFIRM_PARAMETER = OpenApiParameter(
    "confirm",
    OpenApiTypes.BOOL,
    OpenApiParameter.QUERY,
    description="`true` deletes the driver with its secondary drivers and change ideas; "
    "without it such a driver is refused with 409.",
)
TRUE_WORDS = {"true", "1", "yes", "on"}


def _collaborative_of(serializer: serializers.Serializer) -> Any:
    view = serializer.context.get("view")
    return getattr(view, "collaborative", None)


def _integer_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({name: ["Give the id of a driver, a whole number."]}) from None


# --- Drivers ----------------------------------------------------------------------------


class DriverSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:driver-detail")
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Driver.objects.none(),
        allow_null=True,
        required=False,
        help_text="The id of a primary driver of this collaborative for a secondary driver; "
        "null (the default) for a primary driver.",
    )
    level = serializers.SerializerMethodField(help_text="`primary` or `secondary`.")
    order = serializers.IntegerField(
        min_value=0,
        max_value=32767,
        required=False,
        help_text="Position among the drivers with the same parent, from 0. Setting it "
        "moves the others along; new drivers go last.",
    )

    class Meta:
        model = Driver
        fields = ["id", "url", "parent", "level", "title", "description", "order"]
        read_only_fields = ["id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if _collaborative_of(self) is not None:
            # Any driver of the organization: the service explains why another
            # collaborative's driver cannot be the parent.
            self.fields["parent"].queryset = Driver.objects.all()

    def get_level(self, driver: Driver) -> str:
        return "primary" if driver.parent_id is None else "secondary"


@extend_schema(tags=["change package"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(
        summary="Drivers",
        description="Primary drivers first, then secondary drivers grouped by parent, each "
        "in diagram order. `?parent=<id>` lists one primary driver's secondary drivers; "
        "`?level=primary` only the primary drivers.",
        parameters=[
            OpenApiParameter("parent", OpenApiTypes.INT, OpenApiParameter.QUERY),
            OpenApiParameter(
                "level", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=["primary", "secondary"]
            ),
        ],
    ),
    retrieve=extend_schema(summary="One driver"),
    create=extend_schema(
        summary="Add a driver",
        description="A primary driver without `parent`; a secondary driver with the id of a "
        "primary driver. The diagram has two levels of drivers, no more.",
        responses={201: DriverSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    update=extend_schema(
        summary="Change a driver",
        responses={200: DriverSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a driver, move it, or hang it elsewhere",
        responses={200: DriverSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Delete a driver",
        description="A driver that still has secondary drivers or change ideas is refused "
        "(409) unless `?confirm=true`: then they are all deleted with it.",
        parameters=[CONFIRM_PARAMETER],
        responses={204: None, 409: CONFLICT},
    ),
)
class DriverViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    serializer_class = DriverSerializer
    queryset = Driver.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = EDIT_CHANGE_PACKAGE

    def get_queryset(self) -> QuerySet[Driver]:
        if self.collaborative is None:
            return Driver.objects.none()
        drivers = Driver.objects.filter(collaborative=self.collaborative)
        if self.action == "list":
            parent = _integer_param(self.request, "parent")
            if parent is not None:
                drivers = drivers.filter(parent_id=parent)
            level = self.request.query_params.get("level")
            if level == "primary":
                drivers = drivers.filter(parent__isnull=True)
            elif level == "secondary":
                drivers = drivers.filter(parent__isnull=False)
            elif level:
                raise ValidationError({"level": ["Choose primary or secondary."]})
        return drivers.order_by(F("parent_id").asc(nulls_first=True), "order", "id")

    def perform_create(self, serializer: DriverSerializer) -> None:
        data = serializer.validated_data
        driver = services.driver_create(
            collaborative=self.collaborative,
            title=data["title"],
            description=data.get("description", ""),
            parent=data.get("parent"),
            actor=api_actor(self.request),
        )
        if "order" in data:
            driver = services.driver_update(
                driver=driver, order=data["order"], actor=api_actor(self.request)
            )
        serializer.instance = driver

    def perform_update(self, serializer: DriverSerializer) -> None:
        driver = services.driver_update(
            driver=serializer.instance, actor=api_actor(self.request), **serializer.validated_data
        )
        driver.refresh_from_db()
        serializer.instance = driver

    def perform_destroy(self, instance: Driver) -> None:
        confirm = self.request.query_params.get("confirm", "").lower() in TRUE_WORDS
        services.driver_delete(
            driver=instance, delete_contents=confirm, actor=api_actor(self.request)
        )


# --- Change ideas -------------------------------------------------------------------------


class ChangeIdeaSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:change-idea-detail")
    driver = serializers.PrimaryKeyRelatedField(
        queryset=Driver.objects.none(),
        help_text="The id of the driver (usually a secondary one) this idea works on. "
        "Changing it moves the idea, last among the new driver's ideas.",
    )
    order = serializers.IntegerField(
        min_value=0,
        max_value=32767,
        required=False,
        help_text="Position among the driver's change ideas, from 0; new ideas go last.",
    )

    class Meta:
        model = ChangeIdea
        fields = ["id", "url", "driver", "title", "description", "evidence", "resources", "order"]
        read_only_fields = ["id"]
        extra_kwargs = {
            "evidence": {"help_text": "The evidence for the idea, or its source."},
            "resources": {"help_text": "Tools, links and readings, one per line."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if _collaborative_of(self) is not None:
            self.fields["driver"].queryset = Driver.objects.all()


@extend_schema(tags=["change package"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(
        summary="Change ideas",
        description="Grouped by driver, each group in diagram order. `?driver=<id>` lists "
        "one driver's ideas.",
        parameters=[OpenApiParameter("driver", OpenApiTypes.INT, OpenApiParameter.QUERY)],
    ),
    retrieve=extend_schema(summary="One change idea"),
    create=extend_schema(
        summary="Add a change idea",
        responses={201: ChangeIdeaSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    update=extend_schema(
        summary="Change a change idea",
        responses={200: ChangeIdeaSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a change idea, or move it",
        responses={200: ChangeIdeaSerializer, 400: BAD_INPUT, 409: CONFLICT},
    ),
    destroy=extend_schema(summary="Delete a change idea", responses={204: None, 409: CONFLICT}),
)
class ChangeIdeaViewSet(CollaborativeViewSetMixin, viewsets.ModelViewSet):
    serializer_class = ChangeIdeaSerializer
    queryset = ChangeIdea.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = EDIT_CHANGE_PACKAGE

    def get_queryset(self) -> QuerySet[ChangeIdea]:
        if self.collaborative is None:
            return ChangeIdea.objects.none()
        ideas = ChangeIdea.objects.filter(collaborative=self.collaborative)
        if self.action == "list":
            driver = _integer_param(self.request, "driver")
            if driver is not None:
                ideas = ideas.filter(driver_id=driver)
        return ideas.order_by("driver_id", "order", "id")

    def perform_create(self, serializer: ChangeIdeaSerializer) -> None:
        data = dict(serializer.validated_data)
        order = data.pop("order", None)
        actor = api_actor(self.request)
        idea = services.change_idea_create(collaborative=self.collaborative, actor=actor, **data)
        if order is not None:
            idea = services.change_idea_update(idea=idea, order=order, actor=actor)
        serializer.instance = idea

    def perform_update(self, serializer: ChangeIdeaSerializer) -> None:
        idea = services.change_idea_update(
            idea=serializer.instance, actor=api_actor(self.request), **serializer.validated_data
        )
        idea.refresh_from_db()
        serializer.instance = idea

    def perform_destroy(self, instance: ChangeIdea) -> None:
        services.change_idea_delete(idea=instance, actor=api_actor(self.request))


# --- The whole diagram ---------------------------------------------------------------------


class GoalSerializer(serializers.Serializer):
    description = serializers.CharField()
    baseline = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)
    target = serializers.DecimalField(max_digits=12, decimal_places=3)
    unit = serializers.CharField()


def _detail_url(serializer: serializers.Serializer, view_name: str, pk: int) -> str:
    request = serializer.context["request"]
    return request.build_absolute_uri(
        reverse(
            view_name,
            kwargs={
                "org": request.organization.slug,
                "collab": request.collaborative.slug,
                "pk": pk,
            },
        )
    )


class DiagramIdeaSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="idea.id")
    url = serializers.SerializerMethodField()
    number = serializers.CharField(help_text="As printed on the diagram, e.g. `2.1.3`.")
    title = serializers.CharField(source="idea.title")
    description = serializers.CharField(source="idea.description")
    evidence = serializers.CharField(source="idea.evidence")
    resources = serializers.CharField(source="idea.resources")

    def get_url(self, node: IdeaNode) -> str:
        return _detail_url(self, "api:change-idea-detail", node.idea.pk)


class DiagramSecondarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="driver.id")
    url = serializers.SerializerMethodField()
    number = serializers.CharField(help_text="As printed on the diagram, e.g. `2.1`.")
    title = serializers.CharField(source="driver.title")
    description = serializers.CharField(source="driver.description")
    change_ideas = DiagramIdeaSerializer(source="ideas", many=True)

    def get_url(self, node: DriverNode) -> str:
        return _detail_url(self, "api:driver-detail", node.driver.pk)


class DiagramPrimarySerializer(DiagramSecondarySerializer):
    change_ideas = DiagramIdeaSerializer(
        source="ideas", many=True, help_text="Ideas straight under the primary driver."
    )
    secondary_drivers = DiagramSecondarySerializer(source="secondaries", many=True)


class ChangePackageSerializer(serializers.Serializer):
    aim = serializers.CharField(source="collaborative.aim_statement")
    aim_target_date = serializers.DateField(source="collaborative.aim_target_date")
    goals = GoalSerializer(many=True)
    primary_drivers = DiagramPrimarySerializer(source="primaries", many=True)


class ChangePackageView(CollaborativeViewSetMixin, APIView):
    """The driver diagram in one response: aim -> primary -> secondary drivers -> ideas."""

    permission = VIEW_COLLABORATIVE

    @extend_schema(
        tags=["change package"],
        parameters=PARAMETERS,
        summary="The whole change package as a tree",
        responses=ChangePackageSerializer,
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        package = change_package_for(self.collaborative)
        return Response(ChangePackageSerializer(package, context={"request": request}).data)
