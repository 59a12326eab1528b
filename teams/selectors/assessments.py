"""Reads of progress assessments: the scale, a team's months, the faculty scoring sheet,
the collaborative's overview (scores over time, this month's distribution, "percent 4's")
and the change history.

Every function runs a fixed number of queries, whatever the number of teams:
the pages built on them are asserted to (tests/teams/test_assessments_queries.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from bsc.audit import AuditEntry
from teams.assessment_permissions import can_see_assessment, can_see_faculty_drafts
from teams.models import (
    AssessmentKind,
    AssessmentScaleLevel,
    ProgressAssessment,
    Team,
    TeamStatus,
)
from teams.models.assessments import DEFAULT_SCALE, HEADLINE_SCORE

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess


# --- Months -----------------------------------------------------------------------


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def parse_month(text: str | None) -> dt.date | None:
    """``"2026-03"`` -> 1 March 2026; None for anything else."""
    if not text or not isinstance(text, str):
        return None
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def assessment_months(collaborative: Collaborative, today: dt.date | None = None) -> list[dt.date]:
    """The months a team can be scored for: the collaborative's run, up to this month."""
    today = today or timezone.localdate()
    last = min(first_of_month(collaborative.end_date), first_of_month(today))
    months = []
    month = first_of_month(collaborative.start_date)
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def is_assessment_month(
    collaborative: Collaborative, month: dt.date, today: dt.date | None = None
) -> bool:
    return month.day == 1 and month in assessment_months(collaborative, today)


def default_month(collaborative: Collaborative, today: dt.date | None = None) -> dt.date:
    """This month while the collaborative runs; its first or last month before or after."""
    months = assessment_months(collaborative, today)
    return months[-1] if months else first_of_month(collaborative.start_date)


# --- The scale --------------------------------------------------------------------


def scale_levels(collaborative: Collaborative) -> list[AssessmentScaleLevel]:
    """The collaborative's levels, lowest first (one query).

    A collaborative whose staff never reworded the scale has no rows yet: it
    gets the IHI wording as unsaved levels, saved on the first edit.
    """
    levels = list(AssessmentScaleLevel.objects.filter(collaborative=collaborative))
    if levels:
        return levels
    return [
        AssessmentScaleLevel(
            organization_id=collaborative.organization_id,
            collaborative=collaborative,
            score=score,
            label=label,
            description=description,
        )
        for score, label, description in DEFAULT_SCALE
    ]


def score_text(score: Decimal | None) -> str:
    """``Decimal("4.0")`` -> "4", ``Decimal("3.5")`` -> "3.5"."""
    if score is None:
        return ""
    return f"{score.normalize():f}"


def score_choices(levels: list[AssessmentScaleLevel]) -> list[tuple[str, str]]:
    return [(str(level.score), f"{score_text(level.score)} · {level.label}") for level in levels]


# --- Visibility -------------------------------------------------------------------


def visible_assessments(collaborative: Collaborative, access: CollaborativeAccess):
    """Scores the caller may see: faculty everything; others their teams' self-scores and the
    faculty scores shared with the team (of the teams they may see)."""
    assessments = ProgressAssessment.objects.filter(collaborative=collaborative)
    if not can_see_faculty_drafts(access):
        assessments = assessments.exclude(kind=AssessmentKind.FACULTY, shared_with_team=False)
    team_ids = access.viewable_team_ids()
    if team_ids is not None:
        assessments = assessments.filter(team_id__in=team_ids)
    return assessments


# --- One team's months ------------------------------------------------------------


@dataclass
class MonthRow:
    month: dt.date
    faculty: ProgressAssessment | None = None
    self_score: ProgressAssessment | None = None

    @property
    def gap(self) -> Decimal | None:
        """Self-score minus faculty score: positive when the team rates itself higher."""
        if self.faculty is None or self.self_score is None:
            return None
        return self.self_score.score - self.faculty.score


