"""Pages and endpoints that list teams or members run a fixed number of queries.

Issue 3 asks for the same count with 2 and with 50 teams (or members). Each
list also gets ``django_assert_num_queries`` with a comment per query.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

COLLAB = {"org": "org-a", "collab": "tf-cbt"}

# What every page of a collaborative costs before the view runs (pages, signed in).
PAGE_PREAMBLE = """
    1. the session
    2. the signed-in user
    3. the organization named in the URL (TenantMiddleware)
    4. the caller's membership
    5. the collaborative named in the URL
    6. the caller's leadership roles in it (access_for)
    7. the caller's roster places in it, with their roles (access_for)
    8. SAVEPOINT (ATOMIC_REQUESTS)
"""
# ... and after it: the organizations of the navigation bar, RELEASE SAVEPOINT.


def _teams(collab, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        team = TeamFactory(collaborative=collab, name=f"Team {number:02d}")
        TeamMemberFactory(team=team, roles=["senior_leader", "clinician"])
        TeamMemberFactory(team=team, roles=["clinical_supervisor"])


def _members(team, count: int) -> None:
    for _ in range(count):
        TeamMemberFactory(team=team, roles=["clinician", "trainer"])


def _count(client, url: str, *, expect: str, times: int = 1) -> int:
    """How many queries a GET of ``url`` runs. ``expect`` must be in the answer at least
    ``times`` times, so the rows really are listed."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count(expect) >= times
    return len(queries)


# --- Pages ------------------------------------------------------------------------------


def test_the_team_list_page_runs_a_fixed_number_of_queries(
    alice_client, collab, django_assert_num_queries
):
    _teams(collab, 2)
    with django_assert_num_queries(12):
        # 1-8: PAGE_PREAMBLE
        # 9. the teams
        # 10. every roster member's roles in the collaborative (counts and composition)
        # 11. the organizations of the navigation bar
        # 12. RELEASE SAVEPOINT
        alice_client.get(reverse("team_list", kwargs=COLLAB))


def test_the_team_list_page_costs_the_same_for_2_and_50_teams(alice_client, collab):
    url = reverse("team_list", kwargs=COLLAB)
    _teams(collab, 2)
    two = _count(alice_client, url, expect="Team 01")
    _teams(collab, 48, start=2)

    fifty = _count(alice_client, url, expect="Team 49")

    assert fifty == two


def test_the_team_page_runs_a_fixed_number_of_queries(
    alice_client, riverside, django_assert_num_queries
):
    _members(riverside, 2)
    with django_assert_num_queries(15):
        # 1-8: PAGE_PREAMBLE
        # 9. the team (TeamViewMixin)
        # 10. the roster, with linked accounts
        # 11. the roster's roles
        # 12. pending invitations to the roster's addresses
        # 13. which unlinked addresses belong to members of the organization
        # 14. the organizations of the navigation bar
        # 15. RELEASE SAVEPOINT
        alice_client.get(reverse("team_detail", kwargs={**COLLAB, "team": riverside.pk}))


def test_the_team_page_costs_the_same_for_2_and_50_members(alice_client, riverside):
    url = reverse("team_detail", kwargs={**COLLAB, "team": riverside.pk})
    _members(riverside, 2)
    two = _count(alice_client, url, expect='<tr id="member-', times=2)
    _members(riverside, 48)

    fifty = _count(alice_client, url, expect='<tr id="member-', times=50)

    assert fifty == two


def test_the_affinity_groups_page_runs_a_fixed_number_of_queries(
    alice_client, collab, django_assert_num_queries
):
    _teams(collab, 2)
    with django_assert_num_queries(11):
        # 1-8: PAGE_PREAMBLE
        # 9. every role of every member of the active teams, with names and teams
        # 10. the organizations of the navigation bar
        # 11. RELEASE SAVEPOINT
        alice_client.get(reverse("affinity_groups", kwargs=COLLAB))


