"""Pages of the feed and the resource library. Thin: ``services.sharing`` decides, the rules
are the predicates of ``selectors.sharing`` (the same the API uses).

Everyone who may view the collaborative reads the feed and the library; who may post, comment,
edit, remove, pin, add and delete is worked out per object, and a caller who may not gets 403.
Every user-written text is rendered with the safe ``markdown`` filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin
from collaboratives.forms.sharing import (
    CommentForm,
    FeedPreferenceForm,
    PostForm,
    ResourceEditForm,
    ResourceForm,
)
from collaboratives.models import Comment, Post, PostKind, Resource, ResourceKind
from collaboratives.permissions import VIEW_COLLABORATIVE
from collaboratives.selectors import sharing as selectors
from collaboratives.services import sharing as services
from collaboratives.uploads import RESOURCE_TYPES, file_attachment
from teams.models import Team


def _form_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


class SharingMixin(CollaborativeViewMixin):
    permission = VIEW_COLLABORATIVE

    @cached_property
    def labels(self) -> selectors.Labels:
        return selectors.labels_for(self.collaborative, self.access)

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(
            name,
            kwargs={"org": self.organization.slug, "collab": self.collaborative.slug, **kwargs},
        )


@dataclass(frozen=True)
class PostItem:
    """A post as one reader sees it."""

    post: Post
    team_label: str
    author_label: str
    shows_author: bool
    can_edit: bool
    can_remove: bool


def _post_item(labels: selectors.Labels, post: Post) -> PostItem:
    return PostItem(
        post=post,
        team_label=labels.team(post.team_id),
        author_label=labels.author(post.author, post.team_id),
        shows_author=labels.shows_author(post.team_id),
        can_edit=selectors.can_edit_post(labels.access, post),
        can_remove=selectors.can_remove_post(labels.access, post),
    )


@dataclass(frozen=True)
class CommentItem:
    comment: Comment
    author_label: str
    team_label: str
    can_edit: bool
    can_remove: bool


# --- The feed ------------------------------------------------------------------------------


class FeedView(SharingMixin, TemplateView):
    template_name = "collaboratives/sharing/feed.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        feed_filter = selectors.clean_filter(
            self.labels, kind=self.request.GET.get("kind"), team=self.request.GET.get("team")
        )
        page = Paginator(
            selectors.posts_of(self.collaborative, feed_filter), selectors.FEED_PAGE_SIZE
        ).get_page(self.request.GET.get("page"))
        query = {
            key: value
            for key, value in (("kind", feed_filter.kind), ("team", feed_filter.team_id))
            if value
        }
        kwargs.update(
            page=page,
            items=[_post_item(self.labels, post) for post in page.object_list],
            feed_filter=feed_filter,
            kind_choices=PostKind.choices,
            team_choices=self.labels.named_team_choices(),
            filter_query=urlencode(query),
            can_post=selectors.can_post(self.access) and not self.collaborative.is_archived,
            frequency=selectors.frequency_of(self.collaborative, self.access),
        )
        return super().get_context_data(**kwargs)


class PostCreateView(SharingMixin, TemplateView):
    template_name = "collaboratives/sharing/post_form.html"

    def form(self, *args: Any) -> PostForm:
        teams = selectors.own_teams(self.collaborative, self.access)
        initial_kind = self.request.GET.get("kind")
        return PostForm(
            *args,
            kinds=selectors.postable_kinds(self.access),
            teams=[(team.pk, team.name) for team in teams],
            can_pin=selectors.can_pin(self.access),
            initial={"kind": initial_kind} if initial_kind in PostKind.values else None,
        )

    def check(self) -> None:
        if not selectors.can_post(self.access):
            raise PermissionDenied("Only the collaborative's teams, faculty and staff post here.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", self.form())
        kwargs.setdefault("title", "New post")
        kwargs["archived"] = self.collaborative.is_archived
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            team = None
            if data.get("team"):
                team = Team.objects.filter(
                    collaborative=self.collaborative, pk=data["team"]
                ).first()
            try:
                post = services.post_create(
                    collaborative=self.collaborative,
                    access=self.access,
                    actor=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    team=team,
                    pinned=bool(data.get("pinned")),
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, f"Posted “{post.title}”.")
                return HttpResponseRedirect(self.url("post_detail", pk=post.pk))
        return self.render_to_response(self.get_context_data(form=form))


class PostMixin(SharingMixin):
    @cached_property
    def post_obj(self) -> Post:
        post = selectors.post_of(self.collaborative, self.kwargs["pk"])
        if post is None:
            raise Http404("No such post.")
        return post

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("item", _post_item(self.labels, self.post_obj))
        return super().get_context_data(**kwargs)


class PostDetailView(PostMixin, TemplateView):
    """The post and its comments; POST adds a comment."""

    template_name = "collaboratives/sharing/post_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        post = self.post_obj
        comments = [
            CommentItem(
                comment=comment,
                author_label=self.labels.author(comment.author, comment.team_id),
                team_label=self.labels.team(comment.team_id)
                if self.labels.shows_author(comment.team_id)
                else "",
                can_edit=selectors.can_edit_comment(self.access, comment),
                can_remove=selectors.can_remove_comment(self.access, comment),
            )
            for comment in selectors.comments_of(post)
        ]
        can_comment = selectors.can_comment(self.access, post)
        if can_comment:
            kwargs.setdefault("form", CommentForm())
        kwargs.update(
            comments=comments,
            can_comment=can_comment,
            can_pin=selectors.can_pin(self.access)
            and post.kind == PostKind.ANNOUNCEMENT
            and not post.is_removed
            and not self.collaborative.is_archived,
        )
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.can_comment(self.access, self.post_obj):
            raise PermissionDenied("You cannot comment on this post.")
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                comment = services.comment_create(
                    post=self.post_obj,
                    access=self.access,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, "Your comment is posted.")
                return HttpResponseRedirect(
                    f"{self.url('post_detail', pk=self.post_obj.pk)}#comment-{comment.pk}"
                )
        return self.render_to_response(self.get_context_data(form=form))


class PostUpdateView(PostMixin, TemplateView):
    template_name = "collaboratives/sharing/post_form.html"

    def check(self) -> None:
        if not selectors.can_edit_post(self.access, self.post_obj):
            raise PermissionDenied("Only the author changes a post.")

    def form(self, *args: Any) -> PostForm:
        post = self.post_obj
        return PostForm(
            *args,
            kinds=[],
            teams=[],
            can_pin=selectors.can_pin(self.access) and post.kind == PostKind.ANNOUNCEMENT,
            editing=True,
            submit_label="Save changes",
            initial={"title": post.title, "body": post.body, "pinned": post.pinned},
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", self.form())
        kwargs.setdefault("title", f"Edit “{self.post_obj.title}”")
        kwargs["editing"] = True
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.post_update(
                    post=self.post_obj,
                    access=self.access,
                    actor=request.user,
                    title=data["title"],
                    body=data["body"],
                    pinned=data.get("pinned") if "pinned" in form.fields else None,
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, "Your post is saved.")
                return HttpResponseRedirect(self.url("post_detail", pk=self.post_obj.pk))
        return self.render_to_response(self.get_context_data(form=form))


class PostRemoveView(PostMixin, TemplateView):
    template_name = "collaboratives/sharing/post_remove.html"

    def check(self) -> None:
        if not selectors.can_remove_post(self.access, self.post_obj):
            raise PermissionDenied("You cannot remove this post.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        try:
            services.post_remove(post=self.post_obj, access=self.access, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.url("post_detail", pk=self.post_obj.pk))
        messages.success(request, "The post is removed.")
        return HttpResponseRedirect(self.url("feed"))


class PostPinView(PostMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.can_pin(self.access):
            raise PermissionDenied("Only faculty, chairs and staff pin announcements.")
        pinned = request.POST.get("pinned") == "1"
        try:
            services.post_update(
                post=self.post_obj, access=self.access, actor=request.user, pinned=pinned
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, "Pinned to the top of the feed." if pinned else "No longer pinned."
            )
        return HttpResponseRedirect(self.url("post_detail", pk=self.post_obj.pk))


class CommentMixin(PostMixin):
    @cached_property
    def comment(self) -> Comment:
        comment = selectors.comment_of(self.post_obj, self.kwargs["comment"])
        if comment is None:
            raise Http404("No such comment.")
        return comment

    def back(self) -> str:
        return f"{self.url('post_detail', pk=self.post_obj.pk)}#comment-{self.comment.pk}"


class CommentUpdateView(CommentMixin, TemplateView):
    template_name = "collaboratives/sharing/comment_form.html"

    def check(self) -> None:
        if not selectors.can_edit_comment(self.access, self.comment):
            raise PermissionDenied("Only the author changes a comment.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault(
            "form", CommentForm(initial={"body": self.comment.body}, submit_label="Save comment")
        )
        kwargs["comment"] = self.comment
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        form = CommentForm(request.POST, submit_label="Save comment")
        if form.is_valid():
            try:
                services.comment_update(
                    comment=self.comment,
                    access=self.access,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, "Your comment is saved.")
                return HttpResponseRedirect(self.back())
        return self.render_to_response(self.get_context_data(form=form))


class CommentRemoveView(CommentMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.can_remove_comment(self.access, self.comment):
            raise PermissionDenied("You cannot remove this comment.")
        try:
            services.comment_remove(comment=self.comment, access=self.access, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The comment is removed.")
        return HttpResponseRedirect(self.back())


class FeedPreferenceView(SharingMixin, TemplateView):
    template_name = "collaboratives/sharing/preference.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault(
            "form",
            FeedPreferenceForm(
                initial={"frequency": selectors.frequency_of(self.collaborative, self.access)}
            ),
        )
        kwargs["is_participant"] = selectors.is_participant(self.access)
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = FeedPreferenceForm(request.POST)
        if form.is_valid():
            try:
                preference = services.preference_set(
                    collaborative=self.collaborative,
                    access=self.access,
                    actor=request.user,
                    frequency=form.cleaned_data["frequency"],
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, f"Saved: {preference.get_frequency_display().lower()}.")
                return HttpResponseRedirect(self.url("feed"))
        return self.render_to_response(self.get_context_data(form=form))


# --- Resources ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceItem:
    resource: Resource
    team_label: str
    uploader_label: str
    can_delete: bool
    can_change: bool


class ResourceListView(SharingMixin, TemplateView):
    template_name = "collaboratives/sharing/resource_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        resource_filter = selectors.clean_resource_filter(
            self.labels,
            kind=self.request.GET.get("kind"),
            session=self.request.GET.get("session"),
            team=self.request.GET.get("team"),
        )
        resources = selectors.resources_of(self.collaborative, self.access, resource_filter)
        kwargs.update(
            items=[
                ResourceItem(
                    resource=resource,
                    team_label=self.labels.team(resource.team_id),
                    uploader_label=self.labels.author(resource.uploaded_by, resource.team_id),
                    can_delete=selectors.can_delete_resource(self.access, resource),
                    can_change=selectors.can_change_resource(self.access, resource),
                )
                for resource in resources
            ],
            resource_filter=resource_filter,
            kind_choices=ResourceKind.choices,
            session_choices=list(selectors.sessions_of(self.collaborative)),
            team_choices=self.labels.named_team_choices(),
            can_add=selectors.can_add_resource(self.access),
        )
        return super().get_context_data(**kwargs)


class ResourceCreateView(SharingMixin, TemplateView):
    template_name = "collaboratives/sharing/resource_form.html"

    def check(self) -> None:
        if not selectors.can_add_resource(self.access):
            raise PermissionDenied("Only the collaborative's teams, faculty and staff add here.")

    def form(self, *args: Any) -> ResourceForm:
        return ResourceForm(
            *args,
            kinds=selectors.addable_resource_kinds(self.access),
            sessions=[(s.pk, str(s)) for s in selectors.sessions_of(self.collaborative)],
            teams=[
                (team.pk, team.name)
                for team in selectors.resource_teams(self.collaborative, self.access)
            ],
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", self.form())
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from collaboratives.models import LearningSession

        self.check()
        form = self.form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            session = (
                LearningSession.objects.filter(
                    collaborative=self.collaborative, pk=data["session"]
                ).first()
                if data.get("session")
                else None
            )
            team = (
                Team.objects.filter(collaborative=self.collaborative, pk=data["team"]).first()
                if data.get("team")
                else None
            )
            try:
                resource = services.resource_create(
                    collaborative=self.collaborative,
                    access=self.access,
                    actor=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    description=data["description"],
                    upload=data.get("file"),
                    url=data["url"],
                    session=session,
                    team=team,
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, f"Added “{resource.title}” to the library.")
                return HttpResponseRedirect(self.url("resource_list"))
        return self.render_to_response(self.get_context_data(form=form))


class ResourceMixin(SharingMixin):
    @cached_property
    def resource(self) -> Resource:
        resource = selectors.resource_of(self.collaborative, self.access, self.kwargs["pk"])
        if resource is None:
            raise Http404("No such resource.")
        return resource


class ResourceDownloadView(ResourceMixin, View):
    """The file, as an attachment, to those who may see the resource."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        resource = self.resource
        if resource.is_link:
            return HttpResponseRedirect(resource.url)
        return file_attachment(
            resource.file,
            file_name=resource.file_name,
            content_type=resource.content_type,
            types=RESOURCE_TYPES,
        )


