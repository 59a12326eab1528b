"""The completeness endpoint's contract: statuses per team per month, rates, month filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.measures.completeness_support import (  # noqa: F401 - fixtures by name
    api_as_fixture,
    collab_fixture,
    lakeside_fixture,
    local,
    months_ago,
    report,
    riverside_fixture,
)

pytestmark = pytest.mark.django_db


def _url(**query: str) -> str:
    url = reverse("api:completeness-list", kwargs={"org": "org-a", "collab": "tf-cbt"})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_lists_each_team_month_by_month_with_rates(api_as, alice, collab, riverside, lakeside):
    early = months_ago(4)
    report(riverside, early, "accepted", submitted=local(early.year, early.month, 20))

    body = api_as("alice").get(_url()).json()

    assert set(body) == {"rates", "months", "teams"}
    assert [team["name"] for team in body["teams"]] == ["Lakeside", "Riverside"]
    assert len(body["months"]) == 5
    first = body["months"][0]
    assert first["month"] == f"{early:%Y-%m}"
    assert set(first) == {"month", "deadline", "rates"}
    assert first["rates"] == {
        "due": 2,
        "handed_in": 1,
        "on_time": 1,
        "reporting_rate": 50.0,
        "on_time_rate": 50.0,
    }
    cell = body["teams"][1]["cells"][0]
    assert set(cell) == {"month", "status", "report", "submitted_at", "submitted_on_time"}
    assert cell["status"] == "accepted" and cell["submitted_on_time"] is True
    assert body["teams"][0]["cells"][0]["status"] == "missing"
    assert body["teams"][0]["cells"][-1]["status"] == "not_due"
    assert body["teams"][0]["cells"][0]["report"] is None


def test_it_filters_by_month(api_as, alice, collab, riverside):
    body = (
        api_as("alice")
        .get(_url(month_from=f"{months_ago(3):%Y-%m}", month_to=f"{months_ago(2):%Y-%m}"))
        .json()
    )

    assert [month["month"] for month in body["months"]] == [
        f"{months_ago(3):%Y-%m}",
        f"{months_ago(2):%Y-%m}",
    ]
    assert len(body["teams"][0]["cells"]) == 2


def test_a_malformed_month_is_a_400_on_the_field(api_as, alice, collab):
    response = api_as("alice").get(_url(month_from="March"))

    assert response.status_code == 400
    assert "month_from" in response.json()["errors"]


def test_a_range_that_ends_before_it_starts_is_a_400(api_as, alice, collab):
    response = api_as("alice").get(_url(month_from="2026-05", month_to="2026-03"))

    assert response.status_code == 400
    assert "month_to" in response.json()["errors"]
