"""Pages of spread plans: a team's plan (read by the team, faculty and staff, written by
its leads) and the collaborative's list of every team's plan for faculty and staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin, TeamViewMixin
from collaboratives.permissions import REVIEW_REPORTS, VIEW_COLLABORATIVE
from teams import assessment_permissions as rules
from teams.forms.spread_plans import SpreadPlanForm
from teams.models import SpreadPlan, Team, TeamStatus
from teams.services import spread_plans as services

FIELD_LABELS = {
    "what": "what will be spread",
    "to_whom": "to whom",
    "expected_improvement": "the expected improvement",
    "target_date": "by when",
    "learning_transfer": "how learning moves from the pilot",
}


class SpreadPlanView(TeamViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    template_name = "teams/spread_plans/plan.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.team.collaborative = self.collaborative
        plan = services.spread_plan_for(self.team)
        history = services.spread_plan_history(plan)
        for entry in history:
            entry.changed_labels = [
                FIELD_LABELS.get(name, name) for name in entry.data.get("fields", [])
            ]
        kwargs.update(
            plan=plan,
            history=history,
            can_edit=rules.can_edit_spread_plan(self.access, self.team)
            and not self.collaborative.is_archived,
            page_label="Spread plan",
        )
        return super().get_context_data(**kwargs)


class SpreadPlanEditView(TeamViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    team_access = "can_submit_report"
    template_name = "teams/spread_plans/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.team.collaborative = self.collaborative
        if "form" not in kwargs:
            plan = services.spread_plan_for(self.team)
            kwargs["form"] = SpreadPlanForm(
                initial={
                    "version": plan.version,
                    "what": plan.what,
                    "to_whom": plan.to_whom,
                    "expected_improvement": plan.expected_improvement,
                    "target_date": plan.target_date,
                    "learning_transfer": plan.learning_transfer,
                }
            )
        kwargs["page_label"] = "Spread plan"
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not rules.can_edit_spread_plan(self.access, self.team):
            raise PermissionDenied("Only the team's leads write its spread plan.")
        self.team.collaborative = self.collaborative
        form = SpreadPlanForm(request.POST)
        if form.is_valid():
            try:
                services.spread_plan_save(
                    team=self.team,
                    actor=request.user,
                    data=form.service_data(),
                    expected_version=form.cleaned_data["version"],
                )
            except services.StaleSpreadPlanError as error:
                messages.error(request, error.message)
                return HttpResponseRedirect(self._plan_url())
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, "The spread plan is saved.")
                return HttpResponseRedirect(self._plan_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _plan_url(self) -> str:
        return reverse(
            "spread_plan",
            kwargs={
                "org": self.organization.slug,
                "collab": self.collaborative.slug,
                "team": self.team.pk,
            },
        )


class SpreadPlanListView(CollaborativeViewMixin, TemplateView):
    """Every active team's spread plan on one page, for faculty and staff (two queries)."""

    permission = REVIEW_REPORTS
    template_name = "teams/spread_plans/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        teams = list(
            Team.objects.filter(collaborative=self.collaborative).exclude(
                status__in=[TeamStatus.APPLICANT, TeamStatus.WITHDRAWN]
            )
        )
        plans = {
            plan.team_id: plan
            for plan in SpreadPlan.objects.filter(collaborative=self.collaborative)
        }
        kwargs["rows"] = [(team, plans.get(team.pk)) for team in teams]
        kwargs["written"] = sum(1 for plan in plans.values() if not plan.is_empty)
        return super().get_context_data(**kwargs)
