"""The spread map (change idea x team) and the cycle counts by idea."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from collaboratives.permissions import access_for
from pdsa.selectors import cycle_counts_by_idea, spread_map, stage_of
from tests.factories import PDSACycleFactory, TeamFactory, TeamMemberFactory
from tests.pdsa.support import make_world

pytestmark = pytest.mark.django_db


def _access(user, world):
    from accounts.models import Membership

    with scopes_disabled():
        membership = Membership.objects.get(user=user, organization=world.organization)
        return access_for(user, membership, world.collaborative)


@pytest.fixture
def world(org_a):
    return make_world(org_a)


def test_an_adopted_idea_stays_adopted():
    assert stage_of([("done", "adapt"), ("done", "adopt"), ("running", "")]) == "adopted"


def test_an_open_cycle_or_an_adapt_decision_is_testing():
    assert stage_of([("done", "abandon"), ("running", "")]) == "testing"
    assert stage_of([("done", "adapt")]) == "testing"


def test_an_idea_whose_cycles_all_ended_abandoned_is_abandoned():
    assert stage_of([("done", "abandon"), ("done", "abandon")]) == "abandoned"


def test_the_map_counts_cycles_and_stage_per_idea_and_team(world):
    with scopes_disabled():
        first = PDSACycleFactory(
            team=world.team, change_idea=world.idea, status="done", decision="adapt"
        )
        second = PDSACycleFactory(
            team=world.team, change_idea=world.idea, status="done", decision="adopt"
        )
        PDSACycleFactory(
            team=world.other_team,
            change_idea=world.second_idea,
            status="done",
            decision="abandon",
        )
    with scope(organization=world.organization):
        spread = spread_map(world.collaborative, _access(world.faculty, world))
    cell = spread.cell(world.idea.pk, world.team.pk)
    assert (cell.count, cell.stage, cell.cycle_ids) == (2, "adopted", (first.pk, second.pk))
    assert spread.cell(world.second_idea.pk, world.other_team.pk).stage == "abandoned"
    assert spread.cell(world.idea.pk, world.other_team.pk).count == 0
    assert [idea.title for idea in spread.ideas] == ["Use a checklist at intake", "Text reminders"]


def test_anonymized_sharing_labels_other_teams_by_letter(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    with scope(organization=world.organization):
        spread = spread_map(world.collaborative, _access(world.member, world))
    labels = dict(spread.teams)
    assert labels[world.team.pk] == "Riverside Clinic"
    assert labels[world.other_team.pk].startswith("Team ")


def test_without_sharing_a_member_sees_only_their_own_team(org_a):
    world = make_world(org_a, data_sharing="none")
    with scope(organization=world.organization):
        spread = spread_map(world.collaborative, _access(world.member, world))
    assert [pk for pk, _label in spread.teams] == [world.team.pk]


@pytest.mark.parametrize("extra_teams", [0, 48])
def test_the_map_runs_the_same_queries_for_2_or_50_teams(
    world, extra_teams, django_assert_num_queries
):
    with scopes_disabled():
        for index in range(extra_teams):
            team = TeamFactory(collaborative=world.collaborative)
            TeamMemberFactory(team=team)
            PDSACycleFactory(team=team, change_idea=world.idea if index % 2 else None)
    access = _access(world.faculty, world)
    # 1 team labels, 2 change ideas with drivers, 3 cycles
    with scope(organization=world.organization), django_assert_num_queries(3):
        spread = spread_map(world.collaborative, access)
        spread.rows()
    assert len(spread.teams) == 2 + extra_teams


def test_counts_by_idea_include_other_tests(world):
    with scopes_disabled():
        PDSACycleFactory(team=world.team, change_idea=world.idea)
        PDSACycleFactory(team=world.other_team, change_idea=world.idea)
        PDSACycleFactory(team=world.team, change_idea=None, other_idea_note="Staff huddle")
    with scope(organization=world.organization):
        counts = cycle_counts_by_idea(world.collaborative)
    assert counts == {world.idea.pk: 2, None: 1}
