"""The invitation link page: every state of a link, and every kind of visitor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.invitations import invitation_token
from accounts.models import Invitation, Membership, Role, User
from bsc.audit import AuditEntry
from tests.factories import DEFAULT_PASSWORD, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(org_a, alice):
    return InvitationFactory(
        organization=org_a, email="dana@example.org", role=Role.MEMBER, invited_by=alice
    )


def _link(invitation: Invitation) -> str:
    return reverse("invitation_accept", args=[invitation_token(invitation)])


# --- Links that no longer work --------------------------------------------------


def test_it_explains_a_forged_link(client):
    response = client.get(reverse("invitation_accept", args=["not-a-real-token"]))

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_it_explains_a_link_whose_nonce_changed(client, invitation):
    link = _link(invitation)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(nonce="something-else")

    response = client.get(link)

    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_it_explains_an_already_used_link_and_offers_sign_in(client, invitation):
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())

    response = client.get(_link(invitation))

    assert response.status_code == 410
    page = response.content.decode()
    assert "already been used" in page
    assert reverse("login") in page


def test_it_explains_an_expired_link(client, invitation):
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )

    response = client.get(_link(invitation))

    assert response.status_code == 410
    page = response.content.decode()
    assert "This invitation has expired" in page
    assert "Alice Admin" in page
    assert "invite you again" in page


def test_it_explains_a_link_replaced_by_a_newer_invitation(client, invitation, org_a, alice):
    newer = InvitationFactory(organization=org_a, email=invitation.email, invited_by=alice)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(
            revoked_at=timezone.now(), replaced_by=newer
        )

    response = client.get(_link(invitation))

    assert response.status_code == 410
    page = response.content.decode()
    assert "A newer invitation has replaced this one" in page
    assert "Check your inbox" in page


def test_it_explains_a_withdrawn_link(client, invitation):
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    response = client.get(_link(invitation))

    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()


def test_it_does_not_accept_a_withdrawn_link_on_post(client, invitation):
    dana = UserFactory(email="dana@example.org")
    client.force_login(dana)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    response = client.post(_link(invitation))

    assert response.status_code == 410
    with scopes_disabled():
        assert not Membership.objects.filter(user=dana).exists()


# --- A pending link, signed in ---------------------------------------------------


def test_it_asks_the_invited_user_to_confirm(client, invitation, org_a):
    client.force_login(UserFactory(email="dana@example.org"))

    response = client.get(_link(invitation))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Accept and join {org_a.name}" in page
    assert "Alice Admin has" in page


def test_it_adds_the_invited_user_on_confirm(client, invitation, org_a):
    dana = UserFactory(email="dana@example.org")
    client.force_login(dana)

    response = client.post(_link(invitation))

    assert response.status_code == 302
    assert response["Location"] == reverse("organization_home", args=[org_a.slug])
    with scopes_disabled():
        membership = Membership.objects.get(user=dana, organization=org_a)
        assert membership.role == Role.MEMBER
        invitation.refresh_from_db()
        assert invitation.accepted_by == dana
        entry = AuditEntry.objects.filter(organization=org_a).latest("id")
    assert entry.action == "bsc.member.joined"
    assert entry.actor == dana
    home = client.get(response["Location"])
    assert f"Welcome to {org_a.name}" in home.content.decode()


def test_it_matches_the_invited_address_case_insensitively(client, invitation, org_a):
    dana = UserFactory(email="dana@example.org")
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(email="Dana@Example.org")
    client.force_login(dana)

    response = client.post(_link(invitation))

    assert response.status_code == 302
    with scopes_disabled():
        assert Membership.objects.filter(user=dana, organization=org_a).exists()


def test_it_tells_someone_signed_in_as_another_address_to_sign_out(bob_client, invitation):
    response = bob_client.get(_link(invitation))

    assert response.status_code == 200
    page = response.content.decode()
    assert "This invitation is for another e-mail address" in page
    assert "bob@example.org" in page
    assert reverse("logout") in page
    assert "Sign out and continue" in page


def test_it_does_not_let_another_address_accept(bob_client, invitation, bob):
    response = bob_client.post(_link(invitation))

    assert response.status_code == 200
    with scopes_disabled():
        invitation.refresh_from_db()
        assert invitation.accepted_at is None


def test_it_signs_out_and_returns_to_the_link(bob_client, invitation):
    link = _link(invitation)

    response = bob_client.post(reverse("logout"), {"next": link})

    assert response.status_code == 302
    assert response["Location"] == link
    assert "_auth_user_id" not in bob_client.session


# --- A pending link, signed out ---------------------------------------------------


def test_it_sends_an_existing_account_to_sign_in_and_back(client, invitation):
    UserFactory(email="dana@example.org")
    link = _link(invitation)

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={link.replace(':', '%3A')}"


def test_it_offers_a_new_person_an_account_form(client, invitation, org_a):
    response = client.get(_link(invitation))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Join {org_a.name}" in page
    assert "dana@example.org" in page
    for label in ("Full name", "Password", "Password again"):
        assert label in page


def test_it_creates_the_account_signs_in_and_joins(client, invitation, org_a):
    response = client.post(
        _link(invitation),
        {
            "full_name": "Dana Doe",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("organization_home", args=[org_a.slug])
    dana = User.objects.get(email="dana@example.org")
    assert dana.full_name == "Dana Doe"
    assert dana.check_password("a long enough passphrase")
    assert client.session["_auth_user_id"] == str(dana.pk)
    with scopes_disabled():
        assert Membership.objects.get(user=dana, organization=org_a).role == Role.MEMBER
        entry = AuditEntry.objects.filter(organization=org_a).latest("id")
    assert entry.action == "bsc.member.joined"


def test_it_rejects_mismatched_passwords(client, invitation):
    response = client.post(
        _link(invitation),
        {"full_name": "Dana", "password1": "a long passphrase", "password2": "another one"},
    )

    assert response.status_code == 200
    assert "The two passwords are different" in response.content.decode()
    assert not User.objects.filter(email="dana@example.org").exists()


def test_it_rejects_a_password_like_the_email_address(client, invitation):
    response = client.post(
        _link(invitation),
        {"full_name": "Dana", "password1": "dana@example.org", "password2": "dana@example.org"},
    )

    assert response.status_code == 200
    assert "too similar" in response.content.decode()
    assert not User.objects.filter(email="dana@example.org").exists()


def test_it_shows_a_service_refusal_as_a_form_error(client, invitation, monkeypatch):
    from accounts import services
    from bsc.exceptions import ConflictError

    def refuse(**kwargs):
        raise ConflictError("This invitation can no longer be used.")

    monkeypatch.setattr(services, "user_create_from_invitation", refuse)

    response = client.post(
        _link(invitation),
        {
            "full_name": "Dana",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )

    assert response.status_code == 200
    assert "This invitation can no longer be used." in response.content.decode()


def test_it_sends_a_signed_out_post_for_an_existing_account_to_sign_in(client, invitation):
    UserFactory(email="dana@example.org", password=DEFAULT_PASSWORD)

    response = client.post(
        _link(invitation), {"full_name": "X", "password1": "p", "password2": "p"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_keeps_an_existing_role_when_a_member_accepts(client, org_a, alice):
    dana = UserFactory(email="dana@example.org")
    MembershipFactory(user=dana, organization=org_a, role=Role.ADMIN)
    invitation = InvitationFactory(
        organization=org_a, email="dana@example.org", role=Role.MEMBER, invited_by=alice
    )
    client.force_login(dana)

    response = client.post(_link(invitation))

    assert response.status_code == 302
    with scopes_disabled():
        assert Membership.objects.get(user=dana, organization=org_a).role == Role.ADMIN


def test_it_links_sign_in_back_to_the_invitation(client, invitation):
    link = _link(invitation)

    page = client.get(link).content.decode()

    assert f"{reverse('login')}?next={link.replace(':', '%3A')}" in page
