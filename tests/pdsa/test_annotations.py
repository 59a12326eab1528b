"""Cycles as run-chart annotations: ``cycle_annotations`` and its bulk form."""

from __future__ import annotations

from datetime import date

import pytest
from django_scopes import scopes_disabled

from pdsa.annotations import cycle_annotations, cycle_annotations_bulk
from tests.factories import PDSACycleFactory, TeamFactory
from tests.pdsa.support import make_world

pytestmark = pytest.mark.django_db

JAN, DEC = date(2026, 1, 1), date(2026, 12, 31)


@pytest.fixture
def world(org_a):
    return make_world(org_a)


def test_it_returns_a_started_cycle_linked_to_the_measure(world):
    with scopes_disabled():
        cycle = PDSACycleFactory(
            team=world.team,
            title="Checklist at intake",
            status="done",
            decision="adapt",
            started_on=date(2026, 3, 4),
            measures=[world.measure],
        )
    result = cycle_annotations(world.team, world.measure, JAN, DEC)
    assert result == [
        {
            "date": date(2026, 3, 4),
            "title": "Checklist at intake",
            "decision": "adapt",
            "url": f"/orgs/org-a/collaboratives/tfcbt/teams/{world.team.pk}/pdsa/{cycle.pk}/",
        }
    ]


def test_it_leaves_out_cycles_not_started_or_outside_the_range(world):
    with scopes_disabled():
        PDSACycleFactory(team=world.team, measures=[world.measure])
        PDSACycleFactory(team=world.team, started_on=date(2025, 12, 1), measures=[world.measure])
    assert cycle_annotations(world.team, world.measure, JAN, DEC) == []


def test_it_leaves_out_cycles_of_other_measures_and_teams(world):
    with scopes_disabled():
        PDSACycleFactory(
            team=world.team, started_on=date(2026, 3, 1), measures=[world.second_measure]
        )
        PDSACycleFactory(
            team=world.other_team, started_on=date(2026, 3, 1), measures=[world.measure]
        )
    assert cycle_annotations(world.team, world.measure, JAN, DEC) == []


def test_it_gives_an_empty_decision_while_the_cycle_runs(world):
    with scopes_disabled():
        PDSACycleFactory(
            team=world.team, status="running", started_on=date(2026, 3, 1), measures=[world.measure]
        )
    [annotation] = cycle_annotations(world.team, world.measure, JAN, DEC)
    assert annotation["decision"] == ""


def test_it_shortens_a_long_title(world):
    with scopes_disabled():
        PDSACycleFactory(
            team=world.team, title="x" * 120, started_on=date(2026, 3, 1), measures=[world.measure]
        )
    [annotation] = cycle_annotations(world.team, world.measure, JAN, DEC)
    assert len(annotation["title"]) == 60
    assert annotation["title"].endswith("…")


def test_bulk_groups_by_team_and_measure_in_one_query(world, django_assert_num_queries):
    with scopes_disabled():
        first = PDSACycleFactory(
            team=world.team,
            started_on=date(2026, 2, 1),
            measures=[world.measure, world.second_measure],
        )
        second = PDSACycleFactory(
            team=world.other_team, started_on=date(2026, 4, 1), measures=[world.measure]
        )
        for _ in range(5):
            TeamFactory(collaborative=world.collaborative)
    team_ids = [world.team.pk, world.other_team.pk]
    measure_ids = [world.measure.pk, world.second_measure.pk]
    with django_assert_num_queries(1):
        result = cycle_annotations_bulk(team_ids, measure_ids, JAN, DEC)
    assert sorted(result) == sorted(
        [
            (world.team.pk, world.measure.pk),
            (world.team.pk, world.second_measure.pk),
            (world.other_team.pk, world.measure.pk),
        ]
    )
    assert result[(world.team.pk, world.measure.pk)][0]["url"].endswith(f"/{first.pk}/")
    assert result[(world.other_team.pk, world.measure.pk)][0]["url"].endswith(f"/{second.pk}/")
