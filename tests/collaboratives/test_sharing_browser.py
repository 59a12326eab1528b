"""The feed in a real browser (phone size): a team member posts a win with Markdown and a
script in it, a member of another team reads and comments; no script ever runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.collaboratives.sharing_support import make_world

pytestmark = pytest.mark.browser


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def world(org_a):
    return make_world(org_a)


def test_a_win_with_a_script_is_posted_read_and_commented_without_running_it(
    page, live_server, world
):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _sign_in(page, world.member)
    page.goto("/orgs/org-a/collaboratives/tfcbt/feed/")
    page.get_by_role("link", name="New post").click()
    page.get_by_label("What are you sharing?").select_option("win")
    page.get_by_label("Title").fill("Same-day calls work")
    page.get_by_label("Text").fill(
        "**Nine of ten** families reached.\n\n"
        "<script>alert(1)</script>\n<img src=x onerror=alert(2)>"
    )
    page.get_by_role("button", name="Post").click()

    expect(page.get_by_role("heading", name="Same-day calls work")).to_be_visible()
    expect(page.locator("strong", has_text="Nine of ten")).to_be_visible()
    expect(page.get_by_text("<script>alert(1)</script>")).to_be_visible()

    page.context.clear_cookies()
    _sign_in(page, world.other)
    page.goto("/orgs/org-a/collaboratives/tfcbt/feed/")
    expect(page.get_by_role("list", name="Posts").get_by_text("Riverside Clinic")).to_be_visible()
    page.get_by_role("link", name="Same-day calls work", exact=True).click()
    page.get_by_label("Your comment").fill("Which script do you use? <img src=x onerror=alert(3)>")
    page.get_by_role("button", name="Comment").click()

    expect(page.get_by_text("Your comment is posted.")).to_be_visible()
    expect(page.get_by_text("Which script do you use?")).to_be_visible()
    assert page.locator("img").count() == 0
    assert dialogs == []
