from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from bsc.tenancy import organizations_for


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and, for the navigation bar, the organizations the user can switch to."""

    def user_organizations() -> list[Any]:
        return organizations_for(request.user)

    return {
        # Not "site_name": Django's auth views set that to the request's host name.
        "platform_name": settings.SITE_NAME,
        "organization": getattr(request, "organization", None),
        "membership": getattr(request, "membership", None),
        "perms_org": getattr(request, "perms", frozenset()),
        # Evaluated lazily by the template: pages that do not show the switcher pay nothing.
        "user_organizations": user_organizations,
    }
