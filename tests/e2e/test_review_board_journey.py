"""Faculty prepare the monthly call: they open the review board, sort it by signal, open a
team's chart, read what its signal means, start a new phase with a label and see the chart
analysed again in two phases."""

from __future__ import annotations

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.factories import TeamFactory
from tests.measures.charting_support import add_values, make_world, month

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
# Days from referral to first session (lower is better).
RIVERSIDE = [30, 31, 29, 32, 30, 28, 31, 30, 29, 31, 30, 32, 15, 14, 16, 15, 13, 14]
HILLSIDE = [15, 14, 16, 15, 14, 16, 15, 14, 15, 16, 14, 15, 30, 31, 29, 32, 30, 31]
# Only the usual variation.
STEADY = [20, 22, 19, 21, 20, 23, 19, 21, 22, 20, 19, 21, 20, 22, 21, 19, 20, 22]


def _sign_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_faculty_review_the_board_and_start_a_new_phase(page, live_server, org_a):
    world = make_world(org_a)
    add_values(world.team, world.mean, {month(i + 1): v for i, v in enumerate(RIVERSIDE)})
    add_values(world.other_team, world.mean, {month(i + 1): v for i, v in enumerate(HILLSIDE)})
    with scopes_disabled():
        steady = TeamFactory(collaborative=world.collaborative, name="Aardvark House")
    add_values(steady, world.mean, {month(i + 1): v for i, v in enumerate(STEADY)})

    # Faculty open the review board from the collaborative's navigation.
    _sign_in(page, world.faculty.email)
    page.goto("/orgs/org-a/collaboratives/tfcbt/")
    page.get_by_role("link", name="Run charts").first.click()
    expect(page.get_by_role("heading", name="Review board")).to_be_visible()
    rows = page.locator("#review-board tbody tr")
    expect(rows.nth(0).locator("th")).to_have_text("Aardvark House")

    # Sorted by signal: the team getting worse first, then the one improving, then the
    # steady one; the same for the measure's own column.
    page.get_by_role("link", name="By signal: concerning first").click()
    expect(page.locator("#board-sort-status")).to_have_text("Sorted by signal, concerning first.")
    expect(rows.nth(0).locator("th")).to_have_text("Hillside Centre")
    expect(rows.nth(1).locator("th")).to_have_text("Riverside Clinic")
    expect(rows.nth(2).locator("th")).to_have_text("Aardvark House")
    page.get_by_role("link", name="By name").click()
    expect(rows.nth(0).locator("th")).to_have_text("Aardvark House")
    page.get_by_role(
        "link", name="Sort teams by signal on Days from referral to first session"
    ).click()
    expect(rows.nth(0).locator("th")).to_have_text("Hillside Centre")
    expect(rows.nth(2).locator("th")).to_have_text("Aardvark House")
    assert "sort=signal" in page.url

    # Riverside's chart: the shift to shorter waits is explained as an improvement.
    page.get_by_role(
        "link",
        name=re.compile(
            r"^Riverside Clinic, Days from referral to first session: Special cause: improving"
        ),
    ).click()
    expect(page.get_by_role("heading", name="Days from referral to first session")).to_be_visible()
    explanation = page.locator(".chart-explanation.chart-tone-improvement").first
    expect(explanation).to_be_visible()
    expect(page.locator("[data-chart].chart-drawn")).to_have_count(1)
    expect(page.locator("#phases")).to_have_count(0)

    # A new phase from January 2027, when the new intake process started.
    page.locator("#id_phase-0-month").select_option(label="January 2027")
    page.locator("#id_phase-0-label").fill("New intake process")
    page.get_by_role("button", name="Save and analyse again").click()
    expect(page.locator(".alert-success")).to_contain_text("analysed again")

    phases = page.locator("#phases")
    expect(phases.locator("#phase-1")).to_contain_text("Jan 2026 \N{EN DASH} Dec 2026")
    expect(phases.locator("#phase-2")).to_contain_text("New intake process")
    expect(phases.locator("#phase-2")).to_contain_text("Jan 2027 \N{EN DASH} Jun 2027")
    expect(page.locator("#history")).to_contain_text("New phase from January 2027")
    expect(page.locator("[data-chart].chart-drawn")).to_have_count(1)
