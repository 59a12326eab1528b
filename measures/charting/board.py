"""The review board and the team dashboard: many kept snapshots at once.

``snapshots_for_board`` gives every team x measure the caller may see, labelled as
the collaborative shares data, in a fixed number of queries, never recomputing a
snapshot that exists; ``snapshots_for_team`` every measure a team reports;
``board_figures`` the small multiples of one measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from measures.chart_permissions import sees_all_teams
from measures.charting.contexts import (
    _chart_context,
    _charts_module,
    _Context,
    _hide_reasons,
    _series_from_snapshot,
    _sessions,
)
from measures.charting.snapshots import compute_snapshots
from measures.models import ChartSettings, ChartSnapshot, Measure

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess
    from teams.models import Team


@dataclass
class BoardTeam:
    id: int
    label: str
    named: bool  # the caller sees the team's real name (its own, faculty, named sharing)
    full: bool  # the caller sees the team's details (annotations, its own measures)


@dataclass
class Board:
    """Every team x collaborative measure the caller may see, with its snapshot."""

    collaborative: Collaborative
    teams: list[BoardTeam]
    measures: list[Measure]
    snapshots: dict[tuple[int, int], ChartSnapshot]

    def cell(self, team_id: int, measure_id: int) -> ChartSnapshot | None:
        return self.snapshots.get((team_id, measure_id))

    def rows(self) -> list[tuple[BoardTeam, list[ChartSnapshot | None]]]:
        return [
            (team, [self.cell(team.id, measure.pk) for measure in self.measures])
            for team in self.teams
        ]

    def team_rank(self, team_id: int) -> int:
        """The team's strongest signal (for sorting by signal)."""
        ranks = [
            (snapshot.summary or {}).get("signal_rank", 0)
            for measure in self.measures
            if (snapshot := self.cell(team_id, measure.pk)) is not None
        ]
        return max(ranks, default=0)


def board_measures(collaborative: Collaborative) -> list[Measure]:
    return list(
        Measure.objects.filter(
            collaborative=collaborative, team__isnull=True, archived_at__isnull=True
        ).order_by("order", "id")
    )


def snapshots_for_board(
    collaborative: Collaborative,
    access: CollaborativeAccess,
    *,
    measures: list[Measure] | None = None,
) -> Board:
    """The board in a fixed number of queries, whatever the number of teams or measures.

    Existing snapshots are read as they are (a stale one's refresh is already queued);
    missing ones are computed together and saved.
    """
    from collaboratives.models.core import DataSharing
    from measures.services.transfer import export_team_labels

    labels = export_team_labels(collaborative, access)
    if measures is None:
        measures = board_measures(collaborative)
    measures = [measure for measure in measures if measure.team_id is None]
    team_ids = list(labels)
    all_teams = sees_all_teams(access)
    named_sharing = collaborative.data_sharing == DataSharing.NAMED
    teams = [
        BoardTeam(
            id=pk,
            label=label,
            named=all_teams or named_sharing or pk in access.team_ids,
            full=all_teams or pk in access.team_ids,
        )
        for pk, label in labels.items()
    ]
    teams.sort(key=lambda team: team.label.lower())
    snapshots = {
        (snapshot.team_id, snapshot.measure_id): snapshot
        for snapshot in ChartSnapshot.objects.filter(
            measure__in=measures, team_id__in=team_ids
        ).defer("figure")
    }
    missing = [
        (team_id, measure)
        for team_id in team_ids
        for measure in measures
        if (team_id, measure.pk) not in snapshots
    ]
    if missing:
        computed = compute_snapshots(
            collaborative,
            sorted({team_id for team_id, _ in missing}),
            [m for m in measures if any(m.pk == mm.pk for _, mm in missing)],
            only_missing=True,
        )
        for key, snapshot in computed.items():
            snapshots.setdefault(key, snapshot)
    return Board(collaborative=collaborative, teams=teams, measures=measures, snapshots=snapshots)


def snapshots_for_team(team: Team) -> list[tuple[Measure, ChartSnapshot]]:
    """Every measure the team reports (the collaborative's and its own) with its snapshot,
    in a fixed number of queries; missing snapshots are computed together."""
    from measures.selectors.reports import measures_for_team

    measures = list(measures_for_team(team))
    snapshots = {
        snapshot.measure_id: snapshot
        for snapshot in ChartSnapshot.objects.filter(team=team, measure__in=measures)
    }
    if any(measure.pk not in snapshots for measure in measures):
        computed = compute_snapshots(team.collaborative, [team.pk], measures, only_missing=True)
        for (_, measure_id), snapshot in computed.items():
            snapshots.setdefault(measure_id, snapshot)
    return [(measure, snapshots[measure.pk]) for measure in measures]


def board_figures(
    board: Board, measure: Measure, *, compact: bool = True
) -> dict[int, dict[str, Any]]:
    """Team id -> the figure of each team's series of ``measure`` on the board (small
    multiples), rebuilt from the kept analyses without PDSA cycles (an anonymized team's
    also without its reasons for excluded months): three queries."""
    charts = _charts_module()
    context = _Context(sessions=_sessions(board.collaborative), annotations={})
    settings = {
        item.team_id: item
        for item in ChartSettings.objects.filter(
            measure=measure, team_id__in=[team.id for team in board.teams]
        )
    }
    figures: dict[int, dict[str, Any]] = {}
    for team in board.teams:
        snapshot = board.cell(team.id, measure.pk)
        if snapshot is None or not (snapshot.analysis or {}).get("points"):
            figures[team.id] = {}
            continue
        series = _series_from_snapshot(team.id, measure, snapshot, settings.get(team.id))
        if not team.named:
            _hide_reasons(series)
        ctx = _chart_context(series, measure, context, compact=compact, with_annotations=False)
        figures[team.id] = charts.build_figure(snapshot.analysis, ctx)
    return figures
