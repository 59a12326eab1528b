"""Issue 3's whole journey in one browser: staff set a collaborative up, a team lead applies,
staff accept, and the team lead completes the roster until the warnings are gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from collaboratives.models import CallSeries, ChangeIdea, Collaborative, Driver, LearningSession
from teams.models import Application, Team

pytestmark = pytest.mark.browser

BASE = "/orgs/org-a/collaboratives/tf-cbt-2027/"


def _sign_in(page, email: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _create_collaborative(page, start, end) -> None:
    page.goto("/orgs/org-a/")
    page.get_by_role("link", name="Collaboratives", exact=True).first.click()
    page.get_by_role("link", name="New collaborative").first.click()
    page.locator("#id_name").fill("TF-CBT 2027")
    page.locator("#id_kind").select_option("national")
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill(end.isoformat())
    page.get_by_label("Description", exact=True).first.fill("Children completing treatment")
    page.get_by_label("Target", exact=True).first.fill("70")
    page.get_by_role("button", name="Create the collaborative").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("TF-CBT 2027")


def _schedule(page, start, end) -> None:
    for offset, title in ((10, "Launch"), (130, "Deepening the practice"), (250, "Spread")):
        page.goto(BASE + "sessions/new/")
        page.get_by_label("Title").fill(title)
        page.get_by_label("First day").fill((start + timedelta(days=offset)).isoformat())
        page.get_by_label("Place").fill("Durham, NC")
        page.get_by_role("button", name="Add the session").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    page.goto(BASE + "calls/series/new/")
    page.get_by_label("Title").fill("Monthly all-team call")
    page.get_by_label("Kind of call").select_option("all_team")
    page.get_by_label("Starts at").fill("15:00")
    page.get_by_label("From").fill(start.isoformat())
    page.get_by_label("Until").fill(end.isoformat())
    page.get_by_role("button", name="Schedule the calls").click()
    expect(page.get_by_text("is scheduled")).to_be_visible()


def _change_package(page) -> None:
    page.goto(BASE + "change-package/")
    page.get_by_role("link", name="Edit the change package").click()
    for title in ("Engaged families", "Timely access"):
        page.get_by_role("link", name="Add a primary driver").click()
        page.locator("#id_title").fill(title)
        page.get_by_role("button", name="Add driver").click()
        expect(page.locator(".alert-success")).to_contain_text(title)
    for driver, idea in (
        ("Engaged families", "Call within 48 hours of referral"),
        ("Engaged families", "Send a welcome letter"),
        ("Timely access", "Open-access intake slots"),
    ):
        page.get_by_role("link", name=f"+ Change idea for {driver}").click()
        page.locator("#id_title").fill(idea)
        page.get_by_role("button", name="Add change idea").click()
        expect(page.locator(".alert-success")).to_contain_text(idea)


def _open_applications(page) -> None:
    now = timezone.localtime(timezone.now(), timezone.get_fixed_timezone(-300))
    page.goto(BASE + "applications/setup/")
    opens = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    closes = (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Applications open").fill(opens)
    page.get_by_label("Applications close").fill(closes)
    page.get_by_role("button", name="Save the application window").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.locator("#id_text").fill("Why does your agency want to join?")
    page.get_by_role("button", name="Add question").click()
    expect(page.locator(".alert-success")).to_contain_text("The question is added.")


def _apply(page) -> None:
    page.goto(BASE + "apply/")
    page.get_by_label("Team name").fill("Riverside")
    page.get_by_label("Site or organization name").fill("Riverside Family Services")
    page.get_by_label("Why does your agency want to join?").fill("Children should finish.")
    # The lead alone on the proposed roster: the team will be short of people.
    page.locator("input[name='people-0-roles'][value='day_to_day_leader']").check()
    page.get_by_role("button", name="Submit the application").click()
    expect(page.locator(".messages .alert-success")).to_contain_text("is submitted")


def _add_member(page, name: str, email: str, roles: list[str]) -> None:
    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    for role in roles:
        page.get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Add member").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Added {name} to the roster")


def test_staff_set_up_a_collaborative_and_a_team_lead_joins_and_completes_the_roster(
    page, live_server, org_a, alice, bob, password, django_capture_on_commit_callbacks
):
    page.set_viewport_size({"width": 1280, "height": 900})
    start = timezone.localdate() + timedelta(days=30)
    end = start + timedelta(days=364)

    _sign_in(page, alice.email, password)
    _create_collaborative(page, start, end)
    _schedule(page, start, end)
    _change_package(page)
    _open_applications(page)

    _sign_in(page, bob.email, password)
    with django_capture_on_commit_callbacks(execute=True):
        _apply(page)

    _sign_in(page, alice.email, password)
    page.goto(BASE + "applications/")
    page.get_by_role("link", name="Riverside").click()
    page.get_by_label("Note to the applicant").fill("Welcome aboard.")
    page.once("dialog", lambda dialog: dialog.accept())
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Accept the team").click()
        expect(page.locator(".messages .alert-success")).to_contain_text("Riverside is accepted")

    _sign_in(page, bob.email, password)
    page.goto(BASE + "teams/")
    page.get_by_role("link", name="Riverside").click()
    warnings = page.locator("#composition")
    expect(warnings).to_contain_text("Needs at least 2 clinicians")
    _add_member(
        page, "Sam Senior", "sam@riverside.example", ["Senior leader", "Agency administrator"]
    )
    _add_member(page, "Val Supervisor", "val@riverside.example", ["Clinical supervisor"])
    _add_member(page, "Cleo Clinician", "cleo@riverside.example", ["Clinician"])
    expect(warnings).to_contain_text("Needs at least 2 clinicians (has 1)")
    _add_member(page, "Cal Clinician", "cal@riverside.example", ["Clinician"])
    expect(page.locator(".alert-warning")).to_have_count(0)
    expect(warnings).to_have_text("The roster fits the collaborative's composition rules.")

    with scopes_disabled():
        collaborative = Collaborative.objects.get(slug="tf-cbt-2027")
        assert LearningSession.objects.filter(collaborative=collaborative).count() == 3
        assert CallSeries.objects.get(collaborative=collaborative).calls.count() >= 12
        assert Driver.objects.filter(collaborative=collaborative).count() == 2
        assert ChangeIdea.objects.filter(collaborative=collaborative).count() == 3
        assert Application.objects.get(collaborative=collaborative).status == "accepted"
        team = Team.objects.get(collaborative=collaborative, name="Riverside")
        assert team.members.count() == 5
        assert team.members.get(email=bob.email).user == bob
    assert any("accepted" in message.subject.lower() for message in mail.outbox)
