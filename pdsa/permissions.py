"""Who may read and write PDSA cycles. Every PDSA rule lives here.

Cycles are shared learning ("everybody learns, everybody teaches"): faculty,
chairs and staff read every team's cycles; a team's members read their own;
other teams read them when the collaborative shares data (named, or
anonymized: then the team shows as "Team C" and people's names are left out),
never when it shares none. Only the team's own members (anyone on its roster)
and the collaborative's staff write them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collaboratives.models import DataSharing
from collaboratives.permissions import MANAGE_TEAMS, REVIEW_REPORTS, VIEW_ALL_TEAMS
from teams.models import TeamStatus

if TYPE_CHECKING:
    from collaboratives.permissions import CollaborativeAccess
    from teams.models import Team


def shares_cycles(access: CollaborativeAccess) -> bool:
    """Whether teams of this collaborative see each other's cycles at all."""
    return access.collaborative.data_sharing in (DataSharing.NAMED, DataSharing.ANONYMIZED)


def can_view_cycles(access: CollaborativeAccess, team: Team) -> bool:
    """Read ``team``'s tracker, board, cycles, ramps and worksheets."""
    if access.user_id is None:
        return False
    if access.has(VIEW_ALL_TEAMS) or access.is_on_team(team):
        return True
    return shares_cycles(access) and team.status != TeamStatus.APPLICANT


def is_anonymized_for(access: CollaborativeAccess, team: Team) -> bool:
    """Whether ``team`` shows to the caller under a pseudonym, without people's names."""
    if access.has(VIEW_ALL_TEAMS) or access.is_on_team(team):
        return False
    return access.collaborative.data_sharing == DataSharing.ANONYMIZED


def can_edit_cycles(access: CollaborativeAccess, team: Team) -> bool:
    """Draft, change, move, attach files to and delete ``team``'s cycles."""
    return access.has(MANAGE_TEAMS) or access.is_on_team(team)


def can_view_spread_map(access: CollaborativeAccess) -> bool:
    """The change idea x team matrix: faculty, chairs and staff."""
    return access.has(REVIEW_REPORTS)


def viewable_cycle_team_ids(access: CollaborativeAccess) -> frozenset[int] | None:
    """``can_view_cycles`` as a filter: None means every team of the collaborative."""
    if access.has(VIEW_ALL_TEAMS) or shares_cycles(access):
        return None
    return access.team_ids