def team_months(team: Team, access: CollaborativeAccess) -> list[MonthRow]:
    """Every month of the run up to now, newest first, with the scores the caller may see."""
    collaborative = team.collaborative
    rows = {month: MonthRow(month) for month in assessment_months(collaborative)}
    assessments = (
        visible_assessments(collaborative, access).filter(team=team).select_related("assessed_by")
    )
    for assessment in assessments:
        assessment.team = team
        row = rows.setdefault(assessment.month, MonthRow(assessment.month))
        if assessment.kind == AssessmentKind.FACULTY:
            row.faculty = assessment
        else:
            row.self_score = assessment
    return sorted(rows.values(), key=lambda row: row.month, reverse=True)


# --- The faculty scoring sheet ----------------------------------------------------


@dataclass
class SheetRow:
    team: Team
    faculty: ProgressAssessment | None
    self_score: ProgressAssessment | None
    previous: ProgressAssessment | None


def scoring_sheet(collaborative: Collaborative, month: dt.date) -> list[SheetRow]:
    """Every active team with its faculty and self score for ``month`` and its previous
    faculty score (three queries)."""
    teams = list(Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE))
    current: dict[tuple[int, str], ProgressAssessment] = {}
    for assessment in ProgressAssessment.objects.filter(
        collaborative=collaborative, month=month
    ).select_related("assessed_by"):
        current[(assessment.team_id, assessment.kind)] = assessment
    previous: dict[int, ProgressAssessment] = {}
    earlier = ProgressAssessment.objects.filter(
        collaborative=collaborative, kind=AssessmentKind.FACULTY, month__lt=month
    ).order_by("team_id", "-month")
    for assessment in earlier.only("id", "team_id", "month", "score", "kind"):
        previous.setdefault(assessment.team_id, assessment)
    rows = []
    for team in teams:
        team.collaborative = collaborative
        rows.append(
            SheetRow(
                team=team,
                faculty=current.get((team.pk, AssessmentKind.FACULTY)),
                self_score=current.get((team.pk, AssessmentKind.SELF)),
                previous=previous.get(team.pk),
            )
        )
    return rows


# --- The collaborative's overview -------------------------------------------------


@dataclass
class Cell:
    faculty: Decimal | None = None
    self_score: Decimal | None = None
    # A faculty score not shared with the team yet (only faculty and staff see these).
    faculty_draft: bool = False


@dataclass
class TeamSeries:
    team_id: int
    label: str
    cells: list[Cell]
    is_own: bool = False

    @property
    def latest_faculty(self) -> tuple[int, Decimal] | None:
        for index in range(len(self.cells) - 1, -1, -1):
            if self.cells[index].faculty is not None:
                return index, self.cells[index].faculty
        return None


@dataclass
class MonthShare:
    month: dt.date
    scored: int
    at_headline: int

    @property
    def percent(self) -> int | None:
        if not self.scored:
            return None
        return round(100 * self.at_headline / self.scored)


@dataclass
class Overview:
    months: list[dt.date]
    teams: list[TeamSeries]
    levels: list[AssessmentScaleLevel]
    month: dt.date
    # score -> number of teams whose faculty score in ``month`` is that score
    distribution: list[tuple[AssessmentScaleLevel, int]]
    shares: list[MonthShare]
    shows_drafts: bool
    headline: Decimal = HEADLINE_SCORE
    unscored: int = 0
    labels: dict[int, str] = field(default_factory=dict)

    @property
    def scored_this_month(self) -> int:
        return sum(count for _level, count in self.distribution)

    @property
    def max_count(self) -> int:
        return max((count for _level, count in self.distribution), default=0)

    def chart_data(self) -> dict:
        """What static/js/assessments.js draws: share at 4+ over time and each team's line."""
        return {
            "months": [f"{month:%Y-%m}" for month in self.months],
            "share": [share.percent for share in self.shares],
            "teams": [
                {
                    "label": series.label,
                    "faculty": [
                        float(cell.faculty) if cell.faculty is not None else None
                        for cell in series.cells
                    ],
                    "self": [
                        float(cell.self_score) if cell.self_score is not None else None
                        for cell in series.cells
                    ],
                }
                for series in self.teams
            ],
        }