def test_the_affinity_groups_page_costs_the_same_for_2_and_50_teams(alice_client, collab):
    url = reverse("affinity_groups", kwargs=COLLAB)
    _teams(collab, 2)
    two = _count(alice_client, url, expect="Team 01")
    _teams(collab, 48, start=2)

    fifty = _count(alice_client, url, expect="Team 49")

    assert fifty == two


# --- API --------------------------------------------------------------------------------

# What every endpoint of a collaborative costs before the view runs (session sign-in).
API_PREAMBLE = """
    1. the organization named in the URL (TenantMiddleware)
    2. the collaborative named in the URL
    3. SAVEPOINT (ATOMIC_REQUESTS)
    4. the session
    5. the signed-in user
    6. the caller's membership (OrganizationPermission)
    7. the caller's leadership roles (access_for)
    8. the caller's roster places, with their roles (access_for)
"""


def test_the_team_list_endpoint_runs_a_fixed_number_of_queries(
    api_as, alice, collab, django_assert_num_queries
):
    _teams(collab, 2)
    client = api_as("alice")
    with django_assert_num_queries(12):
        # 1-8: API_PREAMBLE
        # 9. COUNT of teams (pagination)
        # 10. the page of teams, with their member counts
        # 11. the roles of those teams' rosters (composition)
        # 12. RELEASE SAVEPOINT
        response = client.get(reverse("api:team-list", kwargs=COLLAB))
    assert response.json()["count"] == 2


def test_the_team_list_endpoint_costs_the_same_for_2_and_50_teams(api_as, alice, collab):
    client = api_as("alice")
    url = reverse("api:team-list", kwargs=COLLAB)
    _teams(collab, 2)
    two = _count(client, url, expect="Team 01")
    _teams(collab, 48, start=2)

    fifty = _count(client, url, expect="Team 49")

    assert fifty == two


def test_the_roster_endpoint_runs_a_fixed_number_of_queries(
    api_as, alice, riverside, django_assert_num_queries
):
    _members(riverside, 2)
    client = api_as("alice")
    with django_assert_num_queries(15):
        # 1-8: API_PREAMBLE
        # 9. the team in the URL (TeamPermission)
        # 10. COUNT of members (pagination)
        # 11. the page of members, with linked accounts
        # 12. their roles
        # 13. pending invitations to their addresses
        # 14. which unlinked addresses belong to members of the organization
        # 15. RELEASE SAVEPOINT
        response = client.get(
            reverse("api:team-member-list", kwargs={**COLLAB, "team": riverside.pk})
        )
    assert response.json()["count"] == 2


def test_the_roster_endpoint_costs_the_same_for_2_and_50_members(api_as, alice, riverside):
    client = api_as("alice")
    url = reverse("api:team-member-list", kwargs={**COLLAB, "team": riverside.pk})
    _members(riverside, 2)
    two = _count(client, url, expect='"full_name"', times=2)
    _members(riverside, 48)

    fifty = _count(client, url, expect='"full_name"', times=50)

    assert fifty == two


def test_the_affinity_groups_endpoint_runs_a_fixed_number_of_queries(
    api_as, alice, collab, django_assert_num_queries
):
    _teams(collab, 2)
    client = api_as("alice")
    with django_assert_num_queries(10):
        # 1-8: API_PREAMBLE
        # 9. every role of every member of the active teams, with names and teams
        # 10. RELEASE SAVEPOINT
        client.get(reverse("api:affinity-group-list", kwargs=COLLAB))


def test_the_affinity_groups_endpoint_costs_the_same_for_2_and_50_teams(api_as, alice, collab):
    client = api_as("alice")
    url = reverse("api:affinity-group-list", kwargs=COLLAB)
    _teams(collab, 2)
    two = _count(client, url, expect="Team 01")
    _teams(collab, 48, start=2)

    fifty = _count(client, url, expect="Team 49")

    assert fifty == two
