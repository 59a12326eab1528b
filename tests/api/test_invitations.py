"""``/api/v1/organizations/<org>/invitations/``: list, show, invite, withdraw, resend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Invitation, Role
from bsc.audit import AuditEntry
from tests.api.helpers import absolute, api_url, iso
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def invitation_body(invitation: Invitation) -> dict[str, object]:
    return {
        "id": invitation.pk,
        "url": absolute(f"/api/v1/organizations/org-a/invitations/{invitation.pk}/"),
        "email": invitation.email,
        "role": invitation.role,
        "status": invitation.status,
        "invited_by": invitation.invited_by.email if invitation.invited_by else None,
        "created_at": iso(invitation.created_at),
        "expires_at": iso(invitation.expires_at),
        "sent_at": iso(invitation.sent_at),
    }


@pytest.fixture
def invitation(org_a, alice) -> Invitation:
    return InvitationFactory(organization=org_a, invited_by=alice, email="dana@example.org")


def invite(client, **body: object):
    return client.post(api_url("invitation-list", org="org-a"), body)


def test_it_lists_invitations_newest_first(client_for, org_a, org_b, alice, carol):
    older = InvitationFactory(organization=org_a, invited_by=alice, email="old@example.org")
    with scopes_disabled():
        Invitation.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=1))
        older.refresh_from_db()
    newer = InvitationFactory(organization=org_a, invited_by=None, role=Role.ADMIN)
    InvitationFactory(organization=org_b, invited_by=carol)
    response = client_for("alice").get(api_url("invitation-list", org="org-a"))
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [invitation_body(newer), invitation_body(older)],
    }


def test_it_shows_one_invitation(client_for, invitation):
    url = api_url("invitation-detail", org="org-a", pk=invitation.pk)
    response = client_for("alice").get(url)
    assert response.status_code == 200
    assert response.json() == {
        "id": invitation.pk,
        "url": absolute(f"/api/v1/organizations/org-a/invitations/{invitation.pk}/"),
        "email": "dana@example.org",
        "role": "member",
        "status": "pending",
        "invited_by": "alice@example.org",
        "created_at": iso(invitation.created_at),
        "expires_at": iso(invitation.expires_at),
        "sent_at": None,
    }


def test_it_invites_someone(client_for, alice):
    response = invite(client_for("alice"), email="Dana@Example.org", role="admin")
    assert response.status_code == 201
    with scopes_disabled():
        created = Invitation.objects.get()
    assert response.json() == invitation_body(created)
    assert response["Location"] == invitation_body(created)["url"]
    assert (created.email, created.role, created.invited_by) == ("dana@example.org", "admin", alice)


def test_it_invites_as_a_member_when_no_role_is_given(client_for, alice):
    response = invite(client_for("alice"), email="dana@example.org")
    assert response.status_code == 201
    assert response.json()["role"] == "member"


def test_it_emails_the_invitation_after_commit(
    client_for, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_for("alice"), email="dana@example.org")
    assert response.status_code == 201
    assert [message.to for message in mail.outbox] == [["dana@example.org"]]
    with scopes_disabled():
        assert Invitation.objects.get().sent_at is not None


def test_it_logs_the_invitation_with_the_token_as_actor(token_client, alice_token):
    token_client(alice_token).post(
        api_url("invitation-list", org="org-a"), {"email": "dana@example.org"}
    )
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="bsc.member.invited")
        created = Invitation.objects.get()
    assert (entry.actor, entry.actor_token) == (alice_token.user, alice_token)
    assert entry.data == {"email": "dana@example.org", "role": "member"}
    # The invitation names the person behind the token as its sender.
    assert created.invited_by == alice_token.user


def test_it_rejects_a_malformed_email_address(client_for, alice):
    response = invite(client_for("alice"), email="not-an-address", role="member")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "email: Enter a valid email address.",
        "errors": {"email": ["Enter a valid email address."]},
    }
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_it_rejects_an_unknown_role(client_for, alice):
    response = invite(client_for("alice"), email="dana@example.org", role="owner")
    assert response.status_code == 400
    assert response.json()["errors"] == {"role": ['"owner" is not a valid choice.']}


def test_it_requires_an_email_address(client_for, alice):
    response = invite(client_for("alice"), role="member")
    assert response.status_code == 400
    assert response.json()["errors"] == {"email": ["This field is required."]}


def test_it_refuses_to_invite_an_existing_member(client_for, alice, bob):
    response = invite(client_for("alice"), email="BOB@example.org")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "email: bob@example.org is already a member of Northern Network.",
        "errors": {"email": ["bob@example.org is already a member of Northern Network."]},
    }


def test_it_ignores_an_organization_in_the_body(client_for, alice, org_b):
    response = invite(client_for("alice"), email="dana@example.org", organization=org_b.pk)
    assert response.status_code == 201
    with scopes_disabled():
        assert Invitation.objects.get().organization.slug == "org-a"


def test_it_withdraws_an_invitation(client_for, invitation):
    url = api_url("invitation-detail", org="org-a", pk=invitation.pk)
    response = client_for("alice").delete(url)
    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="bsc.invitation.revoked").count() == 1


def test_it_refuses_to_withdraw_an_invitation_twice(client_for, invitation):
    url = api_url("invitation-detail", org="org-a", pk=invitation.pk)
    client = client_for("alice")
    client.delete(url)
    response = client.delete(url)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only a pending invitation can be withdrawn.",
        "errors": {"non_field_errors": ["Only a pending invitation can be withdrawn."]},
    }


def test_it_resends_an_invitation_as_a_new_one(client_for, invitation):
    url = api_url("invitation-resend", org="org-a", pk=invitation.pk)
    response = client_for("alice").post(url)
    assert response.status_code == 201
    with scopes_disabled():
        fresh = Invitation.objects.exclude(pk=invitation.pk).get()
    assert response.json() == invitation_body(fresh)
    assert response["Location"] == invitation_body(fresh)["url"]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REPLACED
    assert invitation.replaced_by == fresh


def test_it_hides_an_invitation_of_another_organization(client_for, alice, carol, org_b):
    theirs = InvitationFactory(organization=org_b, invited_by=carol)
    response = client_for("alice").get(api_url("invitation-detail", org="org-a", pk=theirs.pk))
    assert response.status_code == 404


def test_it_lists_invitations_in_a_fixed_number_of_queries(
    token_client, alice_token, invitation, django_assert_num_queries
):
    InvitationFactory(organization=invitation.organization, invited_by=alice_token.user)
    client = token_client(alice_token)
    with django_assert_num_queries(8):
        # 1. the organization named in the URL (TenantMiddleware)
        # 2. SAVEPOINT (ATOMIC_REQUESTS: a transaction outside tests)
        # 3. the token, with its user and organization
        # 4. UPDATE the token's last_used_at (at most once a minute)
        # 5. the caller's membership (OrganizationPermission)
        # 6. COUNT of invitations (pagination)
        # 7. the page of invitations, with who sent them
        # 8. RELEASE SAVEPOINT
        response = client.get(api_url("invitation-list", org="org-a"))
    assert response.json()["count"] == 2
