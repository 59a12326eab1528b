"""Sign-in, sign-out, lockout, password reset and change, the profile and the start page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _link_in(body: str) -> str:
    match = re.search(r"http://testserver(/\S+)", body)
    assert match, body
    return match.group(1)


# --- Start page ---------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_it_sends_a_member_of_one_organization_to_its_home(alice_client, org_a):
    response = alice_client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("organization_home", args=[org_a.slug])


def test_it_sends_a_member_of_several_organizations_to_the_list(alice_client, alice, org_b):
    MembershipFactory(user=alice, organization=org_b, role=Role.MEMBER)

    response = alice_client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("organization_list")


def test_it_explains_how_to_join_when_the_user_has_no_organization(client):
    loner = UserFactory(email="loner@example.org")
    client.force_login(loner)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "You are not in an organization yet" in response.content.decode()
    assert "loner@example.org" in response.content.decode()


# --- Sign-in and sign-out -----------------------------------------------------


def test_it_shows_the_sign_in_form_with_an_email_label(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "E-mail address" in page
    assert 'name="username"' in page
    assert reverse("password_reset") in page


def test_it_signs_in_with_email_and_password(client, alice, org_a):
    response = client.post(
        reverse("login"), {"username": "Alice@Example.org", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_it_follows_next_after_sign_in(client, alice, org_a):
    target = reverse("member_list", args=[org_a.slug])

    response = client.post(
        f"{reverse('login')}?next={target}",
        {"username": "alice@example.org", "password": DEFAULT_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == target


def test_it_rejects_a_wrong_password_with_a_message(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice@example.org", "password": "not the password"}
    )

    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_sign_in_after_five_failed_attempts(client, alice):
    credentials = {"username": "alice@example.org", "password": "wrong guess"}
    for _attempt in range(4):
        assert client.post(reverse("login"), credentials).status_code == 200

    response = client.post(reverse("login"), credentials)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in is locked" in page
    assert "15 minutes" in page
    assert reverse("password_reset") in page


def test_it_refuses_even_the_right_password_while_locked(client, alice):
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "alice@example.org", "password": "wrong"})

    response = client.post(
        reverse("login"), {"username": "alice@example.org", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_signs_out_with_a_post(alice_client):
    response = alice_client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in alice_client.session


def test_it_confirms_the_sign_out_on_the_sign_in_page(alice_client):
    response = alice_client.post(reverse("logout"), follow=True)

    assert "You are signed out." in response.content.decode()


def test_it_does_not_sign_out_on_a_get(alice_client):
    response = alice_client.get(reverse("logout"))

    assert response.status_code == 405
    assert "_auth_user_id" in alice_client.session


# --- Password reset -----------------------------------------------------------


def test_it_emails_a_reset_link_through_the_task(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("password_reset"), {"email": "ALICE@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert "Reset your" in message.subject
    assert "/accounts/password-reset/" in message.body
    assert message.alternatives and "Choose a new password" in message.alternatives[0][0]


def test_it_says_the_same_for_an_unknown_address(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert callbacks == []
    assert mail.outbox == []


def test_it_sends_no_reset_email_to_a_deactivated_account(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="gone@example.org", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "gone@example.org"})

    assert mail.outbox == []


def test_it_sets_a_new_password_from_the_reset_link(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "alice@example.org"})
    link = _link_in(mail.outbox[0].body)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("a brand new passphrase")


def test_it_explains_a_broken_reset_link(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))

    assert response.status_code == 200
    assert "This reset link does not work" in response.content.decode()


def test_it_shows_the_reset_done_and_complete_pages(client):
    assert "Check your e-mail" in client.get(reverse("password_reset_done")).content.decode()
    complete = client.get(reverse("password_reset_complete"))
    assert "Your new password is saved" in complete.content.decode()


# --- Password change ----------------------------------------------------------


def test_it_changes_the_password(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("another long passphrase")
    done = alice_client.get(reverse("password_change_done"))
    assert "Your password is changed" in done.content.decode()


def test_it_rejects_a_weak_new_password(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "123", "new_password2": "123"},
    )

    assert response.status_code == 200
    assert "too short" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(DEFAULT_PASSWORD)


def test_it_requires_sign_in_to_change_the_password(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Profile ------------------------------------------------------------------


def test_it_shows_the_profile_with_email_and_memberships(alice_client, org_a):
    response = alice_client.get(reverse("profile"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "alice@example.org" in page
    assert org_a.name in page
    assert "Admin" in page
    assert reverse("password_change") in page


def test_it_changes_the_full_name(alice_client, alice):
    response = alice_client.post(reverse("profile"), {"full_name": "  Alice Andersen "})

    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    alice.refresh_from_db()
    assert alice.full_name == "Alice Andersen"


def test_it_requires_sign_in_for_the_profile(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_the_organizations_of_the_user(alice_client, alice, org_a):
    other = OrganizationFactory(name="Eastern Network", slug="org-east")
    MembershipFactory(user=alice, organization=other, role=Role.MEMBER)

    response = alice_client.get(reverse("organization_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("organization_home", args=[org_a.slug]) in page
    assert reverse("organization_home", args=[other.slug]) in page
    assert page.index("Eastern Network") < page.index("Northern Network")


@pytest.mark.django_db
def test_the_sign_in_page_carries_the_platform_name_not_the_host(client, settings):
    settings.SITE_NAME = "Collaborative Hub"
    response = client.get(reverse("login"), HTTP_HOST="127.0.0.1")
    assert "<title>Sign in · Collaborative Hub</title>" in response.content.decode()
