"""Users turn the optional weekly digest off (and on) on their profile."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_profile_shows_the_digest_setting_ticked_by_default(alice_client):
    response = alice_client.get(reverse("profile"))

    assert response.status_code == 200
    assert response.context["form"].initial["receive_digests"] is True
    assert "Send me the weekly digest" in response.content.decode()


def test_a_user_turns_the_digest_off_on_their_profile(alice_client, alice):
    response = alice_client.post(reverse("profile"), {"full_name": "Alice Admin"})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.receive_digests is False
    assert alice.full_name == "Alice Admin"


def test_a_user_turns_the_digest_back_on(alice_client, alice):
    alice.receive_digests = False
    alice.save()

    alice_client.post(reverse("profile"), {"full_name": "Alice", "receive_digests": "on"})

    alice.refresh_from_db()
    assert alice.receive_digests is True
