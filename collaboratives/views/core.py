"""Pages of the collaborative itself: list, create, home, settings, archive, leadership, copy.

Thin views: they read through ``collaboratives.selectors.core``, write through
one service each, and show a ``DomainError`` next to the field it names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Invitation
from accounts.permissions import CREATE_COLLABORATIVE, VIEW_ORGANIZATION
from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin, OrganizationViewMixin
from collaboratives import copying
from collaboratives.forms.core import (
    CollaborativeFilterForm,
    CollaborativeForm,
    CopyForm,
    LeadershipAssignForm,
    LeadershipInviteForm,
    goal_formset,
    kind_defaults_for_form,
)
from collaboratives.models import CollaborativeRole, Kind, LeadershipRole, Status
from collaboratives.navigation import area_links
from collaboratives.permissions import CONFIGURE_COLLABORATIVE, VIEW_COLLABORATIVE
from collaboratives.selectors import core as selectors
from collaboratives.services import core as services

GOAL_FIELDS = ("description", "baseline", "target", "unit")


def _home(collaborative: Any) -> HttpResponseRedirect:
    return redirect(
        "collaborative_home", org=collaborative.organization.slug, collab=collaborative.slug
    )


def _add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put the service's message next to its field, or above the form."""
    field = error.field
    if field == "required_roles":
        field = None
    form.add_error(field if field in form.fields else None, error.message)


# --- The list ---------------------------------------------------------------------------


class CollaborativeListView(OrganizationViewMixin, TemplateView):
    permission = VIEW_ORGANIZATION
    template_name = "collaboratives/core_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filter_form = CollaborativeFilterForm(self.request.GET or None)
        show_archived = bool(
            filter_form.is_bound and filter_form.is_valid() and filter_form.cleaned_data["archived"]
        )
        kwargs["filter_form"] = filter_form
        kwargs["show_archived"] = show_archived
        kwargs["collaboratives"] = list(
            selectors.collaboratives_of_organization(
                self.organization, include_archived=show_archived
            )
        )
        kwargs["can_create"] = self.has_perm(CREATE_COLLABORATIVE)
        return super().get_context_data(**kwargs)


# --- Create and edit ---------------------------------------------------------------------


class CollaborativeFormMixin:
    """The settings form and the aim goals, on the create and the settings pages."""

    request: HttpRequest

    def form_context(self, form: CollaborativeForm, goals: Any) -> dict[str, Any]:
        return {
            "form": form,
            "goal_formset": goals,
            "kind_defaults": kind_defaults_for_form(),
            "role_fields": form.role_fields(),
        }


