"""The sign-in lockout keys on the visitor's address, also behind our proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from bsc.client_ip import client_ip


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/accounts/login/", **extra)


def test_it_uses_the_connecting_address_without_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_it_uses_the_address_our_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("10.0.0.2", "198.51.100.7")) == "198.51.100.7"


def test_it_ignores_addresses_the_client_made_up(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_it_counts_back_through_several_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.0.0.3", "1.2.3.4, 198.51.100.7, 10.0.0.2")) == "198.51.100.7"


def test_it_falls_back_when_the_header_is_shorter_than_the_proxy_chain(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.0.0.3", "198.51.100.7")) == "10.0.0.3"


@pytest.mark.django_db
def test_a_lockout_behind_the_proxy_stops_only_the_failing_visitor(
    client, settings, alice, password
):
    settings.TRUSTED_PROXY_COUNT = 1
    login = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            login,
            {"username": alice.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    locked = client.post(
        login,
        {"username": alice.email, "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        login,
        {"username": alice.email, "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert elsewhere.status_code == 302
