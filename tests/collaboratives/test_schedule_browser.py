"""The schedule in a real browser (phone size): staff set up sessions and calls, take
attendance, and find their calendar address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from collaboratives.models import CallAttendance, CallSeries, LearningSession
from tests.collaboratives.schedule_support import around_today, teams_with_members
from tests.factories import CollaborativeFactory

pytestmark = pytest.mark.browser

BASE = "/orgs/org-a/collaboratives/tf-cbt/"


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def collab(org_a):
    collaborative = CollaborativeFactory(
        organization=org_a, slug="tf-cbt", name="TF-CBT 2026", **around_today()
    )
    teams_with_members(collaborative, 2)
    return collaborative


def test_staff_set_up_the_schedule_and_take_attendance(page, live_server, alice, collab):
    today = timezone.localdate()
    _sign_in(page, alice)

    # Three learning sessions; the number is suggested, the end date defaults to two days.
    for offset, title in ((-100, "Launch"), (30, "Deepening the practice"), (150, "Spread")):
        page.goto(BASE + "sessions/new/")
        page.get_by_label("Title").fill(title)
        page.get_by_label("First day").fill((today + timedelta(days=offset)).isoformat())
        page.get_by_label("Place").fill("Durham, NC")
        page.get_by_role("button", name="Add the session").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)

    # A session overlapping another is refused on its field, naming the other one.
    page.goto(BASE + "sessions/new/")
    page.get_by_label("Title").fill("Clash")
    page.get_by_label("First day").fill((today + timedelta(days=31)).isoformat())
    page.get_by_role("button", name="Add the session").click()
    expect(page.get_by_text("overlap Learning Session 2")).to_be_visible()

    # A monthly affinity-group call: the role field appears for that kind only.
    page.goto(BASE + "calls/series/new/")
    role = page.get_by_label("Team role (affinity-group calls)")
    expect(role).to_be_hidden()
    page.get_by_label("Title").fill("Clinicians' call")
    page.get_by_label("Kind of call").select_option("affinity")
    expect(role).to_be_visible()
    role.select_option("clinician")
    page.get_by_label("Starts at").fill("12:00")
    page.get_by_label("From").fill((today - timedelta(days=120)).isoformat())
    page.get_by_role("button", name="Schedule the calls").click()
    expect(page.get_by_text("is scheduled")).to_be_visible()

    with scopes_disabled():
        assert LearningSession.objects.filter(collaborative=collab).count() == 3
        assert CallSeries.objects.get(collaborative=collab).calls.count() >= 10

    # Attendance of the latest call held: only the clinicians are listed.
    page.get_by_role("link", name="Take attendance").first.click()
    checkboxes = page.locator("input[name=members]")
    expect(checkboxes).to_have_count(2)
    checkboxes.first.check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("1 person present")).to_be_visible()
    with scopes_disabled():
        assert CallAttendance.objects.filter(attended=True).count() == 1

    # The calendar lists it all and gives the private address.
    page.goto(BASE + "calendar/")
    expect(
        page.get_by_role("link", name="Learning Session 2: Deepening the practice")
    ).to_be_visible()
    expect(page.get_by_label("Your private calendar address")).to_have_value(
        re.compile(r"/calendar/[-\w]+\.ics$")
    )
