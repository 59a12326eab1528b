"""Permission matrix of the applications API: endpoint x method x persona -> status.

alice is admin of org A (staff of every collaborative), bob a member of org A
who applied, fay faculty of the collaborative (sees applications, may not
decide or set up), carol admin of org B (the outsider). Every URL names org A.
``test_the_matrix_covers_every_endpoint`` fails when a route of
``teams.api.applications_urls`` is missing here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from teams.api import applications_urls
from teams.models import Application, ApplicationQuestion, ReadinessItem
from tests.api_routes import api_endpoints
from tests.factories import CollaborativeRoleFactory, MembershipFactory, UserFactory
from tests.teams.applications_support import (
    answers_for,
    collaborative_in,
    full_roster,
    open_window,
    scores_for,
    submit,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "fay", "bob", "carol", "anonymous"]


@dataclass(frozen=True)
class Objects:
    question: ApplicationQuestion
    item: ReadinessItem
    application: Application  # bob's
    answers: dict[str, str]
    scores: dict[str, int]


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    kwargs: Callable[[Objects], dict[str, Any]]
    # Expected status for alice, fay, bob, carol, anonymous.
    expected: tuple[int, int, int, int, int]
    body: Callable[[Objects], dict[str, Any]] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _collab(objects: Objects) -> dict[str, Any]:
    return {"org": "org-a", "collab": "tf-cbt"}


def _question(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.question.pk}


def _item(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.item.pk}


def _application(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.application.pk}


def _window_body(objects: Objects) -> dict[str, Any]:
    return {"opens_at": "2026-01-01T09:00:00Z", "closes_at": "2099-01-01T09:00:00Z"}


def _apply_body(objects: Objects) -> dict[str, Any]:
    return {
        "team_name": "Hillside",
        "answers": objects.answers,
        "readiness": objects.scores,
        "members": full_roster(),
    }


READ = (200, 200, 200, 404, 401)
STAFF_WRITE_200 = (200, 403, 403, 404, 401)
STAFF_WRITE_201 = (201, 403, 403, 404, 401)
STAFF_DELETE = (204, 403, 403, 404, 401)

MATRIX = [
    Case("api:application-window", "get", _collab, READ),
    Case("api:application-window", "put", _collab, STAFF_WRITE_200, _window_body),
    Case("api:application-window", "patch", _collab, STAFF_WRITE_200, _window_body),
    Case("api:application-question-list", "get", _collab, READ),
    Case(
        "api:application-question-list",
        "post",
        _collab,
        STAFF_WRITE_201,
        lambda o: {"text": "Who leads?"},
    ),
    Case("api:application-question-detail", "get", _question, READ),
    Case(
        "api:application-question-detail",
        "put",
        _question,
        STAFF_WRITE_200,
        lambda o: {"text": "Why?", "help_text": "", "is_required": True},
    ),
    Case(
        "api:application-question-detail",
        "patch",
        _question,
        STAFF_WRITE_200,
        lambda o: {"order": 2},
    ),
    Case("api:application-question-detail", "delete", _question, STAFF_DELETE),
    Case("api:readiness-item-list", "get", _collab, READ),
    Case(
        "api:readiness-item-list",
        "post",
        _collab,
        STAFF_WRITE_201,
        lambda o: {"statement": "We meet weekly", "max_score": 4},
    ),
    Case("api:readiness-item-detail", "get", _item, READ),
    Case(
        "api:readiness-item-detail",
        "put",
        _item,
        STAFF_WRITE_200,
        lambda o: {"statement": "We meet", "max_score": 5},
    ),
    Case("api:readiness-item-detail", "patch", _item, STAFF_WRITE_200, lambda o: {"max_score": 3}),
    Case("api:readiness-item-detail", "delete", _item, STAFF_DELETE),
    # Every member may apply and list applications (their own, unless they see all).
    Case("api:application-list", "get", _collab, READ),
    Case("api:application-list", "post", _collab, (201, 201, 201, 404, 401), _apply_body),
    Case("api:application-detail", "get", _application, READ),
    Case("api:application-accept", "post", _application, STAFF_WRITE_200, lambda o: {"note": ""}),
    Case("api:application-decline", "post", _application, STAFF_WRITE_200, lambda o: {}),
    # Only the applicant (bob) withdraws.
    Case("api:application-withdraw", "post", _application, (403, 403, 200, 404, 401)),
]


@pytest.fixture
def fay(org_a):
    user = UserFactory(email="fay@example.org", full_name="Fay Faculty")
    MembershipFactory(user=user, organization=org_a, role="member")
    return user


@pytest.fixture
def objects(alice, bob, carol, fay, org_a) -> Objects:
    collaborative = collaborative_in(org_a)
    CollaborativeRoleFactory(collaborative=collaborative, user=fay, role="faculty")
    window = open_window(collaborative)
    return Objects(
        question=window.questions.order_by("order").first(),
        item=window.readiness_items.order_by("order").first(),
        application=submit(window, bob),
        answers=answers_for(window),
        scores=scores_for(window),
    )


@pytest.fixture
def client_for(request: pytest.FixtureRequest) -> Callable[[str], APIClient]:
    def sign_in(persona: str) -> APIClient:
        client = APIClient()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return sign_in


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(client_for, objects, case: Case, persona: str):
    client = client_for(persona)
    url = reverse(case.name, kwargs=case.kwargs(objects))
    body = case.body(objects) if case.body else None
    response = getattr(client, case.method)(url, body, format="json")
    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_endpoint():
    routed = set(api_endpoints(applications_urls.urlpatterns))
    in_matrix = {(case.name, case.method) for case in MATRIX}
    assert routed == in_matrix
