"""``/api/v1/organizations/<org>/members/``: list, show, change role, remove."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.models import ApiToken, Membership, Role
from bsc.audit import AuditEntry
from tests.api.helpers import absolute, api_url, iso
from tests.factories import ApiTokenFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def member_body(membership: Membership) -> dict[str, object]:
    return {
        "id": membership.pk,
        "url": absolute(f"/api/v1/organizations/org-a/members/{membership.pk}/"),
        "email": membership.user.email,
        "full_name": membership.user.full_name,
        "role": membership.role,
        "joined_at": iso(membership.created_at),
    }


def test_it_lists_members_by_email(client_for, alice_membership, bob_membership, carol):
    response = client_for("bob").get(api_url("member-list", org="org-a"))
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": alice_membership.pk,
                "url": absolute(f"/api/v1/organizations/org-a/members/{alice_membership.pk}/"),
                "email": "alice@example.org",
                "full_name": "Alice Admin",
                "role": "admin",
                "joined_at": iso(alice_membership.created_at),
            },
            member_body(bob_membership),
        ],
    }


def test_it_shows_one_member(client_for, bob_membership):
    response = client_for("bob").get(api_url("member-detail", org="org-a", pk=bob_membership.pk))
    assert response.status_code == 200
    assert response.json() == member_body(bob_membership)


def test_it_hides_a_member_of_another_organization(client_for, alice, carol):
    with scopes_disabled():
        carols = Membership.objects.get(user=carol)
    response = client_for("alice").get(api_url("member-detail", org="org-a", pk=carols.pk))
    assert response.status_code == 404


def test_it_changes_a_members_role(client_for, bob_membership):
    url = api_url("member-detail", org="org-a", pk=bob_membership.pk)
    response = client_for("alice").patch(url, {"role": "admin"})
    assert response.status_code == 200
    bob_membership.refresh_from_db()
    assert response.json() == member_body(bob_membership)
    assert bob_membership.role == Role.ADMIN


def test_it_logs_the_role_change(client_for, alice, bob_membership):
    url = api_url("member-detail", org="org-a", pk=bob_membership.pk)
    client_for("alice").patch(url, {"role": "admin"})
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="bsc.member.role_changed")
    assert (entry.actor, entry.actor_token) == (alice, None)
    assert entry.data == {"email": "bob@example.org", "old": "member", "new": "admin"}


def test_an_empty_patch_changes_nothing(client_for, bob_membership):
    url = api_url("member-detail", org="org-a", pk=bob_membership.pk)
    response = client_for("alice").patch(url, {})
    assert response.status_code == 200
    assert response.json()["role"] == "member"
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="bsc.member.role_changed").exists()


def test_it_rejects_an_unknown_role(client_for, bob_membership):
    url = api_url("member-detail", org="org-a", pk=bob_membership.pk)
    response = client_for("alice").patch(url, {"role": "owner"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": 'role: "owner" is not a valid choice.',
        "errors": {"role": ['"owner" is not a valid choice.']},
    }
    bob_membership.refresh_from_db()
    assert bob_membership.role == Role.MEMBER


def test_it_refuses_to_demote_the_last_admin(client_for, alice_membership, bob):
    url = api_url("member-detail", org="org-a", pk=alice_membership.pk)
    response = client_for("alice").patch(url, {"role": "member"})
    assert response.status_code == 409
    message = "An organization needs at least one admin: make someone else admin first."
    assert response.json() == {"detail": f"role: {message}", "errors": {"role": [message]}}
    alice_membership.refresh_from_db()
    assert alice_membership.role == Role.ADMIN


def test_it_does_not_replace_a_member_with_put(client_for, bob_membership):
    url = api_url("member-detail", org="org-a", pk=bob_membership.pk)
    response = client_for("alice").put(url, {"role": "admin"})
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}


def test_it_removes_a_member(client_for, bob_membership):
    url = api_url("member-detail", org="org-a", pk=bob_membership.pk)
    response = client_for("alice").delete(url)
    assert response.status_code == 204
    with scopes_disabled():
        assert not Membership.objects.filter(pk=bob_membership.pk).exists()
        entry = AuditEntry.objects.get(action="bsc.member.removed")
    assert entry.data == {"email": "bob@example.org"}


def test_removing_a_member_revokes_their_tokens_in_this_organization(
    client_for, bob_membership, bob_token
):
    client_for("alice").delete(api_url("member-detail", org="org-a", pk=bob_membership.pk))
    with scopes_disabled():
        assert ApiToken.objects.get(pk=bob_token.pk).revoked_at is not None


def test_it_refuses_to_remove_the_last_admin(client_for, alice_membership):
    url = api_url("member-detail", org="org-a", pk=alice_membership.pk)
    response = client_for("alice").delete(url)
    assert response.status_code == 409
    assert response.json()["errors"] == {
        "role": ["An organization needs at least one admin: make someone else admin first."]
    }
    with scopes_disabled():
        assert Membership.objects.filter(pk=alice_membership.pk).exists()


def test_it_pages_the_member_list(client_for, alice_membership, bob_membership):
    response = client_for("alice").get(api_url("member-list", org="org-a"), {"page_size": 1})
    assert response.json() == {
        "count": 2,
        "next": absolute("/api/v1/organizations/org-a/members/?page=2&page_size=1"),
        "previous": None,
        "results": [member_body(alice_membership)],
    }


def test_it_lists_members_in_a_fixed_number_of_queries(
    token_client, alice_token, bob, django_assert_num_queries
):
    client = token_client(alice_token)
    with django_assert_num_queries(8):
        # 1. the organization named in the URL (TenantMiddleware)
        # 2. SAVEPOINT (ATOMIC_REQUESTS: a transaction outside tests)
        # 3. the token, with its user and organization
        # 4. UPDATE the token's last_used_at (at most once a minute)
        # 5. the caller's membership (OrganizationPermission)
        # 6. COUNT of members (pagination)
        # 7. the page of members, with their users
        # 8. RELEASE SAVEPOINT
        response = client.get(api_url("member-list", org="org-a"))
    assert response.json()["count"] == 2


def test_the_member_list_costs_the_same_queries_for_1_and_10_members(client_for, alice, org_a):
    client = client_for("alice")
    url = api_url("member-list", org="org-a")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).json()["count"] == 1
    MembershipFactory.create_batch(9, organization=org_a)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url).json()["count"] == 10
    assert len(ten) == len(one)


def test_a_token_acts_as_the_actor_of_a_removal(token_client, alice_token, bob_membership):
    client = token_client(alice_token)
    client.delete(api_url("member-detail", org="org-a", pk=bob_membership.pk))
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="bsc.member.removed")
    assert (entry.actor, entry.actor_token) == (alice_token.user, alice_token)


def test_a_members_token_cannot_change_roles(token_client, bob_token, alice_membership):
    client = token_client(bob_token)
    url = api_url("member-detail", org="org-a", pk=alice_membership.pk)
    response = client.patch(url, {"role": "member"})
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}


def test_a_second_admins_token_can_demote_the_first(
    token_client, org_a, alice_membership, bob_membership
):
    with scopes_disabled():
        Membership.objects.filter(pk=bob_membership.pk).update(role=Role.ADMIN)
    token = ApiTokenFactory(user=bob_membership.user, organization=org_a)
    url = api_url("member-detail", org="org-a", pk=alice_membership.pk)
    response = token_client(token).patch(url, {"role": "member"})
    assert response.status_code == 200
    assert response.json()["role"] == "member"
