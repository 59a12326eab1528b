"""Pages of applications, under ``/orgs/<org>/collaboratives/<collab>/``.

Names carry no namespace, like every page's (see ``accounts.urls``).
"""

from __future__ import annotations

from django.urls import path

from teams.views import applications as views

urlpatterns = [
    # --- Applying (any member of the organization) -----------------------------------
    path("apply/", views.ApplicationApplyView.as_view(), name="application_apply"),
    path(
        "apply/composition/",
        views.ApplicationCompositionView.as_view(),
        name="application_composition",
    ),
    # --- The review queue and decisions ----------------------------------------------
    path("applications/", views.ApplicationReviewView.as_view(), name="application_review"),
    path(
        "applications/<int:pk>/",
        views.ApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path(
        "applications/<int:pk>/accept/",
        views.ApplicationAcceptView.as_view(),
        name="application_accept",
    ),
    path(
        "applications/<int:pk>/decline/",
        views.ApplicationDeclineView.as_view(),
        name="application_decline",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views.ApplicationWithdrawView.as_view(),
        name="application_withdraw",
    ),
    path(
        "applications/invite/",
        views.ApplicationInviteView.as_view(),
        name="application_invite",
    ),
    # --- Setting up the window, its questions and its readiness statements ------------
    path(
        "applications/setup/",
        views.ApplicationWindowView.as_view(),
        name="application_window",
    ),
    path(
        "applications/setup/questions/",
        views.ApplicationQuestionCreateView.as_view(),
        name="application_question_create",
    ),
    path(
        "applications/setup/questions/<int:pk>/",
        views.ApplicationQuestionEditView.as_view(),
        name="application_question_edit",
    ),
    path(
        "applications/setup/questions/<int:pk>/move/",
        views.ApplicationQuestionMoveView.as_view(),
        name="application_question_move",
    ),
    path(
        "applications/setup/questions/<int:pk>/remove/",
        views.ApplicationQuestionDeleteView.as_view(),
        name="application_question_delete",
    ),
    path(
        "applications/setup/readiness/",
        views.ReadinessItemCreateView.as_view(),
        name="readiness_item_create",
    ),
    path(
        "applications/setup/readiness/<int:pk>/",
        views.ReadinessItemEditView.as_view(),
        name="readiness_item_edit",
    ),
    path(
        "applications/setup/readiness/<int:pk>/move/",
        views.ReadinessItemMoveView.as_view(),
        name="readiness_item_move",
    ),
    path(
        "applications/setup/readiness/<int:pk>/remove/",
        views.ReadinessItemDeleteView.as_view(),
        name="readiness_item_delete",
    ),
]
