"""Tenant resolution for every request under ``/orgs/<org>/`` and ``/api/v1/organizations/<org>/``.

The middleware loads the organization named in the URL (and the collaborative,
for URLs under ``collaboratives/<collab>/``), runs the whole view,
and renders its response inside ``scope(organization=...)``. Any query on a
tenant-owned model outside such a scope raises instead of leaking.

Pages: a signed-in non-member, or a slug that does not exist, gets 404 (never
403, so tenants cannot probe each other); an anonymous visitor goes to sign-in.

API: DRF authenticates later than middleware runs (tokens live in a header),
so the membership check happens in ``bsc.api.OrganizationPermission``, again
404 for non-members and unknown slugs, 401 for anonymous callers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django_scopes import scope

from bsc import tenancy


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organization = None  # type: ignore[attr-defined]
        request.collaborative = None  # type: ignore[attr-defined]
        request.access = None  # type: ignore[attr-defined]
        tenancy.attach_membership(request, None)
        path = request.path_info
        is_ui = path.startswith(tenancy.UI_PREFIX)
        is_api = path.startswith(tenancy.API_PREFIX)
        if not (is_ui or is_api):
            return self.get_response(request)
        try:
            match = resolve(path)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get(tenancy.ORG_URL_KWARG)
        if slug is None:
            return self.get_response(request)

        if is_ui and not request.user.is_authenticated:
            # Before any lookup, so an anonymous visitor learns nothing about slugs.
            return redirect_to_login(request.get_full_path())

        organization = tenancy.organization_from_slug(slug)
        if is_ui:
            membership = (
                tenancy.membership_for(request.user, organization) if organization else None
            )
            if membership is None:
                raise Http404("No such organization.")
            tenancy.attach_membership(request, membership)
        elif organization is None:
            # The API view authenticates first (401 for anonymous callers), then
            # OrganizationPermission answers 404: no scope is needed for that.
            return self.get_response(request)

        request.organization = organization  # type: ignore[attr-defined]
        with scope(organization=organization):
            collab_slug = match.kwargs.get(tenancy.COLLAB_URL_KWARG)
            if collab_slug is not None:
                collaborative = tenancy.collaborative_from_slug(collab_slug)
                request.collaborative = collaborative  # type: ignore[attr-defined]
                if is_ui:
                    if collaborative is None:
                        raise Http404("No such collaborative.")
                    tenancy.attach_collaborative_access(request, collaborative)
            return self.get_response(request)
