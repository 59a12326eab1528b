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
from django.shortcuts import get_object_or_404
from django.template.response import SimpleTemplateResponse
from django.utils import timezone

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

    from accounts.models import Membership, Organization
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess
    from teams.models import Team


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


class CollaborativeViewMixin(OrganizationViewMixin):
    """For pages under ``/orgs/<org>/collaboratives/<collab>/``.

    The middleware has loaded ``request.collaborative`` (404 if it is not in
    this organization) and ``request.access`` (the caller's powers in it, see
    ``collaboratives.permissions``), whose names are already in ``request.perms``,
    so ``permission`` works here exactly as on organization pages.
    """

    collaborative: Collaborative
    access: CollaborativeAccess

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        collaborative = getattr(request, "collaborative", None)
        if collaborative is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs a <slug:collab> URL under "
                "/orgs/<org>/collaboratives/ so the middleware resolves the collaborative."
            )
        self.collaborative = collaborative
        self.access = request.access  # type: ignore[attr-defined]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("collaborative", self.collaborative)
        kwargs.setdefault("access", self.access)
        return super().get_context_data(**kwargs)


class TeamViewMixin(CollaborativeViewMixin):
    """For pages of one team: ``.../collaboratives/<collab>/teams/<int:team>/``.

    ``team_access`` names the ``CollaborativeAccess`` predicate the caller must
    pass for this team: ``"can_view_team"`` (the default) or
    ``"can_manage_roster"``. A team of another collaborative is 404; a team the
    caller may not see or manage is 403.
    """

    team_access = "can_view_team"
    team: Team

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        from teams.models import Team

        collaborative = getattr(request, "collaborative", None)
        self.team = get_object_or_404(
            Team.objects.filter(collaborative=collaborative), pk=kwargs.get("team")
        )
        if not getattr(request.access, self.team_access)(self.team):  # type: ignore[attr-defined]
            raise PermissionDenied("You are not allowed to do this for this team.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Not setdefault: TemplateView passes the URL kwargs in, and ``team`` there is the id.
        kwargs["team"] = self.team
        return super().get_context_data(**kwargs)
