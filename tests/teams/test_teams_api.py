"""API of teams, rosters and affinity groups: whole response bodies, writes, bad input."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Invitation
from bsc.audit import AuditEntry
from teams.models import Team, TeamMember, TeamMemberRole
from tests.factories import InvitationFactory, TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
COLLAB = {"org": "org-a", "collab": "tf-cbt"}
PREFIX = "/api/v1/organizations/org-a/collaboratives/tf-cbt"


def api(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs={**COLLAB, **kwargs})


def iso(value) -> str:
    text = value.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def team_body(team, *, member_count: int, warnings: int) -> dict[str, object]:
    return {
        "id": team.pk,
        "url": f"{BASE}{PREFIX}/teams/{team.pk}/",
        "name": team.name,
        "site_name": team.site_name,
        "is_member_site": team.is_member_site,
        "status": team.status,
        "member_count": member_count,
        "composition_warning_count": warnings,
        "members_url": f"{BASE}{PREFIX}/teams/{team.pk}/members/",
        "composition_url": f"{BASE}{PREFIX}/teams/{team.pk}/composition/",
        "created_at": iso(team.created_at),
    }


def member_body(member, *, roles: list[str], has_account: bool, invitation=None):
    return {
        "id": member.pk,
        "url": f"{BASE}{PREFIX}/teams/{member.team_id}/members/{member.pk}/",
        "full_name": member.full_name,
        "email": member.email,
        "phone": member.phone,
        "job_title": member.job_title,
        "roles": roles,
        "has_account": has_account,
        "invitation": invitation,
        "created_at": iso(member.created_at),
    }


def _entry(action: str) -> AuditEntry:
    with scopes_disabled():
        return AuditEntry.objects.get(action=action)


# --- Teams ------------------------------------------------------------------------------


def test_it_lists_the_teams_for_any_member(api_as, bob, riverside, lakeside, dana, erin, gus):
    response = api_as("bob").get(api("team-list"))

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            team_body(lakeside, member_count=0, warnings=6),
            team_body(riverside, member_count=3, warnings=4),
        ],
    }


def test_it_filters_teams_by_status(api_as, alice, riverside, lakeside):
    TeamFactory(collaborative=riverside.collaborative, name="Gone", status="withdrawn")

    response = api_as("alice").get(api("team-list"), {"status": "withdrawn"})

    assert [team["name"] for team in response.json()["results"]] == ["Gone"]


def test_an_unknown_status_filter_is_bad_input(api_as, alice, riverside):
    response = api_as("alice").get(api("team-list"), {"status": "paused"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["Choose one of: applicant, active, withdrawn."]}


def test_it_shows_one_team_to_its_own_member(api_as, erin, riverside):
    response = api_as("erin").get(api("team-detail", team=riverside.pk))

    assert response.status_code == 200
    assert response.json() == team_body(riverside, member_count=1, warnings=6)


def test_it_creates_a_team(api_as, alice, collab):
    response = api_as("alice").post(
        api("team-list"),
        {"name": "Hilltop", "site_name": "Hilltop Services", "is_member_site": False},
        format="json",
    )

    assert response.status_code == 201
    with scopes_disabled():
        team = Team.objects.get(name="Hilltop")
    assert response.json() == team_body(team, member_count=0, warnings=6)
    assert response["Location"] == f"{BASE}{PREFIX}/teams/{team.pk}/"
    assert (team.status, team.is_member_site) == ("active", False)
    assert _entry("bsc.team.created").actor == alice


def test_the_audit_log_names_the_token_that_created_a_team(client, alice_token, collab):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {alice_token.raw}")

    client.post(api("team-list"), {"name": "Scripted"}, format="json")

    entry = _entry("bsc.team.created")
    assert (entry.actor, entry.actor_token) == (alice_token.user, alice_token)


def test_a_duplicate_team_name_is_bad_input(api_as, alice, riverside):
    response = api_as("alice").post(api("team-list"), {"name": "riverside"}, format="json")

    assert response.status_code == 400
    message = "A team named “riverside” is already in this collaborative."
    assert response.json() == {"detail": f"name: {message}", "errors": {"name": [message]}}


def test_a_team_needs_a_name(api_as, alice, collab):
    response = api_as("alice").post(api("team-list"), {"site_name": "Nowhere"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["This field is required."]}


def test_an_archived_collaborative_takes_no_new_teams(api_as, alice, collab):
    collab.archived_at = timezone.now()
    collab.save()

    response = api_as("alice").post(api("team-list"), {"name": "Late"}, format="json")

    assert response.status_code == 409
    with scopes_disabled():
        assert not Team.objects.exists()


def test_it_changes_a_team(api_as, alice, riverside):
    response = api_as("alice").patch(
        api("team-detail", team=riverside.pk), {"status": "applicant"}, format="json"
    )

    assert response.status_code == 200
    riverside.refresh_from_db()
    assert riverside.status == "applicant"
    assert response.json() == team_body(riverside, member_count=0, warnings=6)
    assert _entry("bsc.team.changed").data["changes"] == {"status": ["active", "applicant"]}


def test_deleting_a_team_withdraws_it_and_keeps_the_row(api_as, alice, riverside, gus):
    response = api_as("alice").delete(api("team-detail", team=riverside.pk))

    assert response.status_code == 204
    with scopes_disabled():
        assert Team.objects.get(pk=riverside.pk).status == "withdrawn"
        assert TeamMember.objects.filter(pk=gus.pk).exists()
    assert _entry("bsc.team.withdrawn").actor == alice


def test_the_composition_endpoint_lists_the_warnings(api_as, dana, erin, riverside):
    response = api_as("erin").get(api("team-composition", team=riverside.pk))

    assert response.status_code == 200
    assert response.json() == {
        "team": riverside.pk,
        "member_count": 2,
        "warnings": [
            "Needs at least 5 members (has 2).",
            "Has no senior leader.",
            "Needs an agency administrator (has none).",
            "Needs at least 2 clinicians (has 1).",
        ],
        "rules": "5 to 10 members, including a senior leader, a day-to-day leader, an agency "
        "administrator, a clinical supervisor and at least 2 clinicians.",
    }


def test_a_withdrawn_team_has_no_composition_warnings(api_as, alice, riverside):
    riverside.status = "withdrawn"
    riverside.save()

    response = api_as("alice").get(api("team-composition", team=riverside.pk))

    assert response.json()["warnings"] == []


# --- Rosters ----------------------------------------------------------------------------


def test_it_lists_the_roster_with_roles_and_accounts(api_as, erin, dana, gus, riverside):
    with scopes_disabled():
        dana_entry = TeamMember.objects.get(user=dana)
        erin_entry = TeamMember.objects.get(user=erin)

    response = api_as("erin").get(api("team-member-list", team=riverside.pk))

    assert response.status_code == 200
    assert response.json() == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [
            member_body(
                dana_entry, roles=["day_to_day_leader", "clinical_supervisor"], has_account=True
            ),
            member_body(erin_entry, roles=["clinician"], has_account=True),
            member_body(gus, roles=["trainer"], has_account=False),
        ],
    }


def test_the_roster_shows_a_pending_invitation(api_as, alice, gus, riverside, org_a):
    invitation = InvitationFactory(
        organization=org_a,
        email=gus.email,
        invited_by=alice,
        grants=[{"kind": "team_member", "member_id": gus.pk}],
    )

    response = api_as("alice").get(api("team-member-detail", team=riverside.pk, pk=gus.pk))

    assert response.json() == member_body(
        gus,
        roles=["trainer"],
        has_account=False,
        invitation={"status": "pending", "sent_at": None, "expires_at": iso(invitation.expires_at)},
    )


def test_the_leader_adds_a_member(api_as, dana, riverside):
    response = api_as("dana").post(
        api("team-member-list", team=riverside.pk),
        {
            "full_name": "New Clinician",
            "email": "New@Clinic.Example",
            "phone": "555 0199",
            "job_title": "Therapist",
            "roles": ["clinician", "family_partner"],
        },
        format="json",
    )

    assert response.status_code == 201
    with scopes_disabled():
        member = TeamMember.objects.get(email="new@clinic.example")
    assert response.json() == member_body(
        member, roles=["clinician", "family_partner"], has_account=False
    )
    assert _entry("bsc.team.member_added").actor == dana


def test_the_same_email_twice_is_bad_input(api_as, dana, riverside, gus):
    response = api_as("dana").post(
        api("team-member-list", team=riverside.pk),
        {"full_name": "Gus Again", "email": "gus@clinic.example", "roles": ["clinician"]},
        format="json",
    )

    assert response.status_code == 400
    message = "gus@clinic.example is already on this team's roster."
    assert response.json() == {"detail": f"email: {message}", "errors": {"email": [message]}}


def test_a_member_without_roles_is_bad_input(api_as, dana, riverside):
    response = api_as("dana").post(
        api("team-member-list", team=riverside.pk),
        {"full_name": "No Role", "roles": []},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"roles": ["Choose at least one role for this member."]}
    with scopes_disabled():
        assert not TeamMember.objects.filter(full_name="No Role").exists()


def test_an_unknown_role_is_bad_input_on_the_field(api_as, dana, riverside):
    response = api_as("dana").post(
        api("team-member-list", team=riverside.pk),
        {"full_name": "Wiz", "roles": ["clinician", "wizard"]},
        format="json",
    )

    assert response.status_code == 400
    [message] = response.json()["errors"]["roles"]
    assert message.startswith("Not a team role: wizard. Choose from: senior_leader,")


def test_the_leader_changes_a_members_roles(api_as, dana, riverside, gus):
    response = api_as("dana").patch(
        api("team-member-detail", team=riverside.pk, pk=gus.pk),
        {"roles": ["trainer", "community_partner"]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["roles"] == ["trainer", "community_partner"]
    with scopes_disabled():
        assert set(TeamMemberRole.objects.filter(member=gus).values_list("role", flat=True)) == {
            "trainer",
            "community_partner",
        }


def test_put_replaces_a_members_details(api_as, alice, riverside, gus):
    response = api_as("alice").put(
        api("team-member-detail", team=riverside.pk, pk=gus.pk),
        {"full_name": "Gus Renamed", "roles": ["clinician"]},
        format="json",
    )

    assert response.status_code == 200
    gus.refresh_from_db()
    assert (gus.full_name, gus.email, gus.phone) == (
        "Gus Renamed",
        "gus@clinic.example",
        "+1 555 0101",
    )


def test_the_leader_removes_a_member(api_as, dana, riverside, gus):
    response = api_as("dana").delete(api("team-member-detail", team=riverside.pk, pk=gus.pk))

    assert response.status_code == 204
    with scopes_disabled():
        assert not TeamMember.objects.filter(pk=gus.pk).exists()


def test_invite_sends_an_invitation_and_shows_it(
    api_as, dana, riverside, gus, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("dana").post(
            api("team-member-invite", team=riverside.pk, pk=gus.pk), format="json"
        )

    assert response.status_code == 200
    with scopes_disabled():
        invitation = Invitation.objects.get(email="gus@clinic.example")
    assert invitation.grants == [{"kind": "team_member", "member_id": gus.pk}]
    body = response.json()
    assert body["has_account"] is False
    assert body["invitation"]["status"] == "pending"
    assert [message.to for message in mail.outbox] == [["gus@clinic.example"]]


def test_invite_links_an_organization_member_at_once(api_as, alice, bob, riverside):
    member = TeamMemberFactory(team=riverside, email="bob@example.org", roles=["trainer"])

    response = api_as("alice").post(
        api("team-member-invite", team=riverside.pk, pk=member.pk), format="json"
    )

    assert response.status_code == 200
    assert (response.json()["has_account"], response.json()["invitation"]) == (True, None)


def test_inviting_a_linked_member_is_a_conflict(api_as, alice, erin, riverside):
    with scopes_disabled():
        entry = TeamMember.objects.get(user=erin)

    response = api_as("alice").post(
        api("team-member-invite", team=riverside.pk, pk=entry.pk), format="json"
    )

    assert response.status_code == 409
    message = "Erin Clinician already has an account on this roster."
    assert response.json() == {"detail": message, "errors": {"non_field_errors": [message]}}


def test_the_body_cannot_move_a_member_to_another_team(api_as, alice, riverside, lakeside, gus):
    api_as("alice").patch(
        api("team-member-detail", team=riverside.pk, pk=gus.pk),
        {"team": lakeside.pk, "organization": 999},
        format="json",
    )

    gus.refresh_from_db()
    assert gus.team_id == riverside.pk


# --- Affinity groups ----------------------------------------------------------------------


def test_affinity_groups_list_every_role_with_its_members(api_as, fay, dana, erin, hal, riverside):
    response = api_as("fay").get(api("affinity-group-list"))

    assert response.status_code == 200
    groups = {group["role"]: group for group in response.json()}
    assert list(groups) == [
        "senior_leader",
        "day_to_day_leader",
        "agency_administrator",
        "clinical_supervisor",
        "trainer",
        "clinician",
        "community_partner",
        "family_partner",
        "teacher",
        "other",
    ]
    with scopes_disabled():
        erin_entry = TeamMember.objects.get(user=erin)
    assert groups["clinician"] == {
        "role": "clinician",
        "label": "Clinicians",
        "contacts_visible": True,
        "members": [
            {
                "id": erin_entry.pk,
                "full_name": "Erin Clinician",
                "job_title": "",
                "team": {"id": riverside.pk, "name": "Riverside"},
                "email": "erin@example.org",
            }
        ],
    }
    assert groups["teacher"]["members"] == []


def test_affinity_groups_hide_the_contacts_of_other_roles(api_as, erin, hal):
    groups = {
        group["role"]: group for group in api_as("erin").get(api("affinity-group-list")).json()
    }

    assert groups["clinician"]["members"][0]["email"] == "erin@example.org"
    assert groups["senior_leader"]["contacts_visible"] is False
    assert groups["senior_leader"]["members"][0]["email"] is None
