"""Pre-work in a real browser (phone size): a team member hands in the storyboard."""

from __future__ import annotations

from datetime import date

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.models import Role
from collaboratives.models import AssignmentCompletion
from tests.collaboratives.prework_support import HTML, PNG
from tests.factories import (
    AssignmentFactory,
    CollaborativeFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def tess(org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf-cbt", name="TF-CBT 2026")
    team = TeamFactory(collaborative=collaborative, name="Riverside")
    AssignmentFactory(
        collaborative=collaborative,
        kind="storyboard",
        title="Storyboard",
        requires_upload=True,
        due_date=date(2099, 1, 10),
    )
    user = UserFactory(email="tess@clinic.example", full_name="Tess Team")
    MembershipFactory(user=user, organization=org_a, role=Role.MEMBER)
    TeamMemberFactory(team=team, user=user, email=user.email, roles=["clinician"])
    return user


def test_a_team_member_hands_in_the_storyboard(page, live_server, tess):
    _sign_in(page, tess)
    page.goto("/orgs/org-a/collaboratives/tf-cbt/prework/")
    expect(page.get_by_text("Not done yet")).to_be_visible()
    page.get_by_role("link", name="Mark as done “Storyboard” for Riverside").click()

    # An HTML page named like a PDF is refused, with the reason on the field.
    page.get_by_label("File (required)").set_input_files(
        files=[{"name": "storyboard.pdf", "mimeType": "application/pdf", "buffer": HTML}]
    )
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("is not a PDF or an image")).to_be_visible()

    page.get_by_label("File (required)").set_input_files(
        files=[{"name": "storyboard.pdf", "mimeType": "application/pdf", "buffer": PNG}]
    )
    page.get_by_label("Note").fill("Our poster for the first learning session")
    page.get_by_role("button", name="Mark as done").click()

    expect(page.get_by_text("so it is kept as storyboard.png")).to_be_visible()
    expect(page.get_by_text("Done on time")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="storyboard.png").click()
    assert download.value.suggested_filename == "storyboard.png"
    with scopes_disabled():
        completion = AssignmentCompletion.objects.get()
    assert completion.content_type == "image/png"
    assert completion.note == "Our poster for the first learning session"
