"""A day-to-day leader fills in the team's roster at phone size and sees the warnings go."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import (
    CollaborativeFactory,
    MembershipFactory,
    OrganizationFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def _add_member(page, full_name: str, email: str, roles: list[str], *, another: bool) -> None:
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("E-mail address").fill(email)
    for role in roles:
        page.get_by_label(role, exact=True).check()
    button = "Add and add another" if another else "Add member"
    page.get_by_role("button", name=button).click()
    expect(page.locator(".alert-success")).to_contain_text(f"Added {full_name} to the roster")


def test_the_day_to_day_leader_adds_members_until_the_roster_fits(page, live_server):
    organization = OrganizationFactory(name="Demo Network", slug="demo")
    leader = UserFactory(email="lead@clinic.example", full_name="Lee Leader")
    MembershipFactory(user=leader, organization=organization, role=Role.MEMBER)
    collaborative = CollaborativeFactory(
        organization=organization, slug="tf-cbt", name="TF-CBT Collaborative"
    )
    team = TeamFactory(collaborative=collaborative, name="Riverside")
    TeamMemberFactory(
        team=team,
        user=leader,
        full_name="Lee Leader",
        email=leader.email,
        roles=["day_to_day_leader", "clinical_supervisor"],
    )

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(leader.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/orgs/demo/collaboratives/tf-cbt/teams/{team.pk}/")

    warnings = page.locator("#composition")
    expect(warnings).to_contain_text("Needs at least 5 members (has 1).")
    expect(warnings).to_contain_text("Needs at least 2 clinicians (has none).")

    page.get_by_role("link", name="Add a member").click()
    _add_member(
        page,
        "Sam Senior",
        "sam@clinic.example",
        ["Senior leader", "Agency administrator"],
        another=True,
    )
    _add_member(page, "Cleo Clinician", "cleo@clinic.example", ["Clinician"], another=True)
    _add_member(page, "Cal Clinician", "cal@clinic.example", ["Clinician"], another=True)
    _add_member(page, "Pat Partner", "pat@clinic.example", ["Family partner"], another=False)

    expect(page).to_have_url(re.compile(rf"/teams/{team.pk}/#member-\d+$"))
    expect(page.locator(".alert-warning")).to_have_count(0)
    expect(page.locator("#composition")).to_have_text(
        "The roster fits the collaborative's composition rules."
    )
    roster = page.locator("#roster")
    expect(roster).to_contain_text("Sam Senior")
    expect(roster).to_contain_text("Agency administrator")
    expect(roster).to_contain_text("cleo@clinic.example")

    # The same address twice is refused next to the field, and nothing is added.
    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Full name").fill("Cleo Again")
    page.get_by_label("E-mail address").fill("CLEO@clinic.example")
    page.get_by_label("Clinician", exact=True).check()
    page.get_by_role("button", name="Add member").click()
    expect(page.locator("#id_email_error")).to_contain_text("already on this team's roster")