def progress_overview(
    collaborative: Collaborative,
    access: CollaborativeAccess,
    *,
    month: dt.date | None = None,
    today: dt.date | None = None,
) -> Overview:
    """Each team's faculty and self score per month, the distribution of ``month``'s faculty
    scores and the share of teams at 4 or more per month (three queries).

    Teams appear under the names the collaborative's data-sharing rule gives the
    caller (``export_team_labels``): faculty see names; a team's members see their own
    team's name and the others named, as "Team C" or not at all. Only faculty see
    faculty drafts not yet shared with the team.
    """
    from measures.services.transfer import export_team_labels

    labels = export_team_labels(collaborative, access)
    months = assessment_months(collaborative, today)
    assessments = ProgressAssessment.objects.filter(
        collaborative=collaborative, team_id__in=list(labels)
    ).values_list("team_id", "month", "kind", "score", "shared_with_team")
    shows_drafts = can_see_faculty_drafts(access)
    by_team: dict[int, dict[dt.date, Cell]] = {pk: {} for pk in labels}
    for team_id, when, kind, score, shared in assessments:
        if kind == AssessmentKind.FACULTY and not shared and not shows_drafts:
            continue
        cell = by_team[team_id].setdefault(when, Cell())
        if kind == AssessmentKind.FACULTY:
            cell.faculty = score
            cell.faculty_draft = not shared
        else:
            cell.self_score = score
    extra = sorted({when for cells in by_team.values() for when in cells} - set(months))
    months = sorted(set(months) | set(extra))
    month = month or _latest_scored_month(by_team) or default_month(collaborative, today)
    teams = [
        TeamSeries(
            team_id=pk,
            label=label,
            cells=[by_team[pk].get(when, Cell()) for when in months],
            is_own=pk in access.team_ids,
        )
        for pk, label in sorted(labels.items(), key=lambda item: (item[1].casefold(), item[0]))
    ]
    levels = scale_levels(collaborative)
    counts = Counter(
        cells[month].faculty
        for cells in by_team.values()
        if month in cells and cells[month].faculty is not None
    )
    distribution = [(level, counts.get(level.score, 0)) for level in levels]
    shares = []
    for when in months:
        scores = [
            cells[when].faculty
            for cells in by_team.values()
            if when in cells and cells[when].faculty is not None
        ]
        shares.append(
            MonthShare(
                month=when,
                scored=len(scores),
                at_headline=sum(1 for score in scores if score >= HEADLINE_SCORE),
            )
        )
    return Overview(
        months=months,
        teams=teams,
        levels=levels,
        month=month,
        distribution=distribution,
        shares=shares,
        shows_drafts=shows_drafts,
        unscored=len(labels) - sum(counts.values()),
        labels=labels,
    )


def _latest_scored_month(by_team: dict[int, dict[dt.date, Cell]]) -> dt.date | None:
    scored = [when for cells in by_team.values() for when, cell in cells.items() if cell.faculty]
    return max(scored) if scored else None


@dataclass
class LatestScore:
    label: str
    month: dt.date | None
    score: Decimal | None
    level: str


def latest_faculty_scores(overview: Overview) -> list[LatestScore]:
    """Each team of the overview with its most recent faculty score and that level's words."""
    words = {level.score: level.label for level in overview.levels}
    rows = []
    for series in overview.teams:
        latest = series.latest_faculty
        if latest is None:
            rows.append(LatestScore(series.label, None, None, ""))
            continue
        index, score = latest
        rows.append(LatestScore(series.label, overview.months[index], score, words.get(score, "")))
    return rows


# --- History ------------------------------------------------------------------------


def assessment_history(team: Team, access: CollaborativeAccess, *, limit: int = 50):
    """The audit entries of the team's scores the caller may see, newest first (two queries)."""
    visible = [
        assessment
        for assessment in ProgressAssessment.objects.filter(team=team)
        if can_see_assessment(access, _with_team(assessment, team))
    ]
    if not visible:
        return []
    content_type = ContentType.objects.get_for_model(ProgressAssessment)
    return list(
        AuditEntry.objects.filter(
            organization_id=team.organization_id,
            target_type=content_type,
            target_id__in=[str(assessment.pk) for assessment in visible],
        ).select_related("actor")[:limit]
    )


def _with_team(assessment: ProgressAssessment, team: Team) -> ProgressAssessment:
    assessment.team = team
    return assessment
