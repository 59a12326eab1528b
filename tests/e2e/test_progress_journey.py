"""Faculty score a team for the month with a comment on the scoring sheet (on a phone-sized
screen); the team lead signs in, finds the score and the feedback from the collaborative's
Progress page, and enters the team's self-score beside it."""

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


def test_faculty_score_a_team_and_the_lead_sees_it_and_scores_the_team(page, live_server, org_a):
    world = make_world(org_a)
    team = world.team
    progress = "/orgs/org-a/collaboratives/tfcbt/progress/"

    # Faculty open the scoring sheet and score Riverside with feedback for the team.
    _sign_in(page, world.faculty.email)
    page.goto(progress)
    page.get_by_role("link", name="Score the teams").click()
    card = page.locator(f"#team-{team.pk}")
    expect(card).to_contain_text("Not scored")
    card.get_by_label("Score", exact=True).select_option(label="3 · Modest improvement")
    card.get_by_label("Justification").fill("Completion rose for three months running.")
    card.get_by_text("Comments and suggestions for the team").click()
    card.get_by_label("Comments for the team").fill("Your reminder calls are working well.")
    card.get_by_label("Suggestions for the team").fill("Write the script down for new staff.")
    card.get_by_role("button", name="Save the score of Riverside Clinic").click()
    expect(page.locator(".alert-success")).to_contain_text("Score 3 for Riverside Clinic")
    expect(page.locator(f"#team-{team.pk}")).to_contain_text("Scored 3")

    # The lead finds the score and the feedback from the Progress page.
    _sign_in(page, world.lead.email)
    page.goto(progress)
    expect(page.locator("#team-scores")).to_contain_text("F 3")
    page.locator("#team-scores").get_by_role("link", name="Riverside Clinic").click()
    months = page.locator("#assessment-months")
    expect(months).to_contain_text("Modest improvement")
    expect(months.locator(".feedback-comments")).to_contain_text(
        "Your reminder calls are working well."
    )
    expect(months.locator(".feedback-suggestions")).to_contain_text(
        "Write the script down for new staff."
    )

    # ...and enters the team's self-score for the same month.
    page.get_by_label("Our score").select_option(label="3.5 · Improvement")
    page.get_by_label("Why we chose this score").fill("Two clinics now make the calls.")
    page.get_by_role("button", name="Save our self-score").click()
    expect(page.locator(".alert-success")).to_contain_text("Self-score 3.5")
    self_score = months.locator(".self-score").first
    expect(self_score).to_contain_text("3.5")
    expect(self_score).to_contain_text("Two clinics now make the calls.")
    expect(months).to_contain_text("Self-score +0.5 against faculty")
