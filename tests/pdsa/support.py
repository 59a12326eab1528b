"""Shared set-up for the PDSA tests: a collaborative with two change ideas and two
measures, a team with a member, a second team with its own member, and faculty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client
from django_scopes import scopes_disabled

from accounts.models import Role
from tests.factories import (
    ChangeIdeaFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    DriverFactory,
    MeasureFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)


@dataclass
class PDSAWorld:
    organization: object
    collaborative: object
    team: object
    other_team: object
    member: object
    other_member: object
    faculty: object
    idea: object
    second_idea: object
    measure: object
    second_measure: object


def make_world(organization, *, data_sharing: str = "named") -> PDSAWorld:
    with scopes_disabled():
        collaborative = CollaborativeFactory(
            organization=organization,
            slug="tfcbt",
            start_date=date(2026, 1, 1),
            end_date=date(2026, 12, 31),
            data_sharing=data_sharing,
        )
        driver = DriverFactory(collaborative=collaborative, title="Engage families early")
        idea = ChangeIdeaFactory(driver=driver, title="Use a checklist at intake", order=1)
        second_idea = ChangeIdeaFactory(driver=driver, title="Text reminders", order=2)
        team = TeamFactory(collaborative=collaborative, name="Riverside Clinic")
        other_team = TeamFactory(collaborative=collaborative, name="Hillside Center")

        def person(email, name):
            user = UserFactory(email=email, full_name=name)
            MembershipFactory(user=user, organization=organization, role=Role.MEMBER)
            return user

        member = person("member@clinic.example", "Max Member")
        TeamMemberFactory(team=team, user=member, email=member.email, roles=["clinician"])
        other_member = person("other@hill.example", "Olga Other")
        TeamMemberFactory(
            team=other_team, user=other_member, email=other_member.email, roles=["clinician"]
        )
        faculty = person("faculty@example.org", "Fay Faculty")
        CollaborativeRoleFactory(collaborative=collaborative, user=faculty, role="faculty")
        measure = MeasureFactory(
            collaborative=collaborative, name="Children completing treatment", code="complete"
        )
        second_measure = MeasureFactory(
            collaborative=collaborative, name="Days to first session", code="days", shape="mean"
        )
    return PDSAWorld(
        organization=organization,
        collaborative=collaborative,
        team=team,
        other_team=other_team,
        member=member,
        other_member=other_member,
        faculty=faculty,
        idea=idea,
        second_idea=second_idea,
        measure=measure,
        second_measure=second_measure,
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def team_url(world: PDSAWorld, suffix: str = "", team=None) -> str:
    team = team or world.team
    return f"/orgs/{world.organization.slug}/collaboratives/tfcbt/teams/{team.pk}/pdsa/{suffix}"


def collab_url(world: PDSAWorld, suffix: str = "") -> str:
    return f"/orgs/{world.organization.slug}/collaboratives/tfcbt/{suffix}"
