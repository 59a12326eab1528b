"""Who may do what with progress assessments, assessment scales and spread plans.

Predicates over ``CollaborativeAccess`` (collaboratives/permissions.py), used by
the pages, the templates and the API alike:

- faculty, chairs and staff (``review_reports``) score every team and see every
  score, including faculty drafts not yet shared with the team;
- a team's senior leader and day-to-day leader enter its self-score and write
  its spread plan (staff may too, for them, as they may submit its reports);
- everyone who can see a team sees its shared faculty scores with the
  feedback, its self-scores and its spread plan;
- staff (``configure_collaborative``) reword the collaborative's scale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collaboratives.permissions import CONFIGURE_COLLABORATIVE, REVIEW_REPORTS

if TYPE_CHECKING:
    from collaboratives.permissions import CollaborativeAccess
    from teams.models import ProgressAssessment, Team


def can_score_teams(access: CollaborativeAccess) -> bool:
    """Enter faculty scores for any team of the collaborative."""
    return access.has(REVIEW_REPORTS)


def can_see_faculty_drafts(access: CollaborativeAccess) -> bool:
    """See faculty scores that are not shared with the team yet."""
    return access.has(REVIEW_REPORTS)


def can_view_assessments(access: CollaborativeAccess, team: Team) -> bool:
    """A team's assessment page: the team itself, faculty and staff."""
    return access.can_view_team(team)


def can_self_assess(access: CollaborativeAccess, team: Team) -> bool:
    """The team's own score: its leads (staff may enter it for them)."""
    return access.can_submit_report(team)


def can_see_assessment(access: CollaborativeAccess, assessment: ProgressAssessment) -> bool:
    """One score: faculty see every one; the team sees its self-scores and shared faculty scores."""
    if can_see_faculty_drafts(access):
        return True
    if assessment.kind == "faculty" and not assessment.shared_with_team:
        return False
    return access.can_view_team(assessment.team)


def can_edit_assessment(access: CollaborativeAccess, kind: str, team: Team) -> bool:
    if kind == "faculty":
        return can_score_teams(access)
    return can_self_assess(access, team)


def can_edit_scale(access: CollaborativeAccess) -> bool:
    """Reword the collaborative's assessment scale: staff."""
    return access.has(CONFIGURE_COLLABORATIVE)


def can_view_spread_plan(access: CollaborativeAccess, team: Team) -> bool:
    return access.can_view_team(team)


def can_edit_spread_plan(access: CollaborativeAccess, team: Team) -> bool:
    """The team's leads write its spread plan (staff may, for them)."""
    return access.can_submit_report(team)


def can_view_collaborative_report(access: CollaborativeAccess) -> bool:
    """The collaborative report (the "toolkit"): faculty, chairs and staff."""
    return access.has(REVIEW_REPORTS)
