"""API fixtures on top of the personas in ``tests/conftest.py``.

Each persona has a token for their own organization; ``client_for`` signs a
persona in with a session (or not at all, for ``anonymous``), which is how the
permission matrix tries every endpoint.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken, Membership, Organization, User
from tests.factories import ApiTokenFactory

PERSONAS = ["alice", "bob", "carol", "anonymous"]


@pytest.fixture
def alice_token(alice: User, org_a: Organization) -> ApiToken:
    return ApiTokenFactory(user=alice, organization=org_a, name="Alice's script")


@pytest.fixture
def bob_token(bob: User, org_a: Organization) -> ApiToken:
    return ApiTokenFactory(user=bob, organization=org_a, name="Bob's script")


@pytest.fixture
def carol_token(carol: User, org_b: Organization) -> ApiToken:
    return ApiTokenFactory(user=carol, organization=org_b, name="Carol's script")


@pytest.fixture
def bob_membership(bob: User, org_a: Organization) -> Membership:
    return Membership.objects.get(user=bob, organization=org_a)


@pytest.fixture
def alice_membership(alice: User, org_a: Organization) -> Membership:
    return Membership.objects.get(user=alice, organization=org_a)


@pytest.fixture
def token_client(api_client: APIClient) -> Callable[[ApiToken], APIClient]:
    def authenticate(token: ApiToken) -> APIClient:
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")
        return api_client

    return authenticate


@pytest.fixture
def client_for(request: pytest.FixtureRequest, api_client: APIClient) -> Callable[[str], APIClient]:
    """A client signed in (by session) as the named persona, or anonymous."""

    def sign_in(persona: str) -> APIClient:
        if persona != "anonymous":
            api_client.force_login(request.getfixturevalue(persona))
        return api_client

    return sign_in
