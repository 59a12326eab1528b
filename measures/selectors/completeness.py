"""Completeness of monthly reports: a team x month grid, its rates, and who to chase.

Everything is worked out from three queries whatever the number of teams: the
collaborative's active teams, its reports (each with the time of its first
"submitted" event, as an aggregate on the same query), and, for the chase
list, the roster members who lead each team.

A cell's status:

- ``accepted``: faculty accepted the report;
- ``returned``: faculty returned it for revision;
- ``on_time`` / ``late``: submitted (waiting for review) before / after the
  deadline of ``measures.deadlines.deadline``;
- ``missing``: not submitted and the deadline has passed;
- ``not_due``: not submitted and the deadline is still ahead.

A report was handed in when it was first submitted (its first ``submitted``
event, or ``submitted_at`` for a report without events); an accepted or
returned report keeps whether that was on time (``submitted_on_time``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import quote

from django.db.models import Min, Q
from django.utils import timezone

from collaboratives.models import Collaborative
from measures import deadlines
from measures.models import MonthlyReport, ReportEvent, ReportStatus
from teams.models import Team, TeamMemberRole, TeamStatus
from teams.roles import TeamRole


class CellStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    NOT_DUE = "not_due"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS[self]


STATUS_LABELS = {
    CellStatus.ON_TIME: "Submitted on time",
    CellStatus.LATE: "Submitted late",
    CellStatus.MISSING: "Missing",
    CellStatus.RETURNED: "Returned for revision",
    CellStatus.ACCEPTED: "Accepted",
    CellStatus.NOT_DUE: "Not yet due",
}
# Text symbols, so the grid does not rely on colour alone.
STATUS_SYMBOLS = {
    CellStatus.ON_TIME: "✓",
    CellStatus.LATE: "L",
    CellStatus.MISSING: "✗",
    CellStatus.RETURNED: "↩",
    CellStatus.ACCEPTED: "★",
    CellStatus.NOT_DUE: "·",
}
# Statuses a staff member follows up: nothing handed in, or handed back to the team.
OUTSTANDING = frozenset({CellStatus.MISSING, CellStatus.RETURNED})


@dataclass(frozen=True)
class Cell:
    month: dt.date
    status: CellStatus
    deadline: dt.datetime
    report_id: int | None = None
    submitted_at: dt.datetime | None = None

    @property
    def is_due(self) -> bool:
        """Counted in the rates: its deadline passed, or it was handed in early."""
        return self.status != CellStatus.NOT_DUE

    @property
    def handed_in(self) -> bool:
        return self.submitted_at is not None

    @property
    def submitted_on_time(self) -> bool:
        return self.submitted_at is not None and self.submitted_at < self.deadline

    @property
    def was_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at >= self.deadline


@dataclass(frozen=True)
class Rates:
    due: int
    handed_in: int
    on_time: int

    @property
    def reporting_rate(self) -> float | None:
        """Share of due reports handed in, 0-100; None when nothing is due yet."""
        return round(100 * self.handed_in / self.due, 1) if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.due, 1) if self.due else None


def rates_of(cells: list[Cell]) -> Rates:
    due = [cell for cell in cells if cell.is_due]
    return Rates(
        due=len(due),
        handed_in=sum(1 for cell in due if cell.handed_in),
        on_time=sum(1 for cell in due if cell.submitted_on_time),
    )


@dataclass(frozen=True)
class TeamRow:
    team: Team
    cells: list[Cell]
    rates: Rates


@dataclass(frozen=True)
class MonthColumn:
    month: dt.date
    deadline: dt.datetime
    rates: Rates

    @property
    def due_date(self) -> dt.date:
        """The day people are told; the deadline is the local midnight after it."""
        return (self.deadline - dt.timedelta(days=1)).date()


@dataclass(frozen=True)
class Grid:
    months: list[MonthColumn]
    rows: list[TeamRow]
    rates: Rates
    at: dt.datetime


def grid_months(
    collaborative: Collaborative,
    *,
    at: dt.datetime,
    time_zone: str,
    month_from: dt.date | None = None,
    month_to: dt.date | None = None,
) -> list[dt.date]:
    """From the collaborative's start to the current month (or its end, if earlier)."""
    today = timezone.localtime(at, timezone=_zone(time_zone)).date()
    last = min(deadlines.first_of_month(today), deadlines.first_of_month(collaborative.end_date))
    months = deadlines.report_months(collaborative.start_date, last)
    if month_from is not None:
        months = [month for month in months if month >= deadlines.first_of_month(month_from)]
    if month_to is not None:
        months = [month for month in months if month <= deadlines.first_of_month(month_to)]
    return months


