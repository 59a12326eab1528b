"""Two teams and a person for every role: shared by the measures and transfer tests."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass
class World:
    collaborative: object
    team_a: object
    team_b: object
    staff: object  # org admin (alice)
    faculty: object
    lead: object  # senior leader of team A
    member: object  # plain roster member of team A
    other: object  # roster member of team B
    outsider_member: object  # org member on no team (bob)
    shared: object  # a collaborative percentage measure
    custom_a: object  # team A's own count measure


def make_world(org, alice, bob) -> World:
    collaborative = CollaborativeFactory(organization=org, slug="tf-cbt")
    team_a = TeamFactory(collaborative=collaborative, name="Alder Clinic")
    team_b = TeamFactory(collaborative=collaborative, name="Birch Clinic")

    def user(email: str):
        person = UserFactory(email=email)
        MembershipFactory(user=person, organization=org, role=Role.MEMBER)
        return person

    faculty = user("fay@example.org")
    CollaborativeRoleFactory(collaborative=collaborative, user=faculty, role="faculty")
    lead = user("lee@example.org")
    TeamMemberFactory(team=team_a, user=lead, email=lead.email, roles=["senior_leader"])
    member = user("mo@example.org")
    TeamMemberFactory(team=team_a, user=member, email=member.email, roles=["clinician"])
    other = user("oz@example.org")
    TeamMemberFactory(team=team_b, user=other, email=other.email, roles=["clinician"])
    shared = MeasureFactory(
        collaborative=collaborative, name="Completing treatment", code="complete", order=0
    )
    custom_a = MeasureFactory(
        collaborative=collaborative,
        team=team_a,
        name="Alder waiting days",
        code="alder-wait",
        shape="count",
        unit="days",
        order=0,
    )
    return World(
        collaborative=collaborative,
        team_a=team_a,
        team_b=team_b,
        staff=alice,
        faculty=faculty,
        lead=lead,
        member=member,
        other=other,
        outsider_member=bob,
        shared=shared,
        custom_a=custom_a,
    )
