"""A team member plans a cycle linked to a change idea and a measure, moves it through Do,
Study and Act to "adapt" and starts the next cycle of the ramp; faculty see it in the
spread map, and it is an annotation on the team's chart of that measure, in the chart
data the API answers."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from pdsa.annotations import cycle_annotations
from pdsa.models import PDSACycle
from tests.factories import DEFAULT_PASSWORD
from tests.measures.charting_support import add_values
from tests.pdsa.support import make_world

pytestmark = pytest.mark.browser


def _sign_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_cycle_is_planned_run_studied_adapted_and_followed_by_the_next(page, live_server, org_a):
    world = make_world(org_a)
    collab = "/orgs/org-a/collaboratives/tfcbt/"
    # The team has reported the measure every month up to this one (the cycle starts today,
    # in the organization's time zone: a month more covers a day's difference).
    last = timezone.localdate().replace(day=1) + relativedelta(months=1)
    months = [date(2026, 1, 1) + relativedelta(months=number) for number in range(36)]
    add_values(world.team, world.measure, {m: (5, 10) for m in months if m <= last})

    # The member finds the team's tracker from the PDSA area and plans a cycle.
    _sign_in(page, world.member.email)
    page.goto(collab)
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
    expect(page.locator("#cycle-idea")).to_contain_text("Use a checklist at intake")
    expect(page.locator("#cycle-measures")).to_contain_text("Children completing treatment")

    # Do: what happened.
    page.get_by_role("link", name="Record the Do").click()
    page.get_by_label("Partly").check()
    page.get_by_label("What happened: observations").fill("Used at 3 of 4 intakes")
    page.get_by_role("button", name="Save Do").click()
    expect(page.locator(".alert-success")).to_contain_text("running")

    # Study: against the predictions.
    page.get_by_role("link", name="Record the Study").click()
    page.get_by_label("Results compared with the predictions").fill("11 of 12 on average")
    page.get_by_label("What we learned").fill("The checklist is too long for a busy morning")
    page.get_by_role("button", name="Save Study").click()
    expect(page.locator(".alert-success")).to_contain_text("studying")

    # Act: adapt, which finishes the cycle.
    page.get_by_role("link", name="Decide the Act").click()
    page.get_by_label("Adapt").check()
    page.get_by_label("What next").fill("A shorter checklist with three clinicians for a week")
    page.get_by_role("button", name="Save Act").click()
    expect(page.locator(".alert-success")).to_contain_text("done")
    expect(page.locator("#cycle-decision")).to_contain_text("Adapt")

    # The next cycle of the ramp, prefilled from this one.
    page.get_by_role("button", name="Start the next cycle in this ramp").click()
    expect(page.get_by_label("Scale of the test")).to_have_value("3 clinicians, one week")
    expect(page.get_by_label("Short title")).to_have_value("Intake checklist (cycle 2)")
    page.get_by_role("button", name="Save Plan").click()
    page.get_by_role("link", name="Ramp").click()
    steps = page.locator(".pdsa-ramp-step")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_contain_text("one clinician, one day")
    expect(steps.nth(0)).to_contain_text("Adapt")
    expect(steps.nth(1)).to_contain_text("3 clinicians, one week")

    # Faculty see the team testing the idea in the spread map.
    _sign_in(page, world.faculty.email)
    page.goto(collab)
    page.get_by_role("link", name="Spread map").first.click()
    cell = page.locator(f'td[data-idea="{world.idea.pk}"][data-team="{world.team.pk}"]')
    expect(cell).to_contain_text("2 cycles")
    expect(cell).to_contain_text("Testing")
    cell.get_by_role("link").click()
    expect(page.locator(".pdsa-ramp-step")).to_have_count(2)

    # The first cycle is an annotation on the team's chart of the measure.
    with scopes_disabled():
        first = PDSACycle.objects.get(title="Intake checklist")
    with scope(organization=org_a):
        annotations = cycle_annotations(
            world.team, world.measure, date(2026, 1, 1), timezone.localdate()
        )
    assert [(a["title"], a["decision"]) for a in annotations] == [("Intake checklist", "adapt")]
    assert annotations[0]["url"].endswith(f"/pdsa/{first.pk}/")
    # ... and in the team's chart data the API answers (faculty are still signed in).
    chart = (
        f"/api/v1/organizations/org-a/collaboratives/tfcbt/teams/{world.team.pk}"
        f"/measures/{world.measure.pk}/chart/"
    )
    response = page.request.get(live_server.url + chart)
    assert response.ok
    drawn = response.json()["annotations"]
    assert [(a["title"], a["decision"]) for a in drawn] == [("Intake checklist", "adapt")]
    assert drawn[0]["date"] == first.started_on.isoformat()
    assert drawn[0]["url"].endswith(f"/pdsa/{first.pk}/")


def test_the_board_and_a_cycle_fit_a_phone_screen(page, live_server, org_a):
    from tests.factories import PDSACycleFactory

    world = make_world(org_a)
    with scopes_disabled():
        cycle = PDSACycleFactory(
            team=world.team,
            change_idea=world.idea,
            status="running",
            started_on=date(2026, 3, 2),
            measures=[world.measure],
        )
        PDSACycleFactory(team=world.team, change_idea=world.idea, builds_on=cycle)
    team = f"/orgs/org-a/collaboratives/tfcbt/teams/{world.team.pk}/pdsa/"
    _sign_in(page, world.member.email)
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("board/", "", f"{cycle.pk}/", f"{cycle.pk}/ramp/", f"{cycle.pk}/do/"):
        page.goto(team + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
    page.goto(team + "board/")
    # The columns stack: each takes the whole width.
    widths = page.locator(".pdsa-board > section").evaluate_all(
        "sections => sections.map(s => s.getBoundingClientRect().width)"
    )
    assert len(widths) == 4
    assert min(widths) > 300
