"""How a request or a task gets its organization.

The organization always comes from the URL (``/orgs/<org>/`` for pages,
``/api/v1/organizations/<org>/`` for the API), never from a request body. These
helpers are the only place that turn a slug plus a user into a membership.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_scopes import scopes_disabled

from accounts.models import Membership, Organization
from accounts.permissions import permissions_for

if TYPE_CHECKING:
    from accounts.models import ApiToken, User
    from collaboratives.models import Collaborative

ORG_URL_KWARG = "org"
COLLAB_URL_KWARG = "collab"
UI_PREFIX = "/orgs/"
API_PREFIX = "/api/v1/organizations/"


def organization_from_slug(slug: str) -> Organization | None:
    return Organization.objects.filter(slug=slug).first()


def membership_for(
    user: User | None, organization: Organization, token: ApiToken | None = None
) -> Membership | None:
    """The caller's membership of ``organization``, or None if they may not see it.

    A token acts as its user inside the one organization it was made for.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if token is not None and token.organization_id != organization.pk:
        return None
    with scopes_disabled():
        return (
            Membership.objects.select_related("organization")
            .filter(user=user, organization=organization)
            .first()
        )


def attach_membership(request: object, membership: Membership | None) -> None:
    """Expose the caller's membership and permission names on the request."""
    request.membership = membership  # type: ignore[attr-defined]
    request.perms = permissions_for(membership)  # type: ignore[attr-defined]


def organizations_for(user: User, token: ApiToken | None = None) -> list[Organization]:
    """The organizations a user belongs to, for the switcher and the API root list."""
    if not user.is_authenticated:
        return []
    orgs = Organization.objects.filter(memberships__user=user).order_by("name")
    if token is not None:
        orgs = orgs.filter(pk=token.organization_id)
    return list(orgs)


def collaborative_from_slug(slug: str) -> Collaborative | None:
    """The collaborative of the active organization's scope with this slug."""
    from collaboratives.models import Collaborative

    return Collaborative.objects.filter(slug=slug).first()


def attach_collaborative_access(request: object, collaborative: Collaborative) -> None:
    """Work out the caller's powers in ``collaborative`` and add them to ``request.perms``."""
    from collaboratives.permissions import access_for

    access = access_for(request.user, request.membership, collaborative)  # type: ignore[attr-defined]
    request.collaborative = collaborative  # type: ignore[attr-defined]
    request.access = access  # type: ignore[attr-defined]
    request.perms = request.perms | access.perms  # type: ignore[attr-defined]
