"""The permission matrix: every API endpoint x method x persona -> status (pretix style).

alice is admin of org A, bob a member of org A, carol admin of org B; all URLs
name org A. A new accounts endpoint is not done until it is in ``MATRIX``:
``test_the_matrix_covers_every_endpoint`` fails otherwise. Other apps keep a
matrix of their own endpoints beside their tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, reverse

from accounts.api import urls as accounts_api_urls
from accounts.models import Invitation, Membership
from bsc import api_urls
from tests.api.conftest import PERSONAS
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Objects:
    """What the URLs point at: bob's membership and a pending invitation, both in org A."""

    member: Membership
    invitation: Invitation


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


def _none(objects: Objects) -> dict[str, Any]:
    return {}


def _org(objects: Objects) -> dict[str, Any]:
    return {"org": "org-a"}


def _member(objects: Objects) -> dict[str, Any]:
    return {"org": "org-a", "pk": objects.member.pk}


def _invitation(objects: Objects) -> dict[str, Any]:
    return {"org": "org-a", "pk": objects.invitation.pk}


PUBLIC = (200, 200, 200, 200)
MEMBERS_READ = (200, 200, 404, 401)

MATRIX = [
    Case("api:root", "get", _none, PUBLIC),
    Case("api:schema", "get", _none, PUBLIC),
    Case("api:docs", "get", _none, PUBLIC),
    Case("api:organization-list", "get", _none, (200, 200, 200, 401)),
    Case("api:organization-detail", "get", _org, MEMBERS_READ),
    Case("api:member-list", "get", _org, MEMBERS_READ),
    Case("api:member-detail", "get", _member, MEMBERS_READ),
    Case("api:member-detail", "patch", _member, (200, 403, 404, 401), {"role": "admin"}),
    Case("api:member-detail", "delete", _member, (204, 403, 404, 401)),
    Case("api:invitation-list", "get", _org, (200, 403, 404, 401)),
    Case(
        "api:invitation-list",
        "post",
        _org,
        (201, 403, 404, 401),
        {"email": "dana@example.org", "role": "member"},
    ),
    Case("api:invitation-detail", "get", _invitation, (200, 403, 404, 401)),
    Case("api:invitation-detail", "delete", _invitation, (204, 403, 404, 401)),
    Case("api:invitation-resend", "post", _invitation, (201, 403, 404, 401)),
]


@pytest.fixture
def objects(alice, bob, carol, org_a) -> Objects:
    return Objects(
        member=Membership.objects.get(user=bob, organization=org_a),
        invitation=InvitationFactory(organization=org_a, invited_by=alice),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(client_for, objects, case: Case, persona: str):
    client = client_for(persona)
    url = reverse(case.name, kwargs=case.kwargs(objects) or None)
    response = getattr(client, case.method)(url, case.body)
    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def _endpoints(patterns: list, namespace: str) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _endpoints(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            callback = pattern.callback
            actions = getattr(callback, "actions", None)
            if actions is not None:
                methods = set(actions)
            else:
                view = callback.cls
                methods = {m for m in view.http_method_names if hasattr(view, m)}
            for method in methods - {"head", "options", "trace"}:
                yield f"{namespace}:{pattern.name}", method


def test_the_matrix_covers_every_endpoint():
    # The accounts API and the top-level routes; each app's own API has its own
    # matrix next to its tests (the URL walk in tests/bsc covers every app for 404s).
    own = [p for p in api_urls.urlpatterns if isinstance(p, URLPattern)]
    routed = set(_endpoints(own + accounts_api_urls.urlpatterns, api_urls.app_name))
    in_matrix = {(case.name, case.method) for case in MATRIX}
    assert routed == in_matrix
