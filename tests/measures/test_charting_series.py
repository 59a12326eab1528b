"""A team's monthly series of a measure, as ``measures.charting.series_for`` hands it to the
statistics: one point per month, missing months as None, settings as 1-based positions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope

from measures import charting
from measures.models import ChartSettings
from tests.factories import TeamGoalFactory
from tests.measures.charting_support import add_values, make_world, month

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a):
    return make_world(org_a)


def series(world, measure, settings=None):
    with scope(organization=world.organization):
        return charting.series_for(world.team, measure, settings=settings)


def test_series_runs_from_the_collaboratives_first_month_to_the_last_month_with_a_value(world):
    add_values(world.team, world.percentage, {month(3): (4, 10), month(5): (6, 10)})

    result = series(world, world.percentage)

    assert result.months == [month(1), month(2), month(3), month(4), month(5)]


def test_months_without_a_value_are_missing_points(world):
    add_values(world.team, world.percentage, {month(3): (4, 10), month(5): (6, 10)})

    result = series(world, world.percentage)

    assert result.y == [None, None, 4.0, None, 6.0]
    assert result.n == [None, None, 10.0, None, 10.0]


def test_a_month_marked_not_available_is_a_missing_point(world):
    add_values(world.team, world.percentage, {month(1): (4, 10), month(2): None})

    assert series(world, world.percentage).y == [4.0, None]


def test_a_zero_denominator_is_a_missing_point(world):
    add_values(world.team, world.percentage, {month(1): (0, 0), month(2): (3, 5)})

    result = series(world, world.percentage)

    assert result.y == [None, 3.0]
    assert result.n == [None, 5.0]


def test_a_percentage_is_scaled_by_100(world):
    assert series(world, world.percentage).multiply == 100


def test_a_rate_is_scaled_by_its_per(world):
    assert series(world, world.rate).multiply == 1000


def test_a_value_measure_has_values_and_no_denominators(world):
    add_values(world.team, world.mean, {month(1): 12.5, month(2): 9})

    result = series(world, world.mean)

    assert result.y == [12.5, 9.0]
    assert result.n is None
    assert result.multiply == 1


def test_without_values_the_series_runs_to_the_current_month(world, settings):
    with scope(organization=world.organization):
        months = charting.series_months(world.collaborative, [], today=date(2026, 4, 17))

    assert months == [month(1), month(2), month(3), month(4)]


def test_another_teams_values_are_not_in_the_series(world):
    add_values(world.other_team, world.percentage, {month(1): (9, 10)})
    add_values(world.team, world.percentage, {month(1): (1, 10)})

    assert series(world, world.percentage).y == [1.0]


def test_the_chart_type_defaults_to_the_measures_default_chart(world):
    assert series(world, world.percentage).chart_type == "p"
    assert series(world, world.rate).chart_type == "run"


def test_the_rule_set_defaults_to_the_collaboratives_rules(world):
    assert series(world, world.percentage).rule_set == "ihi"


def test_settings_choose_the_chart_type_and_rule_set(world):
    chosen = ChartSettings(chart_type="pp", rule_set="anhoj")

    result = series(world, world.percentage, chosen)

    assert (result.chart_type, result.rule_set) == ("pp", "anhoj")


def test_a_chart_type_that_does_not_fit_the_shape_falls_back_to_a_run_chart(world):
    assert series(world, world.mean, ChartSettings(chart_type="p")).chart_type == "run"


def test_phase_break_months_become_positions_after_which_a_phase_starts(world):
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 7)})
    chosen = ChartSettings(
        phase_breaks=[
            {"month": "2026-05-01", "label": "Reminder calls"},
            {"month": "2026-03-01", "label": "New intake"},
        ]
    )

    result = series(world, world.percentage, chosen)

    assert result.phase_breaks == [2, 4]
    assert result.phase_labels == ["", "New intake", "Reminder calls"]
    assert result.analyze_kwargs()["phase_breaks"] == (2, 4)


def test_a_frozen_baseline_month_becomes_its_position(world):
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 7)})

    result = series(world, world.percentage, ChartSettings(freeze_month=month(4)))

    assert result.freeze == 4


def test_a_freeze_is_not_passed_when_the_chart_has_phases(world):
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 7)})
    chosen = ChartSettings(
        freeze_month=month(4), phase_breaks=[{"month": "2026-03-01", "label": ""}]
    )

    assert series(world, world.percentage, chosen).analyze_kwargs()["freeze"] is None


def test_excluded_months_become_positions_with_their_reasons(world):
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 7)})
    chosen = ChartSettings(exclusions=[{"month": "2026-02-01", "reason": "Outage"}])

    result = series(world, world.percentage, chosen)

    assert result.exclude == [2]
    assert result.excluded_reasons == {month(2): "Outage"}


def test_setting_months_outside_the_series_are_left_out(world):
    add_values(world.team, world.percentage, {month(1): (1, 10), month(2): (2, 10)})
    chosen = ChartSettings(
        phase_breaks=[{"month": "2026-09-01", "label": "Later"}],
        exclusions=[{"month": "2026-10-01", "reason": "Later"}],
    )

    result = series(world, world.percentage, chosen)

    assert (result.phase_breaks, result.exclude) == ([], [])


def test_the_goal_is_the_teams_own_goal_where_it_has_one(world):
    TeamGoalFactory(measure=world.percentage, team=world.team, goal=Decimal("85"))

    assert series(world, world.percentage).goal == 85.0


def test_the_goal_is_the_measures_goal_otherwise(world):
    assert series(world, world.percentage).goal == 70.0
    assert series(world, world.rate).goal is None


def test_the_series_is_passed_to_the_statistics_with_month_labels(world):
    add_values(world.team, world.percentage, {month(1): (1, 10), month(2): (2, 10)})

    kwargs = series(world, world.percentage).analyze_kwargs()

    assert kwargs["x"] == ["2026-01-01", "2026-02-01"]
    assert kwargs["chart"] == "p"
    assert kwargs["multiply"] == 100
