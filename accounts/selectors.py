"""Reads for the accounts pages, with the joins each page needs so its query count stays flat.

Tenant reads run inside the request's scope and filter on the organization
explicitly as well: the scope is the safety net, the filter is the intent.
The few reads that span organizations say so with ``scopes_disabled()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django_scopes import scopes_disabled

from accounts.models import ApiToken, Invitation, Membership, Organization, User
from bsc.audit import AuditEntry

RECENT_ACTIVITY_LIMIT = 10

# Audit log filters: a plain-language area and the action prefixes it covers.
# Invitations are logged partly as ``bsc.member.*`` (invited, reinvited), so
# "members" takes both prefixes.
AUDIT_AREAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bsc.member": ("Members and invitations", ("bsc.member.", "bsc.invitation.")),
    "bsc.token": ("API tokens", ("bsc.token.",)),
    "bsc.organization": ("Organization settings", ("bsc.organization.",)),
    "bsc.change_package": ("Change packages", ("bsc.change_package.",)),
    "bsc.prework": ("Pre-work", ("bsc.prework.",)),
    "bsc.application": (
        "Applications",
        (
            "bsc.application.",
            "bsc.application_window.",
            "bsc.application_question.",
            "bsc.readiness_item.",
        ),
    ),
    "bsc.pdsa": ("PDSA cycles", ("bsc.pdsa.",)),
    "bsc.assessment": ("Progress scores and spread plans", ("bsc.assessment.", "bsc.spread_plan.")),
    "bsc.sharing": ("Sharing feed and resources", ("bsc.sharing.",)),
}


@scopes_disabled()
def memberships_of_user(user: User) -> list[Membership]:
    """Every organization the user belongs to, with their role: spans tenants on purpose."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def user_exists_with_email(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def members_of_organization(organization: Organization) -> QuerySet[Membership]:
    # By the name people see: the full name, or the e-mail address for those without one.
    shown_name = Coalesce(NullIf("user__full_name", Value("")), "user__email")
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by(Lower(shown_name), "user__email")
    )


def pending_invitations(organization: Organization) -> QuerySet[Invitation]:
    return (
        Invitation.objects.pending()
        .filter(organization=organization)
        .select_related("invited_by")
        .order_by("email")
    )


def tokens_of_user(organization: Organization, user: User) -> QuerySet[ApiToken]:
    """A user's own tokens in one organization; nobody lists anyone else's."""
    return ApiToken.objects.filter(organization=organization, user=user).order_by(
        "revoked_at", "-created_at"
    )


def audit_entries(
    organization: Organization, action_prefix: str | None = None
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(organization=organization).select_related(
        "actor", "actor_token"
    )
    if action_prefix in AUDIT_AREAS:
        prefixes = AUDIT_AREAS[action_prefix][1]
        match = Q()
        for prefix in prefixes:
            match |= Q(action__startswith=prefix)
        entries = entries.filter(match)
    return entries.order_by("-created_at", "-id")


@dataclass(frozen=True)
class OrganizationSummary:
    member_count: int
    pending_invitation_count: int | None
    recent_activity: list[AuditEntry] | None


def organization_summary(
    organization: Organization, *, include_invitations: bool, include_activity: bool
) -> OrganizationSummary:
    """Figures for the organization's home page; parts the visitor may not see are not queried."""
    return OrganizationSummary(
        member_count=Membership.objects.filter(organization=organization).count(),
        pending_invitation_count=(
            pending_invitations(organization).count() if include_invitations else None
        ),
        recent_activity=(
            list(audit_entries(organization)[:RECENT_ACTIVITY_LIMIT]) if include_activity else None
        ),
    )
