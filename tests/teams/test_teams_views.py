"""The team pages: list, team page with roster, roster changes, invitations, affinity groups."""

from __future__ import annotations

import re

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

COLLAB = {"org": "org-a", "collab": "tf-cbt"}


def url(name: str, **kwargs: object) -> str:
    return reverse(name, kwargs={**COLLAB, **kwargs})


def page(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's visible text, whitespace squashed, for sentences that span lines."""
    return " ".join(re.sub(r"<[^>]+>", " ", page(response)).split())


def _last_action(organization) -> str:
    with scopes_disabled():
        return AuditEntry.objects.filter(organization=organization).latest("id").action


# --- Team list --------------------------------------------------------------------------


def test_the_list_shows_every_team_with_site_status_size_and_composition(
    bob_client, riverside, lakeside, dana, erin, gus, hal
):
    TeamFactory(collaborative=riverside.collaborative, name="Gone", status="withdrawn")

    response = bob_client.get(url("team_list"))

    assert response.status_code == 200
    content = page(response)
    assert "Riverside Clinic" in content
    assert "Lakeside Agency" in content
    assert "table-responsive" in content
    # Active teams by name, withdrawn teams last.
    rows = re.findall(r'<tr id="team-\d+">(.*?)</tr>', content, re.S)
    assert [re.search(r"(Riverside|Lakeside|Gone)", row).group(1) for row in rows] == [
        "Lakeside",
        "Riverside",
        "Gone",
    ]
    assert '<td class="text-end">3</td>' in rows[1]
    assert "warnings</span>" in rows[1]
    assert "Withdrawn" in rows[2]
    assert "Composition is checked against this collaborative's rules: 5 to 10 members" in content


def test_the_list_links_only_the_teams_the_member_may_open(client, erin, riverside, lakeside):
    client.force_login(erin)

    content = page(client.get(url("team_list")))

    assert url("team_detail", team=riverside.pk) in content
    assert url("team_detail", team=lakeside.pk) not in content
    assert "your team" in content


def test_the_list_offers_staff_tools_to_staff(alice_client, riverside):
    content = page(alice_client.get(url("team_list")))

    assert url("team_create") in content
    assert url("team_edit", team=riverside.pk) in content


def test_the_list_offers_members_no_staff_tools(bob_client, riverside):
    content = page(bob_client.get(url("team_list")))

    assert url("team_create") not in content
    assert url("team_edit", team=riverside.pk) not in content


def test_a_team_that_fits_the_rules_shows_ok(alice_client, riverside):
    for roles in (
        ["senior_leader", "agency_administrator"],
        ["day_to_day_leader", "clinical_supervisor"],
        ["clinician"],
        ["clinician"],
        ["family_partner"],
    ):
        TeamMemberFactory(team=riverside, roles=roles)

    content = page(alice_client.get(url("team_list")))

    assert '<span class="badge text-bg-success">OK</span>' in content


# --- Creating, changing and withdrawing teams ------------------------------------------


def test_staff_add_a_team(alice_client, collab, org_a):
    response = alice_client.post(
        url("team_create"),
        {"name": "Hilltop", "site_name": "Hilltop Services", "status": "applicant"},
    )

    with scopes_disabled():
        team = Team.objects.get(name="Hilltop")
    assert response.status_code == 302
    assert response["Location"] == url("team_detail", team=team.pk)
    assert (team.site_name, team.is_member_site, team.status) == (
        "Hilltop Services",
        False,
        "applicant",
    )
    assert _last_action(org_a) == "bsc.team.created"


def test_a_duplicate_team_name_is_shown_on_the_field(alice_client, riverside):
    response = alice_client.post(url("team_create"), {"name": "RIVERSIDE", "status": "active"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["A team named “RIVERSIDE” is already in this collaborative."]
    }
    with scopes_disabled():
        assert Team.objects.count() == 1


def test_the_edit_form_starts_from_the_team(alice_client, riverside):
    response = alice_client.get(url("team_edit", team=riverside.pk))

    form = response.context["form"]
    assert form.initial == {
        "name": "Riverside",
        "site_name": "Riverside Clinic",
        "is_member_site": True,
        "status": "active",
    }


def test_staff_change_a_team(alice_client, riverside):
    response = alice_client.post(
        url("team_edit", team=riverside.pk),
        {"name": "Riverside North", "site_name": "Riverside Clinic", "status": "active"},
    )

    assert response.status_code == 302
    riverside.refresh_from_db()
    assert (riverside.name, riverside.is_member_site) == ("Riverside North", False)


def test_withdrawing_asks_first_and_keeps_the_team(alice_client, riverside, gus, org_a):
    confirm = alice_client.get(url("team_withdraw", team=riverside.pk))
    assert "Nothing is deleted" in text(confirm)

    response = alice_client.post(url("team_withdraw", team=riverside.pk))

    assert response.status_code == 302
    assert response["Location"] == url("team_list")
    with scopes_disabled():
        assert Team.objects.get(pk=riverside.pk).status == "withdrawn"
        assert TeamMember.objects.filter(team=riverside).count() == 1
    assert _last_action(org_a) == "bsc.team.withdrawn"


def test_changes_to_an_archived_collaborative_are_refused_on_the_form(
    alice_client, collab, riverside
):
    collab.archived_at = timezone.now()
    collab.save()

    response = alice_client.post(
        url("team_member_add", team=riverside.pk),
        {
            "full_name": "Late Person",
            "roles": ["clinician"],
        },
    )

    assert response.status_code == 200
    assert "archived" in str(response.context["form"].non_field_errors())
    with scopes_disabled():
        assert not TeamMember.objects.filter(full_name="Late Person").exists()


# --- The team page --------------------------------------------------------------------


def test_the_team_page_shows_the_roster_with_roles_contacts_and_accounts(
    client, erin, dana, gus, riverside
):
    client.force_login(erin)

    response = client.get(url("team_detail", team=riverside.pk))

    assert response.status_code == 200
    content = page(response)
    assert "Gus Trainer" in content
    assert "Trainer</li>" in content
    assert 'href="mailto:gus@clinic.example"' in content
    assert 'href="tel:+1 555 0101"' in content
    assert "Day-to-day leader</li><li>Clinical supervisor</li>" in content
    assert content.count("Has an account") == 2
    assert content.count("No account") == 1


def test_the_team_page_lists_the_composition_warnings(alice_client, riverside, dana, erin):
    response = alice_client.get(url("team_detail", team=riverside.pk))

    content = page(response)
    assert 'class="alert alert-warning"' in content
    assert response.context["warnings"] == [
        "Needs at least 5 members (has 2).",
        "Has no senior leader.",
        "Needs an agency administrator (has none).",
        "Needs at least 2 clinicians (has 1).",
    ]
    assert "<li>Needs at least 2 clinicians (has 1).</li>" in content


def test_the_warnings_disappear_once_the_roster_fits(client, dana, erin, riverside):
    client.force_login(dana)
    for full_name, roles in (
        ("Sam Senior", ["senior_leader", "agency_administrator"]),
        ("Cleo Clinician", ["clinician"]),
        ("Pat Partner", ["community_partner"]),
    ):
        client.post(
            url("team_member_add", team=riverside.pk),
            {
                "full_name": full_name,
                "roles": roles,
            },
        )

    response = client.get(url("team_detail", team=riverside.pk))

    assert response.context["warnings"] == []
    assert "alert-warning" not in page(response)
    assert "The roster fits the collaborative's composition rules." in page(response)


def test_a_plain_member_sees_no_roster_tools(client, erin, riverside, gus):
    client.force_login(erin)

    content = page(client.get(url("team_detail", team=riverside.pk)))

    assert url("team_member_add", team=riverside.pk) not in content
    assert url("team_member_edit", team=riverside.pk, member=gus.pk) not in content
    assert url("team_member_invite", team=riverside.pk, member=gus.pk) not in content


def test_the_day_to_day_leader_sees_the_roster_tools(client, dana, riverside, gus):
    client.force_login(dana)

    content = page(client.get(url("team_detail", team=riverside.pk)))

    assert url("team_member_add", team=riverside.pk) in content
    assert url("team_member_edit", team=riverside.pk, member=gus.pk) in content
    assert url("team_member_invite", team=riverside.pk, member=gus.pk) in content
    assert url("team_edit", team=riverside.pk) not in content


def test_the_roster_shows_a_pending_invitation(alice_client, alice, riverside, gus, org_a):
    InvitationFactory(
        organization=org_a,
        email=gus.email,
        invited_by=alice,
        grants=[{"kind": "team_member", "member_id": gus.pk}],
    )

    content = page(alice_client.get(url("team_detail", team=riverside.pk)))

    assert "Invited" in content
    assert "Send a new link" in content


def test_an_invitation_to_the_organization_alone_is_not_a_team_invitation(
    alice_client, alice, riverside, gus, org_a
):
    InvitationFactory(organization=org_a, email=gus.email, invited_by=alice)

    content = page(alice_client.get(url("team_detail", team=riverside.pk)))

    assert "Invited" not in content


def test_the_roster_offers_to_link_an_organization_member_not_yet_linked(
    alice_client, riverside, bob
):
    TeamMemberFactory(team=riverside, email="bob@example.org", roles=["trainer"])

    content = page(alice_client.get(url("team_detail", team=riverside.pk)))

    assert "Link account" in content


# --- Adding, changing and removing roster members ----------------------------------------


def test_the_leader_adds_a_member(client, dana, riverside, org_a):
    client.force_login(dana)

    response = client.post(
        url("team_member_add", team=riverside.pk),
        {
            "full_name": "New Clinician",
            "email": "new@clinic.example",
            "phone": "555 0199",
            "job_title": "Therapist",
            "roles": ["clinician", "trainer"],
        },
    )

    with scopes_disabled():
        member = TeamMember.objects.get(email="new@clinic.example")
        roles = set(TeamMemberRole.objects.filter(member=member).values_list("role", flat=True))
    assert response.status_code == 302
    assert response["Location"] == url("team_detail", team=riverside.pk) + f"#member-{member.pk}"
    assert roles == {"clinician", "trainer"}
    assert _last_action(org_a) == "bsc.team.member_added"


def test_adding_the_same_email_twice_shows_the_error_on_the_field(client, dana, riverside, gus):
    client.force_login(dana)

    response = client.post(
        url("team_member_add", team=riverside.pk),
        {"full_name": "Gus Again", "email": "GUS@clinic.example", "roles": ["clinician"]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["gus@clinic.example is already on this team's roster."]
    }
    assert "is-invalid" in page(response)
    with scopes_disabled():
        assert TeamMember.objects.filter(team=riverside).count() == 2


def test_a_member_without_a_role_is_refused_on_the_field(client, dana, riverside):
    client.force_login(dana)

    response = client.post(url("team_member_add", team=riverside.pk), {"full_name": "No Role"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "roles": ["Choose at least one role for this member."]
    }


def test_add_and_add_another_returns_to_an_empty_form(client, dana, riverside):
    client.force_login(dana)

    response = client.post(
        url("team_member_add", team=riverside.pk),
        {"full_name": "First", "roles": ["clinician"], "add_another": "Add and add another"},
    )

    assert response.status_code == 302
    assert response["Location"] == url("team_member_add", team=riverside.pk)


def test_adding_with_invite_ticked_emails_an_invitation(
    client, dana, riverside, django_capture_on_commit_callbacks
):
    client.force_login(dana)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("team_member_add", team=riverside.pk),
            {
                "full_name": "Invited Person",
                "email": "invited@clinic.example",
                "roles": ["clinician"],
                "invite": "on",
            },
        )

    with scopes_disabled():
        member = TeamMember.objects.get(email="invited@clinic.example")
        invitation = Invitation.objects.get(email="invited@clinic.example")
    assert invitation.grants == [{"kind": "team_member", "member_id": member.pk}]
    assert [message.to for message in mail.outbox] == [["invited@clinic.example"]]


def test_adding_an_organization_member_links_them_and_says_so(client, dana, riverside, bob):
    client.force_login(dana)

    response = client.post(
        url("team_member_add", team=riverside.pk),
        {"full_name": "Bob", "email": "bob@example.org", "roles": ["trainer"], "invite": "on"},
        follow=True,
    )

    with scopes_disabled():
        assert TeamMember.objects.get(email="bob@example.org").user == bob
        assert not Invitation.objects.exists()
    assert "They already have an account here" in page(response)


def test_the_member_form_starts_from_the_member(client, dana, riverside, gus):
    client.force_login(dana)

    response = client.get(url("team_member_edit", team=riverside.pk, member=gus.pk))

    assert response.context["form"].initial == {
        "full_name": "Gus Trainer",
        "email": "gus@clinic.example",
        "phone": "+1 555 0101",
        "job_title": "Trainer",
        "roles": ["trainer"],
    }
    assert re.search(r'value="trainer"[^>]*checked', page(response))


def test_the_leader_changes_a_members_roles(client, dana, riverside, gus, org_a):
    client.force_login(dana)

    response = client.post(
        url("team_member_edit", team=riverside.pk, member=gus.pk),
        {"full_name": "Gus Trainer", "email": "gus@clinic.example", "roles": ["clinician"]},
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert list(TeamMemberRole.objects.filter(member=gus).values_list("role", flat=True)) == [
            "clinician"
        ]
    assert _last_action(org_a) == "bsc.team.member_changed"


def test_the_leader_removes_a_member_after_confirming(client, dana, riverside, gus):
    client.force_login(dana)
    confirm = client.get(url("team_member_remove", team=riverside.pk, member=gus.pk))
    assert "Remove Gus Trainer from Riverside?" in page(confirm)

    response = client.post(url("team_member_remove", team=riverside.pk, member=gus.pk))

    assert response.status_code == 302
    with scopes_disabled():
        assert not TeamMember.objects.filter(pk=gus.pk).exists()


def test_inviting_from_the_roster_sends_the_invitation(
    client, dana, riverside, gus, django_capture_on_commit_callbacks
):
    client.force_login(dana)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("team_member_invite", team=riverside.pk, member=gus.pk), follow=True
        )

    assert "Invitation sent to gus@clinic.example" in page(response)
    assert [message.to for message in mail.outbox] == [["gus@clinic.example"]]
    assert "Invited" in page(response)


def test_inviting_someone_without_an_email_explains_why_not(client, dana, riverside):
    member = TeamMemberFactory(team=riverside, full_name="No Mail", email="", roles=["other"])
    client.force_login(dana)

    response = client.post(
        url("team_member_invite", team=riverside.pk, member=member.pk), follow=True
    )

    assert "Add an e-mail address for No Mail first" in page(response)


# --- Affinity groups --------------------------------------------------------------------


def test_affinity_groups_gather_a_role_across_the_active_teams(
    alice_client, riverside, lakeside, dana, erin, hal
):
    TeamMemberFactory(team=lakeside, full_name="Lake Clinician", roles=["clinician"])
    gone = TeamFactory(collaborative=riverside.collaborative, name="Gone", status="withdrawn")
    TeamMemberFactory(team=gone, full_name="Former Clinician", roles=["clinician"])

    response = alice_client.get(url("affinity_groups"))

    groups = {group.role: group for group in response.context["groups"]}
    assert [(p.full_name, p.team_name) for p in groups["clinician"].members] == [
        ("Erin Clinician", "Riverside"),
        ("Lake Clinician", "Lakeside"),
    ]
    assert [p.full_name for p in groups["clinical_supervisor"].members] == ["Dana Leader"]
    assert [p.full_name for p in groups["day_to_day_leader"].members] == ["Dana Leader"]
    assert "Former Clinician" not in page(response)
    assert "Clinicians" in page(response)


def test_a_member_sees_the_contacts_of_their_own_role_only(client, erin, dana, hal):
    client.force_login(erin)

    response = client.get(url("affinity_groups"))

    groups = {group.role: group for group in response.context["groups"]}
    assert [p.email for p in groups["clinician"].members] == ["erin@example.org"]
    assert [p.email for p in groups["senior_leader"].members] == [None]
    assert "hal@lake.example" not in page(response)
    assert "mailto:?bcc=erin@example.org" in page(response)


def test_faculty_see_every_groups_contacts(client, fay, dana, hal):
    client.force_login(fay)

    content = page(client.get(url("affinity_groups")))

    assert "hal@lake.example" in content
    assert "dana@example.org" in content


def test_a_member_on_no_roster_sees_names_but_no_contacts(bob_client, dana, hal, riverside):
    response = bob_client.get(url("affinity_groups"))

    content = page(response)
    assert "Hal Senior" in content
    assert "hal@lake.example" not in content
    assert "dana@example.org" not in content
    # Bob may not open the teams' pages, so the team names are not links.
    assert url("team_detail", team=riverside.pk) not in content


def test_an_invitation_needs_an_email_address_on_the_form(client, dana, riverside):
    client.force_login(dana)

    response = client.post(
        url("team_member_add", team=riverside.pk),
        {"full_name": "No Mail", "roles": ["clinician"], "invite": "on"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Add an e-mail address to send the invitation to."]
    }
    with scopes_disabled():
        assert not TeamMember.objects.filter(full_name="No Mail").exists()


def test_the_team_page_offers_the_value_import_to_its_roster(client, org_a):
    from tests.factories import (
        CollaborativeFactory,
        MembershipFactory,
        TeamFactory,
        TeamMemberFactory,
        UserFactory,
    )

    collaborative = CollaborativeFactory(organization=org_a)
    team = TeamFactory(collaborative=collaborative)
    lead = UserFactory()
    MembershipFactory(user=lead, organization=org_a)
    TeamMemberFactory(team=team, user=lead, email=lead.email, roles=["clinician"])
    client.force_login(lead)
    page = client.get(
        f"/orgs/org-a/collaboratives/{collaborative.slug}/teams/{team.pk}/"
    ).content.decode()
    assert f"/teams/{team.pk}/values/import/" in page
