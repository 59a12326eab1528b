"""The API permission matrix of teams, rosters and affinity groups (pretix style).

Every route of ``teams/api/teams_urls.py`` x method x persona -> status.
Personas are described in ``tests/teams/conftest.py``: staff (alice), a member
on no roster (bob), Riverside's day-to-day leader (dana), a clinician on
Riverside (erin), faculty (fay), the outsider (carol) and an anonymous caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from teams.api import teams_urls
from teams.models import Team, TeamMember
from tests.api_routes import api_endpoints
from tests.factories import CollaborativeFactory, TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "bob", "dana", "erin", "fay", "carol", "anonymous")

ALL_READ = (200, 200, 200, 200, 200, 404, 401)
RIVERSIDE_READ = (200, 403, 200, 200, 200, 404, 401)
LAKESIDE_READ = (200, 403, 403, 403, 200, 404, 401)
STAFF = (200, 403, 403, 403, 403, 404, 401)
RIVERSIDE_ROSTER = (200, 403, 200, 403, 403, 404, 401)

TEAM_BODY = {"name": "Hilltop", "site_name": "Hilltop", "is_member_site": True, "status": "active"}
MEMBER_BODY = {"full_name": "New Person", "email": "new@clinic.example", "roles": ["clinician"]}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    target: str | None
    expected: tuple[int, ...]
    body: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name} {self.target or ''}".strip()


def _with(codes: tuple[int, ...], success: int) -> tuple[int, ...]:
    return tuple(success if code == 200 else code for code in codes)


MATRIX = [
    Case("api:team-list", "get", None, ALL_READ),
    Case("api:team-list", "post", None, _with(STAFF, 201), TEAM_BODY),
    Case("api:team-detail", "get", "riverside", RIVERSIDE_READ),
    Case("api:team-detail", "get", "lakeside", LAKESIDE_READ),
    Case("api:team-detail", "put", "riverside", STAFF, TEAM_BODY),
    Case("api:team-detail", "patch", "riverside", STAFF, {"status": "applicant"}),
    Case("api:team-detail", "delete", "riverside", _with(STAFF, 204)),
    Case("api:team-composition", "get", "riverside", RIVERSIDE_READ),
    Case("api:team-composition", "get", "lakeside", LAKESIDE_READ),
    Case("api:team-member-list", "get", "riverside", RIVERSIDE_READ),
    Case("api:team-member-list", "get", "lakeside", LAKESIDE_READ),
    Case("api:team-member-list", "post", "riverside", _with(RIVERSIDE_ROSTER, 201), MEMBER_BODY),
    Case("api:team-member-list", "post", "lakeside", _with(STAFF, 201), MEMBER_BODY),
    Case("api:team-member-detail", "get", "gus", RIVERSIDE_READ),
    Case("api:team-member-detail", "get", "hal", LAKESIDE_READ),
    Case("api:team-member-detail", "put", "gus", RIVERSIDE_ROSTER, MEMBER_BODY),
    Case("api:team-member-detail", "patch", "gus", RIVERSIDE_ROSTER, {"job_title": "Lead"}),
    Case("api:team-member-detail", "patch", "hal", STAFF, {"job_title": "Lead"}),
    Case("api:team-member-detail", "delete", "gus", _with(RIVERSIDE_ROSTER, 204)),
    Case("api:team-member-detail", "delete", "hal", _with(STAFF, 204)),
    Case("api:team-member-invite", "post", "gus", RIVERSIDE_ROSTER),
    Case("api:team-member-invite", "post", "hal", STAFF),
    Case("api:affinity-group-list", "get", None, ALL_READ),
]


def _kwargs(world, target: str | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"org": "org-a", "collab": "tf-cbt"}
    if target in ("riverside", "lakeside"):
        kwargs["team"] = getattr(world, target).pk
    elif target in ("gus", "hal"):
        member = getattr(world, target)
        kwargs.update(team=member.team_id, pk=member.pk)
    return kwargs


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(api_as, world, case: Case, persona: str):
    client = api_as(persona)
    url = reverse(case.name, kwargs=_kwargs(world, case.target))

    response = getattr(client, case.method)(url, case.body, format="json")

    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_route_of_the_teams_api():
    routed = set(api_endpoints(teams_urls.urlpatterns))

    assert routed == {(case.name, case.method) for case in MATRIX}


# --- Cross-tenant: org B's objects addressed under org A ---------------------------------


@pytest.fixture
def org_b_team(org_b, carol):
    team = TeamFactory(collaborative=CollaborativeFactory(organization=org_b, slug="tf-cbt"))
    TeamMemberFactory(team=team, email="b@clinic.example", roles=["clinician"])
    return team


def _org_b_member(team) -> TeamMember:
    with scopes_disabled():
        return TeamMember.objects.get(team=team)


@pytest.mark.parametrize(
    ("name", "method", "body"),
    [
        ("api:team-detail", "get", None),
        ("api:team-detail", "patch", {"name": "Taken over"}),
        ("api:team-detail", "delete", None),
        ("api:team-composition", "get", None),
        ("api:team-member-list", "get", None),
        ("api:team-member-list", "post", MEMBER_BODY),
        ("api:team-member-detail", "get", None),
        ("api:team-member-detail", "patch", {"full_name": "Taken over"}),
        ("api:team-member-detail", "delete", None),
        ("api:team-member-invite", "post", None),
    ],
)
def test_org_bs_teams_are_not_found_under_org_a(
    api_as, alice, collab, org_b_team, name, method, body
):
    kwargs: dict[str, Any] = {"org": "org-a", "collab": "tf-cbt", "team": org_b_team.pk}
    if "member-detail" in name or "invite" in name:
        kwargs["pk"] = _org_b_member(org_b_team).pk

    response = getattr(api_as("alice"), method)(reverse(name, kwargs=kwargs), body, format="json")

    assert response.status_code == 404
    with scopes_disabled():
        team = Team.objects.get(pk=org_b_team.pk)
        assert (team.name, team.status) != ("Taken over", "withdrawn")
        assert TeamMember.objects.filter(team=team).count() == 1
        assert TeamMember.objects.get(team=team).full_name != "Taken over"


def test_a_team_of_another_collaborative_in_the_same_organization_is_not_found(
    api_as, alice, collab, org_a
):
    other = TeamFactory(collaborative=CollaborativeFactory(organization=org_a, slug="other"))

    response = api_as("alice").get(
        reverse("api:team-detail", kwargs={"org": "org-a", "collab": "tf-cbt", "team": other.pk})
    )

    assert response.status_code == 404


def test_a_member_of_another_team_is_not_found_under_this_team(api_as, alice, world):
    url = reverse(
        "api:team-member-detail",
        kwargs={"org": "org-a", "collab": "tf-cbt", "team": world.riverside.pk, "pk": world.hal.pk},
    )

    assert api_as("alice").get(url).status_code == 404
