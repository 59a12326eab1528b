"""Who may do what in a collaborative. Every rule lives here.

Organization admins are the BSC staff of every collaborative; a collaborative's
own staff, chairs and faculty get their powers from ``CollaborativeRole``; team
leads (senior leader, day-to-day leader) manage their own team's roster; every
member of the organization may read the collaborative.

``access_for`` works this out once per request (two queries) and the tenancy
middleware, or the API's ``OrganizationPermission``, puts it on
``request.access``; its permission names are added to ``request.perms`` so
views declare ``permission = CONFIGURE_COLLABORATIVE`` like any other page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from collaboratives.models import Collaborative, CollaborativeRole, LeadershipRole
from teams.roles import LEAD_ROLES

if TYPE_CHECKING:
    from accounts.models import Membership, User
    from teams.models import Application, Team

VIEW_COLLABORATIVE = "view_collaborative"
CONFIGURE_COLLABORATIVE = "configure_collaborative"
EDIT_CHANGE_PACKAGE = "edit_change_package"
TAKE_ATTENDANCE = "take_attendance"
VIEW_APPLICATIONS = "view_applications"
REVIEW_APPLICATIONS = "review_applications"
MANAGE_TEAMS = "manage_teams"
VIEW_ALL_TEAMS = "view_all_teams"
REVIEW_REPORTS = "review_reports"

STAFF_PERMISSIONS = frozenset(
    {
        VIEW_COLLABORATIVE,
        CONFIGURE_COLLABORATIVE,
        EDIT_CHANGE_PACKAGE,
        TAKE_ATTENDANCE,
        VIEW_APPLICATIONS,
        REVIEW_APPLICATIONS,
        MANAGE_TEAMS,
        VIEW_ALL_TEAMS,
        REVIEW_REPORTS,
    }
)
# Chairs and faculty see everything in their collaborative and coach; staff configure.
FACULTY_PERMISSIONS = frozenset(
    {
        VIEW_COLLABORATIVE,
        EDIT_CHANGE_PACKAGE,
        TAKE_ATTENDANCE,
        VIEW_APPLICATIONS,
        VIEW_ALL_TEAMS,
        REVIEW_REPORTS,
    }
)
LEADERSHIP_PERMISSIONS: dict[str, frozenset[str]] = {
    LeadershipRole.STAFF: STAFF_PERMISSIONS,
    LeadershipRole.CHAIR: FACULTY_PERMISSIONS,
    LeadershipRole.FACULTY: FACULTY_PERMISSIONS,
}


@dataclass(frozen=True)
class CollaborativeAccess:
    """What one user may do in one collaborative, worked out once per request."""

    collaborative: Collaborative
    user_id: int | None
    perms: frozenset[str] = frozenset()
    leadership: frozenset[str] = frozenset()
    # team id -> the user's roles on that team's roster
    team_roles: dict[int, frozenset[str]] = field(default_factory=dict)

    def has(self, permission: str) -> bool:
        return permission in self.perms

    @property
    def is_staff(self) -> bool:
        return CONFIGURE_COLLABORATIVE in self.perms

    @property
    def team_ids(self) -> frozenset[int]:
        return frozenset(self.team_roles)

    def is_on_team(self, team: Team) -> bool:
        return team.pk in self.team_roles

    def can_view_team(self, team: Team) -> bool:
        return VIEW_ALL_TEAMS in self.perms or self.is_on_team(team)

    def viewable_team_ids(self) -> frozenset[int] | None:
        """``can_view_team`` as a filter for a query: None means every team (faculty, staff)."""
        return None if VIEW_ALL_TEAMS in self.perms else self.team_ids

    def can_complete_prework(self, team: Team) -> bool:
        """Mark pre-work done for ``team`` and hand in its files: staff, or its own members."""
        return CONFIGURE_COLLABORATIVE in self.perms or self.is_on_team(team)

    def can_edit_report(self, team: Team) -> bool:
        """Any member of the team's roster drafts its monthly report; staff may too."""
        return MANAGE_TEAMS in self.perms or self.is_on_team(team)

    def can_submit_report(self, team: Team) -> bool:
        """The team's senior leader or day-to-day leader submits (staff may, for them)."""
        if MANAGE_TEAMS in self.perms:
            return True
        return bool(self.team_roles.get(team.pk, frozenset()) & LEAD_ROLES)

    def can_manage_custom_measures(self, team: Team) -> bool:
        """A team's own measures: its leads, and staff."""
        return self.can_submit_report(team)

    def can_manage_measures(self, team: Team | None) -> bool:
        """The collaborative's measures (``team`` None): staff; a team's own: its leads, staff."""
        if team is None:
            return CONFIGURE_COLLABORATIVE in self.perms
        return self.can_manage_custom_measures(team)

    def can_manage_roster(self, team: Team) -> bool:
        """Staff, or the team's own senior leader or day-to-day leader."""
        if MANAGE_TEAMS in self.perms:
            return True
        return bool(self.team_roles.get(team.pk, frozenset()) & LEAD_ROLES)

    def holds_team_role(self, role: str) -> bool:
        """Whether the user holds ``role`` on any team's roster in this collaborative."""
        return any(role in roles for roles in self.team_roles.values())

    def can_see_role_contacts(self, role: str) -> bool:
        """Affinity groups: faculty and staff see every contact; a roster member sees the
        contacts of the members who share one of their roles (their affinity group)."""
        return VIEW_ALL_TEAMS in self.perms or self.holds_team_role(role)

    def is_applicant(self, application: Application) -> bool:
        """Whether the user submitted ``application``."""
        return self.user_id is not None and application.applicant_id == self.user_id

    def can_view_application(self, application: Application) -> bool:
        """Chairs, faculty and staff see every application; an applicant sees their own."""
        return VIEW_APPLICATIONS in self.perms or self.is_applicant(application)

    def can_withdraw_application(self, application: Application) -> bool:
        """Only the applicant takes an application back (the service checks it is undecided)."""
        return self.is_applicant(application)


def access_for(
    user: User, membership: Membership | None, collaborative: Collaborative
) -> CollaborativeAccess:
    if membership is None or not user.is_authenticated:
        return CollaborativeAccess(collaborative=collaborative, user_id=None)
    from teams.models import TeamMember

    perms = {VIEW_COLLABORATIVE}
    if membership.is_admin:
        perms |= STAFF_PERMISSIONS
    leadership = frozenset(
        CollaborativeRole.objects.filter(collaborative=collaborative, user=user).values_list(
            "role", flat=True
        )
    )
    for role in leadership:
        perms |= LEADERSHIP_PERMISSIONS.get(role, frozenset())
    # One query: the user's roster places in this collaborative, with their roles
    # (a place without any role still puts them on the team).
    team_roles: dict[int, set[str]] = {}
    rows = TeamMember.objects.filter(user=user, team__collaborative=collaborative).values_list(
        "team_id", "roles__role"
    )
    for team_id, role in rows:
        roles = team_roles.setdefault(team_id, set())
        if role:
            roles.add(role)
    return CollaborativeAccess(
        collaborative=collaborative,
        user_id=user.pk,
        perms=frozenset(perms),
        leadership=leadership,
        team_roles={team_id: frozenset(roles) for team_id, roles in team_roles.items()},
    )
