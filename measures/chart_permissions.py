"""Who may see a team's chart of a measure, and who may change how it is charted.

A team's series is the team's own data: its members, and the collaborative's
chairs, faculty and staff, always see it. Other members of the organization see
another team's chart of a *collaborative* measure only when the collaborative
shares data between teams (named or anonymized) — the same rule as the values
export (``measures.services.transfer.export_team_labels``), so a chart never
shows what the export would hide. A team's own (custom) measure is seen by that
team and by faculty and staff only. Everyone else gets 404, never 403.

Chart settings (chart type, phases, baseline, exclusions) are changed by the
people who review and own the series: chairs, faculty and staff
(``REVIEW_REPORTS``) and the team's senior and day-to-day leaders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collaboratives.models.core import DataSharing
from collaboratives.permissions import REVIEW_REPORTS, VIEW_ALL_TEAMS, VIEW_COLLABORATIVE
from teams.models import TeamStatus
from teams.roles import LEAD_ROLES

if TYPE_CHECKING:
    from collaboratives.permissions import CollaborativeAccess
    from measures.models import Measure
    from teams.models import Team


def sees_team_in_full(access: CollaborativeAccess, team: Team) -> bool:
    """The team's own people, faculty and staff: names, PDSA annotations, every measure."""
    return access.can_view_team(team)


def can_view_chart(access: CollaborativeAccess, team: Team, measure: Measure) -> bool:
    if team.collaborative_id != access.collaborative.pk:
        return False
    if measure.collaborative_id != team.collaborative_id:
        return False
    if measure.team_id is not None:
        # A team's own measure: that team and faculty/staff only.
        return measure.team_id == team.pk and sees_team_in_full(access, team)
    if sees_team_in_full(access, team):
        return True
    if team.status == TeamStatus.APPLICANT:
        return False
    return (
        VIEW_COLLABORATIVE in access.perms and access.collaborative.data_sharing != DataSharing.NONE
    )


def sees_team_notes(access: CollaborativeAccess, team: Team) -> bool:
    """Free text about the series (why a month is excluded, who changed the settings):
    hidden from other teams when the collaborative anonymizes teams, as the values export
    leaves out an anonymized team's comments and reasons (they often name people)."""
    return (
        sees_team_in_full(access, team)
        or access.collaborative.data_sharing != DataSharing.ANONYMIZED
    )


def can_edit_chart_settings(access: CollaborativeAccess, team: Team) -> bool:
    """Chairs, faculty and staff, or the team's senior and day-to-day leaders."""
    if team.collaborative_id != access.collaborative.pk:
        return False
    if REVIEW_REPORTS in access.perms:
        return True
    return bool(access.team_roles.get(team.pk, frozenset()) & LEAD_ROLES)


def can_view_aggregate(access: CollaborativeAccess, measure: Measure) -> bool:
    """The collaborative's aggregate of a collaborative measure names no team: every viewer."""
    return (
        measure.team_id is None
        and measure.collaborative_id == access.collaborative.pk
        and VIEW_COLLABORATIVE in access.perms
    )


def sees_all_teams(access: CollaborativeAccess) -> bool:
    return VIEW_ALL_TEAMS in access.perms
