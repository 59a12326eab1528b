"""Reads of the schedule: sessions, action periods, calls, attendance and the calendar.

Each read costs a fixed number of queries whatever the number of teams,
members or calls (the pages' query counts are asserted in the tests).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from collaboratives.models import (
    ActionPeriod,
    Call,
    CallAttendance,
    CallKind,
    CallSeries,
    Collaborative,
    CollaborativeRole,
    LearningSession,
    SessionMaterial,
)
from collaboratives.services.schedule import call_eligible_members
from teams.models import Team, TeamMember, TeamMemberRole, TeamStatus

if TYPE_CHECKING:
    from accounts.models import Organization, User


# --- Learning sessions and action periods ----------------------------------------------


def next_session_number(collaborative: Collaborative) -> int:
    """The number a new learning session would take: one more than the highest so far."""
    highest = LearningSession.objects.filter(collaborative=collaborative).aggregate(
        highest=Max("number")
    )["highest"]
    return (highest or 0) + 1


def learning_sessions(collaborative: Collaborative) -> QuerySet[LearningSession]:
    """In date order, with the host team and the materials: two queries."""
    return (
        LearningSession.objects.filter(collaborative=collaborative)
        .select_related("host_team")
        .prefetch_related(
            Prefetch("materials", queryset=SessionMaterial.objects.order_by("title", "id"))
        )
        .order_by("start_date", "number")
    )


def action_periods(collaborative: Collaborative) -> list[ActionPeriod]:
    return list(ActionPeriod.objects.filter(collaborative=collaborative).order_by("number"))


def session_host_teams(collaborative: Collaborative) -> QuerySet[Team]:
    """Teams that may host a session: any team of the collaborative that has not withdrawn."""
    return (
        Team.objects.filter(collaborative=collaborative)
        .exclude(status=TeamStatus.WITHDRAWN)
        .order_by("name")
    )


# --- Calls -----------------------------------------------------------------------------------


def calls_with_counts(collaborative: Collaborative) -> QuerySet[Call]:
    """Calls with the number of teams listed and present in their attendance: one query."""
    return (
        Call.objects.filter(collaborative=collaborative)
        .select_related("series")
        .annotate(
            teams_listed=Count("attendance__team", distinct=True),
            teams_present=Count(
                "attendance__team", filter=Q(attendance__attended=True), distinct=True
            ),
        )
        .order_by("starts_at", "pk")
    )


def upcoming_and_past_calls(
    collaborative: Collaborative, *, now: datetime.datetime | None = None
) -> tuple[list[Call], list[Call]]:
    """Calls still to come (soonest first) and calls that have started (latest first)."""
    now = now or timezone.now()
    upcoming: list[Call] = []
    past: list[Call] = []
    for call in calls_with_counts(collaborative):
        (upcoming if call.ends_at > now else past).append(call)
    past.reverse()
    return upcoming, past


def call_series(collaborative: Collaborative) -> list[CallSeries]:
    """Every series with the number of its calls (one query)."""
    return list(
        CallSeries.objects.filter(collaborative=collaborative)
        .annotate(call_count=Count("calls"))
        .order_by("kind", "title", "pk")
    )


@dataclass
class SheetMember:
    member: TeamMember
    roles: list[str]
    attended: bool | None  # None: not recorded yet


@dataclass
class SheetTeam:
    team: Team
    members: list[SheetMember] = field(default_factory=list)

    @property
    def attended(self) -> bool:
        return any(m.attended for m in self.members)


def attendance_sheet(
    call: Call, *, visible_team_ids: Iterable[int] | None = None
) -> list[SheetTeam]:
    """Every active team with the members expected on the call and what was recorded.

    Four queries whatever the number of teams and members: the teams, the
    expected members, their roles, and the call's attendance rows.
    ``visible_team_ids`` (None: all) limits the sheet to teams the reader may see.
    """
    teams = Team.objects.filter(
        collaborative_id=call.collaborative_id, status=TeamStatus.ACTIVE
    ).order_by("name")
    if visible_team_ids is not None:
        teams = teams.filter(pk__in=list(visible_team_ids))
    sheet = {team.pk: SheetTeam(team=team) for team in teams}
    members = (
        call_eligible_members(call)
        .filter(team_id__in=list(sheet))
        .prefetch_related(Prefetch("roles", queryset=TeamMemberRole.objects.order_by("role")))
        .order_by("full_name", "pk")
    )
    recorded = dict(CallAttendance.objects.filter(call=call).values_list("member_id", "attended"))
    for member in members:
        sheet[member.team_id].members.append(
            SheetMember(
                member=member,
                roles=[role.get_role_display() for role in member.roles.all()],
                attended=recorded.get(member.pk),
            )
        )
    return list(sheet.values())


def attendance_records(
    call: Call, *, visible_team_ids: Iterable[int] | None = None
) -> QuerySet[CallAttendance]:
    records = (
        CallAttendance.objects.filter(call=call)
        .select_related("member", "team", "recorded_by")
        .order_by("team__name", "member__full_name", "pk")
    )
    if visible_team_ids is not None:
        records = records.filter(team_id__in=list(visible_team_ids))
    return records


@dataclass
class KindRate:
    listed: int = 0
    attended: int = 0

    @property
    def rate(self) -> int | None:
        """Percentage, rounded; None when the team was on no call of this kind."""
        return round(100 * self.attended / self.listed) if self.listed else None


@dataclass
class TeamAttendance:
    team: Team
    total: KindRate = field(default_factory=KindRate)
    by_kind: dict[str, KindRate] = field(default_factory=dict)

    def kind(self, kind: str) -> KindRate:
        return self.by_kind.get(kind, KindRate())


def attendance_summary(
    collaborative: Collaborative, *, visible_team_ids: Iterable[int] | None = None
) -> list[TeamAttendance]:
    """Per active team: on how many calls it was expected, on how many it was present.

    A call counts for a team once attendance was taken with the team on the
    list (cancelled calls never count); the team attended if any of its
    members did. Two queries: the teams, and one grouped count.
    """
    teams = Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE).order_by(
        "name"
    )
    if visible_team_ids is not None:
        teams = teams.filter(pk__in=list(visible_team_ids))
    summary = {team.pk: TeamAttendance(team=team) for team in teams}
    rows = (
        CallAttendance.objects.filter(
            call__collaborative=collaborative, call__is_cancelled=False, team_id__in=list(summary)
        )
        .values("team_id", "call__kind")
        .annotate(
            listed=Count("call", distinct=True),
            attended=Count("call", filter=Q(attended=True), distinct=True),
        )
        .order_by()
    )
    for row in rows:
        entry = summary[row["team_id"]]
        entry.by_kind[row["call__kind"]] = KindRate(listed=row["listed"], attended=row["attended"])
        entry.total.listed += row["listed"]
        entry.total.attended += row["attended"]
    return list(summary.values())


def attendance_kinds() -> list[tuple[str, str]]:
    return list(CallKind.choices)


# --- The calendar -------------------------------------------------------------------------


@dataclass
class AgendaItem:
    kind: str  # prework, session, call, end
    title: str
    day: datetime.date
    last_day: datetime.date | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    obj: Any = None
    is_cancelled: bool = False

    @property
    def sort_key(self) -> tuple[datetime.date, int, datetime.datetime | None]:
        order = {"prework": 0, "session": 1, "call": 2, "end": 3}[self.kind]
        local_start = self.starts_at or datetime.datetime.min.replace(tzinfo=datetime.UTC)
        return (self.day, order, local_start)


@dataclass
class AgendaMonth:
    first_day: datetime.date
    items: list[AgendaItem]
    is_current: bool = False
    is_past: bool = False


def calendar_agenda(
    collaborative: Collaborative, *, today: datetime.date | None = None
) -> list[AgendaMonth]:
    """The collaborative's dates month by month, in the organization's time zone: two queries."""
    tz = collaborative.organization.tzinfo
    today = today or timezone.localdate(timezone=tz)
    items: list[AgendaItem] = []
    if collaborative.prework_start_date:
        items.append(
            AgendaItem(
                kind="prework", title="Pre-work starts", day=collaborative.prework_start_date
            )
        )
    for session in LearningSession.objects.filter(collaborative=collaborative).select_related(
        "host_team"
    ):
        items.append(
            AgendaItem(
                kind="session",
                title=str(session),
                day=session.start_date,
                last_day=session.end_date,
                obj=session,
            )
        )
    for call in Call.objects.filter(collaborative=collaborative).order_by("starts_at"):
        local_start = timezone.localtime(call.starts_at, tz)
        items.append(
            AgendaItem(
                kind="call",
                title=call.title,
                day=local_start.date(),
                starts_at=local_start,
                ends_at=timezone.localtime(call.ends_at, tz),
                obj=call,
                is_cancelled=call.is_cancelled,
            )
        )
    items.append(AgendaItem(kind="end", title="The collaborative ends", day=collaborative.end_date))
    items.sort(key=lambda item: item.sort_key)
    months: dict[datetime.date, list[AgendaItem]] = defaultdict(list)
    for item in items:
        months[item.day.replace(day=1)].append(item)
    this_month = today.replace(day=1)
    return [
        AgendaMonth(
            first_day=first,
            items=month_items,
            is_current=first == this_month,
            is_past=first < this_month,
        )
        for first, month_items in sorted(months.items())
    ]


# --- The private feed ------------------------------------------------------------------


def collaboratives_for_feed(user: User, organization: Organization) -> list[Collaborative]:
    """The collaboratives a user's calendar feed carries: for an organization admin every
    collaborative that is not archived; for others those where they are chair, faculty or
    staff, or on the roster of a team that has not withdrawn. One or two queries."""
    from bsc.tenancy import membership_for

    collaboratives = Collaborative.objects.filter(
        organization=organization, archived_at__isnull=True
    ).order_by("start_date", "name")
    membership = membership_for(user, organization)
    if membership is None:
        return []
    if not membership.is_admin:
        leads = CollaborativeRole.objects.filter(collaborative=OuterRef("pk"), user=user)
        on_team = TeamMember.objects.filter(team__collaborative=OuterRef("pk"), user=user).exclude(
            team__status=TeamStatus.WITHDRAWN
        )
        collaboratives = collaboratives.filter(Q(Exists(leads)) | Q(Exists(on_team)))
    return list(collaboratives)
