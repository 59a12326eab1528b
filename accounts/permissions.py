"""The permission catalogue: what each organization role may do.

Views and API views declare the permission name they need; the tenancy
middleware puts the caller's names on ``request.perms``. Nothing else decides.
"""

from __future__ import annotations

from accounts.models import Membership, Role

VIEW_ORGANIZATION = "view_organization"
VIEW_MEMBERS = "view_members"
MANAGE_MEMBERS = "manage_members"
CHANGE_ORGANIZATION = "change_organization"
VIEW_AUDIT_LOG = "view_audit_log"
USE_API_TOKENS = "use_api_tokens"
CREATE_COLLABORATIVE = "create_collaborative"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            VIEW_ORGANIZATION,
            VIEW_MEMBERS,
            MANAGE_MEMBERS,
            CHANGE_ORGANIZATION,
            VIEW_AUDIT_LOG,
            USE_API_TOKENS,
            CREATE_COLLABORATIVE,
        }
    ),
    Role.MEMBER: frozenset({VIEW_ORGANIZATION, VIEW_MEMBERS, USE_API_TOKENS}),
}


def permissions_for(membership: Membership | None) -> frozenset[str]:
    if membership is None:
        return frozenset()
    return ROLE_PERMISSIONS.get(membership.role, frozenset())
