"""Unknown addresses and server errors answer in the caller's language: JSON or a page."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from bsc.errors import server_error


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_an_unknown_page_shows_the_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    assert b"<nav" in response.content


def test_a_server_error_in_the_api_answers_json():
    response = server_error(RequestFactory().get("/api/v1/organizations/"))
    assert response.status_code == 500
    assert b'"detail"' in response.content


def test_a_server_error_on_a_page_shows_the_styled_500():
    response = server_error(RequestFactory().get("/orgs/"))
    assert response.status_code == 500
    assert b"<html" in response.content
