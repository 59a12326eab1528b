"""The completeness pages and endpoint run a fixed number of queries, for 2 teams or 50."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TeamFactory, TeamMemberFactory
from tests.measures.completeness_support import (  # noqa: F401 - fixtures by name
    collab_fixture,
    months_ago,
    report,
)

pytestmark = pytest.mark.django_db


def _teams(collab, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        team = TeamFactory(collaborative=collab, name=f"Team {index:03d}")
        report(team, months_ago(4), "accepted", submitted=None)
        report(team, months_ago(3), "draft")
        TeamMemberFactory(team=team, roles=["senior_leader"])
        TeamMemberFactory(team=team, roles=["day_to_day_leader", "clinician"])


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert "Team 000" in response.content.decode()
    return len(queries)


def _url(name: str, collab, api: bool = False) -> str:
    kwargs = {"org": collab.organization.slug, "collab": collab.slug}
    return reverse(f"api:{name}" if api else name, kwargs=kwargs)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_the_completeness_page_runs_a_fixed_number_of_queries(
    alice_client, collab, django_assert_num_queries
):
    _teams(collab, 2)
    # session, user, organization, membership, collaborative, collaborative roles and
    # team roles (the access), savepoint, teams, reports with their first submitted
    # events, the organization switcher of the layout, release savepoint.
    with django_assert_num_queries(12):
        alice_client.get(_url("completeness", collab))


@pytest.mark.parametrize("name", ["completeness", "completeness_chase"])
def test_the_completeness_pages_cost_the_same_for_2_and_50_teams(alice_client, collab, name):
    _teams(collab, 2)
    few = _count(alice_client, _url(name, collab))
    _teams(collab, 48, start=2)
    assert _count(alice_client, _url(name, collab)) == few


def test_the_chase_page_adds_one_query_for_the_leads(alice_client, collab):
    _teams(collab, 2)
    grid = _count(alice_client, _url("completeness", collab))
    assert _count(alice_client, _url("completeness_chase", collab)) == grid + 1


def test_the_completeness_endpoint_costs_the_same_for_2_and_50_teams(alice_client, collab):
    _teams(collab, 2)
    few = _count(alice_client, _url("completeness-list", collab, api=True))
    _teams(collab, 48, start=2)
    assert _count(alice_client, _url("completeness-list", collab, api=True)) == few
