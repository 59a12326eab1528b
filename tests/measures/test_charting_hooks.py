"""Every write that changes what a chart is computed from marks its snapshot stale at once
and refreshes it when the transaction commits: saved values, imported values, a measure's
goal or chart, a team's own goal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from measures import charting
from measures.models import ChartSnapshot
from measures.services import definitions, reports, transfer
from tests.measures.charting_support import add_values, make_world, month

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a):
    world = make_world(org_a)
    add_values(world.team, world.percentage, {month(1): (4, 10), month(2): (5, 10)})
    add_values(world.other_team, world.percentage, {month(1): (4, 10)})
    with scope(organization=world.organization):
        charting.analysis_for(world.team, world.percentage)
        charting.analysis_for(world.other_team, world.percentage)
        charting.compute_aggregate(world.collaborative, world.percentage)
    return world


def current(world, team) -> bool:
    with scopes_disabled():
        return ChartSnapshot.objects.get(team=team, measure=world.percentage).is_current


def points(world, team=None) -> list:
    with scopes_disabled():
        if team is None:
            snapshot = ChartSnapshot.objects.get(measure=world.percentage, team__isnull=True)
        else:
            snapshot = ChartSnapshot.objects.get(team=team, measure=world.percentage)
    return [point["value"] for point in snapshot.analysis["points"]]


def save_march(world):
    with scope(organization=world.organization):
        report = reports.report_get_or_create(team=world.team, month=month(3))
        reports.report_save(
            report=report,
            version=report.version,
            values={"completion": {"numerator": 9, "denominator": 10}},
            actor=world.lead,
        )


def test_saving_a_value_marks_the_teams_snapshot_stale(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save_march(world)

    assert not current(world, world.team)
    assert current(world, world.other_team)
    assert len(callbacks) == 1


def test_saving_a_value_refreshes_the_series_and_the_aggregate_on_commit(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_march(world)

    assert current(world, world.team)
    assert points(world, world.team) == [40.0, 50.0, 90.0]
    assert points(world)[-1] == 90.0


def test_saving_only_the_narrative_leaves_the_snapshot_current(
    world, django_capture_on_commit_callbacks
):
    with scope(organization=world.organization):
        report = reports.report_get_or_create(team=world.team, month=month(3))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            reports.report_save(
                report=report,
                version=report.version,
                narrative={"tested": "Reminder calls"},
                actor=world.lead,
            )

    assert current(world, world.team)
    assert callbacks == []


def test_importing_values_refreshes_the_teams_series(world, django_capture_on_commit_callbacks):
    content = (
        "month,measure_code,numerator,denominator,value,not_available,reason,comment\n"
        "2026-03,completion,8,10,,,,\n"
    )
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=True),
    ):
        transfer.values_import(
            team=world.team,
            content=content,
            actor=world.lead,
            now=dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC),
        )

    assert points(world, world.team) == [40.0, 50.0, 80.0]


def test_changing_the_measures_goal_refreshes_every_teams_series(
    world, django_capture_on_commit_callbacks
):
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=False),
    ):
        definitions.measure_update(measure=world.percentage, actor=world.faculty, goal=Decimal(80))

    assert not current(world, world.team)
    assert not current(world, world.other_team)


def test_a_new_goal_is_in_the_refreshed_summary(world, django_capture_on_commit_callbacks):
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=True),
    ):
        definitions.measure_update(measure=world.percentage, actor=world.faculty, goal=Decimal(80))

    with scopes_disabled():
        snapshot = ChartSnapshot.objects.get(team=world.team, measure=world.percentage)
    assert snapshot.summary["goal"] == 80.0
    assert snapshot.is_current


def test_changing_a_measures_definition_text_leaves_its_charts_current(
    world, django_capture_on_commit_callbacks
):
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        definitions.measure_update(
            measure=world.percentage, actor=world.faculty, guidance="Count from the log."
        )

    assert current(world, world.team)
    assert callbacks == []


def test_a_teams_own_goal_marks_only_that_teams_series_stale(
    world, django_capture_on_commit_callbacks
):
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=False),
    ):
        definitions.team_goal_set(
            measure=world.percentage, team=world.team, goal=Decimal(90), actor=world.faculty
        )

    assert not current(world, world.team)
    assert current(world, world.other_team)


def test_the_sweep_redraws_a_chart_after_a_learning_session_is_added(world):
    from measures.tasks_charts import charts_sweep
    from tests.factories import LearningSessionFactory

    with scopes_disabled():
        LearningSessionFactory(
            collaborative=world.collaborative, number=1, title="Kick-off", start_date=month(2)
        )
        before = ChartSnapshot.objects.get(team=world.team, measure=world.percentage)

    assert charts_sweep() == [world.organization.pk]

    with scopes_disabled():
        after = ChartSnapshot.objects.get(pk=before.pk)
    assert after.fingerprint != before.fingerprint
    assert "Kick-off" in str(after.figure)


def test_the_sweep_computes_snapshots_that_are_missing(world):
    from measures.tasks_charts import charts_sweep

    charts_sweep()

    with scopes_disabled():
        assert ChartSnapshot.objects.get(team=world.team, measure=world.rate).is_current


def test_the_sweep_leaves_unchanged_charts_as_they_are(world):
    from measures.tasks_charts import charts_sweep

    with scopes_disabled():
        before = ChartSnapshot.objects.get(team=world.team, measure=world.percentage)

    charts_sweep()

    with scopes_disabled():
        assert ChartSnapshot.objects.get(pk=before.pk).computed_at == before.computed_at
