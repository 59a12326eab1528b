"""Teams, their rosters, and the applications that become teams."""

from __future__ import annotations

from teams.models.applications import (
    Application,
    ApplicationMember,
    ApplicationQuestion,
    ApplicationStatus,
    ApplicationWindow,
    ReadinessItem,
)
from teams.models.assessments import (
    AssessmentKind,
    AssessmentScaleLevel,
    ProgressAssessment,
)
from teams.models.spread_plans import SpreadPlan
from teams.models.teams import Team, TeamMember, TeamMemberRole, TeamStatus
from teams.roles import TeamRole

__all__ = [
    "Application",
    "ApplicationMember",
    "ApplicationQuestion",
    "ApplicationStatus",
    "ApplicationWindow",
    "AssessmentKind",
    "AssessmentScaleLevel",
    "ProgressAssessment",
    "ReadinessItem",
    "SpreadPlan",
    "Team",
    "TeamMember",
    "TeamMemberRole",
    "TeamRole",
    "TeamStatus",
]
