"""Reads of PDSA cycles: trackers, ramps, the spread map and counts by change idea."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet

from collaboratives.models import ChangeIdea
from collaboratives.permissions import VIEW_ALL_TEAMS
from pdsa.models import CycleStatus, Decision, PDSACycle
from pdsa.permissions import viewable_cycle_team_ids

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess
    from teams.models import Team


# --- Change ideas -------------------------------------------------------------------


def ideas_in_package_order(collaborative: Collaborative) -> list[ChangeIdea]:
    """The collaborative's change ideas in the order of its driver diagram (one query)."""
    ideas = list(
        ChangeIdea.objects.filter(collaborative=collaborative).select_related(
            "driver", "driver__parent"
        )
    )

    def key(idea: ChangeIdea) -> tuple[int, ...]:
        driver = idea.driver
        primary = driver.parent or driver
        secondary = (0, 0) if driver.parent_id is None else (1, driver.order)
        return (primary.order, primary.pk, *secondary, driver.pk, idea.order, idea.pk)

    return sorted(ideas, key=key)


# --- Cycles ------------------------------------------------------------------------


def cycles_for_collaborative(collaborative: Collaborative) -> QuerySet[PDSACycle]:
    return (
        PDSACycle.objects.filter(collaborative=collaborative)
        .select_related("team", "change_idea", "builds_on", "created_by")
        .prefetch_related("measures")
    )


def cycles_visible_to(collaborative: Collaborative, access: CollaborativeAccess) -> QuerySet:
    """Every cycle the caller may read (see ``pdsa.permissions``)."""
    from teams.models import TeamStatus

    cycles = cycles_for_collaborative(collaborative)
    team_ids = viewable_cycle_team_ids(access)
    if team_ids is not None:
        return cycles.filter(team_id__in=team_ids)
    if not access.has(VIEW_ALL_TEAMS):
        cycles = cycles.filter(
            ~Q(team__status=TeamStatus.APPLICANT) | Q(team_id__in=access.team_ids)
        )
    return cycles


def parse_month(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        year, month = text.split("-")
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        return None


def filter_cycles(
    cycles: QuerySet[PDSACycle],
    *,
    idea: str | None = None,
    status: str | None = None,
    month: dt.date | None = None,
    measure: int | None = None,
) -> QuerySet[PDSACycle]:
    """Filters of the tracker and the API: ``idea`` is an id or "other"; ``month`` keeps
    cycles active in that month (started, planned or finished in it, or running across it)."""
    if idea == "other":
        cycles = cycles.filter(change_idea__isnull=True)
    elif idea:
        cycles = cycles.filter(change_idea_id=int(idea))
    if status:
        cycles = cycles.filter(status=status)
    if measure:
        cycles = cycles.filter(measures__id=measure)
    if month is not None:
        first = month
        last = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        began = Q(started_on__lte=last) | Q(started_on__isnull=True, planned_start__lte=last)
        not_ended = Q(finished_on__isnull=True) | Q(finished_on__gte=first)
        unscheduled = Q(
            started_on__isnull=True,
            planned_start__isnull=True,
            created_at__date__gte=first,
            created_at__date__lte=last,
        )
        cycles = cycles.filter((began & not_ended) | unscheduled)
    return cycles


def tracker_cycles(team: Team) -> QuerySet[PDSACycle]:
    return (
        PDSACycle.objects.filter(team=team)
        .select_related("change_idea", "builds_on")
        .prefetch_related("measures")
    )


def board_columns(cycles: Iterable[PDSACycle]) -> list[tuple[str, str, list[PDSACycle]]]:
    """``(status, label, cycles)`` for each column of the board, in stage order."""
    columns: dict[str, list[PDSACycle]] = {status: [] for status in CycleStatus.values}
    for cycle in cycles:
        columns[cycle.status].append(cycle)
    return [(status, CycleStatus(status).label, columns[status]) for status in CycleStatus.values]


def cycle_detail(collaborative: Collaborative, pk: int) -> PDSACycle | None:
    return (
        PDSACycle.objects.filter(collaborative=collaborative, pk=pk)
        .select_related("team", "change_idea", "builds_on", "created_by", "updated_by")
        .prefetch_related(
            "measures",
            "attachments",
            Prefetch("next_cycles", queryset=PDSACycle.objects.order_by("created_at", "id")),
        )
        .first()
    )


# --- Ramps -------------------------------------------------------------------------


@dataclass
class RampStep:
    cycle: PDSACycle
    depth: int
    number: int


def _order_key(cycle: PDSACycle) -> tuple[Any, ...]:
    return (cycle.started_on or cycle.planned_start or cycle.created_at.date(), cycle.pk)


def _walk(roots: list[PDSACycle], children: dict[int, list[PDSACycle]]) -> list[RampStep]:
    steps: list[RampStep] = []
    seen: set[int] = set()

    def visit(cycle: PDSACycle, depth: int) -> None:
        if cycle.pk in seen:
            return
        seen.add(cycle.pk)
        steps.append(RampStep(cycle=cycle, depth=depth, number=len(steps) + 1))
        for child in sorted(children.get(cycle.pk, []), key=_order_key):
            visit(child, depth + 1)

    for root in sorted(roots, key=_order_key):
        visit(root, 0)
    return steps


def _team_cycles(team_id: int) -> list[PDSACycle]:
    return list(
        PDSACycle.objects.filter(team_id=team_id)
        .select_related("change_idea")
        .prefetch_related("measures")
    )


def ramp_for_cycle(cycle: PDSACycle) -> list[RampStep]:
    """The whole ramp ``cycle`` is part of: from its first cycle through every cycle built
    on it, in order, each with its depth (two queries: the team's cycles and measures)."""
    cycles = {c.pk: c for c in _team_cycles(cycle.team_id)}
    root = cycles.get(cycle.pk, cycle)
    seen = {root.pk}
    while root.builds_on_id and root.builds_on_id in cycles and root.builds_on_id not in seen:
        root = cycles[root.builds_on_id]
        seen.add(root.pk)
    children: dict[int, list[PDSACycle]] = {}
    for item in cycles.values():
        if item.builds_on_id:
            children.setdefault(item.builds_on_id, []).append(item)
    return _walk([root], children)


def ramps_for_idea(team: Team, idea: ChangeIdea | None) -> list[list[RampStep]]:
    """Every ramp of ``team`` toward ``idea`` (None: the "other" tests), oldest first.

    A cycle whose earlier cycle tests another idea starts a ramp of its own here.
    """
    cycles = [c for c in _team_cycles(team.pk) if (c.change_idea_id == (idea.pk if idea else None))]
    ids = {c.pk for c in cycles}
    children: dict[int, list[PDSACycle]] = {}
    roots = []
    for cycle in cycles:
        if cycle.builds_on_id in ids:
            children.setdefault(cycle.builds_on_id, []).append(cycle)
        else:
            roots.append(cycle)
    return [_walk([root], children) for root in sorted(roots, key=_order_key)]


# --- Spread map --------------------------------------------------------------------

TESTING = "testing"
ADOPTED = "adopted"
ABANDONED = "abandoned"
STAGE_LABELS = {TESTING: "Testing", ADOPTED: "Adopted", ABANDONED: "Abandoned", "": ""}


@dataclass(frozen=True)
class Cell:
    count: int = 0
    stage: str = ""
    cycle_ids: tuple[int, ...] = ()

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]


