"""Applying and accepting in a real browser at phone size: rows added in place, the live
composition check, the confirmation before a decision."""

from __future__ import annotations

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from teams.models import Application, Team, TeamMember
from tests.teams.applications_support import collaborative_in, open_window

pytestmark = pytest.mark.browser

APPLY = "/orgs/org-a/collaboratives/tf-cbt/apply/"


def _sign_in(page, email: str, password: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _person(page, index: int, name: str, email: str, roles: list[str]) -> None:
    page.locator(f"#id_people-{index}-full_name").fill(name)
    page.locator(f"#id_people-{index}-email").fill(email)
    for role in roles:
        page.locator(f"input[name='people-{index}-roles'][value='{role}']").check()


def test_a_member_applies_and_staff_accept_the_team(
    page,
    live_server,
    org_a,
    alice,
    bob,
    password,
    django_capture_on_commit_callbacks,
):
    window = open_window(collaborative_in(org_a))
    with scopes_disabled():
        question = window.questions.get(is_required=True)
        items = list(window.readiness_items.order_by("order"))

    _sign_in(page, "bob@example.org", password, APPLY)
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to TF-CBT Collaborative")
    check = page.locator("#composition-check")
    expect(check).to_contain_text("Needs at least 5 members (has 1).")

    page.get_by_label("Team name").fill("Riverside")
    page.get_by_label("Site or organization name").fill("Riverside Family Services")
    page.get_by_label(question.text).fill("We want children to finish treatment.")
    for item in items:
        page.locator(f"input[name='score_{item.pk}'][value='3']").check()

    # Bob is pre-filled as the first person; he adds his roles.
    expect(page.locator("#id_people-0-email")).to_have_value("bob@example.org")
    _person(page, 0, "Bob Member", "bob@example.org", ["senior_leader", "agency_administrator"])
    _person(page, 1, "Sam Day", "sam@riverside.example", ["day_to_day_leader"])
    _person(page, 2, "Chris Clinician", "chris@riverside.example", ["clinician"])

    # Two more rows, added in place without a reload.
    add = page.get_by_role("button", name="Add another person")
    add.click()
    add.click()
    expect(page.locator("[data-roster-person]")).to_have_count(5)
    expect(page.locator("#id_people-TOTAL_FORMS")).to_have_value("5")
    expect(page.locator("#id_people-4-full_name")).to_be_focused()
    _person(page, 3, "Kim Clinician", "", ["clinician"])
    expect(check).to_contain_text("Needs a clinical supervisor (has none).")
    _person(page, 4, "Val Supervisor", "val@riverside.example", ["clinical_supervisor"])
    expect(check).to_contain_text("The proposed team fits the collaborative's composition rules.")

    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Submit the application").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Riverside")
    expect(page.locator(".messages .alert-success")).to_contain_text("is submitted")
    with scopes_disabled():
        application = Application.objects.get()
        assert application.proposed_members.count() == 5

    # Alice, staff of the collaborative, accepts it with a note.
    page.context.clear_cookies()
    detail = f"/orgs/org-a/collaboratives/tf-cbt/applications/{application.pk}/"
    _sign_in(page, "alice@example.org", password, detail)
    expect(page.locator("#composition-heading")).to_be_visible()
    page.get_by_label("Note to the applicant").fill("Welcome to the collaborative.")
    page.once("dialog", lambda dialog: dialog.accept())
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Accept the team").click()
        expect(page).to_have_url(re.compile(r"/applications/$"))
    expect(page.locator(".messages .alert-success")).to_contain_text("Riverside is accepted")
    with scopes_disabled():
        team = Team.objects.get(name="Riverside")
        assert TeamMember.objects.filter(team=team).count() == 5
        assert TeamMember.objects.get(team=team, email="bob@example.org").user == bob
