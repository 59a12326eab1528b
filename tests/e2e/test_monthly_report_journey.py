"""A team lead fills in and submits a month (after a validation message), faculty return it
with feedback, the lead fixes and resubmits, faculty accept; the history keeps both versions."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.measures.reports_support import make_world

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def _sign_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_month_is_submitted_returned_fixed_and_accepted(page, live_server, org_a):
    world = make_world(org_a)
    reports = f"/orgs/org-a/collaboratives/tfcbt/teams/{world.team.pk}/reports/"

    # The lead opens March from the team's months and makes a mistake first.
    _sign_in(page, world.lead.email)
    page.goto(reports)
    expect(page.locator("#month-2026-03")).to_contain_text("Not started")
    page.get_by_role("link", name="Open the March 2026 report").click()
    expect(page.get_by_role("heading", name="March 2026 report")).to_be_visible()
    page.locator("#id_completion-numerator").fill("12")
    page.locator("#id_completion-denominator").fill("10")
    page.locator("#id_dropouts-value").fill("2")
    page.get_by_label("What we tested").fill("Reminder calls before each session")
    page.get_by_role("button", name="Submit to faculty").click()
    expect(page.locator("#id_completion-numerator-errors")).to_contain_text(
        "The numerator cannot be more than the denominator."
    )

    page.locator("#id_completion-numerator").fill("3")
    page.get_by_role("button", name="Submit to faculty").click()
    expect(page.locator(".alert-success")).to_contain_text("submitted to faculty")

    # Faculty return it with feedback.
    _sign_in(page, world.faculty.email)
    page.goto(reports + "2026-03/")
    page.get_by_label("Feedback for the team").fill("Two dropouts? The log says one.")
    page.get_by_role("button", name="Return for revision").click()
    expect(page.locator(".alert-success")).to_contain_text("returned to the team")

    # The lead sees the feedback, fixes the value and submits again.
    _sign_in(page, world.lead.email)
    page.goto(reports + "2026-03/")
    expect(page.locator("#feedback")).to_contain_text("The log says one.")
    page.locator("#id_dropouts-value").fill("1")
    page.get_by_role("button", name="Submit to faculty").click()
    expect(page.locator(".alert-success")).to_contain_text("submitted to faculty")

    # Faculty accept; the value's history shows both versions.
    _sign_in(page, world.faculty.email)
    page.goto(reports + "2026-03/")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The report is accepted.")).to_be_visible()
    history = page.locator("#history-dropouts")
    history.locator("summary").click()
    expect(history).to_contain_text("Not entered → 2 families")
    expect(history).to_contain_text("2 families → 1 families")
    expect(page.locator("#report-events")).to_contain_text("Returned for revision")
    expect(page.locator("#report-events")).to_contain_text("Accepted")

    page.goto(reports)
    expect(page.locator("#month-2026-03")).to_contain_text("Accepted")
