"""Team roles: QI roster data, not authorization (see accounts/permissions.py for that)."""

from __future__ import annotations

from django.db import models


class TeamRole(models.TextChoices):
    SENIOR_LEADER = "senior_leader", "Senior leader"
    DAY_TO_DAY_LEADER = "day_to_day_leader", "Day-to-day leader"
    AGENCY_ADMINISTRATOR = "agency_administrator", "Agency administrator"
    CLINICAL_SUPERVISOR = "clinical_supervisor", "Clinical supervisor"
    TRAINER = "trainer", "Trainer"
    CLINICIAN = "clinician", "Clinician"
    COMMUNITY_PARTNER = "community_partner", "Community partner"
    FAMILY_PARTNER = "family_partner", "Family partner"
    TEACHER = "teacher", "Teacher"
    OTHER = "other", "Other"


# Roles that lead the team: they manage its roster and submit its reports.
LEAD_ROLES = frozenset({TeamRole.SENIOR_LEADER, TeamRole.DAY_TO_DAY_LEADER})
