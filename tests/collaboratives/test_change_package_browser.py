"""The change package in a real browser: faculty build it; it reads as a diagram and prints."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.models import Role
from collaboratives.models import ChangeIdea, Driver
from tests.factories import (
    CollaborativeFactory,
    CollaborativeRoleFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

BASE = "/orgs/org-a/collaboratives/tf-cbt/change-package/"


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def faculty(org_a):
    collaborative = CollaborativeFactory(
        organization=org_a,
        slug="tf-cbt",
        name="TF-CBT 2026",
        aim_statement="Raise treatment completion from 40% to 70% by December 2026.",
    )
    user = UserFactory(email="fiona@example.org", full_name="Fiona Faculty")
    MembershipFactory(user=user, organization=org_a, role=Role.MEMBER)
    CollaborativeRoleFactory(collaborative=collaborative, user=user, role="faculty")
    return user


def _add_driver(page, title: str, level: str) -> None:
    page.locator("#id_title").fill(title)
    page.get_by_label("Level").select_option(label=level)
    page.get_by_role("button", name="Add driver").click()
    expect(page.locator(".alert-success")).to_contain_text(title)


def _add_idea(page, driver_title: str, title: str, evidence: str = "") -> None:
    page.get_by_role("link", name=f"+ Change idea for {driver_title}").click()
    page.locator("#id_title").fill(title)
    if evidence:
        page.get_by_label("Evidence or source").fill(evidence)
    page.get_by_role("button", name="Add change idea").click()
    expect(page.locator(".alert-success")).to_contain_text(title)


def test_faculty_build_a_change_package_that_reads_and_prints_as_a_diagram(
    page,
    live_server,
    faculty,
):
    _sign_in(page, faculty)
    page.goto(BASE)
    expect(page.get_by_text("No drivers yet.")).to_be_visible()
    page.get_by_role("link", name="Edit the change package").click()

    page.get_by_role("link", name="Add a primary driver").click()
    _add_driver(page, "Timely access", "Primary driver (straight under the aim)")
    page.get_by_role("link", name="Add a primary driver").click()
    _add_driver(page, "Engaged families", "Primary driver (straight under the aim)")
    page.get_by_role("link", name="+ Secondary driver under Engaged families").click()
    _add_driver(page, "First contact", "Secondary driver under “Engaged families”")

    _add_idea(page, "First contact", "Call within 48 hours of referral", "McKay et al. 2004")
    _add_idea(page, "First contact", "Send a welcome letter")
    _add_idea(page, "Timely access", "Open-access intake slots")

    # Engaged families first: the up button moves it above Timely access.
    page.get_by_role("button", name="Move Engaged families up").click()

    with scopes_disabled():
        assert list(Driver.objects.filter(parent=None).values_list("title", flat=True)) == [
            "Engaged families",
            "Timely access",
        ]
        assert ChangeIdea.objects.count() == 3

    page.get_by_role("link", name="See the diagram").click()
    diagram = page.locator(".driver-diagram")
    expect(diagram.get_by_role("heading", name="Primary driver 1 Engaged families")).to_be_visible()
    expect(
        diagram.get_by_role("heading", name="Secondary driver 1.1 First contact")
    ).to_be_visible()
    expect(
        diagram.get_by_role("heading", name="Change idea 1.1.1 Call within 48 hours of referral")
    ).to_be_visible()
    expect(diagram.get_by_text("McKay et al. 2004")).to_be_visible()
    expect(
        diagram.get_by_role("heading", name="Change idea 2.0.1 Open-access intake slots")
    ).to_be_visible()
    # A phone stacks the columns; the column headings are for wide screens.
    expect(page.locator(".dd-columns")).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator(".dd-columns")).to_be_visible()
    aim = page.locator(".dd-aim").bounding_box()
    primary = page.locator(".dd-primary").first.bounding_box()
    secondary = page.locator(".dd-secondary").first.bounding_box()
    idea = page.locator(".dd-idea").first.bounding_box()
    # Four columns, read left to right.
    assert aim["x"] < primary["x"] < secondary["x"] < idea["x"]

    page.emulate_media(media="print")
    expect(page.locator(".collab-nav")).to_be_hidden()
    expect(page.locator(".navbar")).to_be_hidden()
    expect(page.get_by_role("link", name="Edit the change package")).to_be_hidden()
    expect(page.locator(".dd-columns")).to_be_visible()
