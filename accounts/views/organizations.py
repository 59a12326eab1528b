"""The start page, the organization list and an organization's own pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts import permissions, selectors, services
from accounts.forms import AuditFilterForm, OrganizationSettingsForm
from bsc.tenancy import organizations_for
from bsc.views import OrganizationViewMixin
from collaboratives.selectors.core import active_collaboratives


class HomeView(View):
    """Send people where they most likely want to go: their one organization, or a choice."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("login")
        organizations = organizations_for(request.user)
        if len(organizations) == 1:
            return redirect("organization_home", org=organizations[0].slug)
        if organizations:
            return redirect("organization_list")
        return render(request, "accounts/no_organization.html")


class OrganizationListView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/organization_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["memberships"] = selectors.memberships_of_user(self.request.user)
        return super().get_context_data(**kwargs)


class OrganizationHomeView(OrganizationViewMixin, TemplateView):
    permission = permissions.VIEW_ORGANIZATION
    template_name = "accounts/organization_home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["summary"] = selectors.organization_summary(
            self.organization,
            include_invitations=self.has_perm(permissions.MANAGE_MEMBERS),
            include_activity=self.has_perm(permissions.VIEW_AUDIT_LOG),
        )
        # Every member sees the active collaboratives: one query.
        kwargs["collaboratives"] = active_collaboratives(self.organization)
        return super().get_context_data(**kwargs)


class OrganizationSettingsView(OrganizationViewMixin, FormView):
    permission = permissions.CHANGE_ORGANIZATION
    form_class = OrganizationSettingsForm
    template_name = "accounts/organization_settings.html"

    def get_initial(self) -> dict[str, Any]:
        return {"name": self.organization.name, "time_zone": self.organization.time_zone}

    def get_success_url(self) -> str:
        return reverse("organization_settings", kwargs={"org": self.organization.slug})

    def form_valid(self, form: OrganizationSettingsForm) -> HttpResponse:
        try:
            services.organization_update(
                organization=self.organization,
                actor=self.request.user,
                name=form.cleaned_data["name"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except ValidationError as error:
            # The service changed the object in memory before it refused: undo that,
            # so the page around the form still shows the saved name.
            self.organization.refresh_from_db()
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(self.request, "The organization's settings are saved.")
        return HttpResponseRedirect(self.get_success_url())


class AuditLogView(OrganizationViewMixin, ListView):
    permission = permissions.VIEW_AUDIT_LOG
    template_name = "accounts/audit_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.filter_form = AuditFilterForm(self.request.GET or None)
        valid = self.filter_form.is_bound and self.filter_form.is_valid()
        self.action_prefix = self.filter_form.cleaned_data["action"] if valid else ""
        return selectors.audit_entries(self.organization, self.action_prefix or None)

    def get_template_names(self) -> list[str]:
        # htmx filter and paging swap only the table, not the whole page; restoring a
        # page from history after a cache miss needs the whole page again.
        htmx = self.request.htmx  # type: ignore[attr-defined]
        if htmx and not htmx.history_restore_request:
            return ["accounts/_audit_entries.html"]
        return [self.template_name]

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        # One URL, two bodies: caches must keep the table and the page apart.
        patch_vary_headers(response, ["HX-Request"])
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["filter_form"] = self.filter_form
        # Page links keep the filter.
        kwargs["filter_query"] = (
            urlencode({"action": self.action_prefix}) + "&" if self.action_prefix else ""
        )
        return super().get_context_data(**kwargs)
