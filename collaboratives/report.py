"""The collaborative report: the "toolkit" a collaborative leaves behind, on one page.

``collaborative_report`` gathers what the printable page and its PDF show: the
aim and its goals, the change package (primary drivers, secondary drivers,
change ideas) with the spread map of which teams tested and adopted which idea,
the PDSA cycle count per idea, each team's latest faculty score and the share
of teams at 4 or more. A fixed number of queries whatever the number of teams,
ideas or cycles. Teams are labelled per the collaborative's data-sharing rule
for the caller (faculty and staff, who may open the report, see names).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from collaboratives.models import AimGoal, ChangeIdea, Driver

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess
    from pdsa.selectors import SpreadMap
    from teams.selectors.assessments import LatestScore, MonthShare


@dataclass
class IdeaRow:
    idea: ChangeIdea
    cycles: int
    # (team label, stage label, cycle count) of every team that ran a cycle on it
    teams: list[tuple[str, str, int]]
    adopted: int


@dataclass
class DriverNode:
    driver: Driver
    ideas: list[IdeaRow] = field(default_factory=list)
    children: list[DriverNode] = field(default_factory=list)


@dataclass
class CollaborativeReport:
    collaborative: Collaborative
    generated_at: dt.datetime
    goals: list[AimGoal]
    drivers: list[DriverNode]
    ideas: list[IdeaRow]
    other_cycles: int
    spread_map: SpreadMap
    team_labels: list[str]
    latest_scores: list[LatestScore]
    shares: list[MonthShare]
    headline: MonthShare | None
    total_cycles: int

    @property
    def adopted_ideas(self) -> int:
        return sum(1 for row in self.ideas if row.adopted)


def collaborative_report(
    collaborative: Collaborative, access: CollaborativeAccess
) -> CollaborativeReport:
    """Everything the report shows (nine queries, whatever the collaborative's size)."""
    from pdsa.selectors import cycle_counts_by_idea, spread_map
    from teams.selectors.assessments import latest_faculty_scores, progress_overview

    goals = list(AimGoal.objects.filter(collaborative=collaborative))
    drivers = list(Driver.objects.filter(collaborative=collaborative))
    matrix = spread_map(collaborative, access)
    counts = cycle_counts_by_idea(collaborative)
    labels = dict(matrix.teams)
    rows: dict[int, IdeaRow] = {}
    for idea, cells, adopted in matrix.rows():
        rows[idea.pk] = IdeaRow(
            idea=idea,
            cycles=counts.get(idea.pk, 0),
            teams=[
                (labels[team_id], cell.stage_label, cell.count)
                for team_id, cell in cells
                if cell.count
            ],
            adopted=adopted,
        )
    nodes = {driver.pk: DriverNode(driver) for driver in drivers}
    roots: list[DriverNode] = []
    for driver in drivers:
        node = nodes[driver.pk]
        parent = nodes.get(driver.parent_id) if driver.parent_id else None
        (parent.children if parent else roots).append(node)
    for row in rows.values():
        node = nodes.get(row.idea.driver_id)
        if node is not None:
            node.ideas.append(row)
    overview = progress_overview(collaborative, access)
    scored = [share for share in overview.shares if share.scored]
    return CollaborativeReport(
        collaborative=collaborative,
        generated_at=timezone.now(),
        goals=goals,
        drivers=roots,
        ideas=list(rows.values()),
        other_cycles=counts.get(None, 0),
        spread_map=matrix,
        team_labels=[label for _pk, label in matrix.teams],
        latest_scores=latest_faculty_scores(overview),
        shares=scored,
        headline=scored[-1] if scored else None,
        total_cycles=sum(counts.values()),
    )
