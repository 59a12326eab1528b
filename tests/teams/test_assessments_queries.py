"""The progress pages, the assessments endpoint and the collaborative report run a fixed
number of SQL queries, for 2 teams or 50."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ChangeIdeaFactory,
    DriverFactory,
    PDSACycleFactory,
    ProgressAssessmentFactory,
    SpreadPlanFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

MONTHS = (date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1))


def _teams(collab, count: int, start: int = 0) -> None:
    idea = ChangeIdeaFactory(driver=DriverFactory(collaborative=collab))
    for index in range(start, start + count):
        team = TeamFactory(collaborative=collab, name=f"Team {index:03d}")
        for step, month in enumerate(MONTHS):
            ProgressAssessmentFactory(team=team, month=month, score=Decimal(1 + step))
            ProgressAssessmentFactory(
                team=team, month=month, kind="self", score=Decimal("1.5") + step
            )
        SpreadPlanFactory(team=team)
        PDSACycleFactory(team=team, change_idea=idea)


def _count(client, url: str) -> int:
    # The history's content type is cached per process after its first use; start cold.
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


BASE = "/orgs/org-a/collaboratives/tf-cbt/"
PAGES = [
    "progress/",
    "progress/?month=2026-03",
    "progress/scoring/?month=2026-03",
    "spread-plans/",
    "report/",
    "/api/v1/organizations/org-a/collaboratives/tf-cbt/assessments/?page_size=500",
]


def _url(page: str) -> str:
    return page if page.startswith("/api/") else BASE + page


@pytest.mark.parametrize("page", PAGES)
def test_faculty_pages_cost_the_same_for_2_and_50_teams(client, fay, collab, page):
    client.force_login(fay)
    _teams(collab, 2)
    few = _count(client, _url(page))

    _teams(collab, 48, start=2)

    assert _count(client, _url(page)) == few


def test_a_team_members_overview_costs_the_same_for_2_and_50_teams(client, erin, collab):
    client.force_login(erin)
    _teams(collab, 2)
    few = _count(client, BASE + "progress/")

    _teams(collab, 48, start=2)

    assert _count(client, BASE + "progress/") == few


def test_the_team_page_costs_the_same_for_1_and_12_months(client, fay, riverside, collab):
    client.force_login(fay)
    ProgressAssessmentFactory(team=riverside, month=date(2026, 1, 1))
    url = f"{BASE}teams/{riverside.pk}/progress/"
    few = _count(client, url)

    for month in range(2, 12):
        ProgressAssessmentFactory(team=riverside, month=date(2026, month, 1))
        ProgressAssessmentFactory(team=riverside, month=date(2026, month, 1), kind="self")

    assert _count(client, url) == few


def test_the_overview_runs_a_known_number_of_queries(
    client, fay, collab, django_assert_num_queries
):
    client.force_login(fay)
    _teams(collab, 2)
    # session, user, organization, membership, collaborative, collaborative roles, team roles
    # (the access), savepoint; team labels, scores, scale levels; the layout's organization
    # switcher; release savepoint.
    with django_assert_num_queries(13):
        client.get(BASE + "progress/")
