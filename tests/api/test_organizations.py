"""``/api/v1/organizations/`` and ``/api/v1/organizations/<org>/``."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.api.helpers import absolute, api_url
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

ORG_A = {
    "slug": "org-a",
    "name": "Northern Network",
    "time_zone": "America/New_York",
    "role": "admin",
    "url": absolute("/api/v1/organizations/org-a/"),
}


def test_it_lists_the_callers_organizations_with_their_role(client_for, alice, org_b):
    MembershipFactory(user=alice, organization=org_b, role=Role.MEMBER)
    response = client_for("alice").get(api_url("organization-list"))
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            ORG_A,
            {
                "slug": "org-b",
                "name": "Southern Network",
                "time_zone": "America/New_York",
                "role": "member",
                "url": absolute("/api/v1/organizations/org-b/"),
            },
        ],
    }


def test_it_leaves_out_organizations_the_caller_does_not_belong_to(client_for, alice, carol):
    OrganizationFactory(slug="org-c", name="Central Network")
    results = client_for("alice").get(api_url("organization-list")).json()["results"]
    assert [org["slug"] for org in results] == ["org-a"]


def test_it_shows_one_organization(client_for, alice):
    response = client_for("alice").get(api_url("organization-detail", org="org-a"))
    assert response.status_code == 200
    assert response.json() == ORG_A


def test_it_shows_a_members_own_role(client_for, bob):
    response = client_for("bob").get(api_url("organization-detail", org="org-a"))
    assert response.json()["role"] == "member"


def test_it_answers_404_for_an_unknown_organization(client_for, alice):
    response = client_for("alice").get(api_url("organization-detail", org="no-such-org"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_answers_404_for_another_organization(client_for, alice, carol):
    response = client_for("carol").get(api_url("organization-detail", org="org-a"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_lists_organizations_in_a_fixed_number_of_queries(
    token_client, alice_token, org_b, django_assert_num_queries
):
    MembershipFactory(user=alice_token.user, organization=org_b)
    client = token_client(alice_token)
    with django_assert_num_queries(6):
        # 1. SAVEPOINT (ATOMIC_REQUESTS: a transaction outside tests)
        # 2. the token, with its user and organization
        # 3. UPDATE the token's last_used_at (at most once a minute)
        # 4. the caller's organizations (only the token's own)
        # 5. the caller's roles in them
        # 6. RELEASE SAVEPOINT
        response = client.get(api_url("organization-list"))
    assert response.status_code == 200


def test_it_shows_an_organization_in_a_fixed_number_of_queries(
    client_for, alice, django_assert_num_queries
):
    client = client_for("alice")
    with django_assert_num_queries(6):
        # 1. the organization named in the URL (TenantMiddleware)
        # 2. SAVEPOINT (ATOMIC_REQUESTS)
        # 3. the session, 4. its user (SessionAuthentication)
        # 5. the caller's membership (OrganizationPermission)
        # 6. RELEASE SAVEPOINT
        response = client.get(api_url("organization-detail", org="org-a"))
    assert response.status_code == 200
