"""PDSA services: rules of the stages, moves, ramps and history."""

from __future__ import annotations

import functools
from datetime import date

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from bsc.exceptions import ConflictError, DomainError
from pdsa import services
from pdsa.models import PDSACycle, PDSACycleChange
from tests.factories import PDSACycleFactory
from tests.pdsa.support import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a):
    return make_world(org_a)


def scoped(test):
    """Run the test body inside the organization's scope, as a request would.

    (A fixture cannot do it: fixtures are set up with scopes disabled, and leaving
    that state afterwards would undo a scope entered inside it.)"""

    @functools.wraps(test)
    def run(*args, **kwargs):
        with scope(organization=kwargs["world"].organization):
            return test(*args, **kwargs)

    return run


def _cycle(world, **kwargs):
    kwargs.setdefault("team", world.team)
    with scopes_disabled():
        cycle = PDSACycleFactory(**kwargs)
    cycle.team.collaborative = world.collaborative
    return cycle


@pytest.mark.parametrize(
    ("scale", "suggestion"),
    [
        ("one clinician, one day", "3 clinicians, one week"),
        ("1 family, 2 days", "3 families, 2 weeks"),
        ("two nurses, one week", "6 nurses, one month"),
        ("whole team", ""),
        ("", ""),
    ],
)
def test_it_suggests_a_wider_scale(scale, suggestion):
    assert services.suggest_next_scale(scale) == suggestion


@scoped
def test_it_refuses_a_cycle_that_builds_on_its_own_follower(world):
    first = _cycle(world)
    second = _cycle(world, builds_on=first)
    with pytest.raises(services.CycleErrors) as caught:
        services.cycle_update(
            cycle=first, actor=world.member, data={"builds_on": second.pk}, version=1
        )
    assert "builds_on" in caught.value.errors


@scoped
def test_it_refuses_a_cycle_of_another_team_to_build_on(world):
    foreign = _cycle(world, team=world.other_team)
    with pytest.raises(services.CycleErrors) as caught:
        services.cycle_create(
            team=world.team, actor=world.member, data={"title": "T", "builds_on": foreign.pk}
        )
    assert "builds_on" in caught.value.errors


@scoped
def test_it_refuses_a_planned_end_before_the_start(world):
    with pytest.raises(services.CycleErrors) as caught:
        services.cycle_create(
            team=world.team,
            actor=world.member,
            data={
                "title": "T",
                "planned_start": date(2026, 3, 10),
                "planned_end": date(2026, 3, 1),
            },
        )
    assert "planned_end" in caught.value.errors


@scoped
def test_it_refuses_another_teams_own_measure(world):
    from tests.factories import MeasureFactory

    with scopes_disabled():
        theirs = MeasureFactory(collaborative=world.collaborative, team=world.other_team)
    with pytest.raises(services.CycleErrors) as caught:
        services.cycle_create(
            team=world.team, actor=world.member, data={"title": "T", "measures": [theirs.pk]}
        )
    assert "measures" in caught.value.errors


@scoped
def test_it_records_who_changed_which_fields_from_what(world):
    cycle = _cycle(world, who="Ann")
    services.cycle_update(cycle=cycle, actor=world.member, data={"who": "Ben"}, version=1)
    change = PDSACycleChange.objects.get(cycle=cycle)
    assert (change.old, change.new, change.changed_by) == (
        {"who": "Ann"},
        {"who": "Ben"},
        world.member,
    )


@scoped
def test_saving_nothing_new_writes_nothing(world):
    cycle = _cycle(world, who="Ann")
    services.cycle_update(cycle=cycle, actor=world.member, data={"who": "Ann"}, version=1)
    assert PDSACycle.objects.get(pk=cycle.pk).version == 1
    assert not PDSACycleChange.objects.exists()


@scoped
def test_moving_back_from_done_clears_the_finish_day(world):
    cycle = _cycle(
        world,
        status="done",
        decision="adapt",
        started_on=date(2026, 3, 1),
        finished_on=date(2026, 3, 5),
    )
    moved = services.cycle_move(cycle=cycle, actor=world.member, status="studying", version=1)
    assert (moved.status, moved.finished_on) == ("studying", None)


@scoped
def test_moving_to_done_keeps_a_given_finish_day(world):
    cycle = _cycle(
        world,
        status="studying",
        decision="adopt",
        started_on=date(2026, 3, 1),
        finished_on=date(2026, 3, 9),
    )
    moved = services.cycle_move(cycle=cycle, actor=world.member, status="done", version=1)
    assert moved.finished_on == date(2026, 3, 9)


@scoped
def test_a_finished_cycle_keeps_its_decision(world):
    cycle = _cycle(world, status="done", decision="adopt")
    with pytest.raises(DomainError) as caught:
        services.cycle_update(cycle=cycle, actor=world.member, data={"decision": ""}, version=1)
    assert caught.value.field == "decision"


@scoped
def test_a_withdrawn_teams_tracker_is_closed(world):
    with scopes_disabled():
        world.team.status = "withdrawn"
        world.team.save()
    with pytest.raises(ConflictError):
        services.cycle_create(team=world.team, actor=world.member, data={"title": "T"})


@scoped
def test_an_archived_collaborative_refuses_changes(world):
    cycle = _cycle(world)
    with scopes_disabled():
        world.collaborative.archived_at = timezone.now()
        world.collaborative.save()
    with pytest.raises(ConflictError):
        services.cycle_move(cycle=cycle, actor=world.member, status="running", version=1)


@scoped
def test_the_next_cycle_carries_what_was_planned_next_as_its_objective(world):
    cycle = _cycle(world, status="done", decision="adapt", next_steps="Try it at the front desk")
    following = services.cycle_start_next(cycle=cycle, actor=world.member)
    assert following.objective == "Try it at the front desk"
    assert services.ramp_position(following) == 2


@scoped
def test_a_draft_that_another_cycle_builds_on_stays(world):
    first = _cycle(world)
    _cycle(world, builds_on=first)
    with pytest.raises(ConflictError):
        services.cycle_delete(cycle=first, actor=world.member)
