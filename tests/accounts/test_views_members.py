"""The member list and the admin actions on it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import ApiToken, Invitation, Membership, Role
from bsc.audit import AuditEntry
from tests.factories import ApiTokenFactory, InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _last_entry(organization) -> AuditEntry:
    with scopes_disabled():
        return AuditEntry.objects.filter(organization=organization).latest("id")


def _member(user, organization) -> Membership:
    with scopes_disabled():
        return Membership.objects.get(user=user, organization=organization)


# --- The list -------------------------------------------------------------------


def test_it_lists_members_with_their_roles(bob_client, alice, bob, org_a):
    response = bob_client.get(reverse("member_list", args=[org_a.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Admin" in page
    assert "alice@example.org" in page
    assert "Bob Member" in page
    assert "table-responsive" in page


def test_it_hides_admin_tools_from_members(bob_client, alice, org_a):
    InvitationFactory(organization=org_a, email="pending@example.org", invited_by=alice)

    response = bob_client.get(reverse("member_list", args=[org_a.slug]))

    page = response.content.decode()
    assert "Invite someone" not in page
    assert "pending@example.org" not in page
    assert reverse("member_invite", args=[org_a.slug]) not in page


def test_it_shows_admins_pending_invitations_and_the_invite_form(alice_client, alice, org_a):
    invitation = InvitationFactory(
        organization=org_a, email="pending@example.org", invited_by=alice
    )

    response = alice_client.get(reverse("member_list", args=[org_a.slug]))

    page = response.content.decode()
    assert "pending@example.org" in page
    assert reverse("invitation_resend", args=[org_a.slug, invitation.pk]) in page
    assert reverse("invitation_revoke", args=[org_a.slug, invitation.pk]) in page
    assert reverse("member_invite", args=[org_a.slug]) in page
    assert 'for="member-' in page


# --- Invite ---------------------------------------------------------------------


def test_it_invites_a_member(alice_client, alice, org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("member_invite", args=[org_a.slug]),
            {"email": "New.Person@Example.org", "role": Role.ADMIN},
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("member_list", args=[org_a.slug]) + "#invitations"
    with scopes_disabled():
        invitation = Invitation.objects.get(organization=org_a)
    assert invitation.email == "new.person@example.org"
    assert invitation.role == Role.ADMIN
    assert invitation.invited_by == alice
    entry = _last_entry(org_a)
    assert (entry.action, entry.actor) == ("bsc.member.invited", alice)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Alice Admin invited you to join Northern Network" in message.subject
    assert "as an admin" in message.body
    assert "works once and expires on" in message.body
    assert "/accounts/invitations/" in message.body
    assert "Accept the invitation" in message.alternatives[0][0]


def test_it_rejects_an_invalid_email_next_to_the_field(alice_client, org_a):
    response = alice_client.post(
        reverse("member_invite", args=[org_a.slug]), {"email": "not-an-address", "role": "member"}
    )

    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_it_shows_the_service_refusal_for_an_existing_member(alice_client, bob, org_a):
    response = alice_client.post(
        reverse("member_invite", args=[org_a.slug]),
        {"email": "bob@example.org", "role": "member"},
    )

    assert response.status_code == 200
    assert "bob@example.org is already a member of Northern Network" in (response.content.decode())
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_it_does_not_let_members_invite(bob_client, org_a):
    response = bob_client.post(
        reverse("member_invite", args=[org_a.slug]), {"email": "x@example.org", "role": "member"}
    )

    assert response.status_code == 403
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_it_answers_a_get_on_invite_with_405(alice_client, org_a):
    assert alice_client.get(reverse("member_invite", args=[org_a.slug])).status_code == 405


# --- Resend and withdraw ------------------------------------------------------------


def test_it_resends_an_invitation_with_a_new_link(
    alice_client, alice, org_a, django_capture_on_commit_callbacks
):
    old = InvitationFactory(organization=org_a, email="pending@example.org", invited_by=alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("invitation_resend", args=[org_a.slug, old.pk]))

    assert response.status_code == 302
    with scopes_disabled():
        old.refresh_from_db()
        fresh = Invitation.objects.exclude(pk=old.pk).get()
    assert old.replaced_by == fresh
    assert fresh.status == Invitation.Status.PENDING
    assert _last_entry(org_a).action == "bsc.member.reinvited"
    assert [m.to for m in mail.outbox] == [["pending@example.org"]]


def test_it_withdraws_an_invitation(alice_client, alice, org_a):
    invitation = InvitationFactory(organization=org_a, invited_by=alice)

    response = alice_client.post(reverse("invitation_revoke", args=[org_a.slug, invitation.pk]))

    assert response.status_code == 302
    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    entry = _last_entry(org_a)
    assert (entry.action, entry.actor) == ("bsc.invitation.revoked", alice)


def test_it_flashes_an_error_when_withdrawing_twice(alice_client, alice, org_a):
    invitation = InvitationFactory(organization=org_a, invited_by=alice)
    alice_client.post(reverse("invitation_revoke", args=[org_a.slug, invitation.pk]))

    response = alice_client.post(
        reverse("invitation_revoke", args=[org_a.slug, invitation.pk]), follow=True
    )

    assert response.status_code == 200
    assert "Only a pending invitation can be withdrawn." in response.content.decode()


def test_it_hides_invitations_of_other_organizations(alice_client, org_a, carol, org_b):
    theirs = InvitationFactory(organization=org_b, invited_by=carol)

    resend = alice_client.post(reverse("invitation_resend", args=[org_a.slug, theirs.pk]))
    revoke = alice_client.post(reverse("invitation_revoke", args=[org_a.slug, theirs.pk]))

    assert (resend.status_code, revoke.status_code) == (404, 404)
    with scopes_disabled():
        theirs.refresh_from_db()
    assert theirs.status == Invitation.Status.PENDING


# --- Roles ------------------------------------------------------------------------


def test_it_changes_a_role(alice_client, alice, bob, org_a):
    membership = _member(bob, org_a)

    response = alice_client.post(
        reverse("member_role", args=[org_a.slug, membership.pk]), {"role": Role.ADMIN}
    )

    assert response.status_code == 302
    assert _member(bob, org_a).role == Role.ADMIN
    entry = _last_entry(org_a)
    assert entry.action == "bsc.member.role_changed"
    assert entry.data == {"email": "bob@example.org", "old": "member", "new": "admin"}


def test_it_keeps_the_last_admin(alice_client, alice, org_a):
    membership = _member(alice, org_a)

    response = alice_client.post(
        reverse("member_role", args=[org_a.slug, membership.pk]), {"role": Role.MEMBER}, follow=True
    )

    assert response.status_code == 200
    assert "An organization needs at least one admin" in response.content.decode()
    assert _member(alice, org_a).role == Role.ADMIN


def test_it_rejects_an_unknown_role(alice_client, bob, org_a):
    membership = _member(bob, org_a)

    response = alice_client.post(
        reverse("member_role", args=[org_a.slug, membership.pk]), {"role": "owner"}, follow=True
    )

    assert "Choose admin or member" in response.content.decode()
    assert _member(bob, org_a).role == Role.MEMBER


def test_it_does_not_let_members_change_roles(bob_client, bob, org_a):
    membership = _member(bob, org_a)

    response = bob_client.post(
        reverse("member_role", args=[org_a.slug, membership.pk]), {"role": Role.ADMIN}
    )

    assert response.status_code == 403
    assert _member(bob, org_a).role == Role.MEMBER


def test_it_hides_memberships_of_other_organizations(alice_client, org_a, carol, org_b):
    theirs = _member(carol, org_b)

    role = alice_client.post(
        reverse("member_role", args=[org_a.slug, theirs.pk]), {"role": Role.MEMBER}
    )
    remove = alice_client.post(reverse("member_remove", args=[org_a.slug, theirs.pk]))

    assert (role.status_code, remove.status_code) == (404, 404)
    assert _member(carol, org_b).role == Role.ADMIN


# --- Remove -------------------------------------------------------------------------


def test_it_asks_before_removing_a_member(alice_client, bob, org_a):
    membership = _member(bob, org_a)

    response = alice_client.get(reverse("member_remove", args=[org_a.slug, membership.pk]))

    assert response.status_code == 200
    assert "Remove Bob Member?" in response.content.decode()
    assert _member(bob, org_a).role == Role.MEMBER


def test_it_removes_a_member_and_revokes_their_tokens(alice_client, alice, bob, org_a):
    membership = _member(bob, org_a)
    token = ApiTokenFactory(organization=org_a, user=bob)

    response = alice_client.post(reverse("member_remove", args=[org_a.slug, membership.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("member_list", args=[org_a.slug])
    with scopes_disabled():
        assert not Membership.objects.filter(pk=membership.pk).exists()
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    entry = _last_entry(org_a)
    assert (entry.action, entry.actor, entry.data) == (
        "bsc.member.removed",
        alice,
        {"email": "bob@example.org"},
    )


def test_it_refuses_to_remove_the_last_admin(alice_client, alice, org_a):
    membership = _member(alice, org_a)

    response = alice_client.post(reverse("member_remove", args=[org_a.slug, membership.pk]))

    assert response.status_code == 200
    assert "An organization needs at least one admin" in response.content.decode()
    assert _member(alice, org_a)


def test_it_lets_an_admin_leave_when_another_admin_remains(alice_client, alice, bob, org_a):
    with scopes_disabled():
        Membership.objects.filter(user=bob).update(role=Role.ADMIN)
    membership = _member(alice, org_a)

    response = alice_client.post(reverse("member_remove", args=[org_a.slug, membership.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    with scopes_disabled():
        assert not Membership.objects.filter(user=alice).exists()


def test_it_does_not_let_members_remove_anyone(bob_client, alice, org_a):
    membership = _member(alice, org_a)

    url = reverse("member_remove", args=[org_a.slug, membership.pk])

    assert bob_client.get(url).status_code == 403
    assert bob_client.post(url).status_code == 403
    assert _member(alice, org_a)


# --- Query counts -------------------------------------------------------------------


def _get_member_list(client, org):
    return client.get(reverse("member_list", args=[org.slug]))


def test_it_lists_members_in_a_fixed_number_of_queries(
    alice_client, alice, bob, org_a, django_assert_num_queries
):
    InvitationFactory(organization=org_a, invited_by=alice)
    # 1 session, 2 user, 3 organization by slug, 4 the visitor's membership (middleware),
    # 5 savepoint (ATOMIC_REQUESTS), 6 members with their users, 7 pending invitations
    # with their inviters, 8 the organization switcher in the navbar, 9 release savepoint.
    with django_assert_num_queries(9):
        response = _get_member_list(alice_client, org_a)
    assert response.status_code == 200


def test_it_runs_the_same_queries_for_1_and_10_members(
    alice_client, alice, org_a, django_assert_num_queries
):
    # The same nine queries as above, whatever the number of rows.
    with django_assert_num_queries(9):
        _get_member_list(alice_client, org_a)
    for _ in range(9):
        MembershipFactory(organization=org_a)
        InvitationFactory(organization=org_a, invited_by=alice)

    with django_assert_num_queries(9):
        response = _get_member_list(alice_client, org_a)
    assert response.content.decode().count("/role/") == 10


def test_it_sorts_members_by_the_name_people_see(alice_client, alice, org_a):
    MembershipFactory(organization=org_a, user__full_name="", user__email="aaron@example.org")
    MembershipFactory(organization=org_a, user__full_name="Zoe Zed")

    response = alice_client.get(reverse("member_list", args=[org_a.slug]))

    shown = [member.user.display_name for member in response.context["members"]]
    assert shown == ["aaron@example.org", "Alice Admin", "Zoe Zed"]
