"""Pages of teams, rosters and affinity groups, under ``/orgs/<org>/collaboratives/<collab>/``.

Names carry no namespace, like the other pages' (``team_list``, ``team_detail``...).
"""

from __future__ import annotations

from django.urls import path

from teams.views import teams as views

TEAM = "teams/<int:team>/"
MEMBER = TEAM + "members/<int:member>/"

urlpatterns = [
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path(TEAM, views.TeamDetailView.as_view(), name="team_detail"),
    path(TEAM + "edit/", views.TeamEditView.as_view(), name="team_edit"),
    path(TEAM + "withdraw/", views.TeamWithdrawView.as_view(), name="team_withdraw"),
    path(TEAM + "members/new/", views.TeamMemberAddView.as_view(), name="team_member_add"),
    path(MEMBER + "edit/", views.TeamMemberEditView.as_view(), name="team_member_edit"),
    path(MEMBER + "remove/", views.TeamMemberRemoveView.as_view(), name="team_member_remove"),
    path(MEMBER + "invite/", views.TeamMemberInviteView.as_view(), name="team_member_invite"),
    path("affinity-groups/", views.AffinityGroupsView.as_view(), name="affinity_groups"),
]
