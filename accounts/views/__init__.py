"""Pages for accounts and organizations, one module per area."""

from __future__ import annotations

from accounts.views.auth import (
    PasswordChangeDoneView,
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
    ProfileView,
    SignInView,
    SignOutView,
)
from accounts.views.invitations import InvitationAcceptView
from accounts.views.members import (
    InvitationResendView,
    InvitationRevokeView,
    MemberInviteView,
    MemberListView,
    MemberRemoveView,
    MemberRoleView,
)
from accounts.views.organizations import (
    AuditLogView,
    HomeView,
    OrganizationHomeView,
    OrganizationListView,
    OrganizationSettingsView,
)
from accounts.views.tokens import TokenCreateView, TokenListView, TokenRevokeView

__all__ = [
    "AuditLogView",
    "HomeView",
    "InvitationAcceptView",
    "InvitationResendView",
    "InvitationRevokeView",
    "MemberInviteView",
    "MemberListView",
    "MemberRemoveView",
    "MemberRoleView",
    "OrganizationHomeView",
    "OrganizationListView",
    "OrganizationSettingsView",
    "PasswordChangeDoneView",
    "PasswordChangeView",
    "PasswordResetCompleteView",
    "PasswordResetConfirmView",
    "PasswordResetDoneView",
    "PasswordResetView",
    "ProfileView",
    "SignInView",
    "SignOutView",
    "TokenCreateView",
    "TokenListView",
    "TokenRevokeView",
]
