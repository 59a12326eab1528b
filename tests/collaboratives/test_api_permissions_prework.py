"""The pre-work API's permission matrix: endpoint x method x persona -> status.

alice is admin of org A (staff), fiona faculty of the collaborative (sees every
team, configures nothing), tess a clinician on the Riverside team, bob a member
of org A on no team, carol admin of org B (the outsider), and an anonymous
caller. Every route of ``collaboratives/api/prework_urls.py`` must be in ``MATRIX``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Role
from collaboratives.api import prework_urls
from collaboratives.models import Assignment, AssignmentCompletion, Collaborative
from collaboratives.services import prework as services
from teams.models import Team
from tests.api.test_permissions import _endpoints
from tests.collaboratives.prework_support import PNG, upload
from tests.factories import (
    AssignmentFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "fiona", "tess", "bob", "carol", "anonymous"]


@dataclass(frozen=True)
class Objects:
    collaborative: Collaborative
    team: Team
    # No team has done it: free to delete, and to mark done.
    reading: Assignment
    # Riverside handed in a PNG.
    storyboard: Assignment
    completion: AssignmentCompletion


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    kwargs: Callable[[Objects], dict[str, Any]]
    # Expected status for alice, fiona, tess, bob, carol, anonymous.
    expected: tuple[int, int, int, int, int, int]
    body: Callable[[Objects], dict[str, Any]] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _collab(o: Objects) -> dict[str, Any]:
    return {"org": "org-a", "collab": o.collaborative.slug}


def _reading(o: Objects) -> dict[str, Any]:
    return {**_collab(o), "pk": o.reading.pk}


def _reading_completions(o: Objects) -> dict[str, Any]:
    return {**_collab(o), "assignment": o.reading.pk}


def _completion(o: Objects) -> dict[str, Any]:
    return {**_collab(o), "assignment": o.storyboard.pk, "pk": o.completion.pk}


READ = (200, 200, 200, 200, 404, 401)
STAFF_CREATE = (201, 403, 403, 403, 404, 401)
STAFF_WRITE = (200, 403, 403, 403, 404, 401)
STAFF_DELETE = (204, 403, 403, 403, 404, 401)

MATRIX = [
    Case("api:assignment-list", "get", _collab, READ),
    Case(
        "api:assignment-list",
        "post",
        _collab,
        STAFF_CREATE,
        lambda o: {"kind": "video", "title": "Training video"},
    ),
    Case("api:assignment-detail", "get", _reading, READ),
    Case(
        "api:assignment-detail",
        "put",
        _reading,
        STAFF_WRITE,
        lambda o: {"kind": "reading", "title": "Read chapter 1"},
    ),
    Case("api:assignment-detail", "patch", _reading, STAFF_WRITE, lambda o: {"title": "Ch. 2"}),
    Case("api:assignment-detail", "delete", _reading, STAFF_DELETE),
    # Bob is on no team: he sees an empty list.
    Case("api:assignment-completion-list", "get", _reading_completions, READ),
    Case(
        "api:assignment-completion-list",
        "post",
        _reading_completions,
        (201, 403, 201, 403, 404, 401),
        lambda o: {"team": o.team.pk},
    ),
    Case("api:assignment-completion-detail", "get", _completion, (200, 200, 200, 404, 404, 401)),
    Case("api:assignment-completion-detail", "delete", _completion, (204, 403, 204, 404, 404, 401)),
    Case("api:assignment-completion-file", "get", _completion, (200, 200, 200, 404, 404, 401)),
]


@pytest.fixture
def fiona(org_a):
    user = UserFactory(email="fiona@example.org", full_name="Fiona Faculty")
    MembershipFactory(user=user, organization=org_a, role=Role.MEMBER)
    return user


@pytest.fixture
def tess(org_a):
    user = UserFactory(email="tess@clinic.example", full_name="Tess Team")
    MembershipFactory(user=user, organization=org_a, role=Role.MEMBER)
    return user


@pytest.fixture
def objects(alice, bob, carol, fiona, tess, org_a) -> Objects:
    collaborative = CollaborativeFactory(organization=org_a, slug="tf-cbt")
    CollaborativeRoleFactory(collaborative=collaborative, user=fiona, role="faculty")
    team = TeamFactory(collaborative=collaborative, name="Riverside")
    TeamMemberFactory(team=team, user=tess, email=tess.email, roles=["clinician"])
    storyboard = AssignmentFactory(
        collaborative=collaborative, kind="storyboard", requires_upload=True
    )
    completion = services.completion_mark(
        assignment=storyboard, team=team, upload=upload("poster.png", PNG), actor=tess
    )
    return Objects(
        collaborative=collaborative,
        team=team,
        reading=AssignmentFactory(collaborative=collaborative),
        storyboard=storyboard,
        completion=completion,
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(request, api_client, objects, case: Case, persona: str):
    if persona != "anonymous":
        api_client.force_login(request.getfixturevalue(persona))
    url = reverse(case.name, kwargs=case.kwargs(objects))
    body = case.body(objects) if case.body else None
    response = getattr(api_client, case.method)(url, body, format="json")
    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_endpoint():
    routed = set(_endpoints(prework_urls.urlpatterns, "api"))
    in_matrix = {(case.name, case.method) for case in MATRIX}
    assert routed == in_matrix
