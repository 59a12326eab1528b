"""Pages for accounts and organizations.

Names carry no namespace: Django's auth views, the e-mail tasks and
``LOGIN_REDIRECT_URL`` refer to them as plain "login", "password_reset_confirm",
"invitation_accept" and "home". Organization pages take the slug as ``org``,
the kwarg ``bsc.middleware.TenantMiddleware`` resolves.
"""

from __future__ import annotations

from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # --- Signing in and the account itself ----------------------------------
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/profile/", views.ProfileView.as_view(), name="profile"),
    path(
        "accounts/invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    # --- Organizations --------------------------------------------------------
    path("orgs/", views.OrganizationListView.as_view(), name="organization_list"),
    path("orgs/<slug:org>/", views.OrganizationHomeView.as_view(), name="organization_home"),
    path("orgs/<slug:org>/members/", views.MemberListView.as_view(), name="member_list"),
    path("orgs/<slug:org>/members/invite/", views.MemberInviteView.as_view(), name="member_invite"),
    path(
        "orgs/<slug:org>/members/<int:pk>/role/", views.MemberRoleView.as_view(), name="member_role"
    ),
    path(
        "orgs/<slug:org>/members/<int:pk>/remove/",
        views.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "orgs/<slug:org>/invitations/<int:pk>/resend/",
        views.InvitationResendView.as_view(),
        name="invitation_resend",
    ),
    path(
        "orgs/<slug:org>/invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("orgs/<slug:org>/tokens/", views.TokenListView.as_view(), name="token_list"),
    path("orgs/<slug:org>/tokens/new/", views.TokenCreateView.as_view(), name="token_create"),
    path(
        "orgs/<slug:org>/tokens/<int:pk>/revoke/",
        views.TokenRevokeView.as_view(),
        name="token_revoke",
    ),
    path(
        "orgs/<slug:org>/settings/",
        views.OrganizationSettingsView.as_view(),
        name="organization_settings",
    ),
    path("orgs/<slug:org>/audit/", views.AuditLogView.as_view(), name="audit_log"),
]
