"""Personal API tokens in the browser: list, create (secret shown once), revoke."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.authentication import hash_token
from accounts.models import ApiToken
from bsc.audit import AuditEntry
from tests.factories import ApiTokenFactory

pytestmark = pytest.mark.django_db


def _last_entry(organization) -> AuditEntry:
    with scopes_disabled():
        return AuditEntry.objects.filter(organization=organization).latest("id")


def test_it_lists_only_the_users_own_tokens_in_this_organization(
    bob_client, alice, bob, org_a, org_b
):
    ApiTokenFactory(organization=org_a, user=bob, name="Bob's export")
    ApiTokenFactory(organization=org_a, user=alice, name="Alice's script")
    ApiTokenFactory(organization=org_b, user=bob, name="Elsewhere")

    response = bob_client.get(reverse("token_list", args=[org_a.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Bob&#x27;s export" in page
    assert "Alice&#x27;s script" not in page
    assert "Elsewhere" not in page


def test_it_explains_how_to_use_a_token(bob_client, org_a):
    response = bob_client.get(reverse("token_list", args=[org_a.slug]))

    page = response.content.decode()
    assert "Authorization: Bearer &lt;token&gt;" in page
    assert "/api/v1/docs/" in page
    assert f"/api/v1/organizations/{org_a.slug}/" in page


def test_it_shows_prefix_status_and_last_use(bob_client, bob, org_a):
    token = ApiTokenFactory(organization=org_a, user=bob, last_used_at=timezone.now())
    ApiTokenFactory(organization=org_a, user=bob, revoked_at=timezone.now())

    page = bob_client.get(reverse("token_list", args=[org_a.slug])).content.decode()

    assert f"{token.prefix}…" in page
    assert "Active" in page
    assert "Revoked" in page
    assert "Never" in page


def test_it_creates_a_token_and_shows_the_secret_once(bob_client, bob, org_a):
    response = bob_client.post(reverse("token_create", args=[org_a.slug]), {"name": "EHR export"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    with scopes_disabled():
        token = ApiToken.objects.get(user=bob)
    secret = response.context["secret"]
    assert token.token_hash == hash_token(secret)
    page = response.content.decode()
    assert secret in page
    assert "cannot be shown again" in page
    entry = _last_entry(org_a)
    assert (entry.action, entry.actor, entry.data) == (
        "bsc.token.created",
        bob,
        {"name": "EHR export"},
    )
    # The secret lives in that one response only.
    assert secret not in str(dict(bob_client.session))
    assert secret not in bob_client.get(reverse("token_list", args=[org_a.slug])).content.decode()


def test_it_rejects_a_blank_token_name(bob_client, org_a):
    response = bob_client.post(reverse("token_create", args=[org_a.slug]), {"name": "   "})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    with scopes_disabled():
        assert not ApiToken.objects.exists()


def test_it_revokes_an_own_token(bob_client, bob, org_a):
    token = ApiTokenFactory(organization=org_a, user=bob)

    response = bob_client.post(reverse("token_revoke", args=[org_a.slug, token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("token_list", args=[org_a.slug])
    with scopes_disabled():
        token.refresh_from_db()
    assert token.revoked_at is not None
    entry = _last_entry(org_a)
    assert (entry.action, entry.actor) == ("bsc.token.revoked", bob)


def test_it_does_not_revoke_someone_elses_token(bob_client, alice, org_a):
    token = ApiTokenFactory(organization=org_a, user=alice)

    response = bob_client.post(reverse("token_revoke", args=[org_a.slug, token.pk]))

    assert response.status_code == 404
    with scopes_disabled():
        token.refresh_from_db()
    assert token.revoked_at is None


def test_it_does_not_revoke_the_users_token_of_another_organization(
    alice_client, alice, org_a, org_b
):
    token = ApiTokenFactory(organization=org_b, user=alice)

    response = alice_client.post(reverse("token_revoke", args=[org_a.slug, token.pk]))

    assert response.status_code == 404
    with scopes_disabled():
        token.refresh_from_db()
    assert token.revoked_at is None


def test_it_lists_tokens_in_a_fixed_number_of_queries(
    bob_client, bob, org_a, django_assert_num_queries
):
    for _ in range(3):
        ApiTokenFactory(organization=org_a, user=bob)

    # 1 session, 2 user, 3 organization by slug, 4 the visitor's membership (middleware),
    # 5 savepoint (ATOMIC_REQUESTS), 6 the visitor's tokens, 7 the organization switcher
    # in the navbar, 8 release savepoint.
    with django_assert_num_queries(8):
        response = bob_client.get(reverse("token_list", args=[org_a.slug]))
    assert response.status_code == 200
