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


# --- PDSA cycles, learning sessions and the collaborative's settings -----------------------


def snapshot_of(world, team=None, measure=None) -> ChartSnapshot:
    measure = measure or world.percentage
    with scopes_disabled():
        if team is None:
            return ChartSnapshot.objects.get(measure=measure, team__isnull=True)
        return ChartSnapshot.objects.get(team=team, measure=measure)


def start_cycle(world, title="Checklist at intake", **data):
    from pdsa import services as pdsa_services

    with scope(organization=world.organization):
        return pdsa_services.cycle_create(
            team=world.team,
            actor=world.lead,
            data={
                "title": title,
                "measures": [world.percentage.pk],
                "started_on": dt.date(2026, 2, 10),
                **data,
            },
        )


def test_starting_a_pdsa_cycle_marks_the_teams_series_of_its_measure_stale(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        start_cycle(world)

    assert not current(world, world.team)
    assert current(world, world.other_team)
    assert len(callbacks) == 1


def test_a_started_pdsa_cycle_is_drawn_once_committed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start_cycle(world, title="Checklist at intake")

    snapshot = snapshot_of(world, world.team)
    assert snapshot.is_current
    assert "Checklist at intake" in str(snapshot.figure)


def test_planning_a_cycle_leaves_the_charts_current(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        start_cycle(world, started_on=None)

    assert current(world, world.team)
    assert callbacks == []


def test_moving_a_planned_cycle_to_running_draws_it(world, django_capture_on_commit_callbacks):
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from pdsa import services as pdsa_services

    # The series runs past today, when the cycle starts.
    this_month = timezone.localdate().replace(day=1)
    add_values(
        world.team,
        world.percentage,
        {this_month: (6, 10), this_month + relativedelta(months=1): (7, 10)},
    )
    cycle = start_cycle(world, title="Reminder calls", started_on=None)
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=True),
    ):
        pdsa_services.cycle_move(
            cycle=cycle, actor=world.lead, status="running", version=cycle.version
        )

    assert "Reminder calls" in str(snapshot_of(world, world.team).figure)


def test_renaming_a_started_cycle_redraws_its_charts(world, django_capture_on_commit_callbacks):
    from pdsa import services as pdsa_services

    with django_capture_on_commit_callbacks(execute=True):
        cycle = start_cycle(world, title="Checklist at intake")
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=True),
    ):
        pdsa_services.cycle_update(
            cycle=cycle, actor=world.lead, data={"title": "Intake checklist"}, version=cycle.version
        )

    figure = str(snapshot_of(world, world.team).figure)
    assert "Intake checklist" in figure
    assert "Checklist at intake" not in figure


def test_moving_a_cycle_to_another_measure_marks_the_old_and_the_new_series_stale(
    world, django_capture_on_commit_callbacks
):
    from pdsa import services as pdsa_services

    with scope(organization=world.organization):
        charting.analysis_for(world.team, world.rate)
    with django_capture_on_commit_callbacks(execute=True):
        cycle = start_cycle(world)
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=False),
    ):
        pdsa_services.cycle_update(
            cycle=cycle, actor=world.lead, data={"measures": [world.rate.pk]}, version=cycle.version
        )

    assert not snapshot_of(world, world.team, world.percentage).is_current
    assert not snapshot_of(world, world.team, world.rate).is_current


def test_changing_what_a_chart_does_not_show_of_a_cycle_leaves_it_current(
    world, django_capture_on_commit_callbacks
):
    from pdsa import services as pdsa_services

    with django_capture_on_commit_callbacks(execute=True):
        cycle = start_cycle(world)
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        pdsa_services.cycle_update(
            cycle=cycle,
            actor=world.lead,
            data={"objective": "Fewer families lost after intake."},
            version=cycle.version,
        )

    assert current(world, world.team)
    assert callbacks == []


def test_deleting_a_drawn_cycle_removes_it_from_the_chart(
    world, django_capture_on_commit_callbacks
):
    from pdsa import services as pdsa_services

    with django_capture_on_commit_callbacks(execute=True):
        cycle = start_cycle(world, title="Checklist at intake")
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=True),
    ):
        pdsa_services.cycle_delete(cycle=cycle, actor=world.lead)

    assert "Checklist at intake" not in str(snapshot_of(world, world.team).figure)


def add_session(world, **fields):
    from collaboratives.services import schedule

    with scope(organization=world.organization):
        return schedule.learning_session_create(
            collaborative=world.collaborative,
            title=fields.pop("title", "Kick-off"),
            start_date=fields.pop("start_date", dt.date(2026, 2, 3)),
            actor=world.faculty,
            **fields,
        )


def test_adding_a_learning_session_marks_every_chart_of_the_collaborative_stale(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add_session(world)

    assert not current(world, world.team)
    assert not current(world, world.other_team)
    assert not snapshot_of(world).is_current
    assert len(callbacks) == 1


def test_an_added_learning_session_is_drawn_once_committed(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_session(world, title="Kick-off")

    assert "Kick-off" in str(snapshot_of(world, world.team).figure)
    assert "Kick-off" in str(snapshot_of(world).figure)


def test_moving_a_learning_session_redraws_the_charts(world, django_capture_on_commit_callbacks):
    from collaboratives.services import schedule

    with django_capture_on_commit_callbacks(execute=True):
        session = add_session(world, title="Kick-off")
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=True),
    ):
        schedule.learning_session_update(
            session=session,
            number=session.number,
            title="Launch",
            start_date=session.start_date,
            end_date=session.end_date,
            location=session.location,
            video_url=session.video_url,
            host_team=None,
            agenda=session.agenda,
            actor=world.faculty,
        )

    figure = str(snapshot_of(world, world.team).figure)
    assert "Launch" in figure
    assert "Kick-off" not in figure


def test_saving_a_learning_session_unchanged_leaves_the_charts_current(
    world, django_capture_on_commit_callbacks
):
    from collaboratives.services import schedule

    with django_capture_on_commit_callbacks(execute=True):
        session = add_session(world)
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        schedule.learning_session_update(
            session=session,
            number=session.number,
            title=session.title,
            start_date=session.start_date,
            end_date=session.end_date,
            location=session.location,
            video_url=session.video_url,
            host_team=None,
            agenda=session.agenda,
            actor=world.faculty,
        )

    assert current(world, world.team)
    assert callbacks == []


def test_deleting_a_learning_session_removes_it_from_the_charts(
    world, django_capture_on_commit_callbacks
):
    from collaboratives.services import schedule

    with django_capture_on_commit_callbacks(execute=True):
        session = add_session(world, title="Kick-off")
    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=True),
    ):
        schedule.learning_session_delete(session=session, actor=world.faculty)

    assert "Kick-off" not in str(snapshot_of(world, world.team).figure)


def test_changing_the_collaboratives_rule_set_reanalyses_its_charts(
    world, django_capture_on_commit_callbacks
):
    from collaboratives.services.core import collaborative_update

    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=True),
    ):
        collaborative_update(
            collaborative=world.collaborative, actor=world.faculty, run_chart_rules="anhoj"
        )

    assert snapshot_of(world, world.team).rule_set == "anhoj"
    assert snapshot_of(world).rule_set == "anhoj"


def test_renaming_the_collaborative_leaves_its_charts_current(
    world, django_capture_on_commit_callbacks
):
    from collaboratives.services.core import collaborative_update

    with (
        scope(organization=world.organization),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        collaborative_update(
            collaborative=world.collaborative, actor=world.faculty, name="TF-CBT 2026"
        )

    assert current(world, world.team)
    assert not [c for c in callbacks if "refresh" in repr(c)]
