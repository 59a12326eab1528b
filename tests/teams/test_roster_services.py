"""Roster services: add, change and remove members, link accounts, invite to the platform."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from accounts.models import Invitation
from accounts.services import invitation_accept
from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from teams.models import TeamMember, TeamMemberRole
from teams.services import teams as services
from tests.factories import (
    CollaborativeFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org_a):
    return TeamFactory(
        collaborative=CollaborativeFactory(organization=org_a, slug="tf-cbt"), name="Riverside"
    )


def _roles(member) -> list[str]:
    with scopes_disabled():
        return sorted(TeamMemberRole.objects.filter(member=member).values_list("role", flat=True))


def _entries(action):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action))


def _add(team, actor, **values):
    values.setdefault("full_name", "Dana Clinician")
    values.setdefault("email", "dana@clinic.example")
    values.setdefault("roles", ["clinician"])
    with scope(organization=team.organization):
        return services.team_member_add(team=team, actor=actor, **values)


# --- Adding -------------------------------------------------------------------------


def test_it_adds_a_member_with_roles_and_contact_details(team, alice):
    member = _add(
        team,
        alice,
        full_name=" Dana Clinician ",
        email="Dana@Clinic.Example",
        phone="+1 555 0100",
        job_title="Therapist",
        roles=["clinician", "trainer"],
    )

    with scopes_disabled():
        member = TeamMember.objects.get(pk=member.pk)
    assert (member.full_name, member.email, member.phone, member.job_title) == (
        "Dana Clinician",
        "dana@clinic.example",
        "+1 555 0100",
        "Therapist",
    )
    assert member.organization_id == team.organization_id
    assert member.user is None
    assert _roles(member) == ["clinician", "trainer"]
    [entry] = _entries("bsc.team.member_added")
    assert entry.data == {
        "team": "Riverside",
        "full_name": "Dana Clinician",
        "email": "dana@clinic.example",
        "roles": ["trainer", "clinician"],
        "linked": False,
    }
    assert entry.description == "added Dana Clinician to the roster of “Riverside”"


def test_it_refuses_the_same_email_twice_on_one_team(team, alice):
    _add(team, alice, email="dana@clinic.example")

    with pytest.raises(DomainError) as caught:
        _add(team, alice, full_name="Dana Again", email="DANA@clinic.example")

    assert caught.value.field == "email"
    assert caught.value.message == "dana@clinic.example is already on this team's roster."
    with scopes_disabled():
        assert TeamMember.objects.count() == 1


def test_the_same_email_may_be_on_two_teams(team, alice):
    other = TeamFactory(collaborative=team.collaborative)
    _add(team, alice)

    _add(other, alice)

    with scopes_disabled():
        assert TeamMember.objects.filter(email="dana@clinic.example").count() == 2


def test_members_without_an_email_are_not_duplicates(team, alice):
    _add(team, alice, full_name="First", email="")
    _add(team, alice, full_name="Second", email="")

    with scopes_disabled():
        assert TeamMember.objects.count() == 2


def test_a_member_needs_at_least_one_role(team, alice):
    with pytest.raises(DomainError) as caught:
        _add(team, alice, roles=[])

    assert (caught.value.field, caught.value.message) == (
        "roles",
        "Choose at least one role for this member.",
    )
    with scopes_disabled():
        assert not TeamMember.objects.exists()


def test_it_rejects_an_unknown_role(team, alice):
    with pytest.raises(DomainError) as caught:
        _add(team, alice, roles=["clinician", "wizard"])

    assert caught.value.field == "roles"
    assert "wizard" in caught.value.message


def test_it_requires_a_full_name(team, alice):
    with pytest.raises(DomainError) as caught:
        _add(team, alice, full_name="  ")

    assert caught.value.field == "full_name"


def test_it_rejects_a_malformed_email(team, alice):
    with pytest.raises(DomainError) as caught:
        _add(team, alice, email="not an address")

    assert caught.value.field == "email"


def test_it_links_a_member_of_the_organization_by_email(team, alice, bob):
    member = _add(team, alice, full_name="Bob Member", email="BOB@example.org")

    with scopes_disabled():
        assert TeamMember.objects.get(pk=member.pk).user == bob
    [entry] = _entries("bsc.team.member_added")
    assert entry.data["linked"] is True


def test_it_does_not_link_an_account_from_another_organization(team, alice, carol):
    member = _add(team, alice, full_name="Carol", email="carol@example.org")

    with scopes_disabled():
        assert TeamMember.objects.get(pk=member.pk).user is None


# --- Changing -----------------------------------------------------------------------


def test_it_replaces_a_members_roles(team, alice):
    member = TeamMemberFactory(team=team, roles=["clinician", "trainer"])

    with scope(organization=team.organization):
        services.team_member_update(
            member=member, roles=["trainer", "clinical_supervisor"], actor=alice
        )

    assert _roles(member) == ["clinical_supervisor", "trainer"]
    [entry] = _entries("bsc.team.member_changed")
    assert entry.data["changes"] == {
        "roles": [["trainer", "clinician"], ["clinical_supervisor", "trainer"]]
    }


def test_a_change_may_not_leave_a_member_without_a_role(team, alice):
    member = TeamMemberFactory(team=team, roles=["clinician"])

    with scope(organization=team.organization), pytest.raises(DomainError) as caught:
        services.team_member_update(member=member, roles=[], actor=alice)

    assert caught.value.field == "roles"
    assert _roles(member) == ["clinician"]


def test_changing_to_an_email_already_on_the_roster_is_refused(team, alice):
    TeamMemberFactory(team=team, email="taken@clinic.example", roles=["clinician"])
    member = TeamMemberFactory(team=team, email="mine@clinic.example", roles=["clinician"])

    with scope(organization=team.organization), pytest.raises(DomainError) as caught:
        services.team_member_update(
            member=member, email="Taken@clinic.example", full_name="Renamed", actor=alice
        )

    assert caught.value.field == "email"
    assert (member.email, member.full_name) != ("taken@clinic.example", "Renamed")
    member.refresh_from_db()
    assert (member.email, member.full_name) != ("taken@clinic.example", "Renamed")


def test_a_new_email_links_the_organization_member_with_that_address(team, alice, bob):
    member = TeamMemberFactory(team=team, email="old@clinic.example", roles=["clinician"])

    with scope(organization=team.organization):
        services.team_member_update(member=member, email="bob@example.org", actor=alice)

    member.refresh_from_db()
    assert member.user == bob


def test_a_new_email_without_an_account_unlinks_the_old_account(team, alice, bob):
    member = TeamMemberFactory(team=team, email="bob@example.org", user=bob, roles=["clinician"])

    with scope(organization=team.organization):
        services.team_member_update(member=member, email="bob.home@example.net", actor=alice)

    member.refresh_from_db()
    assert member.user is None


def test_an_unchanged_member_writes_no_audit_entry(team, alice):
    member = TeamMemberFactory(team=team, full_name="Same", roles=["clinician"])

    with scope(organization=team.organization):
        services.team_member_update(
            member=member, full_name="Same", roles=["clinician"], actor=alice
        )

    assert _entries("bsc.team.member_changed") == []


# --- Removing -----------------------------------------------------------------------


def test_it_removes_a_member_and_records_who_it_was(team, alice):
    member = TeamMemberFactory(team=team, full_name="Leaving Person", roles=["trainer"])

    with scope(organization=team.organization):
        services.team_member_remove(member=member, actor=alice)

    with scopes_disabled():
        assert not TeamMember.objects.exists()
        assert not TeamMemberRole.objects.exists()
    [entry] = _entries("bsc.team.member_removed")
    assert entry.data["full_name"] == "Leaving Person"
    assert entry.data["roles"] == ["trainer"]


# --- Invitations and linking ------------------------------------------------------


def _invite(member, actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), scope(organization=member.organization):
        return services.team_member_invite(member=member, actor=actor)


def test_inviting_sends_an_organization_invitation_carrying_the_roster_grant(
    team, alice, django_capture_on_commit_callbacks
):
    member = TeamMemberFactory(team=team, email="new@clinic.example", roles=["clinician"])

    invitation = _invite(member, alice, django_capture_on_commit_callbacks)

    with scopes_disabled():
        invitation = Invitation.objects.get(pk=invitation.pk)
    assert invitation.email == "new@clinic.example"
    assert invitation.role == "member"
    assert invitation.grants == [{"kind": "team_member", "member_id": member.pk}]
    assert [message.to for message in mail.outbox] == [["new@clinic.example"]]
    [entry] = _entries("bsc.team.member_invited")
    assert entry.description == (
        "invited new@clinic.example to the platform for the roster of “Riverside”"
    )


def test_accepting_the_invitation_links_the_roster_entry(
    team, alice, django_capture_on_commit_callbacks
):
    member = TeamMemberFactory(team=team, email="new@clinic.example", roles=["clinician"])
    invitation = _invite(member, alice, django_capture_on_commit_callbacks)
    newcomer = UserFactory(email="new@clinic.example")

    invitation_accept(invitation=invitation, user=newcomer)

    member.refresh_from_db()
    assert member.user == newcomer
    [entry] = _entries("bsc.team.member_linked")
    assert entry.actor == newcomer


def test_inviting_an_organization_member_links_them_at_once(team, alice, bob):
    member = TeamMemberFactory(team=team, email="bob@example.org", roles=["clinician"])

    with scope(organization=team.organization):
        result = services.team_member_invite(member=member, actor=alice)

    assert result is None
    member.refresh_from_db()
    assert member.user == bob
    with scopes_disabled():
        assert not Invitation.objects.exists()
    assert len(_entries("bsc.team.member_linked")) == 1


def test_inviting_needs_an_email_address(team, alice):
    member = TeamMemberFactory(team=team, email="", roles=["clinician"])

    with scope(organization=team.organization), pytest.raises(DomainError) as caught:
        services.team_member_invite(member=member, actor=alice)

    assert caught.value.field == "email"


def test_inviting_someone_already_linked_is_a_conflict(team, alice, bob):
    member = TeamMemberFactory(team=team, email="bob@example.org", user=bob, roles=["clinician"])

    with scope(organization=team.organization), pytest.raises(ConflictError):
        services.team_member_invite(member=member, actor=alice)


def test_removing_the_member_withdraws_their_pending_invitation(
    team, alice, django_capture_on_commit_callbacks
):
    member = TeamMemberFactory(team=team, email="new@clinic.example", roles=["clinician"])
    invitation = _invite(member, alice, django_capture_on_commit_callbacks)

    with scope(organization=team.organization):
        services.team_member_remove(member=member, actor=alice)

    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.REVOKED


def test_changing_the_email_withdraws_the_invitation_sent_to_the_old_address(
    team, alice, django_capture_on_commit_callbacks
):
    member = TeamMemberFactory(team=team, email="old@clinic.example", roles=["clinician"])
    invitation = _invite(member, alice, django_capture_on_commit_callbacks)

    with scope(organization=team.organization):
        services.team_member_update(member=member, email="new@clinic.example", actor=alice)

    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.REVOKED


def test_removing_one_roster_place_keeps_the_invitation_for_another(
    team, alice, django_capture_on_commit_callbacks
):
    other_team = TeamFactory(collaborative=CollaborativeFactory(organization=team.organization))
    first = TeamMemberFactory(team=team, email="both@clinic.example", roles=["clinician"])
    second = TeamMemberFactory(team=other_team, email="both@clinic.example", roles=["trainer"])
    _invite(first, alice, django_capture_on_commit_callbacks)
    invitation = _invite(second, alice, django_capture_on_commit_callbacks)

    with scope(organization=team.organization):
        services.team_member_remove(member=first, actor=alice)

    with scopes_disabled():
        invitation = Invitation.objects.get(pk=invitation.pk)
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.grants == [{"kind": "team_member", "member_id": second.pk}]


def test_accepting_after_the_roster_entry_was_linked_to_someone_else_leaves_it_alone(
    team, alice, bob, django_capture_on_commit_callbacks
):
    member = TeamMemberFactory(team=team, email="new@clinic.example", roles=["clinician"])
    invitation = _invite(member, alice, django_capture_on_commit_callbacks)
    with scopes_disabled():
        TeamMember.objects.filter(pk=member.pk).update(user=bob)
    newcomer = UserFactory(email="new@clinic.example")

    invitation_accept(invitation=invitation, user=newcomer)

    member.refresh_from_db()
    assert member.user == bob
    with scopes_disabled():
        assert newcomer.memberships.filter(organization=team.organization).exists()


def test_accepting_after_the_roster_entry_was_removed_still_joins_the_organization(
    team, alice, django_capture_on_commit_callbacks
):
    member = TeamMemberFactory(team=team, email="new@clinic.example", roles=["clinician"])
    invitation = _invite(member, alice, django_capture_on_commit_callbacks)
    with scopes_disabled():
        TeamMember.objects.filter(pk=member.pk).delete()
    newcomer = UserFactory(email="new@clinic.example")

    invitation_accept(invitation=invitation, user=newcomer)

    with scopes_disabled():
        assert newcomer.memberships.filter(organization=team.organization).exists()


def test_a_roster_lead_from_outside_the_staff_may_be_named_by_role(team, alice, bob, org_a):
    # The roster decides who leads a team: linking bob as senior leader gives him its roster.
    MembershipFactory(user=UserFactory(email="other@example.org"), organization=org_a)
    member = _add(team, alice, full_name="Bob", email="bob@example.org", roles=["senior_leader"])

    from collaboratives.permissions import access_for

    with scope(organization=org_a):
        membership = bob.memberships.get(organization=org_a)
        access = access_for(bob, membership, team.collaborative)
    assert member.user == bob
    assert access.can_manage_roster(team)


def test_the_invitation_email_says_which_roster_place_it_offers(
    team, alice, django_capture_on_commit_callbacks
):
    member = TeamMemberFactory(
        team=team, email="new@clinic.example", roles=["clinician", "day_to_day_leader"]
    )

    _invite(member, alice, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    offer = (
        "a place as day-to-day leader and clinician on the roster of “Riverside” in "
        f"{team.collaborative.name}"
    )
    assert f"Accepting also gives you:\n- {offer}" in message.body
    assert f"<li>{offer}</li>" in message.alternatives[0][0].replace("&ldquo;", "“").replace(
        "&rdquo;", "”"
    )


def test_the_invitation_page_says_which_roster_place_it_offers(
    client, team, alice, django_capture_on_commit_callbacks
):
    from accounts.invitations import invitation_token

    member = TeamMemberFactory(team=team, email="new@clinic.example", roles=["clinician"])
    invitation = _invite(member, alice, django_capture_on_commit_callbacks)

    response = client.get(f"/accounts/invitations/{invitation_token(invitation)}/")

    assert "a place as clinician on the roster of “Riverside”" in response.content.decode()


def test_a_removed_roster_place_is_no_longer_offered(team, alice):
    from accounts import grants

    member = TeamMemberFactory(team=team, roles=["clinician"])
    with scopes_disabled():
        invitation = Invitation.objects.create(
            organization=team.organization,
            email="x@clinic.example",
            expires_at=member.created_at,
            grants=[{"kind": "team_member", "member_id": member.pk}],
        )
        TeamMember.objects.filter(pk=member.pk).delete()

    assert grants.describe_all(invitation) == []
