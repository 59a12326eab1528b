"""The chart pages read snapshots: the same number of queries for 2 teams or 50, and no
analysis recomputed while every snapshot is current."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from measures import charting, spc
from measures.models import ChartSettings, Measure, MetricValue, MonthlyReport
from teams.models import Team
from tests.factories import LearningSessionFactory, MeasureFactory, PDSACycleFactory, TeamFactory
from tests.measures.charting_support import add_values, make_world, month

pytestmark = pytest.mark.django_db

BASE = "/orgs/org-a/collaboratives/tfcbt"
MONTHS = 12


def _add_teams(world, count: int) -> None:
    """``count`` teams, each with a year of values of every collaborative measure."""
    with scopes_disabled():
        start = Team.objects.filter(collaborative=world.collaborative).count()
        teams = [
            TeamFactory(collaborative=world.collaborative, name=f"Team {start + i:03d}")
            for i in range(count)
        ]
        reports = MonthlyReport.objects.bulk_create(
            MonthlyReport(
                organization=world.organization,
                collaborative=world.collaborative,
                team=team,
                month=month(number),
                status="accepted",
            )
            for team in teams
            for number in range(1, MONTHS + 1)
        )
        values = []
        for index, report in enumerate(reports):
            level = 10 + index % 7
            for measure in (world.percentage, world.rate, world.count, world.mean):
                ratio = measure.is_ratio
                values.append(
                    MetricValue(
                        organization=world.organization,
                        report=report,
                        team=report.team,
                        measure=measure,
                        month=report.month,
                        numerator=Decimal(level) if ratio else None,
                        denominator=Decimal(20) if ratio else None,
                        value=None if ratio else Decimal(level),
                    )
                )
        MetricValue.objects.bulk_create(values)


def _refresh(world) -> None:
    """Every snapshot computed and current, as the Celery task leaves them."""
    with scope(organization=world.organization):
        charting.refresh(
            measure_ids=[
                m.pk for m in (world.percentage, world.rate, world.count, world.mean, world.custom)
            ]
        )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def world(org_a):
    world = make_world(org_a)
    # Riverside, whose dashboard and chart are opened, has values too: its small charts
    # are drawn.
    add_values(world.team, world.mean, {month(i): 20 + i % 4 for i in range(1, MONTHS + 1)})
    add_values(world.team, world.percentage, {month(i): (i, 20) for i in range(1, MONTHS + 1)})
    return world


@pytest.fixture
def counted_analyses(monkeypatch):
    """Counts every analysis run (one by one or in a batch)."""
    calls = []
    original = spc.analyze

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(spc, "analyze", counting)
    if hasattr(spc, "analyze_many"):
        original_many = spc.analyze_many

        def counting_many(*args, **kwargs):
            calls.append(1)
            return original_many(*args, **kwargs)

        monkeypatch.setattr(spc, "analyze_many", counting_many)
    try:
        from measures import spc_batch
    except ImportError:
        spc_batch = None
    if spc_batch is not None and hasattr(spc_batch, "analyze_many"):
        original_batch = spc_batch.analyze_many

        def counting_batch(*args, **kwargs):
            calls.append(1)
            return original_batch(*args, **kwargs)

        monkeypatch.setattr(spc_batch, "analyze_many", counting_batch)
    return calls


def _pages(world) -> dict[str, str]:
    return {
        "dashboard": f"{BASE}/teams/{world.team.pk}/charts/",
        "board": f"{BASE}/charts/",
        "board by signal": f"{BASE}/charts/?sort=signal",
        "measure board": f"{BASE}/charts/measures/{world.mean.pk}/",
    }


@pytest.mark.parametrize("page", ["dashboard", "board", "board by signal", "measure board"])
def test_a_chart_page_costs_the_same_for_2_and_50_teams(client, world, page):
    client.force_login(world.faculty)
    url = _pages(world)[page]
    _add_teams(world, 1)  # with Riverside and Hillside: 3 teams, 2 of them with values
    _refresh(world)
    few = _count(client, url)
    _add_teams(world, 47)
    _refresh(world)

    assert _count(client, url) == few


def test_the_review_board_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    _add_teams(world, 2)
    _refresh(world)
    client.force_login(world.faculty)
    # session, user, organization, membership, collaborative, collaborative roles and
    # team roles (the access), savepoint; the teams (their labels), the measures, the
    # snapshots; the organization switcher of the layout; release savepoint.
    with django_assert_num_queries(13):
        client.get(_pages(world)["board"])


@pytest.mark.parametrize("page", ["dashboard", "board", "board by signal", "measure board"])
def test_a_chart_page_recomputes_nothing_while_the_snapshots_are_current(
    client, world, page, counted_analyses
):
    _add_teams(world, 5)
    _refresh(world)
    counted_analyses.clear()
    client.force_login(world.faculty)

    assert client.get(_pages(world)[page]).status_code == 200
    assert counted_analyses == []


def test_a_chart_page_recomputes_nothing_while_the_snapshot_is_current(
    client, world, counted_analyses
):
    _add_teams(world, 2)
    _refresh(world)
    counted_analyses.clear()
    client.force_login(world.faculty)
    url = f"{BASE}/teams/{world.team.pk}/measures/{world.mean.pk}/chart/"

    assert client.get(url).status_code == 200
    assert counted_analyses == []


def test_a_missing_snapshot_is_computed_once_and_then_read(client, world, counted_analyses):
    _add_teams(world, 2)
    client.force_login(world.faculty)
    url = _pages(world)["board"]
    client.get(url)
    computed = len(counted_analyses)
    counted_analyses.clear()
    client.get(url)

    assert computed > 0
    assert counted_analyses == []


def _only_two_measures(world) -> None:
    """Riverside reports two measures (both with values): the others are archived."""
    with scopes_disabled():
        for measure in (world.rate, world.count, world.custom):
            measure.archived_at = timezone.now()
            measure.save(update_fields=["archived_at"])


def _add_measures(world, count: int) -> None:
    """``count`` more collaborative measures, each with a year of Riverside's values, a
    phase break in its settings and a PDSA cycle linked to it."""
    with scopes_disabled():
        for index in range(count):
            measure = MeasureFactory(
                collaborative=world.collaborative,
                name=f"Extra measure {index}",
                shape="mean",
                unit="days",
                direction="down",
                default_chart="i",
                order=10 + index,
            )
            add_values(world.team, measure, {month(i): 10 + i % 3 for i in range(1, MONTHS + 1)})
            ChartSettings.objects.create(
                organization=world.organization,
                team=world.team,
                measure=measure,
                version=1,
                phase_breaks=[{"month": month(6).isoformat(), "label": "New intake"}],
            )
            PDSACycleFactory(team=world.team, measures=[measure], status="done")


def _refresh_all(world) -> None:
    with scopes_disabled():
        measure_ids = list(
            Measure.objects.filter(collaborative=world.collaborative).values_list("pk", flat=True)
        )
    with scope(organization=world.organization):
        charting.refresh(measure_ids=measure_ids)


def test_the_team_dashboard_costs_the_same_for_2_and_8_measures(client, world):
    with scopes_disabled():
        LearningSessionFactory(collaborative=world.collaborative, number=1)
        LearningSessionFactory(collaborative=world.collaborative, number=2)
    _only_two_measures(world)
    _refresh_all(world)
    client.force_login(world.faculty)
    url = _pages(world)["dashboard"]
    response = client.get(url)
    assert len(response.context["cards"]) == 2
    assert all(card.chart for card in response.context["cards"])
    two = _count(client, url)
    _add_measures(world, 6)
    _refresh_all(world)
    response = client.get(url)
    assert len(response.context["cards"]) == 8
    assert all(card.chart for card in response.context["cards"])

    assert _count(client, url) == two
