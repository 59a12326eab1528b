"""Shared view parts for pages under ``/orgs/<org>/``.

``TenantMiddleware`` has already turned the slug into ``request.organization``,
answered 404 to non-members and entered the tenant scope. What is left for a
view is the one question the middleware cannot answer: may this member do
*this*? ``OrganizationViewMixin`` answers it from the view's ``permission``,
so a page cannot be added without saying which permission it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.template.response import SimpleTemplateResponse
from django.utils import timezone

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

    from accounts.models import Membership, Organization


class OrganizationViewMixin(LoginRequiredMixin):
    """Require ``permission`` (a name from ``accounts.permissions``) in the current organization.

    A member without it gets 403: they can see the organization exists, so
    there is nothing to hide, and a 403 page tells them to ask an admin.
    """

    permission: str | None = None
    organization: Organization
    membership: Membership

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        organization = getattr(request, "organization", None)
        if organization is None:
            # Only reachable if a view is mounted outside /orgs/<org>/ by mistake.
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs an <slug:org> URL under /orgs/ so the "
                "tenancy middleware resolves the organization."
            )
        if not self.permission:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare `permission`.")
        if self.permission not in request.perms:  # type: ignore[attr-defined]
            raise PermissionDenied(f"Needs the {self.permission} permission.")
        self.organization = organization
        self.membership = request.membership  # type: ignore[attr-defined]
        # Dates on an organization's pages are in its time zone, the one its deadlines
        # follow. A TemplateResponse renders after dispatch returns, so render it here,
        # while the zone is still active.
        with timezone.override(organization.tzinfo):
            response = super().dispatch(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
        return response

    def has_perm(self, name: str) -> bool:
        return name in self.request.perms  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("organization", self.organization)
        kwargs.setdefault("membership", self.membership)
        return super().get_context_data(**kwargs)  # type: ignore[misc]
