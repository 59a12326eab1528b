"""Shared set-up for the chart tests: a collaborative running through 2026 with two teams
(Riverside, ours; Hillside, another), faculty, a lead and a member of Riverside, a member
of Hillside, measures of each shape and Riverside's own measure; and a helper that writes
monthly values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django_scopes import scopes_disabled

from accounts.models import Role
from measures.models import MetricValue, MonthlyReport
from tests.factories import (
    CollaborativeFactory,
    CollaborativeRoleFactory,
    MeasureFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

JANUARY = date(2026, 1, 1)


def month(number: int) -> date:
    """Month ``number`` of 2026 (1 = January); 13 and up run into 2027."""
    year, index = divmod(number - 1, 12)
    return date(2026 + year, index + 1, 1)


@dataclass
class ChartWorld:
    organization: object
    collaborative: object
    team: object
    other_team: object
    lead: object
    member: object
    other_member: object
    faculty: object
    bystander: object
    percentage: object
    rate: object
    count: object
    mean: object
    custom: object


def make_world(organization, *, data_sharing: str = "named") -> ChartWorld:
    with scopes_disabled():
        collaborative = CollaborativeFactory(
            organization=organization,
            slug="tfcbt",
            start_date=JANUARY,
            end_date=date(2027, 6, 30),
            data_sharing=data_sharing,
            run_chart_rules="ihi",
        )
        # Hillside is made first: it is "Team A" when anonymized, Riverside "Team B".
        other_team = TeamFactory(collaborative=collaborative, name="Hillside Centre")
        team = TeamFactory(collaborative=collaborative, name="Riverside Clinic")

        def person(email, name):
            user = UserFactory(email=email, full_name=name)
            MembershipFactory(user=user, organization=organization, role=Role.MEMBER)
            return user

        lead = person("lead@clinic.example", "Lena Lead")
        TeamMemberFactory(team=team, user=lead, email=lead.email, roles=["day_to_day_leader"])
        member = person("member@clinic.example", "Max Member")
        TeamMemberFactory(team=team, user=member, email=member.email, roles=["clinician"])
        other_member = person("hill@clinic.example", "Hana Hill")
        TeamMemberFactory(
            team=other_team,
            user=other_member,
            email=other_member.email,
            roles=["day_to_day_leader"],
        )
        faculty = person("faculty@example.org", "Fay Faculty")
        CollaborativeRoleFactory(collaborative=collaborative, user=faculty, role="faculty")
        bystander = person("bystander@example.org", "Bea Bystander")
        percentage = MeasureFactory(
            collaborative=collaborative,
            code="completion",
            name="Children completing treatment",
            shape="percentage",
            unit="%",
            goal=Decimal("70"),
            direction="up",
            default_chart="p",
            order=1,
        )
        rate = MeasureFactory(
            collaborative=collaborative,
            code="incidents",
            name="Incidents per 1,000 days",
            shape="rate",
            rate_per=1000,
            unit="per 1,000 days",
            direction="down",
            default_chart="run",
            order=2,
        )
        count = MeasureFactory(
            collaborative=collaborative,
            code="dropouts",
            name="Families who dropped out",
            shape="count",
            unit="families",
            direction="down",
            default_chart="c",
            order=3,
        )
        mean = MeasureFactory(
            collaborative=collaborative,
            code="wait",
            name="Days from referral to first session",
            shape="mean",
            unit="days",
            direction="down",
            goal=Decimal("14"),
            default_chart="i",
            order=4,
        )
        custom = MeasureFactory(
            collaborative=collaborative,
            team=team,
            code="riverside-calls",
            name="Follow-up calls made",
            shape="count",
            unit="calls",
            default_chart="run",
            order=1,
        )
    return ChartWorld(
        organization=organization,
        collaborative=collaborative,
        team=team,
        other_team=other_team,
        lead=lead,
        member=member,
        other_member=other_member,
        faculty=faculty,
        bystander=bystander,
        percentage=percentage,
        rate=rate,
        count=count,
        mean=mean,
        custom=custom,
    )


def add_values(team, measure, values: dict[date, object]) -> None:
    """Write one value per month: ``(numerator, denominator)`` for ratio measures, a number
    for the others, or ``None`` for "not available"."""
    with scopes_disabled():
        for when, item in values.items():
            report, _ = MonthlyReport.objects.get_or_create(
                team=team,
                month=when,
                defaults={
                    "organization": team.organization,
                    "collaborative": team.collaborative,
                    "status": "draft",
                },
            )
            fields = {"numerator": None, "denominator": None, "value": None}
            if item is None:
                fields["not_available"] = True
                fields["not_available_reason"] = "Records system down"
            elif isinstance(item, tuple):
                fields["numerator"], fields["denominator"] = (Decimal(str(x)) for x in item)
            else:
                fields["value"] = Decimal(str(item))
            MetricValue.objects.update_or_create(
                report=report,
                measure=measure,
                defaults={
                    "organization": team.organization,
                    "team": team,
                    "month": when,
                    **fields,
                },
            )


def ratio_months(pairs: list[tuple[int, int]], start: int = 1) -> dict[date, tuple[int, int]]:
    return {month(start + index): pair for index, pair in enumerate(pairs)}


def value_months(values: list[float], start: int = 1) -> dict[date, float]:
    return {month(start + index): value for index, value in enumerate(values)}
