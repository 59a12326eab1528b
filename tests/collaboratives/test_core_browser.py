"""The collaborative form in a real browser (phone size): kind defaults, slug, goals, timeline."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from collaboratives.models import Collaborative

pytestmark = pytest.mark.browser


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()


def test_staff_create_a_regional_collaborative_with_the_kind_defaults(
    page,
    live_server,
    alice,
    org_a,
):
    _sign_in(page, alice)
    page.goto("/orgs/org-a/collaboratives/new/")

    page.locator("#id_name").fill("Regional TF-CBT 2027")
    expect(page.get_by_label("Web address name")).to_have_value("regional-tf-cbt-2027")
    # A number the user typed stays; the others follow the kind.
    page.locator("#id_max_team_size").fill("9")
    page.locator("#id_kind").select_option("regional")
    expect(page.locator("#id_target_team_count")).to_have_value("4")
    expect(page.locator("#id_faculty_count")).to_have_value("2")
    expect(page.get_by_label("Clinician", exact=True)).to_have_value("0")
    expect(page.locator("#id_max_team_size")).to_have_value("9")

    page.locator("#id_start_date").fill("2027-01-12")
    page.locator("#id_end_date").fill("2027-12-15")
    page.get_by_label("Description", exact=True).first.fill("Children completing treatment")
    page.get_by_label("Target", exact=True).first.fill("70")
    page.get_by_role("button", name="Add a goal").click()
    page.get_by_label("Description", exact=True).nth(1).fill("Days to first visit")
    page.get_by_label("Target", exact=True).nth(1).fill("10")
    page.get_by_role("button", name="Create the collaborative").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Regional TF-CBT 2027")
    expect(page.get_by_text("No learning sessions are scheduled yet.")).to_be_visible()
    with scopes_disabled():
        collaborative = Collaborative.objects.get(slug="regional-tf-cbt-2027")
        goals = list(collaborative.goals.values_list("description", flat=True))
    assert (collaborative.target_team_count, collaborative.max_team_size) == (4, 9)
    assert collaborative.required_roles == {"clinical_supervisor": 1}
    assert goals == ["Children completing treatment", "Days to first visit"]
