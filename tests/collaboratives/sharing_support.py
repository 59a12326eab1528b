"""Shared set-up for the sharing tests: a collaborative with two teams, their members, faculty,
and an organization member on no roster (bob)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django_scopes import scopes_disabled

from accounts.models import Role
from collaboratives.permissions import access_for
from tests.factories import (
    CollaborativeFactory,
    CollaborativeRoleFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)


@dataclass
class SharingWorld:
    organization: object
    collaborative: object
    riverside: object
    hillside: object
    member: object  # a clinician on Riverside
    lead: object  # Riverside's day-to-day leader
    other: object  # a clinician on Hillside
    faculty: object
    org_admin: object  # alice, when given

    def access(self, user):
        from accounts.models import Membership

        with scopes_disabled():
            membership = Membership.objects.get(user=user, organization=self.organization)
            return access_for(user, membership, self.collaborative)


def make_world(organization, *, data_sharing: str = "named", alice=None) -> SharingWorld:
    with scopes_disabled():
        collaborative = CollaborativeFactory(
            organization=organization,
            slug="tfcbt",
            name="TF-CBT Collaborative",
            start_date=date(2026, 1, 1),
            end_date=date(2026, 12, 31),
            data_sharing=data_sharing,
        )
        riverside = TeamFactory(collaborative=collaborative, name="Riverside Clinic")
        hillside = TeamFactory(collaborative=collaborative, name="Hillside Center")

        def person(email, name):
            user = UserFactory(email=email, full_name=name)
            MembershipFactory(user=user, organization=organization, role=Role.MEMBER)
            return user

        member = person("max@riverside.example", "Max Member")
        TeamMemberFactory(team=riverside, user=member, email=member.email, roles=["clinician"])
        lead = person("lena@riverside.example", "Lena Lead")
        TeamMemberFactory(team=riverside, user=lead, email=lead.email, roles=["day_to_day_leader"])
        other = person("olga@hillside.example", "Olga Other")
        TeamMemberFactory(team=hillside, user=other, email=other.email, roles=["clinician"])
        faculty = person("fay@example.org", "Fay Faculty")
        CollaborativeRoleFactory(collaborative=collaborative, user=faculty, role="faculty")
    return SharingWorld(
        organization=organization,
        collaborative=collaborative,
        riverside=riverside,
        hillside=hillside,
        member=member,
        lead=lead,
        other=other,
        faculty=faculty,
        org_admin=alice,
    )
