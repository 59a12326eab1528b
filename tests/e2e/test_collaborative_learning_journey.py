"""Issue 6's whole story in one journey: a team member plans a PDSA cycle linked to a change
idea and a measure, runs it, studies it, adapts it and starts the next cycle of the ramp;
faculty see the team testing the idea in the spread map and the cycle in the data of the
team's run chart of that measure; faculty score the team for the month with a comment on
the scoring sheet; the member finds the score and the comment from the team's page, and the
team's lead has them by e-mail."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD, MembershipFactory, TeamMemberFactory, UserFactory
from tests.measures.charting_support import add_values
from tests.pdsa.support import make_world

pytestmark = pytest.mark.browser

COLLAB = "/orgs/org-a/collaboratives/tfcbt/"


def _sign_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _world(org_a):
    """The PDSA world, with a day-to-day lead on Riverside and eight months of values of the
    measure the cycle tests, so its run chart has months to annotate."""
    world = make_world(org_a)
    with scopes_disabled():
        lead = UserFactory(email="lead@clinic.example", full_name="Lena Lead")
        MembershipFactory(user=lead, organization=org_a, role="member")
        TeamMemberFactory(team=world.team, user=lead, email=lead.email, roles=["day_to_day_leader"])
    add_values(world.team, world.measure, {date(2026, m, 1): (m + 2, 12) for m in range(1, 9)})
    return world


def _plan_run_study_and_adapt_a_cycle(page, world) -> None:
    _sign_in(page, world.member.email)
    page.goto(COLLAB)
    page.get_by_role("link", name="PDSA", exact=True).first.click()
    page.get_by_role("link", name="Tracker of Riverside Clinic").click()
    page.get_by_role("link", name="Plan a new cycle").click()
    page.get_by_label("Short title").fill("Intake checklist")
    page.get_by_label("Change idea tested").select_option(label="Use a checklist at intake")
    page.get_by_label("Children completing treatment").check()
    page.get_by_label("Objective of this cycle").fill("No intake question is missed")
    page.get_by_label("What we predict will happen").fill("All 12 questions asked every time")
    page.get_by_label("Scale of the test").fill("one clinician, one day")
    page.get_by_role("button", name="Plan the cycle").click()
    expect(page.locator(".alert-success")).to_contain_text("The cycle is planned")

    page.get_by_role("link", name="Record the Do").click()
    page.get_by_label("Started on").fill("2026-03-02")
    page.get_by_label("Partly").check()
    page.get_by_label("What happened: observations").fill("Used at 3 of 4 intakes")
    page.get_by_role("button", name="Save Do").click()
    expect(page.locator(".alert-success")).to_contain_text("running")

    page.get_by_role("link", name="Record the Study").click()
    page.get_by_label("Results compared with the predictions").fill("11 of 12 on average")
    page.get_by_label("What we learned").fill("The checklist is too long for a busy morning")
    page.get_by_role("button", name="Save Study").click()
    expect(page.locator(".alert-success")).to_contain_text("studying")

    page.get_by_role("link", name="Decide the Act").click()
    page.get_by_label("Adapt").check()
    page.get_by_label("What next").fill("A shorter checklist with three clinicians for a week")
    page.get_by_role("button", name="Save Act").click()
    expect(page.locator("#cycle-decision")).to_contain_text("Adapt")

    page.get_by_role("button", name="Start the next cycle in this ramp").click()
    expect(page.get_by_label("Short title")).to_have_value("Intake checklist (cycle 2)")
    page.get_by_role("button", name="Save Plan").click()
    page.get_by_role("link", name="Ramp").click()
    expect(page.locator(".pdsa-ramp-step")).to_have_count(2)


def test_a_cycle_reaches_the_spread_map_and_the_chart_and_faculty_feedback_reaches_the_team(
    page, live_server, org_a
):
    world = _world(org_a)
    mail.outbox.clear()

    # The member plans, runs, studies and adapts a cycle, then starts the next one.
    _plan_run_study_and_adapt_a_cycle(page, world)

    # Faculty see Riverside testing the idea in the spread map.
    _sign_in(page, world.faculty.email)
    page.goto(COLLAB)
    page.get_by_role("link", name="Spread map").first.click()
    cell = page.locator(f'td[data-idea="{world.idea.pk}"][data-team="{world.team.pk}"]')
    expect(cell).to_contain_text("2 cycles")
    expect(cell).to_contain_text("Testing")

    # From the team's page they open its run chart of the measure: the data table notes
    # the cycle in the month it started, with its decision.
    page.goto(f"{COLLAB}teams/{world.team.pk}/")
    # (the team's own charts, not the collaborative's "Run charts" area in the menu)
    page.locator(f'a.btn[href$="/teams/{world.team.pk}/charts/"]').click()
    page.get_by_role("link", name="Open the chart of Children completing treatment").click()
    page.get_by_text("Show data table").click()
    march = page.get_by_role("row", name="Mar 2026")
    expect(march).to_be_visible()
    expect(march).to_contain_text("PDSA cycle: Intake checklist (adapt")

    # Faculty score the team for the month, with a comment, on the scoring sheet.
    page.goto(COLLAB)
    page.get_by_role("link", name="Progress", exact=True).first.click()
    page.get_by_role("link", name="Score the teams").click()
    card = page.locator(f"#team-{world.team.pk}")
    card.get_by_label("Score", exact=True).select_option(label="3 · Modest improvement")
    card.get_by_label("Justification").fill("Completion rose and the team tests every week.")
    card.get_by_text("Comments and suggestions for the team").click()
    card.get_by_label("Comments for the team").fill("Your intake checklist is a model.")
    card.get_by_role("button", name="Save the score of Riverside Clinic").click()
    expect(page.locator(".alert-success")).to_contain_text("Score 3 for Riverside Clinic")

    # The member finds the score and the comment from the team's page.
    _sign_in(page, world.member.email)
    page.goto(f"{COLLAB}teams/{world.team.pk}/")
    page.get_by_role("link", name="Progress scores").click()
    months = page.locator("#assessment-months")
    expect(months).to_contain_text("Modest improvement")
    expect(months.locator(".feedback-comments")).to_contain_text(
        "Your intake checklist is a model."
    )

    # The lead was told by e-mail, once.
    shared = [message for message in mail.outbox if "lead@clinic.example" in message.to]
    assert len(shared) == 1
    assert "Score: 3" in shared[0].body
    assert "Your intake checklist is a model." in shared[0].body