def _zone(time_zone: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(time_zone)


def cell_status(
    *, report_status: str | None, submitted_at: dt.datetime | None, deadline: dt.datetime, at
) -> CellStatus:
    if report_status == ReportStatus.ACCEPTED:
        return CellStatus.ACCEPTED
    if report_status == ReportStatus.RETURNED:
        return CellStatus.RETURNED
    if report_status == ReportStatus.SUBMITTED:
        if submitted_at is not None and submitted_at >= deadline:
            return CellStatus.LATE
        return CellStatus.ON_TIME
    return CellStatus.MISSING if at >= deadline else CellStatus.NOT_DUE


def completeness_grid(
    collaborative: Collaborative,
    *,
    time_zone: str,
    at: dt.datetime | None = None,
    month_from: dt.date | None = None,
    month_to: dt.date | None = None,
) -> Grid:
    """The grid of the collaborative's active teams: two queries (teams, reports)."""
    at = at or timezone.now()
    months = grid_months(
        collaborative, at=at, time_zone=time_zone, month_from=month_from, month_to=month_to
    )
    due_day = collaborative.report_due_day
    month_deadlines = {month: deadlines.deadline(month, due_day, time_zone) for month in months}
    teams = list(
        Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE).order_by(
            "name", "id"
        )
    )
    reports: dict[tuple[int, dt.date], tuple[int, str, dt.datetime | None]] = {}
    if months and teams:
        rows = (
            MonthlyReport.objects.filter(
                collaborative=collaborative, month__gte=months[0], month__lte=months[-1]
            )
            .annotate(
                first_submitted=Min(
                    "events__created_at", filter=Q(events__kind=ReportEvent.Kind.SUBMITTED)
                )
            )
            .order_by()
            .values_list("id", "team_id", "month", "status", "submitted_at", "first_submitted")
        )
        for report_id, team_id, month, status, submitted_at, first_submitted in rows:
            reports[(team_id, month)] = (report_id, status, first_submitted or submitted_at)

    team_rows = []
    by_month: dict[dt.date, list[Cell]] = {month: [] for month in months}
    for team in teams:
        cells = []
        for month in months:
            report_id, status, submitted_at = reports.get((team.pk, month), (None, None, None))
            if status in (None, ReportStatus.NOT_STARTED, ReportStatus.DRAFT):
                # A draft reopened after submitting still counts as not handed in.
                submitted_at = None
            deadline = month_deadlines[month]
            cell = Cell(
                month=month,
                status=cell_status(
                    report_status=status, submitted_at=submitted_at, deadline=deadline, at=at
                ),
                deadline=deadline,
                report_id=report_id,
                submitted_at=submitted_at,
            )
            cells.append(cell)
            by_month[month].append(cell)
        team_rows.append(TeamRow(team=team, cells=cells, rates=rates_of(cells)))
    columns = [
        MonthColumn(month=month, deadline=month_deadlines[month], rates=rates_of(by_month[month]))
        for month in months
    ]
    every_cell = [cell for row in team_rows for cell in row.cells]
    return Grid(months=columns, rows=team_rows, rates=rates_of(every_cell), at=at)


# --- Who to chase ------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    role: str
    role_label: str
    name: str
    email: str
    phone: str


@dataclass
class ChaseEntry:
    team: Team
    missing: list[dt.date] = field(default_factory=list)
    returned: list[dt.date] = field(default_factory=list)
    late: list[dt.date] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    days_overdue: int = 0

    @property
    def outstanding(self) -> list[dt.date]:
        return sorted(self.missing + self.returned)

    @property
    def outstanding_count(self) -> int:
        return len(self.missing) + len(self.returned)

    def mailto(self, collaborative: Collaborative) -> str:
        emails = [contact.email for contact in self.contacts if contact.email]
        months = ", ".join(f"{month:%B %Y}" for month in self.outstanding)
        subject = f"{collaborative.name}: monthly report for {months}"
        return f"mailto:{','.join(emails)}?subject={quote(subject)}"


LEAD_ORDER = (TeamRole.SENIOR_LEADER, TeamRole.DAY_TO_DAY_LEADER)


def chase_list(grid: Grid) -> list[ChaseEntry]:
    """Teams with reports missing, returned or handed in late for months past their deadline.

    Most overdue first: most outstanding reports, then the oldest outstanding
    deadline, then most late ones. One query for the leads' contacts.
    """
    entries: list[ChaseEntry] = []
    for row in grid.rows:
        entry = ChaseEntry(team=row.team)
        oldest: dt.datetime | None = None
        for cell in row.cells:
            if cell.deadline > grid.at:
                continue
            if cell.status == CellStatus.MISSING:
                entry.missing.append(cell.month)
            elif cell.status == CellStatus.RETURNED:
                entry.returned.append(cell.month)
            elif cell.was_late:
                entry.late.append(cell.month)
            else:
                continue
            if cell.status in OUTSTANDING and oldest is None:
                oldest = cell.deadline
        if entry.missing or entry.returned or entry.late:
            if oldest is not None:
                entry.days_overdue = (grid.at - oldest).days
            entries.append(entry)
    if entries:
        _attach_contacts(entries)
    entries.sort(
        key=lambda entry: (
            -entry.outstanding_count,
            -entry.days_overdue,
            -len(entry.late),
            entry.team.name,
        )
    )
    return entries


def _attach_contacts(entries: list[ChaseEntry]) -> None:
    by_team = {entry.team.pk: entry for entry in entries}
    roles = (
        TeamMemberRole.objects.filter(member__team_id__in=list(by_team), role__in=LEAD_ORDER)
        .select_related("member")
        .order_by("member__full_name", "member_id")
    )
    for role in sorted(roles, key=lambda role: LEAD_ORDER.index(role.role)):
        member = role.member
        by_team[member.team_id].contacts.append(
            Contact(
                role=role.role,
                role_label=TeamRole(role.role).label,
                name=member.full_name,
                email=member.email,
                phone=member.phone,
            )
        )
