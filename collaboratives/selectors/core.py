"""Reads for the collaborative pages: the list, the home page (timeline, leadership, team counts).

Each read is one query whatever the number of collaboratives, teams or
leaders, so the pages' query counts stay flat (asserted in the tests).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from collaboratives.models import (
    ActionPeriod,
    AimGoal,
    Collaborative,
    CollaborativeRole,
    Kind,
    LeadershipRole,
    LearningSession,
    Status,
)
from teams.models import Team, TeamStatus

if TYPE_CHECKING:
    from accounts.models import Membership, Organization

# What domain.md says a collaborative of each kind usually has, for the leadership warnings.
USUAL_LEADERSHIP: dict[str, dict[str, tuple[int, int]]] = {
    Kind.NATIONAL: {LeadershipRole.CHAIR: (1, 2), LeadershipRole.FACULTY: (6, 8)},
    Kind.REGIONAL: {LeadershipRole.CHAIR: (0, 0), LeadershipRole.FACULTY: (2, 2)},
}

ONE_DAY = datetime.timedelta(days=1)


# --- The list ----------------------------------------------------------------------------


def collaboratives_of_organization(
    organization: Organization, *, include_archived: bool = False
) -> QuerySet[Collaborative]:
    """Newest first, with the number of active teams and of applicant teams: one query."""
    collaboratives = Collaborative.objects.filter(organization=organization).annotate(
        active_team_count=Count("teams", filter=Q(teams__status=TeamStatus.ACTIVE)),
    )
    if not include_archived:
        collaboratives = collaboratives.filter(archived_at__isnull=True)
    return collaboratives.order_by("archived_at", "-start_date", "name")


def active_collaboratives(organization: Organization) -> list[Collaborative]:
    """Collaboratives that are not archived, for the organization's home page: one query."""
    return list(
        Collaborative.objects.filter(organization=organization, archived_at__isnull=True)
        .only("name", "slug", "kind", "status", "start_date", "end_date", "organization_id")
        .order_by("-start_date", "name")
    )


# --- The timeline ------------------------------------------------------------------------


@dataclass
class TimelineStep:
    kind: str  # prework, session, action_period, unscheduled, outcomes, end
    title: str
    start: datetime.date | None
    end: datetime.date | None
    state: str = "upcoming"  # done, current, upcoming
    detail: str = ""

    @property
    def is_current(self) -> bool:
        return self.state == "current"

    @property
    def is_milestone(self) -> bool:
        return self.start is not None and self.start == self.end and self.kind == "end"


@dataclass
class Timeline:
    steps: list[TimelineStep]
    today: datetime.date
    # Where "you are here" goes when today falls in no step: before steps[here_before].
    here_before: int | None = None
    session_count: int = 0

    @property
    def current(self) -> TimelineStep | None:
        return next((step for step in self.steps if step.is_current), None)

    @property
    def has_marker_between(self) -> bool:
        return self.here_before is not None

    @property
    def is_finished(self) -> bool:
        return self.here_before == len(self.steps)


def _session_title(session: LearningSession) -> str:
    prefix = f"Learning Session {session.number}"
    if session.title and session.title.strip().lower() != prefix.lower():
        return f"{prefix}: {session.title}"
    return prefix


def _place(session: LearningSession) -> str:
    if session.location and session.video_url:
        return f"{session.location}, and online"
    if session.location:
        return session.location
    return "Online" if session.video_url else ""


