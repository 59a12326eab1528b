"""Reads of teams and rosters, shaped for the pages and the API.

Each selector runs a fixed number of queries however many teams or members
there are: the rosters' roles come in one query for the whole collaborative
(or team), and the composition check runs in Python on that plain data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When

from accounts.models import Invitation, Membership
from teams.composition import composition_warnings, role_words, rules_for
from teams.models import Team, TeamMember, TeamMemberRole, TeamStatus
from teams.roles import TeamRole
from teams.services.teams import TEAM_MEMBER_GRANT

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess

# Active teams first, then applicants, withdrawn teams last; by name within each.
_STATUS_ORDER = Case(
    When(status=TeamStatus.ACTIVE, then=Value(0)),
    When(status=TeamStatus.APPLICANT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _roles_by_member(members: QuerySet[TeamMember]) -> dict[int, dict[int, set[str]]]:
    """``{team id: {member id: {roles}}}`` in one query (a member without roles included)."""
    rosters: dict[int, dict[int, set[str]]] = defaultdict(dict)
    for team_id, member_id, role in members.values_list("team_id", "pk", "roles__role"):
        roles = rosters[team_id].setdefault(member_id, set())
        if role:
            roles.add(role)
    return rosters


def teams_for_collaborative(collaborative: Collaborative) -> list[Team]:
    """Every team of the collaborative, with ``member_count`` and ``warnings``. Two queries:

    1. the teams;
    2. every roster member's roles in the collaborative.
    """
    teams = list(
        Team.objects.filter(collaborative=collaborative).order_by(_STATUS_ORDER, "name", "pk")
    )
    rosters = _roles_by_member(TeamMember.objects.filter(team__collaborative=collaborative))
    rules = rules_for(collaborative)
    for team in teams:
        roster = rosters.get(team.pk, {})
        team.member_count = len(roster)  # type: ignore[attr-defined]
        team.warnings = (  # type: ignore[attr-defined]
            composition_warnings(rules=rules, members=roster.values())
            if team.status != TeamStatus.WITHDRAWN
            else []
        )
    return teams


def team_queryset_with_counts(collaborative: Collaborative) -> QuerySet[Team]:
    """For the API list: teams with ``member_count`` annotated."""
    return (
        Team.objects.filter(collaborative=collaborative)
        .annotate(member_count=Count("members"))
        .order_by(_STATUS_ORDER, "name", "pk")
    )


def warnings_for_teams(collaborative: Collaborative, teams: list[Team]) -> dict[int, list[str]]:
    """Composition warnings of ``teams`` (one query for all their rosters' roles)."""
    rosters = _roles_by_member(TeamMember.objects.filter(team__in=[team.pk for team in teams]))
    rules = rules_for(collaborative)
    return {
        team.pk: composition_warnings(rules=rules, members=rosters.get(team.pk, {}).values())
        if team.status != TeamStatus.WITHDRAWN
        else []
        for team in teams
    }


def members_queryset(team: Team) -> QuerySet[TeamMember]:
    """A team's roster with each member's roles (two queries) and linked account."""
    return (
        TeamMember.objects.filter(team=team)
        .select_related("user")
        .prefetch_related(Prefetch("roles", queryset=TeamMemberRole.objects.order_by("pk")))
        .order_by("full_name", "pk")
    )


def member_roles(member: TeamMember) -> list[TeamRole]:
    """The member's roles in TeamRole order (``.label`` for pages), from the prefetched rows."""
    roles = {row.role for row in member.roles.all()}
    return [role for role in TeamRole if role in roles]


def pending_team_invitations(members: list[TeamMember]) -> dict[int, Invitation]:
    """``{member id: pending invitation offering that roster place}``, in one query."""
    emails = {member.email for member in members if member.email and member.user_id is None}
    if not emails:
        return {}
    wanted = {member.pk for member in members}
    found: dict[int, Invitation] = {}
    for invitation in Invitation.objects.pending().filter(email__in=emails).order_by("created_at"):
        for grant in invitation.grants:
            if grant.get("kind") == TEAM_MEMBER_GRANT and grant.get("member_id") in wanted:
                found[grant["member_id"]] = invitation
    return found


def organization_emails(organization_id: int, emails: set[str]) -> set[str]:
    """Which of ``emails`` belong to members of the organization (one query)."""
    if not emails:
        return set()
    return {
        email.lower()
        for email in Membership.objects.filter(
            organization_id=organization_id, user__email__in=emails, user__is_active=True
        ).values_list("user__email", flat=True)
    }


def annotate_roster(members: list[TeamMember]) -> list[TeamMember]:
    """Add ``role_list``, ``pending_invitation`` and ``can_link`` to each member (two queries)."""
    invitations = pending_team_invitations(members)
    unlinked = {member.email for member in members if member.email and member.user_id is None}
    linkable = (
        organization_emails(members[0].organization_id, unlinked) if members and unlinked else set()
    )
    for member in members:
        member.role_list = member_roles(member)  # type: ignore[attr-defined]
        member.pending_invitation = invitations.get(member.pk)  # type: ignore[attr-defined]
        # An organization member with this address: inviting links them at once.
        member.can_link = member.user_id is None and member.email in linkable  # type: ignore[attr-defined]
    return members


def team_roster(team: Team) -> list[TeamMember]:
    """The roster as the team page shows it. Four queries:

    1. the members with their accounts;
    2. their roles;
    3. pending invitations to their addresses;
    4. which unlinked addresses belong to members of the organization.
    """
    return annotate_roster(list(members_queryset(team)))


# --- Affinity groups ------------------------------------------------------------


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class AffinityMember:
    member_id: int
    full_name: str
    job_title: str
    team_id: int
    team_name: str
    # None when the caller may not see this group's contact details.
    email: str | None


@dataclass
class AffinityGroup:
    role: str
    # "Clinical supervisors": the group's name.
    label: str
    can_see_contacts: bool
    members: list[AffinityMember] = field(default_factory=list)


def affinity_groups(
    collaborative: Collaborative, access: CollaborativeAccess
) -> list[AffinityGroup]:
    """For each team role, the members holding it across the active teams. One query.

    A member holding several roles appears in each of their groups. E-mail
    addresses show only where ``access.can_see_role_contacts(role)``.
    """
    rows = (
        TeamMemberRole.objects.filter(
            member__team__collaborative=collaborative, member__team__status=TeamStatus.ACTIVE
        )
        .order_by("member__full_name", "member__team__name", "member_id")
        .values_list(
            "role",
            "member_id",
            "member__full_name",
            "member__job_title",
            "member__email",
            "member__team_id",
            "member__team__name",
        )
    )
    groups = {
        role: AffinityGroup(
            role=role,
            label=_capitalized(role_words(role, 2)),
            can_see_contacts=access.can_see_role_contacts(role),
        )
        for role in TeamRole.values
    }
    for role, member_id, full_name, job_title, email, team_id, team_name in rows:
        group = groups.get(role)
        if group is None:
            continue
        group.members.append(
            AffinityMember(
                member_id=member_id,
                full_name=full_name,
                job_title=job_title,
                team_id=team_id,
                team_name=team_name,
                email=email if group.can_see_contacts else None,
            )
        )
    return list(groups.values())
