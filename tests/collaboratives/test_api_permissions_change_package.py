"""The change package API's permission matrix: endpoint x method x persona -> status.

alice is admin of org A (staff of every collaborative), fiona is faculty of the
collaborative (EDIT_CHANGE_PACKAGE without being an admin), bob a plain member
(reads), carol admin of org B (the outsider), and an anonymous caller. Every
route of ``collaboratives/api/change_package_urls.py`` must be in ``MATRIX``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Role
from collaboratives.api import change_package_urls
from collaboratives.models import ChangeIdea, Collaborative, Driver
from tests.api.test_permissions import _endpoints
from tests.factories import (
    ChangeIdeaFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    DriverFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "fiona", "bob", "carol", "anonymous"]


@dataclass(frozen=True)
class Objects:
    collaborative: Collaborative
    driver: Driver
    idea: ChangeIdea


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    kwargs: Callable[[Objects], dict[str, Any]]
    # Expected status for alice, fiona, bob, carol, anonymous.
    expected: tuple[int, int, int, int, int]
    body: Callable[[Objects], dict[str, Any]] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _collab(objects: Objects) -> dict[str, Any]:
    return {"org": "org-a", "collab": objects.collaborative.slug}


def _driver(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.driver.pk}


def _idea(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.idea.pk}


READ = (200, 200, 200, 404, 401)
CREATE = (201, 201, 403, 404, 401)
WRITE = (200, 200, 403, 404, 401)
DELETE = (204, 204, 403, 404, 401)

MATRIX = [
    Case("api:change-package", "get", _collab, READ),
    Case("api:driver-list", "get", _collab, READ),
    Case("api:driver-list", "post", _collab, CREATE, lambda o: {"title": "Timely access"}),
    Case("api:driver-detail", "get", _driver, READ),
    Case("api:driver-detail", "put", _driver, WRITE, lambda o: {"title": "Timely access"}),
    Case("api:driver-detail", "patch", _driver, WRITE, lambda o: {"description": "Soon"}),
    Case("api:driver-detail", "delete", _driver, DELETE),
    Case("api:change-idea-list", "get", _collab, READ),
    Case(
        "api:change-idea-list",
        "post",
        _collab,
        CREATE,
        lambda o: {"driver": o.driver.pk, "title": "Call within 48 hours"},
    ),
    Case("api:change-idea-detail", "get", _idea, READ),
    Case(
        "api:change-idea-detail",
        "put",
        _idea,
        WRITE,
        lambda o: {"driver": o.idea.driver_id, "title": "Call within a day"},
    ),
    Case("api:change-idea-detail", "patch", _idea, WRITE, lambda o: {"evidence": "A study"}),
    Case("api:change-idea-detail", "delete", _idea, DELETE),
]


@pytest.fixture
def fiona(org_a):
    user = UserFactory(email="fiona@example.org", full_name="Fiona Faculty")
    MembershipFactory(user=user, organization=org_a, role=Role.MEMBER)
    return user


@pytest.fixture
def objects(alice, bob, carol, fiona, org_a) -> Objects:
    collaborative = CollaborativeFactory(organization=org_a, slug="tf-cbt")
    CollaborativeRoleFactory(collaborative=collaborative, user=fiona, role="faculty")
    primary = DriverFactory(collaborative=collaborative, title="Engaged families")
    return Objects(
        collaborative=collaborative,
        # A driver with nothing under it, so deleting it needs no confirmation.
        driver=DriverFactory(collaborative=collaborative, title="Skilled staff"),
        idea=ChangeIdeaFactory(driver=primary),
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
    routed = set(_endpoints(change_package_urls.urlpatterns, "api"))
    in_matrix = {(case.name, case.method) for case in MATRIX}
    assert routed == in_matrix
