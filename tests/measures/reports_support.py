"""Shared set-up for the monthly report tests: a collaborative, a team with a lead and a
member, faculty, and measures of each shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django_scopes import scopes_disabled

from accounts.models import Role
from tests.factories import (
    CollaborativeFactory,
    CollaborativeRoleFactory,
    MeasureFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

MARCH = date(2026, 3, 1)


@dataclass
class ReportWorld:
    organization: object
    collaborative: object
    team: object
    lead: object
    member: object
    faculty: object
    outsider_member: object
    percentage: object
    count: object
    optional: object


def make_world(organization, *, lock_after_days=None, extra_measures: int = 0) -> ReportWorld:
    with scopes_disabled():
        collaborative = CollaborativeFactory(
            organization=organization,
            slug="tfcbt",
            start_date=date(2026, 1, 1),
            end_date=date(2026, 12, 31),
            report_due_day=15,
            report_lock_after_days=lock_after_days,
        )
        team = TeamFactory(collaborative=collaborative, name="Riverside Clinic")

        def person(email, name):
            user = UserFactory(email=email, full_name=name)
            MembershipFactory(user=user, organization=organization, role=Role.MEMBER)
            return user

        lead = person("lead@clinic.example", "Lena Lead")
        TeamMemberFactory(team=team, user=lead, email=lead.email, roles=["day_to_day_leader"])
        member = person("member@clinic.example", "Max Member")
        TeamMemberFactory(team=team, user=member, email=member.email, roles=["clinician"])
        faculty = person("faculty@example.org", "Fay Faculty")
        CollaborativeRoleFactory(collaborative=collaborative, user=faculty, role="faculty")
        outsider = person("other@example.org", "Otto Other")
        percentage = MeasureFactory(
            collaborative=collaborative,
            code="completion",
            name="Children completing treatment",
            shape="percentage",
            numerator_label="Children who completed",
            denominator_label="Children who started",
            definition="Share of children who finish all sessions.",
            guidance="Count from the session log.",
            order=1,
        )
        count = MeasureFactory(
            collaborative=collaborative,
            code="dropouts",
            name="Families who dropped out",
            shape="count",
            unit="families",
            order=2,
        )
        optional = MeasureFactory(
            collaborative=collaborative,
            code="wait",
            name="Days waiting for a first session",
            shape="mean",
            unit="days",
            is_required=False,
            order=3,
        )
        for index in range(extra_measures):
            MeasureFactory(
                collaborative=collaborative, code=f"extra{index}", shape="count", order=10 + index
            )
    return ReportWorld(
        organization=organization,
        collaborative=collaborative,
        team=team,
        lead=lead,
        member=member,
        faculty=faculty,
        outsider_member=outsider,
        percentage=percentage,
        count=count,
        optional=optional,
    )


def report_url(world: ReportWorld, month: str = "2026-03", action: str | None = None) -> str:
    base = (
        f"/orgs/{world.organization.slug}/collaboratives/{world.collaborative.slug}"
        f"/teams/{world.team.pk}/reports/{month}/"
    )
    return f"{base}{action}/" if action else base


FULL_VALUES = {
    "completion": {"numerator": 3, "denominator": 10},
    "dropouts": {"value": 2},
}
