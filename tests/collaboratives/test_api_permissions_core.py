"""Permission matrix of the collaborative API: endpoint x method x persona -> status.

alice is admin of org A (staff of every collaborative), bob a member of org A,
carol admin of org B (the outsider); every URL names org A. A new endpoint of
``collaboratives.api.core_urls`` is not done until it is in ``MATRIX``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from collaboratives.api import core_urls
from collaboratives.models import AimGoal, Collaborative, CollaborativeRole
from tests.api.test_permissions import _endpoints
from tests.factories import AimGoalFactory, CollaborativeFactory, CollaborativeRoleFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "bob", "carol", "anonymous"]


@dataclass(frozen=True)
class Objects:
    collaborative: Collaborative
    archived: Collaborative
    goal: AimGoal
    leader: CollaborativeRole


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    kwargs: Callable[[Objects], dict[str, Any]]
    # Expected status for alice, bob, carol, anonymous.
    expected: tuple[int, int, int, int]
    body: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _org(objects: Objects) -> dict[str, Any]:
    return {"org": "org-a"}


def _collab(objects: Objects) -> dict[str, Any]:
    return {"org": "org-a", "collab": objects.collaborative.slug}


def _archived(objects: Objects) -> dict[str, Any]:
    return {"org": "org-a", "collab": objects.archived.slug}


def _goal(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.goal.pk}


def _leader(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.leader.pk}


READ = (200, 200, 404, 401)
CONFIGURE = (200, 403, 404, 401)
CREATE = (201, 403, 404, 401)
REMOVE = (204, 403, 404, 401)

MATRIX = [
    Case("api:collaborative-list", "get", _org, READ),
    Case(
        "api:collaborative-list",
        "post",
        _org,
        CREATE,
        {"name": "New", "slug": "new-one", "start_date": "2027-01-01", "end_date": "2027-12-01"},
    ),
    Case("api:collaborative-detail", "get", _collab, READ),
    Case("api:collaborative-detail", "patch", _collab, CONFIGURE, {"topic": "Changed"}),
    Case("api:collaborative-detail", "delete", _collab, REMOVE),
    Case("api:collaborative-restore", "post", _archived, CONFIGURE),
    Case(
        "api:collaborative-copy",
        "post",
        _collab,
        CREATE,
        {"name": "Wave 2", "slug": "wave-2", "start_date": "2027-01-01"},
    ),
    Case("api:collaborative-goal-list", "get", _collab, READ),
    Case(
        "api:collaborative-goal-list",
        "post",
        _collab,
        CREATE,
        {"description": "Completion", "target": 70},
    ),
    Case("api:collaborative-goal-detail", "get", _goal, READ),
    Case("api:collaborative-goal-detail", "patch", _goal, CONFIGURE, {"target": 80}),
    Case("api:collaborative-goal-detail", "delete", _goal, REMOVE),
    Case("api:collaborative-leadership-list", "get", _collab, READ),
    Case(
        "api:collaborative-leadership-list",
        "post",
        _collab,
        CREATE,
        {"email": "alice@example.org", "role": "chair"},
    ),
    Case("api:collaborative-leadership-detail", "get", _leader, READ),
    Case("api:collaborative-leadership-detail", "delete", _leader, REMOVE),
]


@pytest.fixture
def objects(alice, bob, carol, org_a) -> Objects:
    collaborative = CollaborativeFactory(organization=org_a, slug="tf-cbt")
    return Objects(
        collaborative=collaborative,
        archived=CollaborativeFactory(
            organization=org_a, slug="old-wave", archived_at=datetime(2025, 1, 1, tzinfo=UTC)
        ),
        goal=AimGoalFactory(collaborative=collaborative),
        leader=CollaborativeRoleFactory(collaborative=collaborative, role="faculty"),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(request, objects, case: Case, persona: str):
    client = APIClient()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = reverse(case.name, kwargs=case.kwargs(objects))
    response = getattr(client, case.method)(url, case.body)
    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_endpoint():
    routed = set(_endpoints(core_urls.urlpatterns, "api"))
    in_matrix = {(case.name, case.method) for case in MATRIX}
    assert routed == in_matrix
