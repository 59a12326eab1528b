"""Pages of teams, their rosters and the affinity groups of a collaborative.

Thin views: who may open a page is the ``permission`` name (and, on a team's
pages, the ``team_access`` predicate of ``CollaborativeAccess``); reads come
from ``teams.selectors.teams``; every write is one call to
``teams.services.teams``, whose ``DomainError`` is shown on the form field it
names, never as an error page.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin, TeamViewMixin
from collaboratives.permissions import MANAGE_TEAMS, VIEW_COLLABORATIVE
from pdsa import permissions as pdsa_rules
from teams import assessment_permissions as assessment_rules
from teams.composition import composition_warnings, rules_for, rules_summary
from teams.forms.teams import TeamForm, TeamMemberForm
from teams.models import TeamMember, TeamStatus
from teams.selectors import teams as selectors
from teams.services import teams as services


class TeamRef(NamedTuple):
    """Enough of a team for the access predicates, which look at its primary key only."""

    pk: int


def _collab_kwargs(view: CollaborativeViewMixin) -> dict[str, str]:
    return {"org": view.organization.slug, "collab": view.collaborative.slug}


def team_url(view: CollaborativeViewMixin, team_id: int, anchor: str = "") -> str:
    return reverse("team_detail", kwargs={**_collab_kwargs(view), "team": team_id}) + anchor


# --- Teams ----------------------------------------------------------------------


class TeamListView(CollaborativeViewMixin, TemplateView):
    """Every team of the collaborative: every member may see who takes part."""

    permission = VIEW_COLLABORATIVE
    template_name = "teams/team_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        teams = selectors.teams_for_collaborative(self.collaborative)
        kwargs["teams"] = teams
        kwargs["active_count"] = sum(1 for team in teams if team.status == TeamStatus.ACTIVE)
        kwargs["can_manage_teams"] = self.has_perm(MANAGE_TEAMS)
        kwargs["rules_text"] = rules_summary(rules_for(self.collaborative))
        return super().get_context_data(**kwargs)


class TeamCreateView(CollaborativeViewMixin, FormView):
    permission = MANAGE_TEAMS
    template_name = "teams/team_form.html"

    def get_form(self, form_class: Any = None) -> TeamForm:
        return TeamForm(**self.get_form_kwargs(), submit_label="Add team")

    def form_valid(self, form: TeamForm) -> HttpResponse:
        try:
            team = services.team_create(
                collaborative=self.collaborative, actor=self.request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"{team.name} is in the collaborative. Add its members to the roster."
        )
        return HttpResponseRedirect(team_url(self, team.pk))


class TeamDetailView(TeamViewMixin, TemplateView):
    """A team and its roster, with contact details: for the team, faculty and staff."""

    permission = VIEW_COLLABORATIVE
    team_access = "can_view_team"
    template_name = "teams/team_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        members = selectors.team_roster(self.team)
        kwargs["members"] = members
        kwargs["warnings"] = (
            composition_warnings(
                rules=rules_for(self.collaborative), members=[m.role_list for m in members]
            )
            if self.team.status != TeamStatus.WITHDRAWN
            else []
        )
        kwargs["rules_text"] = rules_summary(rules_for(self.collaborative))
        kwargs["can_manage_roster"] = self.access.can_manage_roster(self.team)
        kwargs["can_manage_teams"] = self.has_perm(MANAGE_TEAMS)
        # The team's improvement work, linked only for those who may open it; an applicant
        # has none yet.
        working = self.team.status != TeamStatus.APPLICANT
        kwargs["can_view_cycles"] = working and pdsa_rules.can_view_cycles(self.access, self.team)
        kwargs["can_view_progress"] = working and assessment_rules.can_view_assessments(
            self.access, self.team
        )
        kwargs["can_view_spread_plan"] = working and assessment_rules.can_view_spread_plan(
            self.access, self.team
        )
        return super().get_context_data(**kwargs)


class TeamEditView(TeamViewMixin, FormView):
    permission = MANAGE_TEAMS
    template_name = "teams/team_form.html"

    def get_initial(self) -> dict[str, Any]:
        return {field: getattr(self.team, field) for field in services.TEAM_FIELDS}

    def get_form(self, form_class: Any = None) -> TeamForm:
        return TeamForm(**self.get_form_kwargs(), submit_label="Save team")

    def form_valid(self, form: TeamForm) -> HttpResponse:
        try:
            services.team_update(team=self.team, actor=self.request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
            return self.form_invalid(form)
        messages.success(self.request, f"Saved the changes to {self.team.name}.")
        return HttpResponseRedirect(team_url(self, self.team.pk))


class TeamWithdrawView(TeamViewMixin, TemplateView):
    """GET asks for confirmation; POST sets the status to withdrawn. Nothing is deleted."""

    permission = MANAGE_TEAMS
    template_name = "teams/team_withdraw.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.team_withdraw(team=self.team, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_to_response(self.get_context_data())
        messages.success(
            request,
            f"{self.team.name} has withdrawn. Its roster and history stay; set its status "
            "back to active to bring it back.",
        )
        return HttpResponseRedirect(reverse("team_list", kwargs=_collab_kwargs(self)))


# --- Roster ---------------------------------------------------------------------


class RosterViewMixin(TeamViewMixin):
    """Roster changes: staff, or the team's own senior leader or day-to-day leader."""

    permission = VIEW_COLLABORATIVE
    team_access = "can_manage_roster"


