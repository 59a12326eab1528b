"""The API permission matrix of PDSA cycles (pretix style).

Every route of ``pdsa/api_urls.py`` x method x persona -> status. Personas:
alice (org admin = staff), bob (member of the organization on no roster),
member (on the team's roster), other (on another team's roster), faculty,
carol (the outsider, org B) and an anonymous caller. The collaborative shares
data by name, so every member reads every team's cycles; only the team and
staff write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from pdsa import api_urls
from tests.api_routes import api_endpoints
from tests.factories import PDSACycleFactory
from tests.pdsa.support import make_world

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "bob", "member", "other", "faculty", "carol", "anonymous")

READ = (200, 200, 200, 200, 200, 404, 401)
CREATE = (201, 403, 201, 403, 403, 404, 401)
EDIT = (200, 403, 200, 403, 403, 404, 401)
DELETE = (204, 403, 204, 403, 403, 404, 401)
FACULTY = (200, 403, 403, 403, 200, 404, 401)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    expected: tuple[int, ...]
    body: Any = None
    detail: bool = True

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


MATRIX = [
    Case("api:pdsa-cycle-list", "get", READ, detail=False),
    Case("api:pdsa-cycle-list", "post", CREATE, "create", detail=False),
    Case("api:pdsa-cycle-detail", "get", READ),
    Case("api:pdsa-cycle-detail", "patch", EDIT, {"version": 1, "who": "Ann"}),
    Case("api:pdsa-cycle-detail", "delete", DELETE),
    Case("api:pdsa-cycle-status", "post", EDIT, {"status": "running"}),
    Case("api:pdsa-cycle-next-cycle", "post", CREATE),
    Case("api:pdsa-cycle-ramp", "get", READ),
    Case("api:pdsa-cycle-attachments", "get", READ),
    Case("api:pdsa-cycle-attachments", "post", CREATE, "file"),
    Case("api:pdsa-ramps", "get", READ, "ramps", detail=False),
    Case("api:pdsa-spread-map", "get", FACULTY, detail=False),
]


@pytest.fixture
def world(org_a, alice, bob, carol):
    return make_world(org_a)


def _client(world, persona, request) -> APIClient:
    client = APIClient()
    users = {
        "alice": lambda: request.getfixturevalue("alice"),
        "bob": lambda: request.getfixturevalue("bob"),
        "carol": lambda: request.getfixturevalue("carol"),
        "member": lambda: world.member,
        "other": lambda: world.other_member,
        "faculty": lambda: world.faculty,
    }
    if persona != "anonymous":
        client.force_login(users[persona]())
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(request, world, case: Case, persona: str):
    with scopes_disabled():
        cycle = PDSACycleFactory(team=world.team, change_idea=world.idea, decision="adapt")
    client = _client(world, persona, request)
    kwargs: dict[str, Any] = {"org": "org-a", "collab": "tfcbt"}
    if case.detail:
        kwargs["pk"] = cycle.pk
    url = reverse(case.name, kwargs=kwargs)
    if case.body == "create":
        response = client.post(url, {"team": world.team.pk, "title": "New"}, format="json")
    elif case.body == "file":
        upload = SimpleUploadedFile("chart.png", PNG)
        response = client.post(url, {"file": upload}, format="multipart")
    elif case.body == "ramps":
        response = client.get(url, {"team": world.team.pk, "idea": world.idea.pk})
    else:
        response = getattr(client, case.method)(url, case.body, format="json")

    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_route_of_the_pdsa_api():
    routed = set(api_endpoints(api_urls.urlpatterns))

    assert routed == {(case.name, case.method) for case in MATRIX}


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("api:pdsa-cycle-detail", "get"),
        ("api:pdsa-cycle-detail", "patch"),
        ("api:pdsa-cycle-status", "post"),
        ("api:pdsa-cycle-ramp", "get"),
    ],
)
def test_a_cycle_of_another_organization_is_404(request, org_b, alice, name, method):
    foreign = make_world(org_b)
    with scopes_disabled():
        cycle = PDSACycleFactory(team=foreign.team)
    client = APIClient()
    client.force_login(alice)
    # Org B's cycle addressed under org A's collaborative of the same slug does not exist.
    make_world(request.getfixturevalue("org_a"))
    url = reverse(name, kwargs={"org": "org-a", "collab": "tfcbt", "pk": cycle.pk})
    response = getattr(client, method)(url, {"version": 1, "status": "running"}, format="json")
    assert response.status_code == 404


def test_without_sharing_a_member_of_no_team_sees_no_cycles(org_a, bob):
    world = make_world(org_a, data_sharing="none")
    with scopes_disabled():
        cycle = PDSACycleFactory(team=world.team)
    client = APIClient()
    client.force_login(bob)
    base = "/api/v1/organizations/org-a/collaboratives/tfcbt"
    assert client.get(f"{base}/pdsa-cycles/").json()["count"] == 0
    assert client.get(f"{base}/pdsa-cycles/{cycle.pk}/").status_code == 404
