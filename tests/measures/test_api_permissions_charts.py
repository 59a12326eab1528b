"""The API permission matrix of charts (pretix style).

Every route of ``measures/api/charts_urls.py`` x method x persona -> status, for each data
sharing setting. Personas: alice (org admin = staff), bob (member of the organization on
no roster), lead (Riverside's day-to-day leader), member (a clinician at Riverside),
other (Hillside's leader), faculty, carol (the outsider, org B) and an anonymous caller.
The series is Riverside's; a chart a caller may not see is 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from measures.api import charts_urls
from tests.api_routes import api_endpoints
from tests.measures.charting_support import add_values, make_world, month

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "bob", "lead", "member", "other", "faculty", "carol", "anonymous")

# Riverside's chart of a collaborative measure, by data sharing.
SHARED_READ = (200, 200, 200, 200, 200, 200, 404, 401)
OWN_READ = (200, 404, 200, 200, 404, 200, 404, 401)
SHARED_EDIT = (200, 403, 200, 403, 403, 200, 404, 401)
OWN_EDIT = (200, 404, 200, 403, 404, 200, 404, 401)
COLLABORATIVE = (200, 200, 200, 200, 200, 200, 404, 401)
CALCULATOR = (200, 200, 200, 200, 200, 200, 404, 401)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    sharing: str
    expected: tuple[int, ...]
    measure: str = "percentage"
    body: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name} ({self.sharing}, {self.measure})"


PATCH = {"version": 0, "rule_set": "anhoj"}
ANALYZE = {"chart": "run", "y": [1, 2, 3, 4, 5, 6]}


def _cases() -> list[Case]:
    cases = []
    for sharing in ("named", "anonymized", "none"):
        read = OWN_READ if sharing == "none" else SHARED_READ
        edit = OWN_EDIT if sharing == "none" else SHARED_EDIT
        cases += [
            Case("api:team-measure-chart", "get", sharing, read),
            Case("api:team-measure-chart-settings", "get", sharing, read),
            Case("api:team-measure-chart-settings", "patch", sharing, edit, body=PATCH),
            Case("api:team-measure-chart-history", "get", sharing, read),
            Case("api:chart-board", "get", sharing, COLLABORATIVE),
            Case("api:measure-aggregate", "get", sharing, COLLABORATIVE),
            Case("api:spc-analyze", "post", sharing, CALCULATOR, body=ANALYZE),
        ]
    # A team's own measure: the team and faculty/staff only, whatever the sharing.
    cases += [
        Case("api:team-measure-chart", "get", "named", OWN_READ, "custom"),
        Case("api:team-measure-chart-settings", "get", "named", OWN_READ, "custom"),
        Case("api:team-measure-chart-settings", "patch", "named", OWN_EDIT, "custom", PATCH),
        Case("api:team-measure-chart-history", "get", "named", OWN_READ, "custom"),
    ]
    return cases


MATRIX = _cases()


def _client(world, persona, request) -> APIClient:
    client = APIClient()
    users = {
        "alice": lambda: request.getfixturevalue("alice"),
        "bob": lambda: request.getfixturevalue("bob"),
        "carol": lambda: request.getfixturevalue("carol"),
        "lead": lambda: world.lead,
        "member": lambda: world.member,
        "other": lambda: world.other_member,
        "faculty": lambda: world.faculty,
    }
    if persona != "anonymous":
        client.force_login(users[persona]())
    return client


def _url(world, case: Case) -> str:
    measure = getattr(world, case.measure)
    if case.name == "api:spc-analyze":
        return reverse(case.name, kwargs={"org": "org-a"})
    kwargs: dict[str, Any] = {"org": "org-a", "collab": world.collaborative.slug}
    if case.name == "api:measure-aggregate":
        kwargs["measure"] = measure.pk
    elif case.name != "api:chart-board":
        kwargs["team"] = world.team.pk
        kwargs["measure"] = measure.pk
    return reverse(case.name, kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(request, org_a, alice, bob, carol, case: Case, persona: str):
    world = make_world(org_a, data_sharing=case.sharing)
    add_values(world.team, world.percentage, {month(1): (4, 10), month(2): (6, 10)})
    add_values(world.team, world.custom, {month(1): 3})
    client = _client(world, persona, request)

    response = getattr(client, case.method)(_url(world, case), case.body, format="json")

    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_route_of_the_charts_api():
    routed = set(api_endpoints(charts_urls.urlpatterns))

    assert routed == {(case.name, case.method) for case in MATRIX}


# --- Labels: other teams as the collaborative shares data ------------------------------


def _board_labels(world, user) -> dict[int, str]:
    client = APIClient()
    client.force_login(user)
    body = client.get(
        f"/api/v1/organizations/org-a/collaboratives/{world.collaborative.slug}/charts/board/"
    ).json()
    return {team["id"]: team["label"] for team in body["teams"]}


def test_an_anonymized_board_names_only_the_callers_own_team(org_a):
    world = make_world(org_a, data_sharing="anonymized")

    labels = _board_labels(world, world.lead)

    assert labels == {world.other_team.pk: "Team A", world.team.pk: "Riverside Clinic"}


def test_faculty_see_every_team_named_on_an_anonymized_board(org_a):
    world = make_world(org_a, data_sharing="anonymized")

    labels = _board_labels(world, world.faculty)

    assert labels == {world.other_team.pk: "Hillside Centre", world.team.pk: "Riverside Clinic"}


def test_a_board_without_sharing_shows_only_the_callers_own_team(org_a):
    world = make_world(org_a, data_sharing="none")

    assert _board_labels(world, world.other_member) == {world.other_team.pk: "Hillside Centre"}


def test_another_teams_anonymized_chart_is_labelled_with_its_letter(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    client = APIClient()
    client.force_login(world.other_member)

    body = client.get(
        f"/api/v1/organizations/org-a/collaboratives/{world.collaborative.slug}"
        f"/teams/{world.team.pk}/measures/{world.percentage.pk}/chart/"
    ).json()

    assert body["team"] == {"id": world.team.pk, "label": "Team B"}
    assert "Riverside" not in str(body)


def test_another_teams_settings_history_does_not_name_who_changed_them(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    add_values(world.team, world.percentage, {month(1): (4, 10), month(2): (6, 10)})
    url = (
        f"/api/v1/organizations/org-a/collaboratives/{world.collaborative.slug}"
        f"/teams/{world.team.pk}/measures/{world.percentage.pk}/chart/"
    )
    lead = APIClient()
    lead.force_login(world.lead)
    lead.patch(url + "settings/", PATCH, format="json")
    other = APIClient()
    other.force_login(world.other_member)

    changes = other.get(url + "history/").json()["changes"]

    assert [change["changed_by"] for change in changes] == [None]


# --- Cross-tenant: org B's collaborative addressed under org A --------------------------


def test_another_organizations_series_is_404_under_this_organization(org_a, org_b, carol):
    theirs = make_world(org_b)
    client = APIClient()
    client.force_login(carol)

    response = client.get(
        f"/api/v1/organizations/org-a/collaboratives/{theirs.collaborative.slug}"
        f"/teams/{theirs.team.pk}/measures/{theirs.percentage.pk}/chart/"
    )

    assert response.status_code == 404


def test_a_team_of_another_organization_is_404_in_this_collaborative(org_a, org_b, alice):
    ours = make_world(org_a)
    theirs = make_world(org_b)
    client = APIClient()
    client.force_login(alice)

    response = client.get(
        f"/api/v1/organizations/org-a/collaboratives/{ours.collaborative.slug}"
        f"/teams/{theirs.team.pk}/measures/{ours.percentage.pk}/chart/"
    )

    assert response.status_code == 404


def _excluded_march(world):
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 5)})
    lead = APIClient()
    lead.force_login(world.lead)
    url = (
        f"/api/v1/organizations/org-a/collaboratives/{world.collaborative.slug}"
        f"/teams/{world.team.pk}/measures/{world.percentage.pk}/chart/"
    )
    response = lead.patch(
        url + "settings/",
        {"version": 0, "exclusions": [{"month": "2026-03", "reason": "Dr Jones on leave"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    return url


def test_an_anonymized_teams_exclusion_reasons_are_hidden_from_other_teams(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    url = _excluded_march(world)
    other = APIClient()
    other.force_login(world.other_member)

    texts = str(other.get(url).json()) + str(other.get(url + "history/").json())

    assert "Dr Jones" not in texts
    assert "Left out by the team." in texts


def test_a_named_teams_exclusion_reasons_are_shown_to_other_teams(org_a):
    world = make_world(org_a, data_sharing="named")
    url = _excluded_march(world)
    other = APIClient()
    other.force_login(world.other_member)

    assert "Dr Jones" in str(other.get(url + "settings/").json())


def test_faculty_see_an_anonymized_teams_exclusion_reasons(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    url = _excluded_march(world)
    faculty = APIClient()
    faculty.force_login(world.faculty)

    assert "Dr Jones" in str(faculty.get(url + "settings/").json())