class CollaborativeCreateView(CollaborativeFormMixin, OrganizationViewMixin, TemplateView):
    permission = CREATE_COLLABORATIVE
    template_name = "collaboratives/core_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = request.GET.get("kind")
        kind = kind if kind in Kind.values else Kind.NATIONAL
        initial = {
            "kind": kind,
            "status": Status.PREWORK,
            "data_sharing": "named",
            "run_chart_rules": "ihi",
            "report_due_day": 15,
            "reminder_days_before": 3,
            "overdue_reminder_count": 3,
            "escalation_after_days": 7,
            **CollaborativeForm.initial_for_kind(kind),
        }
        form = CollaborativeForm(initial=initial, creating=True)
        return self.render_to_response(self.get_context_data(form=form, goals=goal_formset()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CollaborativeForm(request.POST, creating=True)
        goals = goal_formset(request.POST)
        if form.is_valid() and goals.is_valid():
            data = form.settings_data()
            try:
                collaborative = services.collaborative_create(
                    organization=self.organization,
                    slug=form.cleaned_data["slug"],
                    goals=goals.goals(),
                    actor=request.user,
                    **data,
                )
            except DomainError as error:
                if error.field in GOAL_FIELDS:
                    messages.error(request, f"A goal of the aim: {error.message}")
                else:
                    _add_domain_error(form, error)
            else:
                messages.success(request, f"“{collaborative.name}” is set up.")
                return _home(collaborative)
        return self.render_to_response(self.get_context_data(form=form, goals=goals))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.update(self.form_context(kwargs.pop("form"), kwargs.pop("goals")))
        kwargs["creating"] = True
        kwargs["base_template"] = "base.html"
        return super().get_context_data(**kwargs)


class CollaborativeSettingsView(CollaborativeFormMixin, CollaborativeViewMixin, TemplateView):
    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/core_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CollaborativeForm(initial=CollaborativeForm.initial_from(self.collaborative))
        current = list(self.collaborative.goals.order_by("order", "id"))
        goals = goal_formset(initial=selectors.goals_as_initial(current), extra=0 if current else 1)
        return self.render_to_response(self.get_context_data(form=form, goals=goals))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CollaborativeForm(request.POST)
        goals = goal_formset(request.POST)
        if form.is_valid() and goals.is_valid():
            try:
                services.collaborative_update(
                    collaborative=self.collaborative,
                    actor=request.user,
                    goals=goals.goals(),
                    **form.settings_data(),
                )
            except DomainError as error:
                if error.field in GOAL_FIELDS or error.field == "goals":
                    messages.error(request, f"A goal of the aim: {error.message}")
                else:
                    _add_domain_error(form, error)
            else:
                messages.success(request, "The collaborative's settings are saved.")
                return redirect(
                    "collaborative_settings",
                    org=self.organization.slug,
                    collab=self.collaborative.slug,
                )
        return self.render_to_response(self.get_context_data(form=form, goals=goals))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.update(self.form_context(kwargs.pop("form"), kwargs.pop("goals")))
        kwargs["creating"] = False
        kwargs["base_template"] = "collaboratives/base_collaborative.html"
        kwargs["read_only"] = self.collaborative.is_archived
        return super().get_context_data(**kwargs)


# --- Home ---------------------------------------------------------------------------------


class CollaborativeHomeView(CollaborativeViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    template_name = "collaboratives/core_home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        overview = selectors.collaborative_overview(self.collaborative, timezone.localdate())
        kwargs["overview"] = overview
        kwargs["timeline"] = overview.timeline
        kwargs["area_links"] = [
            (label, url)
            for label, url_name, url in area_links(
                organization_slug=self.organization.slug,
                collaborative_slug=self.collaborative.slug,
                perms=self.request.perms,  # type: ignore[attr-defined]
            )
            if url_name != "collaborative_home"
        ]
        kwargs["can_configure"] = self.has_perm(CONFIGURE_COLLABORATIVE)
        kwargs["can_copy"] = self.has_perm(CREATE_COLLABORATIVE)
        return super().get_context_data(**kwargs)


# --- Archive and restore ------------------------------------------------------------------


class CollaborativeArchiveView(CollaborativeViewMixin, TemplateView):
    """GET asks for confirmation; POST archives."""

    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/core_archive.html"
    restoring = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["restoring"] = self.restoring
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if self.restoring:
                services.collaborative_restore(collaborative=self.collaborative, actor=request.user)
            else:
                services.collaborative_archive(collaborative=self.collaborative, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if self.restoring:
                messages.success(request, f"“{self.collaborative.name}” is restored.")
            else:
                messages.success(
                    request,
                    f"“{self.collaborative.name}” is archived. It is kept, read-only; "
                    "you can restore it at any time.",
                )
        return _home(self.collaborative)


class CollaborativeRestoreView(CollaborativeArchiveView):
    restoring = True


# --- Leadership ---------------------------------------------------------------------------


class LeadershipView(CollaborativeViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    template_name = "collaboratives/core_leadership.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        groups = selectors.leadership_groups(
            self.collaborative, selectors.leadership_of(self.collaborative)
        )
        can_manage = self.has_perm(CONFIGURE_COLLABORATIVE) and not self.collaborative.is_archived
        kwargs["groups"] = groups
        kwargs["warnings"] = selectors.leadership_warnings(self.collaborative, groups)
        kwargs["can_manage"] = can_manage
        if can_manage:
            kwargs.setdefault("assign_form", self.assign_form())
            kwargs.setdefault("invite_form", LeadershipInviteForm(auto_id="invite_%s"))
        return super().get_context_data(**kwargs)

    def assign_form(self, data: Any = None) -> LeadershipAssignForm:
        return LeadershipAssignForm(
            data,
            memberships=list(selectors.organization_members(self.organization)),
            auto_id="assign_%s",
        )

    def leadership_redirect(self) -> HttpResponseRedirect:
        return redirect(
            "collaborative_leadership", org=self.organization.slug, collab=self.collaborative.slug
        )


class LeadershipAssignView(LeadershipView):
    permission = CONFIGURE_COLLABORATIVE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.assign_form(request.POST)
        if form.is_valid():
            user = form.chosen_user()
            role = form.cleaned_data["role"]
            try:
                services.leadership_assign(
                    collaborative=self.collaborative, user=user, role=role, actor=request.user
                )
            except DomainError as error:
                _add_domain_error(form, error)
            else:
                messages.success(
                    request, f"{user.display_name} is now {LeadershipRole(role).label.lower()}."
                )
                return self.leadership_redirect()
        return self.render_to_response(self.get_context_data(assign_form=form))


class LeadershipInviteView(LeadershipView):
    permission = CONFIGURE_COLLABORATIVE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = LeadershipInviteForm(request.POST, auto_id="invite_%s")
        if form.is_valid():
            role = form.cleaned_data["role"]
            role_label = LeadershipRole(role).label.lower()
            try:
                result = services.leadership_invite(
                    collaborative=self.collaborative,
                    email=form.cleaned_data["email"],
                    role=role,
                    actor=request.user,
                )
            except DomainError as error:
                _add_domain_error(form, error)
            else:
                if isinstance(result, Invitation):
                    messages.success(
                        request,
                        f"Invitation sent to {result.email}. They become {role_label} of this "
                        "collaborative when they accept it.",
                    )
                else:
                    messages.success(
                        request,
                        f"{result.user.display_name} is a member already and is now {role_label}.",
                    )
                return self.leadership_redirect()
        return self.render_to_response(self.get_context_data(invite_form=form))


class LeadershipRemoveView(CollaborativeViewMixin, View):
    permission = CONFIGURE_COLLABORATIVE

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        assignment = get_object_or_404(
            CollaborativeRole.objects.filter(collaborative=self.collaborative).select_related(
                "user"
            ),
            pk=pk,
        )
        try:
            services.leadership_remove(assignment=assignment, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{assignment.user.display_name} is no longer "
                f"{assignment.get_role_display().lower()}.",
            )
        return redirect(
            "collaborative_leadership", org=self.organization.slug, collab=self.collaborative.slug
        )


# --- Copy into a new wave -----------------------------------------------------------------


class CollaborativeCopyView(CollaborativeViewMixin, TemplateView):
    permission = CREATE_COLLABORATIVE
    template_name = "collaboratives/core_copy.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        source = self.collaborative
        try:
            next_start = source.start_date.replace(year=source.start_date.year + 1)
        except ValueError:  # 29 February
            next_start = source.start_date.replace(year=source.start_date.year + 1, day=28)
        form = CopyForm(initial={"name": f"{source.name} (next wave)", "start_date": next_start})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CopyForm(request.POST)
        if form.is_valid():
            try:
                copy = copying.collaborative_copy(
                    source=self.collaborative,
                    name=form.cleaned_data["name"],
                    slug=form.cleaned_data["slug"],
                    start_date=form.cleaned_data["start_date"],
                    actor=request.user,
                )
            except DomainError as error:
                _add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    f"“{copy.name}” is set up from “{self.collaborative.name}”. Check its dates, "
                    "add video links and assign its leadership.",
                )
                return _home(copy)
        return self.render_to_response(self.get_context_data(form=form))
