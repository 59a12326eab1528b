"""Services of accounts: each writes its change and its audit entry together, or neither."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts import services
from accounts.authentication import hash_token
from accounts.invitations import invitation_from_token, invitation_token
from accounts.models import ApiToken, Invitation, Membership, Organization, Role
from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from tests.factories import (
    ApiTokenFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)


def _actions(organization: Organization) -> list[str]:
    with scopes_disabled():
        return list(
            AuditEntry.objects.filter(organization=organization)
            .order_by("id")
            .values_list("action", flat=True)
        )


@pytest.mark.django_db
def test_it_creates_an_organization_with_its_first_admin():
    user = UserFactory()
    org = services.organization_create(name="Coast", slug="coast", admin=user, actor=None)
    with scopes_disabled():
        assert Membership.objects.get(organization=org, user=user).role == Role.ADMIN
    assert _actions(org) == ["bsc.organization.created", "bsc.member.added"]


@pytest.mark.django_db
def test_it_rejects_a_taken_organization_slug(org_a):
    with pytest.raises(DomainError) as error:
        services.organization_create(name="Other", slug="org-a", actor=None)
    assert error.value.field == "slug"


@pytest.mark.django_db
def test_it_rejects_an_unknown_time_zone():
    with pytest.raises(Exception, match="time zone"):
        services.organization_create(
            name="Coast", slug="coast", time_zone="Mars/Olympus", actor=None
        )
    assert not Organization.objects.filter(slug="coast").exists()


@pytest.mark.django_db
def test_it_records_only_changed_organization_settings(org_a, alice):
    with scope(organization=org_a):
        services.organization_update(
            organization=org_a, actor=alice, name=org_a.name, time_zone="Europe/London"
        )
        entry = AuditEntry.objects.get(action="bsc.organization.changed")
    assert entry.data == {"changes": {"time_zone": ["America/New_York", "Europe/London"]}}


@pytest.mark.django_db
def test_it_invites_by_email_and_queues_the_email(org_a, alice, django_capture_on_commit_callbacks):
    with scope(organization=org_a), django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organization=org_a, email="New.Person@Example.org", role=Role.MEMBER, actor=alice
        )
    assert invitation.email == "new.person@example.org"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    # The signed link carries a timestamp, so read it back instead of rebuilding it.
    link = re.search(r"/accounts/invitations/([^/\s]+)/", mail.outbox[0].body)
    assert link is not None
    assert invitation_from_token(link.group(1)) == invitation
    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert _actions(org_a)[-1] == "bsc.member.invited"


@pytest.mark.django_db
def test_it_refuses_to_invite_an_existing_member(org_a, alice, bob):
    with scope(organization=org_a), pytest.raises(DomainError) as error:
        services.invitation_create(
            organization=org_a, email="BOB@example.org", role=Role.MEMBER, actor=alice
        )
    assert error.value.field == "email"
    with scopes_disabled():
        assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_it_invites_a_member_of_another_organization(org_a, alice, carol):
    with scope(organization=org_a):
        invitation = services.invitation_create(
            organization=org_a, email=carol.email, role=Role.MEMBER, actor=alice
        )
    assert invitation.status == Invitation.Status.PENDING


@pytest.mark.django_db
def test_it_replaces_a_pending_invitation_when_reinviting(org_a, alice):
    with scope(organization=org_a):
        first = services.invitation_create(
            organization=org_a, email="x@example.org", role=Role.MEMBER, actor=alice
        )
        second = services.invitation_resend(invitation=first, actor=alice)
        first.refresh_from_db()
    assert first.status == Invitation.Status.REPLACED
    assert first.replaced_by == second
    assert second.status == Invitation.Status.PENDING
    assert _actions(org_a)[-1] == "bsc.member.reinvited"


@pytest.mark.django_db
def test_it_does_not_send_a_replaced_invitation(org_a, alice, django_capture_on_commit_callbacks):
    with scope(organization=org_a), django_capture_on_commit_callbacks(execute=False) as queued:
        first = services.invitation_create(
            organization=org_a, email="x@example.org", role=Role.MEMBER, actor=alice
        )
        services.invitation_resend(invitation=first, actor=alice)
    for callback in queued:
        callback()
    # Two tasks ran, but only the newer invitation was still worth sending.
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_it_adds_the_member_when_an_invitation_is_accepted(org_a):
    invitation = InvitationFactory(organization=org_a, email="dana@example.org", role=Role.ADMIN)
    dana = UserFactory(email="dana@example.org")
    membership = services.invitation_accept(invitation=invitation, user=dana)
    assert membership.role == Role.ADMIN
    assert invitation.status == Invitation.Status.ACCEPTED
    assert _actions(org_a)[-1] == "bsc.member.joined"


@pytest.mark.django_db
def test_it_accepts_an_invitation_only_once(org_a):
    invitation = InvitationFactory(organization=org_a, email="dana@example.org")
    dana = UserFactory(email="dana@example.org")
    services.invitation_accept(invitation=invitation, user=dana)
    with pytest.raises(ConflictError):
        services.invitation_accept(invitation=invitation, user=dana)


@pytest.mark.django_db
def test_it_refuses_an_expired_invitation(org_a):
    invitation = InvitationFactory(
        organization=org_a,
        email="dana@example.org",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    dana = UserFactory(email="dana@example.org")
    with pytest.raises(ConflictError):
        services.invitation_accept(invitation=invitation, user=dana)
    with scopes_disabled():
        assert not Membership.objects.filter(user=dana).exists()


@pytest.mark.django_db
def test_it_refuses_an_invitation_for_someone_else(org_a, carol):
    invitation = InvitationFactory(organization=org_a, email="dana@example.org")
    with pytest.raises(DomainError, match=r"dana@example\.org"):
        services.invitation_accept(invitation=invitation, user=carol)


@pytest.mark.django_db
def test_it_creates_the_account_from_an_invitation(org_a, password):
    invitation = InvitationFactory(organization=org_a, email="dana@example.org")
    user = services.user_create_from_invitation(
        invitation=invitation, full_name="Dana", password=password
    )
    assert user.check_password(password)
    with scopes_disabled():
        assert Membership.objects.filter(user=user, organization=org_a).exists()


@pytest.mark.django_db
def test_it_withdraws_a_pending_invitation(org_a, alice):
    invitation = InvitationFactory(organization=org_a)
    with scope(organization=org_a):
        services.invitation_revoke(invitation=invitation, actor=alice)
    assert invitation.status == Invitation.Status.REVOKED


@pytest.mark.django_db
def test_it_reads_an_invitation_back_from_its_link(org_a):
    invitation = InvitationFactory(organization=org_a)
    assert invitation_from_token(invitation_token(invitation)) == invitation


@pytest.mark.django_db
def test_it_rejects_a_tampered_invitation_link(org_a):
    invitation = InvitationFactory(organization=org_a)
    assert invitation_from_token(invitation_token(invitation)[:-2] + "xx") is None


@pytest.mark.django_db
def test_it_rejects_a_link_whose_nonce_changed(org_a):
    invitation = InvitationFactory(organization=org_a)
    token = invitation_token(invitation)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(nonce="another")
    assert invitation_from_token(token) is None


@pytest.mark.django_db
def test_it_changes_a_role_and_logs_old_and_new(org_a, alice, bob):
    with scope(organization=org_a):
        membership = Membership.objects.get(user=bob)
        services.membership_change_role(membership=membership, role=Role.ADMIN, actor=alice)
        entry = AuditEntry.objects.get(action="bsc.member.role_changed")
    assert entry.data == {"email": bob.email, "old": "member", "new": "admin"}


@pytest.mark.django_db
def test_it_keeps_the_last_admin(org_a, alice):
    with scope(organization=org_a):
        membership = Membership.objects.get(user=alice)
        with pytest.raises(ConflictError):
            services.membership_change_role(membership=membership, role=Role.MEMBER, actor=alice)
        with pytest.raises(ConflictError):
            services.membership_remove(membership=membership, actor=alice)
        assert Membership.objects.get(user=alice).role == Role.ADMIN


@pytest.mark.django_db
def test_it_revokes_the_tokens_of_a_removed_member_in_that_organization_only(
    org_a, org_b, alice, bob
):
    token_a = ApiTokenFactory(organization=org_a, user=bob)
    MembershipFactory(organization=org_b, user=bob)
    token_b = ApiTokenFactory(organization=org_b, user=bob)
    with scope(organization=org_a):
        services.membership_remove(membership=Membership.objects.get(user=bob), actor=alice)
    with scopes_disabled():
        token_a.refresh_from_db()
        token_b.refresh_from_db()
        assert not Membership.objects.filter(user=bob, organization=org_a).exists()
    assert token_a.revoked_at is not None
    assert token_b.revoked_at is None


@pytest.mark.django_db
def test_it_stores_only_the_hash_of_a_new_token(org_a, alice):
    with scope(organization=org_a):
        token, raw = services.token_create(organization=org_a, user=alice, name="EHR export")
    assert raw.startswith("bsc_")
    assert token.token_hash == hash_token(raw)
    assert raw not in {token.prefix, token.token_hash}
    assert _actions(org_a)[-1] == "bsc.token.created"


@pytest.mark.django_db
def test_it_requires_a_token_name(org_a, alice):
    with scope(organization=org_a), pytest.raises(DomainError) as error:
        services.token_create(organization=org_a, user=alice, name="  ")
    assert error.value.field == "name"
    with scopes_disabled():
        assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_it_revokes_a_token_once(org_a, alice):
    token = ApiTokenFactory(organization=org_a, user=alice)
    with scope(organization=org_a):
        services.token_revoke(token=token, actor=alice)
        services.token_revoke(token=token, actor=alice)
    assert token.revoked_at is not None
    assert _actions(org_a).count("bsc.token.revoked") == 1


@pytest.mark.django_db
def test_it_rolls_back_the_change_when_the_audit_entry_fails(org_a, alice, bob, monkeypatch):
    def broken_log(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "log_action", broken_log)
    with scope(organization=org_a):
        membership = Membership.objects.get(user=bob)
        with pytest.raises(RuntimeError):
            services.membership_change_role(membership=membership, role=Role.ADMIN, actor=alice)
        assert Membership.objects.get(user=bob).role == Role.MEMBER