class ResourceUpdateView(ResourceMixin, TemplateView):
    template_name = "collaboratives/sharing/resource_edit.html"

    def check(self) -> None:
        if not selectors.can_change_resource(self.access, self.resource):
            raise PermissionDenied("Only the person who added it, or staff, change a resource.")

    def form(self, *args: Any) -> ResourceEditForm:
        resource = self.resource
        return ResourceEditForm(
            *args,
            sessions=[(s.pk, str(s)) for s in selectors.sessions_of(self.collaborative)],
            initial={
                "title": resource.title,
                "description": resource.description,
                "session": resource.session_id,
            },
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", self.form())
        kwargs["resource"] = self.resource
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from collaboratives.models import LearningSession

        self.check()
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            session = (
                LearningSession.objects.filter(
                    collaborative=self.collaborative, pk=data["session"]
                ).first()
                if data.get("session")
                else None
            )
            try:
                services.resource_update(
                    resource=self.resource,
                    access=self.access,
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    session=session,
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, f"Saved “{self.resource.title}”.")
                return HttpResponseRedirect(
                    f"{self.url('resource_list')}#resource-{self.resource.pk}"
                )
        return self.render_to_response(self.get_context_data(form=form))


class ResourceDeleteView(ResourceMixin, TemplateView):
    template_name = "collaboratives/sharing/resource_delete.html"

    def check(self) -> None:
        if not selectors.can_delete_resource(self.access, self.resource):
            raise PermissionDenied("Only the person who added it, or staff, delete a resource.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["resource"] = self.resource
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        title = self.resource.title
        try:
            services.resource_delete(resource=self.resource, access=self.access, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Deleted “{title}”.")
        return HttpResponseRedirect(self.url("resource_list"))