def build_timeline(
    collaborative: Collaborative,
    sessions: list[LearningSession],
    action_periods: list[ActionPeriod],
    today: datetime.date,
) -> Timeline:
    """Pre-work, then sessions and action periods in date order, outcomes, the end.

    A pure function of its inputs, so it is tested without the database.
    """
    c = collaborative
    steps: list[TimelineStep] = []
    first_start = min([s.start_date for s in sessions], default=c.start_date)
    # Pre-work ends at the first learning session (or at the start, while none is set).
    prework_end = first_start - ONE_DAY
    steps.append(
        TimelineStep(
            kind="prework",
            title="Pre-work",
            start=c.prework_start_date,
            end=prework_end,
            detail="Readings, readiness assessment, training videos and the storyboard.",
        )
    )
    dated: list[tuple[datetime.date, int, TimelineStep]] = []
    for session in sessions:
        dated.append(
            (
                session.start_date,
                0,
                TimelineStep(
                    kind="session",
                    title=_session_title(session),
                    start=session.start_date,
                    end=session.end_date,
                    detail=_place(session),
                ),
            )
        )
    for period in action_periods:
        dated.append(
            (
                period.start_date,
                1,
                TimelineStep(
                    kind="action_period",
                    title=f"Action Period {period.number}",
                    start=period.start_date,
                    end=period.end_date,
                    detail=period.focus
                    or "Monthly calls, coaching, PDSA cycles and monthly reports.",
                ),
            )
        )
    dated.sort(key=lambda item: (item[0], item[1]))
    if dated:
        steps.extend(step for _date, _order, step in dated)
    else:
        steps.append(
            TimelineStep(
                kind="unscheduled",
                title="Learning sessions and action periods",
                start=c.start_date,
                end=c.end_date,
                detail="No learning sessions are scheduled yet.",
            )
        )
    last_scheduled = max((step.end for _d, _o, step in dated if step.end), default=None)
    outcomes_start = (last_scheduled + ONE_DAY) if last_scheduled else None
    if outcomes_start is not None and outcomes_start <= c.end_date:
        outcomes = TimelineStep(
            kind="outcomes",
            title="Outcomes",
            start=outcomes_start,
            end=c.end_date,
            detail="Adopt the changes into routine practice, report and plan the spread.",
        )
    else:
        outcomes = TimelineStep(
            kind="outcomes",
            title="Outcomes",
            start=None,
            end=None,
            detail="Adopt the changes into routine practice, report and plan the spread.",
        )
    steps.append(outcomes)
    steps.append(
        TimelineStep(
            kind="end",
            title="The collaborative ends",
            start=c.end_date,
            end=c.end_date,
            detail=(
                f"Aim target date: {c.aim_target_date:%d %b %Y}."
                if c.aim_target_date and c.aim_target_date != c.end_date
                else ""
            ),
        )
    )
    timeline = Timeline(steps=steps, today=today, session_count=len(sessions))
    _place_today(timeline, collaborative)
    return timeline


def _place_today(timeline: Timeline, collaborative: Collaborative) -> None:
    today = timeline.today
    steps = timeline.steps
    for step in steps:
        if step.end is not None and step.end < today:
            step.state = "done"
        elif (step.start is None and step.end is None) or (
            step.start is not None and step.start > today
        ):
            step.state = "upcoming"
        else:
            # Started (or open-started pre-work) and not yet over.
            step.state = "current"
    current = [step for step in steps if step.state == "current"]
    if len(current) > 1:
        # Overlapping rows (an edited action period): the latest-starting one is "here".
        latest = max(current, key=lambda step: step.start or datetime.date.min)
        for step in current:
            if step is not latest:
                step.state = "done"
        current = [latest]
    if collaborative.status == Status.OUTCOMES and not current:
        outcomes = next(step for step in steps if step.kind == "outcomes")
        if outcomes.start is None and today <= collaborative.end_date:
            outcomes.state = "current"
            current = [outcomes]
    if current:
        return
    # Today is in a gap (or before the start, or after the end): the marker goes
    # before the first step still to come.
    for index, step in enumerate(steps):
        if step.state == "upcoming" and step.start is not None:
            timeline.here_before = index
            return
    timeline.here_before = len(steps)
    for step in steps:
        if step.state == "upcoming" and step.start is None:
            step.state = "done"


# --- The home page -----------------------------------------------------------------------


@dataclass
class LeadershipGroup:
    role: str
    label: str
    assignments: list[CollaborativeRole] = field(default_factory=list)
    expected: int | None = None


@dataclass
class CollaborativeOverview:
    goals: list[AimGoal]
    leadership: list[LeadershipGroup]
    team_counts: dict[str, int]
    timeline: Timeline
    warnings: list[str]

    @property
    def team_total(self) -> int:
        return sum(self.team_counts.values())

    @property
    def team_count_rows(self) -> list[tuple[str, str, int]]:
        return [
            (status.value, str(status.label), self.team_counts.get(status.value, 0))
            for status in TeamStatus
        ]


