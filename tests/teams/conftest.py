"""Personas and objects for the team and roster tests, on top of ``tests/conftest.py``.

In org A's collaborative "tf-cbt" there are two teams, Riverside and Lakeside:

- ``dana`` is the day-to-day leader of Riverside (she manages its roster);
- ``erin`` is a clinician on Riverside (she reads her own team);
- ``fay`` is faculty of the collaborative (she sees every team, changes none);
- ``bob`` is a member of org A on no roster (he sees the team list only);
- ``alice`` is an org admin, so staff of every collaborative; ``carol`` is the outsider.

Riverside's roster also has ``gus``, with no account; Lakeside's has ``hal``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Role
from tests.factories import (
    ApiTokenFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

PERSONAS = ("alice", "bob", "dana", "erin", "fay", "carol", "anonymous")


def _org_member(org, email: str, name: str):
    user = UserFactory(email=email, full_name=name)
    MembershipFactory(user=user, organization=org, role=Role.MEMBER)
    return user


@pytest.fixture
def collab(org_a):
    return CollaborativeFactory(organization=org_a, slug="tf-cbt", name="TF-CBT Collaborative")


@pytest.fixture
def riverside(collab):
    return TeamFactory(collaborative=collab, name="Riverside", site_name="Riverside Clinic")


@pytest.fixture
def lakeside(collab):
    return TeamFactory(collaborative=collab, name="Lakeside", site_name="Lakeside Agency")


@pytest.fixture
def dana(org_a, riverside):
    user = _org_member(org_a, "dana@example.org", "Dana Leader")
    TeamMemberFactory(
        team=riverside,
        user=user,
        full_name="Dana Leader",
        email=user.email,
        roles=["day_to_day_leader", "clinical_supervisor"],
    )
    return user


@pytest.fixture
def erin(org_a, riverside):
    user = _org_member(org_a, "erin@example.org", "Erin Clinician")
    TeamMemberFactory(
        team=riverside, user=user, full_name="Erin Clinician", email=user.email, roles=["clinician"]
    )
    return user


@pytest.fixture
def fay(org_a, collab):
    user = _org_member(org_a, "fay@example.org", "Fay Faculty")
    CollaborativeRoleFactory(collaborative=collab, user=user, role="faculty")
    return user


@pytest.fixture
def gus(riverside):
    return TeamMemberFactory(
        team=riverside,
        full_name="Gus Trainer",
        email="gus@clinic.example",
        phone="+1 555 0101",
        job_title="Trainer",
        roles=["trainer"],
    )


@pytest.fixture
def hal(lakeside):
    return TeamMemberFactory(
        team=lakeside, full_name="Hal Senior", email="hal@lake.example", roles=["senior_leader"]
    )


@pytest.fixture
def api_as(request):
    """``api_as("dana")``: an API client signed in (by session) as a persona, or anonymous."""
    from rest_framework.test import APIClient

    def sign_in(persona: str) -> APIClient:
        client = APIClient()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return sign_in


@pytest.fixture
def alice_token(alice, org_a):
    return ApiTokenFactory(user=alice, organization=org_a, name="Alice's roster script")


@dataclass(frozen=True)
class World:
    collab: object
    riverside: object
    lakeside: object
    gus: object
    hal: object


@pytest.fixture
def world(alice, bob, carol, dana, erin, fay, collab, riverside, lakeside, gus, hal) -> World:
    """Every persona and object above, for permission matrices."""
    return World(collab=collab, riverside=riverside, lakeside=lakeside, gus=gus, hal=hal)
