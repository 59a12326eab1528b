"""Reads of pre-work: assignments, and where each team stands on each of them.

A team's status on an assignment is one of four, decided by ``status_of``:
done on time, done late (after the due date, in the organization's time
zone), not done yet (no due date, or it has not passed), or overdue.
Every read here costs a fixed number of queries, however many teams and
assignments there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, tzinfo

from django.db import models
from django.utils import timezone

from collaboratives.models import Assignment, AssignmentCompletion, Collaborative
from teams.models import Team, TeamStatus


class PreworkStatus(models.TextChoices):
    DONE = "done", "Done on time"
    LATE = "late", "Done late"
    MISSING = "missing", "Not done yet"
    OVERDUE = "overdue", "Overdue"


# Bootstrap colours per status; the words are always shown too (never colour alone).
STATUS_STYLE = {
    PreworkStatus.DONE: "success",
    PreworkStatus.LATE: "warning",
    PreworkStatus.MISSING: "secondary",
    PreworkStatus.OVERDUE: "danger",
}


def status_of(
    assignment: Assignment,
    completion: AssignmentCompletion | None,
    *,
    today: date,
    zone: tzinfo,
) -> PreworkStatus:
    if completion is not None:
        done_on = timezone.localtime(completion.completed_at, zone).date()
        if assignment.due_date is not None and done_on > assignment.due_date:
            return PreworkStatus.LATE
        return PreworkStatus.DONE
    if assignment.due_date is not None and today > assignment.due_date:
        return PreworkStatus.OVERDUE
    return PreworkStatus.MISSING


@dataclass
class Cell:
    """One team's standing on one assignment."""

    assignment: Assignment
    team: Team
    completion: AssignmentCompletion | None
    status: PreworkStatus

    @property
    def style(self) -> str:
        return STATUS_STYLE[self.status]

    @property
    def is_done(self) -> bool:
        return self.completion is not None


@dataclass
class GridRow:
    team: Team
    cells: list[Cell]

    @property
    def done_count(self) -> int:
        return sum(1 for cell in self.cells if cell.is_done)


@dataclass
class AssignmentSummary:
    assignment: Assignment
    done: int = 0
    late: int = 0
    overdue: int = 0
    missing: int = 0
    # One per team of the grid, in the grid's team order.
    cells: list[Cell] = field(default_factory=list)

    @property
    def team_count(self) -> int:
        return len(self.cells)

    @property
    def done_count(self) -> int:
        return self.done + self.late


@dataclass
class Grid:
    assignments: list[Assignment]
    rows: list[GridRow]
    summaries: list[AssignmentSummary]


def assignments_of(collaborative: Collaborative) -> list[Assignment]:
    return list(Assignment.objects.filter(collaborative=collaborative))


def teams_doing_prework(collaborative: Collaborative) -> list[Team]:
    """The teams pre-work is asked of: active ones (not applicants, not withdrawn)."""
    return list(Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE))


def _completions(
    collaborative: Collaborative, team_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], AssignmentCompletion]:
    completions = AssignmentCompletion.objects.filter(assignment__collaborative=collaborative)
    if team_ids is not None:
        completions = completions.filter(team_id__in=list(team_ids))
    return {(c.assignment_id, c.team_id): c for c in completions.order_by()}


def completion_grid(
    collaborative: Collaborative,
    *,
    zone: tzinfo,
    today: date | None = None,
    teams: list[Team] | None = None,
    assignments: list[Assignment] | None = None,
) -> Grid:
    """Team x assignment, with counts per assignment: three queries (teams, assignments,
    completions), fewer when the caller passes teams or assignments already loaded.

    ``zone`` is the organization's time zone: due dates are days there."""
    today = today or timezone.localdate(timezone=zone)
    if assignments is None:
        assignments = assignments_of(collaborative)
    if teams is None:
        teams = teams_doing_prework(collaborative)
    completions = _completions(collaborative, [team.pk for team in teams]) if teams else {}
    summaries = {assignment.pk: AssignmentSummary(assignment) for assignment in assignments}
    rows = []
    for team in teams:
        cells = []
        for assignment in assignments:
            completion = completions.get((assignment.pk, team.pk))
            status = status_of(assignment, completion, today=today, zone=zone)
            cell = Cell(assignment, team, completion, status)
            cells.append(cell)
            summary = summaries[assignment.pk]
            summary.cells.append(cell)
            setattr(summary, status.value, getattr(summary, status.value) + 1)
        rows.append(GridRow(team=team, cells=cells))
    return Grid(assignments=assignments, rows=rows, summaries=list(summaries.values()))


def completion_for(assignment: Assignment, team: Team) -> AssignmentCompletion | None:
    return AssignmentCompletion.objects.filter(assignment=assignment, team=team).first()
