"""Bearer tokens and browser sessions (with CSRF) on the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from accounts.models import ApiToken, Invitation, Role
from tests.api.helpers import api_url
from tests.factories import ApiTokenFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MEMBERS = api_url("member-list", org="org-a")
INVITATIONS = api_url("invitation-list", org="org-a")


# --- Tokens -----------------------------------------------------------------


def test_a_token_authenticates_its_user(token_client, bob_token):
    response = token_client(bob_token).get(MEMBERS)
    assert response.status_code == 200


def test_the_token_keyword_is_accepted_too(api_client, bob_token):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {bob_token.raw}")
    assert api_client.get(MEMBERS).status_code == 200


def test_a_revoked_token_is_refused(token_client, bob_token):
    with scopes_disabled():
        ApiToken.objects.filter(pk=bob_token.pk).update(revoked_at=timezone.now())
    response = token_client(bob_token).get(MEMBERS)
    assert response.status_code == 401
    assert response.json() == {"detail": "The token is not valid or was revoked."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_unknown_token_is_refused(api_client, bob):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer bsc_no-such-token")
    response = api_client.get(MEMBERS)
    assert response.status_code == 401
    assert response.json() == {"detail": "The token is not valid or was revoked."}


def test_a_token_of_a_deactivated_user_is_refused(token_client, bob, bob_token):
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert token_client(bob_token).get(MEMBERS).status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer two parts", "Bearer  "])
def test_a_malformed_authorization_header_gets_401_with_a_json_detail(api_client, bob, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get(MEMBERS)
    assert response.status_code == 401
    assert response.json() == {"detail": "Send the token as 'Authorization: Bearer <token>'."}


def test_a_token_of_another_organization_gets_404(token_client, carol_token, alice):
    response = token_client(carol_token).get(MEMBERS)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_token_only_reaches_its_own_organization_even_if_its_user_belongs_to_more(
    token_client, alice, org_b
):
    MembershipFactory(user=alice, organization=org_b, role=Role.ADMIN)
    token_for_b = ApiTokenFactory(user=alice, organization=org_b)
    assert token_client(token_for_b).get(MEMBERS).status_code == 404


def test_the_organization_list_shows_only_the_tokens_organization(
    token_client, alice, alice_token, org_b
):
    MembershipFactory(user=alice, organization=org_b, role=Role.ADMIN)
    response = token_client(alice_token).get(api_url("organization-list"))
    assert [org["slug"] for org in response.json()["results"]] == ["org-a"]


def test_it_records_when_a_token_was_last_used(token_client, bob_token):
    assert bob_token.last_used_at is None
    token_client(bob_token).get(MEMBERS)
    bob_token.refresh_from_db()
    assert timezone.now() - bob_token.last_used_at < timedelta(seconds=10)


def test_it_records_use_at_most_once_a_minute(token_client, bob_token):
    recently = timezone.now() - timedelta(seconds=30)
    with scopes_disabled():
        ApiToken.objects.filter(pk=bob_token.pk).update(last_used_at=recently)
    token_client(bob_token).get(MEMBERS)
    bob_token.refresh_from_db()
    assert bob_token.last_used_at == recently


def test_a_token_needs_no_csrf_token_to_write(alice_token):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {alice_token.raw}")
    response = client.post(INVITATIONS, {"email": "dana@example.org"})
    assert response.status_code == 201


# --- Sessions ---------------------------------------------------------------


@pytest.fixture
def session_client(alice) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


def test_a_session_reads_without_a_csrf_token(session_client):
    assert session_client.get(MEMBERS).status_code == 200


def test_a_session_cannot_write_without_a_csrf_token(session_client):
    response = session_client.post(INVITATIONS, {"email": "dana@example.org"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_a_session_writes_with_a_csrf_token(session_client):
    secret = get_random_string(32)
    session_client.cookies["csrftoken"] = secret
    response = session_client.post(
        INVITATIONS, {"email": "dana@example.org"}, HTTP_X_CSRFTOKEN=secret
    )
    assert response.status_code == 201


def test_a_session_cannot_delete_without_a_csrf_token(session_client, bob_membership):
    url = api_url("member-detail", org="org-a", pk=bob_membership.pk)
    assert session_client.delete(url).status_code == 403
