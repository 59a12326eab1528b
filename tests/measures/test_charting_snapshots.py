"""Snapshots: computed once, read afterwards; marked stale by changes and refreshed; the
board reads them in a fixed number of queries and never recomputes a current one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from collaboratives.permissions import access_for
from measures import charting, spc
from measures.models import ChartSnapshot
from tests.factories import TeamFactory
from tests.measures.charting_support import add_values, make_world, month

pytestmark = pytest.mark.django_db

SHIFT = [(4, 10)] * 6 + [(9, 10)] * 8  # a clear shift up after six months


@pytest.fixture
def world(org_a):
    return make_world(org_a)


@pytest.fixture
def analyze_calls(monkeypatch):
    """Counts the calls of ``measures.spc.analyze`` while still computing."""
    calls = []
    real = spc.analyze

    def counting(*args, **kwargs):
        calls.append(kwargs.get("chart", args[0] if args else None))
        return real(*args, **kwargs)

    monkeypatch.setattr(spc, "analyze", counting)
    return calls


def access(world, user):
    with scopes_disabled():
        membership = user.memberships.get(organization=world.organization)
        return access_for(user, membership, world.collaborative)


def test_a_missing_snapshot_is_computed_and_saved(world):
    add_values(world.team, world.percentage, {month(i + 1): p for i, p in enumerate(SHIFT)})

    with scope(organization=world.organization):
        snapshot = charting.analysis_for(world.team, world.percentage)

        assert ChartSnapshot.objects.filter(pk=snapshot.pk, is_current=True).exists()
    assert snapshot.chart_type == "p"
    assert len(snapshot.analysis["points"]) == 14
    assert snapshot.figure["data"]


def test_the_summary_holds_the_icons_latest_value_goal_and_explanations(world):
    add_values(world.team, world.percentage, {month(i + 1): p for i, p in enumerate(SHIFT)})

    with scope(organization=world.organization):
        summary = charting.analysis_for(world.team, world.percentage).summary

    assert summary["variation"] == "improving"
    assert summary["signal_rank"] == 2
    assert summary["latest_value"] == pytest.approx(90.0)
    assert summary["latest_month"] == "2027-02-01"
    assert summary["goal"] == 70.0
    assert summary["explanations"]


def test_a_current_snapshot_is_read_without_recomputing(world, analyze_calls):
    add_values(world.team, world.percentage, {month(i + 1): p for i, p in enumerate(SHIFT)})
    with scope(organization=world.organization):
        first = charting.analysis_for(world.team, world.percentage)
        calls = len(analyze_calls)

        again = charting.analysis_for(world.team, world.percentage)

    assert len(analyze_calls) == calls == 1
    assert again.computed_at == first.computed_at


def test_a_stale_snapshot_is_read_as_it_is_until_the_refresh(world, analyze_calls):
    add_values(world.team, world.percentage, {month(1): (4, 10)})
    with scope(organization=world.organization):
        charting.analysis_for(world.team, world.percentage)
        charting.mark_stale(measure_ids=[world.percentage.pk], team_ids=[world.team.pk])

        snapshot = charting.analysis_for(world.team, world.percentage)

    assert snapshot.is_current is False
    assert len(analyze_calls) == 1


def test_a_series_without_values_has_a_no_data_snapshot(world):
    with scope(organization=world.organization):
        snapshot = charting.analysis_for(world.team, world.rate)

    assert snapshot.analysis["points"] == []
    assert snapshot.summary["variation"] == "no_data"
    assert snapshot.summary["signal_rank"] == 0


def test_mark_stale_marks_the_series_and_the_measures_aggregate(world):
    add_values(world.team, world.percentage, {month(1): (4, 10)})
    add_values(world.other_team, world.percentage, {month(1): (4, 10)})
    with scope(organization=world.organization):
        charting.analysis_for(world.team, world.percentage)
        charting.analysis_for(world.other_team, world.percentage)
        charting.compute_aggregate(world.collaborative, world.percentage)

        charting.mark_stale(measure_ids=[world.percentage.pk], team_ids=[world.team.pk])

        stale = set(
            ChartSnapshot.objects.filter(is_current=False).values_list("team_id", flat=True)
        )
    assert stale == {world.team.pk, None}


def test_refresh_recomputes_a_stale_series_whose_values_changed(world):
    add_values(world.team, world.percentage, {month(1): (4, 10)})
    with scope(organization=world.organization):
        charting.analysis_for(world.team, world.percentage)
        add_values(world.team, world.percentage, {month(2): (8, 10)})
        charting.mark_stale(measure_ids=[world.percentage.pk], team_ids=[world.team.pk])

        charting.refresh(measure_ids=[world.percentage.pk], team_ids=[world.team.pk])

        snapshot = ChartSnapshot.objects.get(team=world.team, measure=world.percentage)
    assert snapshot.is_current
    assert [p["value"] for p in snapshot.analysis["points"]] == [40.0, 80.0]


def test_refresh_of_an_unchanged_series_only_marks_it_current(world, analyze_calls):
    add_values(world.team, world.percentage, {month(1): (4, 10)})
    with scope(organization=world.organization):
        first = charting.analysis_for(world.team, world.percentage)
        charting.mark_stale(measure_ids=[world.percentage.pk], team_ids=[world.team.pk])
        calls = len(analyze_calls)

        charting.refresh(measure_ids=[world.percentage.pk], team_ids=[world.team.pk])

        snapshot = ChartSnapshot.objects.get(pk=first.pk)
    assert snapshot.is_current
    assert snapshot.computed_at == first.computed_at
    # Only the aggregate (new) was analysed.
    assert len(analyze_calls) == calls + 1


def test_the_fingerprint_changes_with_the_goal(world):
    add_values(world.team, world.percentage, {month(1): (4, 10)})
    with scope(organization=world.organization):
        before = charting.analysis_for(world.team, world.percentage).fingerprint
        world.percentage.goal = Decimal("80")
        world.percentage.save()

        after = charting.refresh_snapshot(world.team, world.percentage).fingerprint

    assert after != before


def test_the_aggregate_sums_numerators_and_denominators(world):
    add_values(world.team, world.percentage, {month(1): (2, 10)})
    add_values(world.other_team, world.percentage, {month(1): (8, 30)})

    with scope(organization=world.organization):
        series, _ = charting.aggregate_series(
            world.collaborative, world.percentage, [world.team.pk, world.other_team.pk]
        )

    assert (series.y, series.n) == ([10.0], [40.0])


def test_the_aggregate_of_a_value_measure_is_the_mean_of_teams(world):
    add_values(world.team, world.mean, {month(1): 10})
    add_values(world.other_team, world.mean, {month(1): 20})

    with scope(organization=world.organization):
        series, _ = charting.aggregate_series(
            world.collaborative, world.mean, [world.team.pk, world.other_team.pk]
        )

    assert series.y == [15.0]


def test_the_aggregate_counts_teams_meeting_their_goal_each_month(world):
    # Goal 70 % (higher is better): Riverside meets it in February only.
    add_values(world.team, world.percentage, {month(1): (5, 10), month(2): (8, 10)})
    add_values(world.other_team, world.percentage, {month(1): (9, 10)})

    with scope(organization=world.organization):
        _, meeting = charting.aggregate_series(
            world.collaborative, world.percentage, [world.team.pk, world.other_team.pk]
        )

    assert meeting == [
        {"month": "2026-01-01", "teams": 2, "meeting": 1, "percent": 50.0},
        {"month": "2026-02-01", "teams": 1, "meeting": 1, "percent": 100.0},
    ]


def test_meeting_a_goal_where_lower_is_better_means_at_or_below_it(world):
    add_values(world.team, world.mean, {month(1): 14})
    add_values(world.other_team, world.mean, {month(1): 20})

    with scope(organization=world.organization):
        _, meeting = charting.aggregate_series(
            world.collaborative, world.mean, [world.team.pk, world.other_team.pk]
        )

    assert meeting[0]["meeting"] == 1


def test_the_aggregate_snapshot_keeps_the_share_meeting_goal(world):
    add_values(world.team, world.percentage, {month(1): (8, 10)})

    with scope(organization=world.organization):
        snapshot = charting.aggregate_for(
            world.collaborative, world.percentage, access(world, world.faculty)
        )

    assert snapshot.team_id is None
    assert snapshot.summary["meeting_goal"][0]["percent"] == 100.0


def _teams(world, count):
    with scopes_disabled():
        for index in range(count):
            team = TeamFactory(collaborative=world.collaborative, name=f"Clinic {index:02d}")
            add_values(team, world.percentage, {month(1): (index % 10, 10)})
            add_values(team, world.mean, {month(1): 10 + index})


def _board_queries(world, faculty_access):
    with scope(organization=world.organization):
        charting.snapshots_for_board(world.collaborative, faculty_access)  # computes the missing
        with CaptureQueriesContext(connection) as captured:
            board = charting.snapshots_for_board(world.collaborative, faculty_access)
    return len(captured), board


def test_the_board_runs_the_same_queries_for_2_and_50_teams(world):
    faculty = access(world, world.faculty)
    few, board = _board_queries(world, faculty)
    assert len(board.teams) == 2

    _teams(world, 48)
    many, board = _board_queries(world, faculty)

    assert len(board.teams) == 50
    assert many == few


def test_the_board_computes_the_missing_snapshots_in_a_fixed_number_of_queries(world):
    faculty = access(world, world.faculty)
    with scope(organization=world.organization), CaptureQueriesContext(connection) as few:
        charting.snapshots_for_board(world.collaborative, faculty)
    _teams(world, 8)  # 40 new snapshots: still one INSERT, even on SQLite
    with scopes_disabled():
        ChartSnapshot.objects.all().delete()
    with scope(organization=world.organization), CaptureQueriesContext(connection) as many:
        charting.snapshots_for_board(world.collaborative, faculty)

    assert len(many) == len(few)


def test_the_board_never_recomputes_a_current_snapshot(world, analyze_calls):
    add_values(world.team, world.percentage, {month(1): (4, 10)})
    faculty = access(world, world.faculty)
    with scope(organization=world.organization):
        charting.snapshots_for_board(world.collaborative, faculty)
        calls = len(analyze_calls)

        charting.snapshots_for_board(world.collaborative, faculty)

    assert calls > 0
    assert len(analyze_calls) == calls


def test_the_board_labels_other_teams_as_the_collaborative_shares_data(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    with scope(organization=world.organization):
        board = charting.snapshots_for_board(world.collaborative, access(world, world.lead))

    labels = {team.id: (team.label, team.named) for team in board.teams}
    assert labels == {
        world.team.pk: ("Riverside Clinic", True),
        world.other_team.pk: ("Team A", False),
    }


def test_the_board_leaves_other_teams_out_when_the_collaborative_shares_no_data(org_a):
    world = make_world(org_a, data_sharing="none")
    with scope(organization=world.organization):
        board = charting.snapshots_for_board(world.collaborative, access(world, world.lead))

    assert [team.id for team in board.teams] == [world.team.pk]


def test_the_board_has_no_teams_own_measures(world):
    with scope(organization=world.organization):
        board = charting.snapshots_for_board(world.collaborative, access(world, world.faculty))

    assert world.custom.pk not in [measure.pk for measure in board.measures]


def test_the_team_dashboard_has_the_teams_own_measures(world):
    with scope(organization=world.organization):
        measures = [measure for measure, _ in charting.snapshots_for_team(world.team)]

    assert world.custom in measures


def test_the_chart_context_has_phase_labels_and_learning_sessions(world):
    from tests.factories import LearningSessionFactory

    with scopes_disabled():
        LearningSessionFactory(
            collaborative=world.collaborative,
            organization=world.organization,
            number=1,
            title="Kick-off",
            start_date=month(2),
            end_date=month(2).replace(day=2),
        )
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 5)})
    with scope(organization=world.organization):
        charting.update_chart_settings(
            team=world.team,
            measure=world.percentage,
            actor=world.faculty,
            data={"phase_breaks": [{"month": "2026-03", "label": "New intake"}]},
            expected_version=0,
        )
        snapshot = charting.refresh_snapshot(world.team, world.percentage)

        ctx = charting.chart_context_for(world.team, world.percentage, snapshot)

    assert ctx.phase_labels == ["", "New intake"]
    assert ctx.sessions == [(month(2), month(2).replace(day=2), "Learning Session 1: Kick-off")]
    assert ctx.months[0] == month(1)
    assert ctx.goal == 70.0


def _cycle(world, title="Reminder texts"):
    from datetime import date

    from tests.factories import PDSACycleFactory

    with scopes_disabled():
        return PDSACycleFactory(
            team=world.team,
            title=title,
            status="doing",
            started_on=date(2026, 3, 10),
            measures=[world.percentage],
        )


def test_the_teams_pdsa_cycles_are_annotations_of_its_chart(world):
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 5)})
    _cycle(world)

    with scope(organization=world.organization):
        snapshot = charting.analysis_for(world.team, world.percentage)
        ctx = charting.chart_context_for(world.team, world.percentage, snapshot)

    assert [(item["title"], item["date"]) for item in ctx.annotations] == [
        ("Reminder texts", month(3).replace(day=10))
    ]
    assert "Reminder texts" in str(snapshot.figure)


def test_another_teams_viewer_gets_the_figure_without_its_pdsa_cycles(world):
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 5)})
    _cycle(world, title="Secret internal test")

    with scope(organization=world.organization):
        snapshot = charting.analysis_for(world.team, world.percentage)
        own = charting.figure_for(world.team, world.percentage, snapshot, access(world, world.lead))
        other = charting.figure_for(
            world.team, world.percentage, snapshot, access(world, world.other_member)
        )

    assert "Secret internal test" in str(own)
    assert "Secret internal test" not in str(other)
    assert other["data"]


def test_board_figures_are_small_multiples_of_one_measure_without_pdsa_cycles(world):
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 5)})
    add_values(world.other_team, world.percentage, {month(i): (5, 10) for i in range(1, 5)})
    _cycle(world, title="Secret internal test")
    with scope(organization=world.organization):
        board = charting.snapshots_for_board(world.collaborative, access(world, world.faculty))

        figures = charting.board_figures(board, world.percentage)

    assert set(figures) == {world.team.pk, world.other_team.pk}
    assert all(figure["data"] for figure in figures.values())
    assert "Secret internal test" not in str(figures)


def test_a_new_pdsa_cycle_changes_the_fingerprint(world):
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 5)})
    with scope(organization=world.organization):
        before = charting.analysis_for(world.team, world.percentage).fingerprint
    _cycle(world)

    with scope(organization=world.organization):
        after = charting.refresh_snapshot(world.team, world.percentage).fingerprint

    assert after != before


def test_another_teams_own_measure_has_no_analysis_for_this_team(world):
    with scope(organization=world.organization), pytest.raises(charting.DomainError):
        charting.analysis_for(world.other_team, world.custom)


def test_the_dashboards_chart_contexts_take_the_same_queries_for_1_and_5_measures(world):
    from tests.factories import MeasureFactory

    def queries() -> int:
        with scope(organization=world.organization):
            items = charting.snapshots_for_team(world.team)
            with CaptureQueriesContext(connection) as captured:
                contexts = charting.chart_contexts_for_team(world.team, items)
        assert set(contexts) == {measure.pk for measure, _ in items}
        return len(captured)

    few = queries()
    with scopes_disabled():
        for index in range(5):
            MeasureFactory(collaborative=world.collaborative, code=f"extra{index}", order=9)

    assert queries() == few


def test_another_teams_figure_hides_exclusion_reasons_when_teams_are_anonymized(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    add_values(world.team, world.percentage, {month(i): (i, 10) for i in range(1, 5)})
    with scope(organization=world.organization):
        charting.update_chart_settings(
            team=world.team,
            measure=world.percentage,
            actor=world.lead,
            data={"exclusions": [{"month": "2026-02", "reason": "Dr Jones on leave"}]},
            expected_version=0,
        )
        snapshot = charting.refresh_snapshot(world.team, world.percentage)
        own = charting.figure_for(world.team, world.percentage, snapshot, access(world, world.lead))
        other = charting.figure_for(
            world.team, world.percentage, snapshot, access(world, world.other_member)
        )
        board = charting.snapshots_for_board(world.collaborative, access(world, world.other_member))
        thumbnails = charting.board_figures(board, world.percentage)

    assert "Dr Jones" in str(own)
    assert "Dr Jones" not in str(other)
    assert "Dr Jones" not in str(thumbnails)