class MemberViewMixin(RosterViewMixin):
    member: TeamMember

    def get_member(self) -> TeamMember:
        if not hasattr(self, "member"):
            self.member = get_object_or_404(
                TeamMember.objects.filter(team=self.team).select_related("user"),
                pk=self.kwargs["member"],
            )
        return self.member

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["member"] = self.get_member()  # the URL kwarg of the same name is the id
        return super().get_context_data(**kwargs)


def _added_message(member: TeamMember, invitation: Any) -> str:
    if member.user_id is not None:
        return (
            f"Added {member.full_name} to the roster. They already have an account here, "
            "so they can open this team's pages now."
        )
    if invitation is not None:
        return (
            f"Added {member.full_name} to the roster and sent an invitation to "
            f"{invitation.email}. Their account is linked to the roster when they accept."
        )
    return f"Added {member.full_name} to the roster."


class TeamMemberAddView(RosterViewMixin, FormView):
    template_name = "teams/member_form.html"

    def get_form(self, form_class: Any = None) -> TeamMemberForm:
        return TeamMemberForm(**self.get_form_kwargs(), submit_label="Add member", adding=True)

    def form_valid(self, form: TeamMemberForm) -> HttpResponse:
        data = dict(form.cleaned_data)
        invite = data.pop("invite", False)
        invitation = None
        try:
            member = services.team_member_add(team=self.team, actor=self.request.user, **data)
            if invite and member.user_id is None and member.email:
                invitation = services.team_member_invite(member=member, actor=self.request.user)
        except DomainError as error:
            form.add_domain_error(error)
            return self.form_invalid(form)
        messages.success(self.request, _added_message(member, invitation))
        if "add_another" in self.request.POST:
            return HttpResponseRedirect(
                reverse("team_member_add", kwargs={**_collab_kwargs(self), "team": self.team.pk})
            )
        return HttpResponseRedirect(team_url(self, self.team.pk, f"#member-{member.pk}"))


class TeamMemberEditView(MemberViewMixin, FormView):
    template_name = "teams/member_form.html"

    def get_initial(self) -> dict[str, Any]:
        member = self.get_member()
        initial = {field: getattr(member, field) for field in services.MEMBER_FIELDS}
        initial["roles"] = list(member.roles.values_list("role", flat=True))
        return initial

    def get_form(self, form_class: Any = None) -> TeamMemberForm:
        return TeamMemberForm(**self.get_form_kwargs(), submit_label="Save member")

    def form_valid(self, form: TeamMemberForm) -> HttpResponse:
        member = self.get_member()
        try:
            services.team_member_update(member=member, actor=self.request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
            return self.form_invalid(form)
        messages.success(self.request, f"Saved the changes to {member.full_name}.")
        return HttpResponseRedirect(team_url(self, self.team.pk, f"#member-{member.pk}"))


class TeamMemberRemoveView(MemberViewMixin, TemplateView):
    """GET asks for confirmation; POST takes the member off the roster."""

    template_name = "teams/member_remove.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = self.get_member()
        try:
            services.team_member_remove(member=member, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_to_response(self.get_context_data())
        messages.success(request, f"{member.full_name} is no longer on the roster.")
        return HttpResponseRedirect(team_url(self, self.team.pk, "#roster"))


class TeamMemberInviteView(MemberViewMixin, View):
    """Link the member's account, or e-mail them an invitation to the platform."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = self.get_member()
        try:
            invitation = services.team_member_invite(member=member, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if invitation is None:
                messages.success(
                    request,
                    f"{member.full_name} already belongs to {self.organization.name}: their "
                    "account is now linked to the roster.",
                )
            else:
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email}. When {member.full_name} accepts, "
                    "their account is linked to the roster.",
                )
        return HttpResponseRedirect(team_url(self, self.team.pk, f"#member-{member.pk}"))


# --- Affinity groups --------------------------------------------------------------


class AffinityGroupsView(CollaborativeViewMixin, TemplateView):
    """Members of the same role across the active teams, for affinity-group calls."""

    permission = VIEW_COLLABORATIVE
    template_name = "teams/affinity_groups.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        groups = selectors.affinity_groups(self.collaborative, self.access)
        for group in groups:
            for person in group.members:
                person.team_url = (  # type: ignore[attr-defined]
                    team_url(self, person.team_id)
                    if self.access.can_view_team(TeamRef(person.team_id))
                    else None
                )
            group.emails = ",".join(  # type: ignore[attr-defined]
                sorted({person.email for person in group.members if person.email})
            )
        kwargs["groups"] = [group for group in groups if group.members]
        kwargs["empty_groups"] = [group for group in groups if not group.members]
        return super().get_context_data(**kwargs)
