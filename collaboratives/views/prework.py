"""Pre-work pages: the assignment list, the completion grid, and marking an assignment done.

Every member sees the assignments with their own team's status; staff
(CONFIGURE_COLLABORATIVE) add, change and delete assignments; staff, chairs
and faculty (VIEW_ALL_TEAMS) see the team x assignment grid. A team's
members, or staff, mark an assignment done for that team and hand in its
file (``CollaborativeAccess.can_complete_prework``); the file is served only
through ``CompletionFileView``, to those who may see the team, as an
attachment, never from a public media address.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin, TeamViewMixin
from collaboratives.forms.prework import AssignmentForm, CompletionForm, DeleteAssignmentForm
from collaboratives.models import Assignment, AssignmentCompletion
from collaboratives.permissions import (
    CONFIGURE_COLLABORATIVE,
    VIEW_ALL_TEAMS,
    VIEW_COLLABORATIVE,
)
from collaboratives.selectors import prework as selectors
from collaboratives.services import prework as services
from collaboratives.uploads import ALLOWED_TYPES, attachment_response, display_name
from teams.models import Team, TeamStatus

ASSIGNMENT_FIELDS = ("kind", "title", "instructions", "url", "due_date", "requires_upload")


class PreworkMixin(CollaborativeViewMixin):
    @property
    def zone(self) -> Any:
        return self.organization.tzinfo

    @property
    def can_configure(self) -> bool:
        return self.has_perm(CONFIGURE_COLLABORATIVE) and not self.collaborative.is_archived

    def list_url(self, anchor: str = "") -> str:
        url = reverse(
            "assignment_list",
            kwargs={"org": self.organization.slug, "collab": self.collaborative.slug},
        )
        return f"{url}#{anchor}" if anchor else url

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("can_configure", self.can_configure)
        kwargs.setdefault("can_view_all", self.has_perm(VIEW_ALL_TEAMS))
        return super().get_context_data(**kwargs)


@dataclass
class AssignmentRow:
    assignment: Assignment
    # The caller's own teams' standing, one cell per team.
    own_cells: list[selectors.Cell]
    # Counts over every active team, for those who may see all teams.
    summary: selectors.AssignmentSummary | None


class AssignmentListView(PreworkMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    template_name = "collaboratives/prework/assignment_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        assignments = selectors.assignments_of(self.collaborative)
        own_teams: list[Team] = []
        if self.access.team_ids:
            own_teams = list(
                Team.objects.filter(collaborative=self.collaborative, pk__in=self.access.team_ids)
                .exclude(status=TeamStatus.WITHDRAWN)
                .order_by("name")
            )
        own = (
            selectors.completion_grid(
                self.collaborative, zone=self.zone, teams=own_teams, assignments=assignments
            )
            if own_teams
            else None
        )
        overall = (
            selectors.completion_grid(self.collaborative, zone=self.zone, assignments=assignments)
            if self.has_perm(VIEW_ALL_TEAMS)
            else None
        )
        rows = [
            AssignmentRow(
                assignment=assignment,
                own_cells=own.summaries[index].cells if own else [],
                summary=overall.summaries[index] if overall else None,
            )
            for index, assignment in enumerate(assignments)
        ]
        kwargs.update(
            rows=rows,
            own_teams=own_teams,
            team_count=len(overall.rows) if overall else 0,
            can_complete_any=self.has_perm(CONFIGURE_COLLABORATIVE),
        )
        return super().get_context_data(**kwargs)


class PreworkProgressView(PreworkMixin, TemplateView):
    """The completion grid: one row per active team, one column per assignment."""

    permission = VIEW_ALL_TEAMS
    template_name = "collaboratives/prework/progress.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["grid"] = selectors.completion_grid(self.collaborative, zone=self.zone)
        kwargs["can_complete_any"] = self.has_perm(CONFIGURE_COLLABORATIVE)
        return super().get_context_data(**kwargs)


# --- Assignments (staff) -------------------------------------------------------------------


class AssignmentCreateView(PreworkMixin, TemplateView):
    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/prework/assignment_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", AssignmentForm(submit_label="Add assignment"))
        kwargs.setdefault("title", "Add a pre-work assignment")
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AssignmentForm(request.POST, submit_label="Add assignment")
        if form.is_valid():
            try:
                assignment = services.assignment_create(
                    collaborative=self.collaborative, actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"Added the assignment “{assignment.title}”.")
                return HttpResponseRedirect(self.list_url(f"assignment-{assignment.pk}"))
        return self.render_to_response(self.get_context_data(form=form))


class AssignmentObjectMixin(PreworkMixin):
    @cached_property
    def assignment(self) -> Assignment:
        return get_object_or_404(
            Assignment.objects.filter(collaborative=self.collaborative), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("assignment", self.assignment)
        return super().get_context_data(**kwargs)


class AssignmentUpdateView(AssignmentObjectMixin, TemplateView):
    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/prework/assignment_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if "form" not in kwargs:
            kwargs["form"] = AssignmentForm(
                initial={field: getattr(self.assignment, field) for field in ASSIGNMENT_FIELDS}
            )
        kwargs.setdefault("title", f"Edit “{self.assignment.title}”")
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AssignmentForm(request.POST)
        if form.is_valid():
            try:
                services.assignment_update(
                    assignment=self.assignment, actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"Saved the assignment “{self.assignment.title}”.")
                return HttpResponseRedirect(self.list_url(f"assignment-{self.assignment.pk}"))
        return self.render_to_response(self.get_context_data(form=form))


class AssignmentDeleteView(AssignmentObjectMixin, TemplateView):
    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/prework/assignment_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", DeleteAssignmentForm())
        kwargs["done_count"] = AssignmentCompletion.objects.filter(
            assignment=self.assignment
        ).count()
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DeleteAssignmentForm(request.POST)
        form.is_valid()
        title = self.assignment.title
        try:
            services.assignment_delete(
                assignment=self.assignment,
                delete_completions=bool(form.cleaned_data.get("confirm_all")),
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(request, f"Deleted the assignment “{title}”.")
        return HttpResponseRedirect(self.list_url())


# --- Completions (a team's members, or staff) -------------------------------------------------


class CompletionMixin(TeamViewMixin):
    """``.../prework/<pk>/teams/<team>/...``: one assignment for one team."""

    @cached_property
    def assignment(self) -> Assignment:
        return get_object_or_404(
            Assignment.objects.filter(collaborative=self.collaborative), pk=self.kwargs["pk"]
        )

    @cached_property
    def completion(self) -> AssignmentCompletion | None:
        return selectors.completion_for(self.assignment, self.team)

    def list_url(self) -> str:
        url = reverse(
            "assignment_list",
            kwargs={"org": self.organization.slug, "collab": self.collaborative.slug},
        )
        return f"{url}#assignment-{self.assignment.pk}"


class CompletionView(CompletionMixin, TemplateView):
    """GET shows the team's standing and the form; POST marks done (or updates)."""

    permission = VIEW_COLLABORATIVE
    team_access = "can_complete_prework"
    template_name = "collaboratives/prework/completion_form.html"

    def form(self, *args: Any) -> CompletionForm:
        has_file = bool(self.completion and self.completion.file)
        return CompletionForm(
            *args,
            assignment=self.assignment,
            has_file=has_file,
            initial={"note": self.completion.note if self.completion else ""},
            submit_label="Save changes" if self.completion else "Mark as done",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        zone = self.organization.tzinfo
        kwargs.setdefault("form", self.form())
        status = selectors.status_of(
            self.assignment, self.completion, today=timezone.localdate(timezone=zone), zone=zone
        )
        kwargs.update(
            assignment=self.assignment,
            completion=self.completion,
            status=status,
            status_style=selectors.STATUS_STYLE[status],
            archived=self.collaborative.is_archived,
        )
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            was_done = self.completion is not None
            try:
                completion = services.completion_mark(
                    assignment=self.assignment,
                    team=self.team,
                    note=form.cleaned_data["note"],
                    upload=upload,
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if was_done:
                    text = f"Saved {self.team.name}'s work on “{self.assignment.title}”."
                else:
                    text = f"Marked “{self.assignment.title}” done for {self.team.name}."
                if upload is not None and completion.file_name != display_name(upload.name or ""):
                    kind = ALLOWED_TYPES[completion.content_type][1]
                    text += f" The file is a {kind}, so it is kept as {completion.file_name}."
                messages.success(request, text)
                return HttpResponseRedirect(self.list_url())
        return self.render_to_response(self.get_context_data(form=form))


class CompletionUndoView(CompletionMixin, View):
    permission = VIEW_COLLABORATIVE
    team_access = "can_complete_prework"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.completion is None:
            messages.info(request, f"“{self.assignment.title}” was not marked done.")
            return HttpResponseRedirect(self.list_url())
        try:
            services.completion_undo(completion=self.completion, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"“{self.assignment.title}” is no longer marked done for {self.team.name}.",
            )
        return HttpResponseRedirect(self.list_url())


class CompletionFileView(CompletionMixin, View):
    """The file a team handed in, as a download, to those who may see the team."""

    permission = VIEW_COLLABORATIVE
    team_access = "can_view_team"
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return attachment_response(self.completion)
