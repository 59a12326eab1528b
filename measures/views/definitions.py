"""The measure pages: list, detail with team goals, add, edit, archive, reorder.

Every member reads the collaborative's measures; staff configure them
(``can_manage_measures(None)``), a team's leads their team's own custom
measures (``can_manage_measures(team)``), which only that team and faculty
or staff see (``selectors.definitions``).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin
from collaboratives.permissions import MANAGE_TEAMS, VIEW_COLLABORATIVE
from measures.forms.definitions import MeasureForm, MoveForm, TeamGoalForm
from measures.models import Measure, TeamGoal
from measures.selectors.definitions import team_goals_of, visible_measures
from measures.services import definitions as services
from teams.models import Team, TeamStatus


def _show_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


class MeasuresMixin(CollaborativeViewMixin):
    permission = VIEW_COLLABORATIVE

    def list_url(self) -> str:
        return reverse(
            "measure_list",
            kwargs={"org": self.organization.slug, "collab": self.collaborative.slug},
        )

    def detail_url(self, measure: Measure) -> str:
        return reverse(
            "measure_detail",
            kwargs={
                "org": self.organization.slug,
                "collab": self.collaborative.slug,
                "pk": measure.pk,
            },
        )

    def can_manage(self, team: Team | None) -> bool:
        return self.access.can_manage_measures(team) and not self.collaborative.is_archived


class MeasureObjectMixin(MeasuresMixin):
    @cached_property
    def measure(self) -> Measure:
        return get_object_or_404(
            visible_measures(self.collaborative, self.access, include_archived=True),
            pk=self.kwargs["pk"],
        )

    def require_manage(self) -> None:
        if not self.can_manage(self.measure.team):
            raise PermissionDenied("You may not change this measure.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("measure", self.measure)
        kwargs.setdefault("can_manage", self.can_manage(self.measure.team))
        return super().get_context_data(**kwargs)


class MeasureListView(MeasuresMixin, TemplateView):
    """The collaborative's measures in order, then each visible team's own measures."""

    template_name = "measures/definitions/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        show_archived = self.request.GET.get("archived") == "1"
        measures = list(
            visible_measures(self.collaborative, self.access, include_archived=show_archived)
        )
        shared = [measure for measure in measures if measure.team_id is None]
        by_team: dict[int, tuple[Team, list[Measure]]] = {}
        for measure in measures:
            if measure.team_id is not None:
                by_team.setdefault(measure.team_id, (measure.team, []))[1].append(measure)
        teams = Team.objects.filter(collaborative=self.collaborative).exclude(
            status__in=[TeamStatus.WITHDRAWN, TeamStatus.APPLICANT]
        )
        if not self.access.has(MANAGE_TEAMS):
            teams = teams.filter(pk__in=self.access.team_ids)
        editable = [team for team in teams if self.access.can_edit_report(team)]
        own_teams = [team for team in editable if team.pk in self.access.team_ids]
        own_teams = [team for team in own_teams if self.can_manage(team)]
        kwargs.update(
            shared=shared,
            custom=[
                {"team": team, "measures": items, "can_manage": self.can_manage(team)}
                for team, items in by_team.values()
            ],
            show_archived=show_archived,
            can_manage_shared=self.can_manage(None),
            own_teams=own_teams,
            import_teams=[] if self.collaborative.is_archived else editable,
        )
        return super().get_context_data(**kwargs)


class MeasureDetailView(MeasureObjectMixin, TemplateView):
    template_name = "measures/definitions/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        goals = list(team_goals_of(self.measure)) if self.measure.team_id is None else []
        if "goal_form" not in kwargs and self.measure.team_id is None:
            kwargs["goal_form"] = self.goal_form()
        kwargs.update(team_goals=goals)
        return super().get_context_data(**kwargs)

    def goal_form(self, data: Any = None) -> TeamGoalForm:
        teams = list(
            Team.objects.filter(collaborative=self.collaborative).exclude(
                status=TeamStatus.WITHDRAWN
            )
        )
        return TeamGoalForm(data, teams=teams, prefix="goal")


class MeasureCreateView(MeasuresMixin, TemplateView):
    """Add a collaborative measure, or (``?team=<id>``) a team's own measure."""

    template_name = "measures/definitions/form.html"

    @cached_property
    def team(self) -> Team | None:
        raw = self.request.GET.get("team") or self.request.POST.get("team")
        if not raw:
            return None
        try:
            pk = int(raw)
        except ValueError:
            raise Http404("No such team.") from None
        return get_object_or_404(Team.objects.filter(collaborative=self.collaborative), pk=pk)

    def check(self) -> None:
        if not self.can_manage(self.team):
            raise PermissionDenied("You may not add this measure.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", MeasureForm(submit_label="Add measure"))
        kwargs.setdefault(
            "title", f"Add a measure of {self.team.name}" if self.team else "Add a measure"
        )
        kwargs.setdefault("for_team", self.team)
        return super().get_context_data(**kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        form = MeasureForm(request.POST, submit_label="Add measure")
        if form.is_valid():
            try:
                measure = services.measure_create(
                    collaborative=self.collaborative,
                    team=self.team,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except DomainError as error:
                _show_error(form, error)
            else:
                messages.success(request, f"Added the measure “{measure.name}”.")
                return HttpResponseRedirect(self.detail_url(measure))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MeasureUpdateView(MeasureObjectMixin, TemplateView):
    template_name = "measures/definitions/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", MeasureForm(initial=MeasureForm.initial_for(self.measure)))
        kwargs.setdefault("title", f"Edit “{self.measure.name}”")
        kwargs.setdefault("for_team", self.measure.team)
        return super().get_context_data(**kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_manage()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_manage()
        form = MeasureForm(request.POST)
        if form.is_valid():
            try:
                services.measure_update(
                    measure=self.measure, actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                _show_error(form, error)
            else:
                messages.success(request, f"Saved the measure “{self.measure.name}”.")
                return HttpResponseRedirect(self.detail_url(self.measure))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MeasureArchiveView(MeasureObjectMixin, View):
    """POST: archive the measure, or restore it with ``restore=1``."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_manage()
        if request.POST.get("restore") == "1":
            services.measure_restore(measure=self.measure, actor=request.user)
            messages.success(request, f"Restored the measure “{self.measure.name}”.")
        else:
            services.measure_archive(measure=self.measure, actor=request.user)
            messages.success(
                request,
                f"Archived the measure “{self.measure.name}”. Its values and charts stay; "
                "teams no longer report it.",
            )
        return HttpResponseRedirect(self.list_url())


class MeasureMoveView(MeasureObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_manage()
        form = MoveForm(request.POST)
        if form.is_valid():
            services.measure_move(
                measure=self.measure,
                direction=form.cleaned_data["direction"],
                actor=request.user,
            )
        return HttpResponseRedirect(f"{self.list_url()}#measure-{self.measure.pk}")


class TeamGoalSetView(MeasureDetailView):
    """POST from the measure page: set one team's own goal."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_manage()
        if self.measure.team_id is not None:
            raise Http404("A team's own measure has no team goals.")
        form = self.goal_form(request.POST)
        if form.is_valid():
            try:
                goal = services.team_goal_set(
                    measure=self.measure,
                    team=form.cleaned_data["team"],
                    goal=form.cleaned_data["goal"],
                    actor=request.user,
                )
            except DomainError as error:
                _show_error(form, error)
            else:
                messages.success(request, f"Set the goal of {goal.team.name}.")
                return HttpResponseRedirect(self.detail_url(self.measure))
        return self.render_to_response(self.get_context_data(goal_form=form), status=400)


class TeamGoalDeleteView(MeasureObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, goal: int, **kwargs: Any) -> HttpResponse:
        self.require_manage()
        team_goal = get_object_or_404(TeamGoal.objects.filter(measure=self.measure), pk=goal)
        services.team_goal_delete(team_goal=team_goal, actor=request.user)
        messages.success(request, "The team follows the collaborative's goal again.")
        return HttpResponseRedirect(self.detail_url(self.measure))