def leadership_of(collaborative: Collaborative) -> list[CollaborativeRole]:
    shown_name = Coalesce(NullIf("user__full_name", Value("")), "user__email")
    return list(
        CollaborativeRole.objects.filter(collaborative=collaborative)
        .select_related("user")
        .order_by("role", Lower(shown_name), "pk")
    )


def leadership_groups(
    collaborative: Collaborative, assignments: list[CollaborativeRole]
) -> list[LeadershipGroup]:
    expected = {
        LeadershipRole.CHAIR: collaborative.chair_count,
        LeadershipRole.FACULTY: collaborative.faculty_count,
    }
    groups = {
        role.value: LeadershipGroup(
            role=role.value,
            label={"chair": "Chairs", "faculty": "Faculty", "staff": "Staff"}[role.value],
            expected=expected.get(role),
        )
        for role in (LeadershipRole.CHAIR, LeadershipRole.FACULTY, LeadershipRole.STAFF)
    }
    for assignment in assignments:
        groups[assignment.role].assignments.append(assignment)
    return list(groups.values())


def _usual(kind: str, role: str) -> str:
    low, high = USUAL_LEADERSHIP.get(kind, {}).get(role, (0, 0))
    if high == 0:
        return "none"
    return str(low) if low == high else f"{low} to {high}"


def leadership_warnings(collaborative: Collaborative, groups: list[LeadershipGroup]) -> list[str]:
    """Plain warnings where the chairs or faculty differ from the collaborative's settings."""
    warnings: list[str] = []
    nouns = {LeadershipRole.CHAIR: ("chair", "chairs"), LeadershipRole.FACULTY: ("faculty",) * 2}
    kind_label = Kind(collaborative.kind).label.lower() if collaborative.kind in Kind else ""
    for group in groups:
        if group.expected is None or group.role not in nouns:
            continue
        have = len(group.assignments)
        if have == group.expected:
            continue
        singular, plural = nouns[LeadershipRole(group.role)]
        wanted = singular if group.expected == 1 else plural
        usual = _usual(collaborative.kind, group.role)
        usual_text = f" (a {kind_label} collaborative usually has {usual})" if kind_label else ""
        warnings.append(
            f"This collaborative is set up for {group.expected} {wanted}{usual_text}; "
            f"it has {have}."
        )
    return warnings


def team_counts(collaborative: Collaborative) -> dict[str, int]:
    rows = (
        Team.objects.filter(collaborative=collaborative)
        .order_by()
        .values_list("status")
        .annotate(count=Count("id"))
    )
    return {status: count for status, count in rows}


def collaborative_timeline(collaborative: Collaborative, today: datetime.date) -> Timeline:
    sessions = list(
        LearningSession.objects.filter(collaborative=collaborative)
        .only("number", "title", "start_date", "end_date", "location", "video_url")
        .order_by("start_date", "number")
    )
    periods = list(
        ActionPeriod.objects.filter(collaborative=collaborative).order_by("start_date", "number")
    )
    return build_timeline(collaborative, sessions, periods, today)


def collaborative_overview(
    collaborative: Collaborative, today: datetime.date
) -> CollaborativeOverview:
    """Everything on the home page: five queries, whatever the number of teams or leaders."""
    goals = list(AimGoal.objects.filter(collaborative=collaborative).order_by("order", "id"))
    groups = leadership_groups(collaborative, leadership_of(collaborative))
    return CollaborativeOverview(
        goals=goals,
        leadership=groups,
        team_counts=team_counts(collaborative),
        timeline=collaborative_timeline(collaborative, today),
        warnings=leadership_warnings(collaborative, groups),
    )


def organization_members(organization: Organization) -> QuerySet[Membership]:
    """Members to choose a chair, faculty member or staff member from, by shown name."""
    from accounts.models import Membership

    shown_name = Coalesce(NullIf("user__full_name", Value("")), "user__email")
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by(Lower(shown_name), "user__email")
    )


def plain_number(value: Decimal | None) -> str:
    """``Decimal("40.000")`` -> "40", ``Decimal("12.500")`` -> "12.5": as people type numbers."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def goals_as_initial(goals: list[AimGoal]) -> list[dict[str, Any]]:
    return [
        {
            "id": goal.pk,
            "description": goal.description,
            "baseline": plain_number(goal.baseline),
            "target": plain_number(goal.target),
            "unit": goal.unit,
        }
        for goal in goals
    ]
