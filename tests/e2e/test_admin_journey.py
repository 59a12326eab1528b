"""A person's first minutes with the platform, in a real browser at phone size."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.models import Invitation

pytestmark = pytest.mark.browser


def _open_menu(page) -> None:
    """On a phone the navigation sits behind the menu button."""
    toggler = page.get_by_role("button", name="Show or hide the menu")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()


def _switch_to(page, organization_name: str) -> None:
    _open_menu(page)
    page.locator("#org-switcher").click()
    page.get_by_role("link", name=organization_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(organization_name)


def test_the_demo_admin_signs_in_switches_organization_and_invites_a_member(
    page, live_server, django_capture_on_commit_callbacks
):
    call_command("seed_demo", force=True, verbosity=0)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("E-mail address").fill("admin@demo.example")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign in").click()

    # The demo admin belongs to two organizations, so the list comes first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organizations")
    page.get_by_role("link", name=re.compile("Riverside Regional Collaborative")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Regional Collaborative")
    expect(page.get_by_text("You are a member of this organization.")).to_be_visible()

    _switch_to(page, "Demo Health Network")
    expect(page.get_by_text("You are an admin of this organization.")).to_be_visible()

    _open_menu(page)
    page.get_by_role("link", name="Members", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members of Demo Health Network")
    page.get_by_label("E-mail address").fill("new.lead@clinic.example")
    page.get_by_label("Role").last.select_option("member")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.locator(".alert-success")).to_contain_text("new.lead@clinic.example")
    expect(page.locator("#invitations")).to_contain_text("new.lead@clinic.example")
    with scopes_disabled():
        invitation = Invitation.objects.get(email="new.lead@clinic.example")
    assert invitation.organization.slug == "demo"
    assert invitation.role == "member"
    assert [message.to for message in mail.outbox] == [["new.lead@clinic.example"]]


def test_a_wrong_password_keeps_the_visitor_on_the_sign_in_page(page, live_server):
    call_command("seed_demo", force=True, verbosity=0)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("admin@demo.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(
        page.get_by_text("That e-mail address and password do not match an account")
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