EMPTY_CELL = Cell()


def stage_of(rows: list[tuple[str, str]]) -> str:
    """Where a team stands on an idea from its cycles' ``(status, decision)``.

    Adopted once any cycle adopted it; testing while a cycle is open or the last
    decision was to adapt; abandoned when every cycle ended and none goes on.
    """
    if not rows:
        return ""
    if any(decision == Decision.ADOPT for _status, decision in rows):
        return ADOPTED
    if any(status != CycleStatus.DONE or decision != Decision.ABANDON for status, decision in rows):
        return TESTING
    return ABANDONED


@dataclass
class SpreadMap:
    ideas: list[ChangeIdea]
    # (team id, label as the caller sees it)
    teams: list[tuple[int, str]]
    cells: dict[tuple[int | None, int], Cell] = field(default_factory=dict)

    def cell(self, idea_id: int | None, team_id: int) -> Cell:
        return self.cells.get((idea_id, team_id), EMPTY_CELL)

    def rows(self) -> list[tuple[ChangeIdea, list[tuple[int, Cell]], int]]:
        """Per idea: the cell of each team, and how many teams adopted it."""
        result = []
        for idea in self.ideas:
            cells = [(team_id, self.cell(idea.pk, team_id)) for team_id, _label in self.teams]
            adopted = sum(1 for _team_id, cell in cells if cell.stage == ADOPTED)
            result.append((idea, cells, adopted))
        return result

    def other_cells(self) -> list[tuple[int, Cell]]:
        return [(team_id, self.cell(None, team_id)) for team_id, _label in self.teams]

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self.cells.values())


def spread_map(collaborative: Collaborative, access: CollaborativeAccess) -> SpreadMap:
    """The change idea x team matrix the caller may see (three queries, whatever the size):
    team labels per the data-sharing rule, the ideas in package order, the cycles."""
    from measures.services.transfer import export_team_labels

    labels = export_team_labels(collaborative, access)
    if viewable_cycle_team_ids(access) is not None:
        labels = {pk: label for pk, label in labels.items() if pk in access.team_ids}
    ideas = ideas_in_package_order(collaborative)
    teams = sorted(labels.items(), key=lambda item: (item[1].casefold(), item[0]))
    rows = (
        PDSACycle.objects.filter(collaborative=collaborative, team_id__in=list(labels))
        .order_by("created_at", "id")
        .values_list("change_idea_id", "team_id", "id", "status", "decision")
    )
    grouped: dict[tuple[int | None, int], list[tuple[int, str, str]]] = {}
    for idea_id, team_id, cycle_id, status, decision in rows:
        grouped.setdefault((idea_id, team_id), []).append((cycle_id, status, decision))
    cells = {
        key: Cell(
            count=len(items),
            stage=stage_of([(status, decision) for _pk, status, decision in items]),
            cycle_ids=tuple(pk for pk, _s, _d in items),
        )
        for key, items in grouped.items()
    }
    return SpreadMap(ideas=ideas, teams=teams, cells=cells)


def cycle_counts_by_idea(collaborative: Collaborative) -> dict[int | None, int]:
    """How many cycles the collaborative's teams ran on each change idea (None: "other")."""
    rows = (
        PDSACycle.objects.filter(collaborative=collaborative)
        .order_by()
        .values("change_idea_id")
        .annotate(count=Count("id"))
    )
    return {row["change_idea_id"]: row["count"] for row in rows}
