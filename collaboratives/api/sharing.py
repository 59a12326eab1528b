"""The sharing API: the feed's posts and comments, the resource library and the caller's e-mail
choice, under ``/api/v1/organizations/<org>/collaboratives/<collab>/``.

Thin, like the pages: reads come from ``selectors.sharing``, every write is one call to
``services.sharing`` (which checks the same rules as the pages: a caller who may not gets 403),
and team names and authors follow the collaborative's data-sharing rule for the caller
(``team`` is null and ``team_label`` says "Team C" or "Another team" when the name is hidden).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
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
from collaboratives.models import (
    Comment,
    LearningSession,
    NotificationFrequency,
    Post,
    PostKind,
    Resource,
    ResourceKind,
)
from collaboratives.permissions import VIEW_COLLABORATIVE
from collaboratives.selectors import sharing as selectors
from collaboratives.services import sharing as services
from collaboratives.templatetags.markdown import render_markdown
from collaboratives.uploads import RESOURCE_POLICY, RESOURCE_TYPES, file_attachment
from teams.models import Team

PARAMETERS = [ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not allowed for you.")
CONFLICT = OpenApiResponse(
    ErrorSerializer, description="Refused by the current state (archived, or removed)."
)


def _labels(context: dict[str, Any]) -> selectors.Labels:
    """Worked out once per request (one query), shared by every item serialized."""
    view = context["view"]
    cached = getattr(view, "_sharing_labels", None)
    if cached is None:
        cached = selectors.labels_for(view.collaborative, view.access)
        view._sharing_labels = cached
    return cached


# --- Posts and comments --------------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer):
    body = serializers.SerializerMethodField(help_text="Markdown; empty once removed.")
    body_html = serializers.SerializerMethodField(help_text="The body rendered, sanitized.")
    author = serializers.SerializerMethodField(
        help_text="The author's name, or 'A member of Team C' when the team's name is hidden."
    )
    team_label = serializers.SerializerMethodField(
        help_text="The commenter's team as you may see it; '' for faculty and staff."
    )
    removed = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    can_remove = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "body",
            "body_html",
            "author",
            "team_label",
            "created_at",
            "edited_at",
            "removed",
            "can_edit",
            "can_remove",
        ]
        read_only_fields = fields

    def get_team_label(self, comment: Comment) -> str:
        return "" if comment.is_removed else _labels(self.context).team(comment.team_id)

    def get_body(self, comment: Comment) -> str:
        return comment.body

    def get_body_html(self, comment: Comment) -> str:
        return str(render_markdown(comment.body))

    def get_author(self, comment: Comment) -> str:
        if comment.is_removed:
            return ""
        return _labels(self.context).author(comment.author, comment.team_id)

    def get_removed(self, comment: Comment) -> bool:
        return comment.is_removed

    def get_can_edit(self, comment: Comment) -> bool:
        return selectors.can_edit_comment(self.context["view"].access, comment)

    def get_can_remove(self, comment: Comment) -> bool:
        return selectors.can_remove_comment(self.context["view"].access, comment)


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=services.COMMENT_MAX, help_text="Markdown.")


class PostSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:post-detail")
    kind = serializers.ChoiceField(choices=PostKind.choices)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(),
        allow_null=True,
        required=False,
        help_text=(
            "The team the post speaks for (one of yours; left out: your only team). Announcements "
            "and faculty posts have none. Null in answers when the team's name is hidden from you."
        ),
    )
    team_label = serializers.SerializerMethodField(
        help_text="The team as you may see it: its name, 'Team C', or 'Another team'."
    )
    author = serializers.SerializerMethodField(help_text="A name, or 'A member of Team C'.")
    body_html = serializers.SerializerMethodField(help_text="The body rendered, sanitized.")
    comment_count = serializers.SerializerMethodField()
    removed = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    can_remove = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "body",
            "body_html",
            "team",
            "team_label",
            "author",
            "pinned",
            "created_at",
            "edited_at",
            "comment_count",
            "removed",
            "can_edit",
            "can_remove",
        ]
        read_only_fields = ["id", "created_at", "edited_at"]
        extra_kwargs = {
            "title": {"max_length": services.TITLE_MAX},
            "body": {"required": False, "allow_blank": True, "help_text": "Markdown."},
            "pinned": {"required": False, "help_text": "Announcements only; faculty and staff."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        collaborative = getattr(view, "collaborative", None)
        if collaborative is not None:
            self.fields["team"].queryset = Team.objects.filter(collaborative=collaborative)

    def to_representation(self, post: Post) -> dict[str, Any]:
        data = super().to_representation(post)
        labels = _labels(self.context)
        if not labels.shows_author(post.team_id):
            data["team"] = None
        return data

    def get_team_label(self, post: Post) -> str:
        return _labels(self.context).team(post.team_id)

    def get_author(self, post: Post) -> str:
        if post.is_removed:
            return ""
        return _labels(self.context).author(post.author, post.team_id)

    def get_body_html(self, post: Post) -> str:
        return str(render_markdown(post.body))

    def get_comment_count(self, post: Post) -> int:
        count = getattr(post, "comment_count", None)
        if count is None:
            count = post.comments.filter(removed_at__isnull=True).count()
        return count

    def get_removed(self, post: Post) -> bool:
        return post.is_removed

    def get_can_edit(self, post: Post) -> bool:
        return selectors.can_edit_post(self.context["view"].access, post)

    def get_can_remove(self, post: Post) -> bool:
        return selectors.can_remove_post(self.context["view"].access, post)


class PostUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX, required=False)
    body = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    pinned = serializers.BooleanField(required=False)


@extend_schema(tags=["sharing"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(
        summary="The feed: live posts, pinned announcements first, newest first",
        parameters=[
            OpenApiParameter("kind", str, enum=PostKind.values, description="Only this kind."),
            OpenApiParameter(
                "team", int, description="Only this team's posts (a team you see by name)."
            ),
        ],
    ),
    retrieve=extend_schema(summary="One post (a removed one says so and has no text)"),
    create=extend_schema(
        summary="Post to the feed",
        description=(
            "Announcements (faculty, chairs, staff; may be pinned); wins, questions and lessons "
            "(any member of a team in the collaborative, for their team, or faculty and staff)."
        ),
        responses={201: PostSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change your post's title or text, or pin/unpin an announcement (faculty)",
        request=PostUpdateSerializer,
        responses={200: PostSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Remove a post (its author, faculty or staff); the thread stays",
        responses={204: None, 403: FORBIDDEN, 409: CONFLICT},
    ),
)
class PostViewSet(
    CollaborativeViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PostSerializer
    queryset = Post.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = VIEW_COLLABORATIVE

    def get_queryset(self) -> Any:
        if self.collaborative is None:
            return Post.objects.none()
        if self.action == "list":
            labels = _labels({"view": self})
            feed_filter = selectors.clean_filter(
                labels,
                kind=self.request.query_params.get("kind"),
                team=self.request.query_params.get("team"),
            )
            return selectors.posts_of(self.collaborative, feed_filter)
        return Post.objects.filter(collaborative=self.collaborative).select_related(
            "author", "team"
        )

    def perform_create(self, serializer: PostSerializer) -> None:
        data = serializer.validated_data
        post = services.post_create(
            collaborative=self.collaborative,
            access=self.access,
            actor=api_actor(self.request),
            kind=data["kind"],
            title=data["title"],
            body=data.get("body", ""),
            team=data.get("team"),
            pinned=data.get("pinned", False),
        )
        serializer.instance = post

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        serializer = PostUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        post = services.post_update(
            post=post,
            access=self.access,
            actor=api_actor(request),
            title=data.get("title"),
            body=data.get("body"),
            pinned=data.get("pinned"),
        )
        return Response(self.get_serializer(post).data)

    def perform_destroy(self, instance: Post) -> None:
        services.post_remove(post=instance, access=self.access, actor=api_actor(self.request))

    @extend_schema(
        methods=["GET"],
        summary="A post's comments, oldest first (removed ones say so)",
        responses={200: CommentSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on a post",
        request=CommentInputSerializer,
        responses={201: CommentSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 409: CONFLICT},
    )
    @action(detail=True, methods=["get", "post"], url_path="comments", url_name="comments")
    def comments(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            serializer = CommentInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            comment = services.comment_create(
                post=post,
                access=self.access,
                actor=api_actor(request),
                body=serializer.validated_data["body"],
            )
            return Response(
                CommentSerializer(comment, context=context).data, status=status.HTTP_201_CREATED
            )
        return Response(
            CommentSerializer(selectors.comments_of(post), many=True, context=context).data
        )

    @extend_schema(
        methods=["PATCH"],
        summary="Change your comment",
        request=CommentInputSerializer,
        responses={200: CommentSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 409: CONFLICT},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove a comment (its author, faculty or staff)",
        responses={204: None, 403: FORBIDDEN, 409: CONFLICT},
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"comments/(?P<comment>[0-9]+)",
        url_name="comment",
    )
    def comment(self, request: Request, *args: Any, comment: str, **kwargs: Any) -> Response:
        post = self.get_object()
        item = selectors.comment_of(post, comment)
        if item is None:
            raise Http404("No such comment.")
        if request.method == "DELETE":
            services.comment_remove(comment=item, access=self.access, actor=api_actor(request))
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.comment_update(
            comment=item,
            access=self.access,
            actor=api_actor(request),
            body=serializer.validated_data["body"],
        )
        return Response(CommentSerializer(item, context=self.get_serializer_context()).data)


# --- Resources -----------------------------------------------------------------------------


class ResourceSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:resource-detail")
    link = serializers.CharField(source="url", read_only=True, help_text="For a link; else ''.")
    team_label = serializers.SerializerMethodField()
    uploaded_by = serializers.SerializerMethodField()
    description_html = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField(help_text="Null for a link.")
    can_delete = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "description",
            "description_html",
            "link",
            "file_name",
            "content_type",
            "size",
            "download",
            "session",
            "team",
            "team_label",
            "uploaded_by",
            "created_at",
            "can_delete",
        ]
        read_only_fields = fields

    def get_team_label(self, resource: Resource) -> str:
        return _labels(self.context).team(resource.team_id)

    def get_uploaded_by(self, resource: Resource) -> str:
        return _labels(self.context).author(resource.uploaded_by, resource.team_id)

    def get_description_html(self, resource: Resource) -> str:
        return str(render_markdown(resource.description))

    def get_download(self, resource: Resource) -> str | None:
        if resource.is_link:
            return None
        request = self.context["request"]
        from django.urls import reverse

        return request.build_absolute_uri(
            reverse(
                "api:resource-download",
                kwargs={
                    "org": request.organization.slug,
                    "collab": request.collaborative.slug,
                    "pk": resource.pk,
                },
            )
        )

    def get_can_delete(self, resource: Resource) -> bool:
        return selectors.can_delete_resource(self.context["view"].access, resource)


class ResourceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    title = serializers.CharField(
        max_length=services.TITLE_MAX,
        required=False,
        allow_blank=True,
        help_text="The file's name or the link if left out.",
    )
    description = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    file = serializers.FileField(
        required=False, help_text=f"{RESOURCE_POLICY.description} (multipart/form-data)."
    )
    link = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, help_text="Or an http(s) link."
    )
    session = serializers.PrimaryKeyRelatedField(
        queryset=LearningSession.objects.none(), required=False, allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(),
        required=False,
        allow_null=True,
        help_text="For a storyboard: whose it is.",
    )

    def __init__(self, *args: Any, collaborative: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if collaborative is not None:
            self.fields["session"].queryset = LearningSession.objects.filter(
                collaborative=collaborative
            )
            self.fields["team"].queryset = Team.objects.filter(collaborative=collaborative)


class ResourceUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX, required=False)
    description = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    session = serializers.PrimaryKeyRelatedField(
        queryset=LearningSession.objects.none(), required=False, allow_null=True
    )

    def __init__(self, *args: Any, collaborative: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if collaborative is not None:
            self.fields["session"].queryset = LearningSession.objects.filter(
                collaborative=collaborative
            )


@extend_schema(tags=["sharing"], parameters=PARAMETERS)
@extend_schema_view(
    list=extend_schema(
        summary="The resource library, newest first",
        parameters=[
            OpenApiParameter("kind", str, enum=ResourceKind.values),
            OpenApiParameter("session", int, description="A learning session's id."),
            OpenApiParameter("team", int, description="A team you see by name (storyboards)."),
        ],
    ),
    retrieve=extend_schema(summary="One resource"),
    create=extend_schema(
        summary="Add a file (multipart) or a link (JSON) to the library",
        request={
            "multipart/form-data": ResourceInputSerializer,
            "application/json": ResourceInputSerializer,
        },
        responses={201: ResourceSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change a resource's title, description or session (who added it, or staff)",
        request=ResourceUpdateSerializer,
        responses={200: ResourceSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 409: CONFLICT},
    ),
    destroy=extend_schema(
        summary="Delete a resource (who added it, or staff)",
        responses={204: None, 403: FORBIDDEN, 409: CONFLICT},
    ),
)
class ResourceViewSet(
    CollaborativeViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ResourceSerializer
    queryset = Resource.objects.none()
    permission = VIEW_COLLABORATIVE
    write_permission = VIEW_COLLABORATIVE
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        if self.collaborative is None:
            return Resource.objects.none()
        resource_filter = None
        if self.action == "list":
            params = self.request.query_params
            resource_filter = selectors.clean_resource_filter(
                _labels({"view": self}),
                kind=params.get("kind"),
                session=params.get("session"),
                team=params.get("team"),
            )
        return selectors.resources_of(self.collaborative, self.access, resource_filter)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ResourceInputSerializer(data=request.data, collaborative=self.collaborative)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        resource = services.resource_create(
            collaborative=self.collaborative,
            access=self.access,
            actor=api_actor(request),
            kind=data["kind"],
            title=data.get("title", ""),
            description=data.get("description", ""),
            upload=data.get("file"),
            url=data.get("link", ""),
            session=data.get("session"),
            team=data.get("team"),
        )
        return Response(self.get_serializer(resource).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        resource = self.get_object()
        serializer = ResourceUpdateSerializer(data=request.data, collaborative=self.collaborative)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        extra = {"session": data["session"]} if "session" in data else {}
        resource = services.resource_update(
            resource=resource,
            access=self.access,
            actor=api_actor(request),
            title=data.get("title"),
            description=data.get("description"),
            **extra,
        )
        return Response(self.get_serializer(resource).data)

    def perform_destroy(self, instance: Resource) -> None:
        services.resource_delete(
            resource=instance, access=self.access, actor=api_actor(self.request)
        )

    @extend_schema(
        summary="Download a resource's file (as an attachment)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        resource = self.get_object()
        if resource.is_link:
            raise Http404("This resource is a link, not a file.")
        return file_attachment(
            resource.file,
            file_name=resource.file_name,
            content_type=resource.content_type,
            types=RESOURCE_TYPES,
        )


# --- The caller's e-mail choice ------------------------------------------------------------


class FeedPreferenceSerializer(serializers.Serializer):
    frequency = serializers.ChoiceField(
        choices=NotificationFrequency.choices,
        help_text="immediate, daily (the default) or off.",
    )


@extend_schema(tags=["sharing"], parameters=PARAMETERS)
class FeedPreferenceView(CollaborativeViewSetMixin, APIView):
    """How the caller hears about this collaborative's feed by e-mail."""

    permission = VIEW_COLLABORATIVE
    write_permission = VIEW_COLLABORATIVE

    @extend_schema(
        summary="Your e-mail choice for the feed", responses={200: FeedPreferenceSerializer}
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        frequency = selectors.frequency_of(self.collaborative, self.access)
        return Response({"frequency": frequency})

    @extend_schema(
        summary="Choose immediate e-mail, the daily digest, or none",
        request=FeedPreferenceSerializer,
        responses={200: FeedPreferenceSerializer, 400: BAD_INPUT},
    )
    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = FeedPreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = services.preference_set(
            collaborative=self.collaborative,
            access=self.access,
            actor=api_actor(request),
            frequency=serializer.validated_data["frequency"],
        )
        return Response({"frequency": preference.frequency})

    @extend_schema(
        summary="Choose immediate e-mail, the daily digest, or none",
        request=FeedPreferenceSerializer,
        responses={200: FeedPreferenceSerializer, 400: BAD_INPUT},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.put(request, *args, **kwargs)
