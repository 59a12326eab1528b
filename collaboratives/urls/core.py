"""Pages of the collaborative itself, from the organization's list down to its settings.

``new/`` comes before ``<slug:collab>/``, and the services refuse "new" as a slug.
"""

from __future__ import annotations

from django.urls import path

from collaboratives.views import core as views

LIST = "orgs/<slug:org>/collaboratives/"
COLLAB = LIST + "<slug:collab>/"

urlpatterns = [
    path(LIST, views.CollaborativeListView.as_view(), name="collaborative_list"),
    path(LIST + "new/", views.CollaborativeCreateView.as_view(), name="collaborative_create"),
    path(COLLAB, views.CollaborativeHomeView.as_view(), name="collaborative_home"),
    path(
        COLLAB + "settings/",
        views.CollaborativeSettingsView.as_view(),
        name="collaborative_settings",
    ),
    path(
        COLLAB + "archive/", views.CollaborativeArchiveView.as_view(), name="collaborative_archive"
    ),
    path(
        COLLAB + "restore/", views.CollaborativeRestoreView.as_view(), name="collaborative_restore"
    ),
    path(COLLAB + "leadership/", views.LeadershipView.as_view(), name="collaborative_leadership"),
    path(
        COLLAB + "leadership/add/",
        views.LeadershipAssignView.as_view(),
        name="collaborative_leadership_add",
    ),
    path(
        COLLAB + "leadership/invite/",
        views.LeadershipInviteView.as_view(),
        name="collaborative_leadership_invite",
    ),
    path(
        COLLAB + "leadership/<int:pk>/remove/",
        views.LeadershipRemoveView.as_view(),
        name="collaborative_leadership_remove",
    ),
    path(COLLAB + "copy/", views.CollaborativeCopyView.as_view(), name="collaborative_copy"),
]
