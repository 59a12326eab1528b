"""Writes of the schedule: learning sessions and their materials, action periods, calls,
attendance and the private calendar feed.

Every function is keyword-only (``action_periods_refresh`` and
``call_series_generate`` excepted: they derive rows from others and are called
by the services here), runs in ``transaction.atomic``, checks the business
rules, raising ``DomainError`` with the field at fault, and writes an audit
entry. Schedule writes lock the collaborative's row first, so two people
adding sessions at once cannot both pass the overlap check.

Times: a call series names a wall-clock time in the organization's time zone
("15:00 in New York"); each call is stored as an aware UTC datetime worked out
for its own date, so a call keeps its local time across daylight-saving changes.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from bsc.audit import log_action, person_of
from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import (
    ActionPeriod,
    CalendarFeed,
    Call,
    CallAttendance,
    CallKind,
    CallSeries,
    Collaborative,
    LearningSession,
    SessionMaterial,
)
from collaboratives.services.core import ensure_not_archived
from teams.models import Team, TeamMember, TeamStatus
from teams.roles import LEAD_ROLES, TeamRole

if TYPE_CHECKING:
    from accounts.models import Organization, User

# Session materials: any document type, up to this size.
MATERIAL_MAX_BYTES = 20 * 1024 * 1024
# A call longer than this is a typing mistake (minutes instead of hours, or the wrong day).
CALL_MAX_MINUTES = 8 * 60
LAST_WEEK = 5
WEEK_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", LAST_WEEK: "last"}
WEEKDAY_NAMES = list(calendar.day_name)  # Monday first, as date.weekday()


# --- Shared checks --------------------------------------------------------------------


def _lock(collaborative: Collaborative | int) -> Collaborative:
    """Lock the collaborative's row: schedule writes of one collaborative happen one at a time.

    Refuses (409) when the collaborative is archived.
    """
    pk = collaborative if isinstance(collaborative, int) else collaborative.pk
    locked = (
        Collaborative.objects.select_related("organization")
        .select_for_update(of=("self",))
        .get(pk=pk)
    )
    ensure_not_archived(locked)
    return locked


def _check_url(value: str, field: str) -> None:
    if not value:
        return
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise DomainError(
            "Enter a full web address starting with https:// (or http://).", field=field
        ) from None


def _format_day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _format_range(start: date, end: date) -> str:
    if start == end:
        return _format_day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} to {end.day} {end:%b %Y}"
    return f"{_format_day(start)} to {_format_day(end)}"


def call_window(collaborative: Collaborative) -> tuple[date, date]:
    """The days calls may fall on: from the start of pre-work (or of the collaborative)
    to its end."""
    first = collaborative.start_date
    if collaborative.prework_start_date and collaborative.prework_start_date < first:
        first = collaborative.prework_start_date
    return first, collaborative.end_date


# --- Learning sessions --------------------------------------------------------------


def _validate_session(
    *,
    collaborative: Collaborative,
    number: int,
    start_date: date,
    end_date: date,
    video_url: str,
    host_team: Team | None,
    exclude_pk: int | None = None,
) -> None:
    if number < 1:
        raise DomainError("The number must be 1 or more.", field="number")
    if end_date < start_date:
        raise DomainError("The session cannot end before it starts.", field="end_date")
    if start_date < collaborative.start_date or start_date > collaborative.end_date:
        raise DomainError(
            "The session must start within the collaborative "
            f"({_format_range(collaborative.start_date, collaborative.end_date)}).",
            field="start_date",
        )
    if end_date > collaborative.end_date:
        raise DomainError(
            f"The session must end by the collaborative's last day, "
            f"{_format_day(collaborative.end_date)}.",
            field="end_date",
        )
    _check_url(video_url, "video_url")
    if host_team is not None and host_team.collaborative_id != collaborative.pk:
        raise DomainError("Choose a team of this collaborative as host.", field="host_team")
    others = LearningSession.objects.filter(collaborative=collaborative)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.filter(number=number).exists():
        raise DomainError(
            f"There is already a Learning Session {number}; choose another number.",
            field="number",
        )
    overlapping = (
        others.filter(start_date__lte=end_date, end_date__gte=start_date)
        .order_by("start_date")
        .first()
    )
    if overlapping is not None:
        raise DomainError(
            f"These dates overlap Learning Session {overlapping.number} "
            f"“{overlapping.title}” "
            f"({_format_range(overlapping.start_date, overlapping.end_date)}).",
            field="start_date",
        )


def _session_data(session: LearningSession) -> dict[str, Any]:
    return {
        "number": session.number,
        "title": session.title,
        "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(),
        "collaborative": session.collaborative.name,
    }


def _charts_changed(collaborative: Collaborative) -> None:
    """Learning sessions are drawn on every chart of the collaborative: refresh them."""
    from measures import charting

    charting.collaborative_changed(collaborative)


def learning_session_create(
    *,
    collaborative: Collaborative,
    title: str,
    start_date: date,
    end_date: date | None = None,
    number: int | None = None,
    location: str = "",
    video_url: str = "",
    host_team: Team | None = None,
    agenda: str = "",
    actor: Any,
) -> LearningSession:
    """Add a learning session. Without ``end_date`` it lasts two days; without ``number``
    it takes the next one. The action periods follow."""
    with transaction.atomic():
        collaborative = _lock(collaborative)
        if number is None:
            from collaboratives.selectors.schedule import next_session_number

            number = next_session_number(collaborative)
        if end_date is None:
            end_date = start_date + timedelta(days=1)
        _validate_session(
            collaborative=collaborative,
            number=number,
            start_date=start_date,
            end_date=end_date,
            video_url=video_url,
            host_team=host_team,
        )
        session = LearningSession.objects.create(
            organization_id=collaborative.organization_id,
            collaborative=collaborative,
            number=number,
            title=title,
            start_date=start_date,
            end_date=end_date,
            location=location,
            video_url=video_url,
            host_team=host_team,
            agenda=agenda,
        )
        action_periods_refresh(collaborative)
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.learning_session.created",
            target=session,
            data=_session_data(session),
        )
        _charts_changed(collaborative)
    return session


def learning_session_update(
    *,
    session: LearningSession,
    number: int,
    title: str,
    start_date: date,
    end_date: date,
    location: str,
    video_url: str,
    host_team: Team | None,
    agenda: str,
    actor: Any,
) -> LearningSession:
    with transaction.atomic():
        collaborative = session.collaborative = _lock(session.collaborative_id)
        _validate_session(
            collaborative=collaborative,
            number=number,
            start_date=start_date,
            end_date=end_date,
            video_url=video_url,
            host_team=host_team,
            exclude_pk=session.pk,
        )
        before = _session_data(session)
        session.number = number
        session.title = title
        session.start_date = start_date
        session.end_date = end_date
        session.location = location
        session.video_url = video_url
        session.host_team = host_team
        session.agenda = agenda
        session.save()
        action_periods_refresh(collaborative)
        after = _session_data(session)
        changed = sorted(key for key in after if after[key] != before[key])
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.learning_session.changed",
            target=session,
            data={**after, "changed": changed},
        )
        if changed:  # the charts draw its number, title and dates
            _charts_changed(collaborative)
    return session


def learning_session_delete(*, session: LearningSession, actor: Any) -> None:
    """Delete a session with its materials; the action periods close up behind it."""
    with transaction.atomic():
        collaborative = session.collaborative = _lock(session.collaborative_id)
        data = _session_data(session)
        files = [m.file for m in session.materials.all() if m.file]
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.learning_session.deleted",
            target=session,
            data=data,
        )
        session.delete()
        action_periods_refresh(collaborative)
        _charts_changed(collaborative)
        # The stored files go only once the deletion is committed.
        for stored in files:
            transaction.on_commit(lambda f=stored: f.storage.delete(f.name))


def session_material_add(
    *,
    session: LearningSession,
    title: str,
    file: UploadedFile | None = None,
    url: str = "",
    actor: Any,
) -> SessionMaterial:
    """Hand out a file (any document, up to 20 MB) or a link for a learning session."""
    title = title.strip()
    if file is None and not url:
        raise DomainError("Choose a file to upload or enter a link.", field="file")
    if file is not None and url:
        raise DomainError("Give either a file or a link, not both.", field="url")
    if file is not None:
        if file.size is not None and file.size > MATERIAL_MAX_BYTES:
            raise DomainError(
                f"The file is {file.size / 1024 / 1024:.1f} MB; the largest allowed is "
                f"{MATERIAL_MAX_BYTES // 1024 // 1024} MB.",
                field="file",
            )
        if not file.size:
            raise DomainError("The file is empty.", field="file")
    _check_url(url, "url")
    if not title:
        title = file.name.rsplit("/", 1)[-1] if file is not None else url
    stored: tuple[Any, str] | None = None
    try:
        with transaction.atomic():
            collaborative = session.collaborative = _lock(session.collaborative_id)
            material = SessionMaterial(
                organization_id=collaborative.organization_id,
                session=session,
                title=title[:200],
                url=url,
            )
            if file is not None:
                material.file.save(file.name, file, save=False)
                stored = (material.file.storage, material.file.name)
            material.save()
            log_action(
                organization=collaborative.organization,
                actor=actor,
                action="bsc.session_material.added",
                target=material,
                data={
                    "title": material.title,
                    "number": session.number,
                    "session": session.title,
                    "collaborative": collaborative.name,
                },
            )
    except Exception:
        # Nothing was saved, so the stored file must not stay behind either.
        if stored is not None:
            stored[0].delete(stored[1])
        raise
    return material


def session_material_delete(*, material: SessionMaterial, actor: Any) -> None:
    with transaction.atomic():
        collaborative = _lock(material.session.collaborative_id)
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.session_material.removed",
            target=material,
            data={
                "title": material.title,
                "number": material.session.number,
                "session": material.session.title,
                "collaborative": collaborative.name,
            },
        )
        stored = material.file if material.file else None
        material.delete()
        if stored is not None:
            transaction.on_commit(lambda: stored.storage.delete(stored.name))


# --- Action periods -----------------------------------------------------------------


def derived_action_periods(
    collaborative: Collaborative, sessions: Iterable[LearningSession]
) -> list[tuple[date, date]]:
    """The gaps after each session: from the day after it to the day before the next one
    (the last runs to the collaborative's end). Empty gaps are left out."""
    ordered = sorted(sessions, key=lambda s: (s.start_date, s.number))
    periods: list[tuple[date, date]] = []
    for index, session in enumerate(ordered):
        start = session.end_date + timedelta(days=1)
        if index + 1 < len(ordered):
            end = ordered[index + 1].start_date - timedelta(days=1)
        else:
            end = collaborative.end_date
        if start <= end:
            periods.append((start, end))
    return periods


def action_periods_refresh(collaborative: Collaborative) -> list[ActionPeriod]:
    """Bring the action periods in line with the learning sessions.

    Period ``n`` follows the ``n``-th session. A period staff have edited
    (``is_customized``) keeps its dates and focus; periods beyond the last
    session are removed. Run it after any change to the sessions (or to the
    collaborative's end date).
    """
    with transaction.atomic():
        sessions = list(LearningSession.objects.filter(collaborative=collaborative))
        wanted = derived_action_periods(collaborative, sessions)
        existing = {p.number: p for p in ActionPeriod.objects.filter(collaborative=collaborative)}
        ActionPeriod.objects.filter(collaborative=collaborative, number__gt=len(wanted)).delete()
        periods: list[ActionPeriod] = []
        for number, (start, end) in enumerate(wanted, start=1):
            period = existing.get(number)
            if period is None:
                period = ActionPeriod.objects.create(
                    organization_id=collaborative.organization_id,
                    collaborative=collaborative,
                    number=number,
                    start_date=start,
                    end_date=end,
                )
            elif not period.is_customized and (period.start_date, period.end_date) != (start, end):
                period.start_date, period.end_date = start, end
                period.save(update_fields=["start_date", "end_date"])
            periods.append(period)
    return periods


def action_period_update(
    *, period: ActionPeriod, start_date: date, end_date: date, focus: str, actor: Any
) -> ActionPeriod:
    """Staff's own dates and focus; from now on the period keeps them (``is_customized``)."""
    with transaction.atomic():
        collaborative = _lock(period.collaborative_id)
        if end_date < start_date:
            raise DomainError("The action period cannot end before it starts.", field="end_date")
        if start_date < collaborative.start_date or end_date > collaborative.end_date:
            raise DomainError(
                "The action period must lie within the collaborative "
                f"({_format_range(collaborative.start_date, collaborative.end_date)}).",
                field="start_date" if start_date < collaborative.start_date else "end_date",
            )
        overlapping = (
            ActionPeriod.objects.filter(
                collaborative=collaborative, start_date__lte=end_date, end_date__gte=start_date
            )
            .exclude(pk=period.pk)
            .first()
        )
        if overlapping is not None:
            raise DomainError(
                f"These dates overlap Action Period {overlapping.number} "
                f"({_format_range(overlapping.start_date, overlapping.end_date)}).",
                field="start_date",
            )
        period.start_date, period.end_date, period.focus = start_date, end_date, focus
        period.is_customized = True
        period.save()
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.action_period.changed",
            target=period,
            data={
                "number": period.number,
                "start_date": start_date.isoformat(),
                "end_date": end_date.isoformat(),
                "collaborative": collaborative.name,
            },
        )
    return period


def action_period_reset(*, period: ActionPeriod, actor: Any) -> ActionPeriod:
    """Give the period its dates from the sessions again (the focus stays)."""
    with transaction.atomic():
        collaborative = _lock(period.collaborative_id)
        period.is_customized = False
        period.save(update_fields=["is_customized"])
        action_periods_refresh(collaborative)
        period.refresh_from_db()
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.action_period.reset",
            target=period,
            data={"number": period.number, "collaborative": collaborative.name},
        )
    return period


# --- Calls: the n-th weekday of each month ---------------------------------------------


def nth_weekday(year: int, month: int, week_of_month: int, weekday: int) -> date | None:
    """The ``week_of_month``-th ``weekday`` (0 = Monday) of a month; 5 means the last one.

    None when the month has no such day (there is always a 1st-4th and a last).
    """
    days_in_month = calendar.monthrange(year, month)[1]
    if week_of_month == LAST_WEEK:
        last = date(year, month, days_in_month)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week_of_month - 1))
    return day if day.month == month else None


def series_dates(
    *, first_date: date, last_date: date, week_of_month: int, weekday: int
) -> list[date]:
    """Every date of a monthly series between ``first_date`` and ``last_date``, inclusive."""
    dates: list[date] = []
    year, month = first_date.year, first_date.month
    while (year, month) <= (last_date.year, last_date.month):
        day = nth_weekday(year, month, week_of_month, weekday)
        if day is not None and first_date <= day <= last_date:
            dates.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def local_datetime(day: date, at: time, organization: Organization) -> datetime:
    """``at`` o'clock on ``day`` in the organization's time zone, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=organization.tzinfo).astimezone(UTC)


def describe_series_rule(series: CallSeries) -> str:
    """E.g. "second Tuesday of each month"."""
    return (
        f"{WEEK_NAMES.get(series.week_of_month, '?')} "
        f"{WEEKDAY_NAMES[series.weekday] if 0 <= series.weekday <= 6 else '?'} of each month"
    )


def _validate_kind(kind: str, affinity_role: str) -> str:
    if kind not in CallKind.values:
        raise DomainError("Choose what kind of call this is.", field="kind")
    if kind == CallKind.AFFINITY:
        if affinity_role not in TeamRole.values:
            raise DomainError(
                "Choose the team role this affinity-group call gathers.", field="affinity_role"
            )
        return affinity_role
    return ""


def _validate_series(
    *,
    collaborative: Collaborative,
    kind: str,
    affinity_role: str,
    week_of_month: int,
    weekday: int,
    duration_minutes: int,
    first_date: date,
    last_date: date,
    video_url: str,
) -> str:
    affinity_role = _validate_kind(kind, affinity_role)
    if week_of_month not in WEEK_NAMES:
        raise DomainError(
            "Choose the first, second, third, fourth or last week.", field="week_of_month"
        )
    if not 0 <= weekday <= 6:
        raise DomainError("Choose a day of the week.", field="weekday")
    if not 1 <= duration_minutes <= CALL_MAX_MINUTES:
        raise DomainError(
            f"A call lasts between 1 and {CALL_MAX_MINUTES} minutes.", field="duration_minutes"
        )
    if last_date < first_date:
        raise DomainError("The last date cannot be before the first date.", field="last_date")
    window_start, window_end = call_window(collaborative)
    if first_date < window_start:
        raise DomainError(
            f"Calls can start from {_format_day(window_start)}, when the collaborative "
            f"{'pre-work ' if collaborative.prework_start_date else ''}starts.",
            field="first_date",
        )
    if last_date > window_end:
        raise DomainError(
            f"Calls must end by the collaborative's last day, {_format_day(window_end)}.",
            field="last_date",
        )
    _check_url(video_url, "video_url")
    if not series_dates(
        first_date=first_date, last_date=last_date, week_of_month=week_of_month, weekday=weekday
    ):
        rule = f"{WEEK_NAMES[week_of_month]} {WEEKDAY_NAMES[weekday]}"
        raise DomainError(
            f"No {rule} of a month falls between {_format_day(first_date)} and "
            f"{_format_day(last_date)}.",
            field="last_date",
        )
    return affinity_role


def _with_attendance_flag(calls: QuerySet[Call]) -> QuerySet[Call]:
    return calls.annotate(has_attendance=Exists(CallAttendance.objects.filter(call=OuterRef("pk"))))


def call_series_generate(
    series: CallSeries, *, now: datetime | None = None, include_past: bool = False
) -> dict[str, int]:
    """Make the series' calls match its rule.

    Calls that have started (``starts_at <= now``) or that have attendance are
    kept as they are. Every other call of the series is brought in line: an
    occurrence on the same local date is updated in place (its id, notes and
    cancellation stay, so calendar programs keep the same event), the rest are
    deleted, and missing occurrences are created. Occurrences before ``now`` are
    created only with ``include_past`` (when the series is new).
    """
    now = now or timezone.now()
    organization = series.organization
    tz = organization.tzinfo
    calls = list(_with_attendance_flag(series.calls.all()))
    kept_dates = {
        timezone.localtime(c.starts_at, tz).date()
        for c in calls
        if c.starts_at <= now or c.has_attendance
    }
    open_calls: dict[date, Call] = {}
    stale: list[int] = []
    for call in calls:
        if call.starts_at <= now or call.has_attendance:
            continue
        day = timezone.localtime(call.starts_at, tz).date()
        if day in open_calls:
            stale.append(call.pk)
        else:
            open_calls[day] = call
    duration = timedelta(minutes=series.duration_minutes)
    created = updated = 0
    to_create: list[Call] = []
    for day in series_dates(
        first_date=series.first_date,
        last_date=series.last_date,
        week_of_month=series.week_of_month,
        weekday=series.weekday,
    ):
        starts_at = local_datetime(day, series.start_time, organization)
        if day in kept_dates:
            continue
        call = open_calls.pop(day, None)
        if call is None:
            if starts_at <= now and not include_past:
                continue
            to_create.append(
                Call(
                    organization_id=series.organization_id,
                    collaborative_id=series.collaborative_id,
                    series=series,
                    kind=series.kind,
                    affinity_role=series.affinity_role,
                    title=series.title,
                    starts_at=starts_at,
                    ends_at=starts_at + duration,
                    video_url=series.video_url,
                )
            )
            continue
        if starts_at <= now:
            # The new rule puts this date's call in the past: it cannot be moved there.
            stale.append(call.pk)
            continue
        call.kind = series.kind
        call.affinity_role = series.affinity_role
        call.title = series.title
        call.starts_at = starts_at
        call.ends_at = starts_at + duration
        call.video_url = series.video_url
        call.save(
            update_fields=["kind", "affinity_role", "title", "starts_at", "ends_at", "video_url"]
        )
        updated += 1
    stale.extend(call.pk for call in open_calls.values())
    deleted = Call.objects.filter(pk__in=stale).delete()[0] if stale else 0
    if to_create:
        Call.objects.bulk_create(to_create)
        created = len(to_create)
    return {"created": created, "updated": updated, "deleted": deleted}


def _series_data(series: CallSeries) -> dict[str, Any]:
    return {
        "title": series.title,
        "kind": series.kind,
        "rule": describe_series_rule(series),
        "start_time": series.start_time.strftime("%H:%M"),
        "first_date": series.first_date.isoformat(),
        "last_date": series.last_date.isoformat(),
        "collaborative": series.collaborative.name,
    }


def call_series_create(
    *,
    collaborative: Collaborative,
    title: str,
    kind: str,
    week_of_month: int,
    weekday: int,
    start_time: time,
    first_date: date,
    last_date: date,
    duration_minutes: int = 60,
    affinity_role: str = "",
    video_url: str = "",
    actor: Any,
    now: datetime | None = None,
) -> CallSeries:
    """Schedule a monthly call and create each of its calls."""
    with transaction.atomic():
        collaborative = _lock(collaborative)
        affinity_role = _validate_series(
            collaborative=collaborative,
            kind=kind,
            affinity_role=affinity_role,
            week_of_month=week_of_month,
            weekday=weekday,
            duration_minutes=duration_minutes,
            first_date=first_date,
            last_date=last_date,
            video_url=video_url,
        )
        series = CallSeries.objects.create(
            organization_id=collaborative.organization_id,
            collaborative=collaborative,
            title=title,
            kind=kind,
            affinity_role=affinity_role,
            week_of_month=week_of_month,
            weekday=weekday,
            start_time=start_time,
            duration_minutes=duration_minutes,
            first_date=first_date,
            last_date=last_date,
            video_url=video_url,
        )
        counts = call_series_generate(series, now=now, include_past=True)
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.call_series.created",
            target=series,
            data={**_series_data(series), "calls": counts["created"]},
        )
    return series


def call_series_update(
    *,
    series: CallSeries,
    title: str,
    kind: str,
    week_of_month: int,
    weekday: int,
    start_time: time,
    duration_minutes: int,
    first_date: date,
    last_date: date,
    affinity_role: str = "",
    video_url: str = "",
    actor: Any,
    now: datetime | None = None,
) -> CallSeries:
    """Change a series. Its calls still to come that have no attendance follow the change;
    calls already held, or with attendance, stay as they were."""
    with transaction.atomic():
        collaborative = series.collaborative = _lock(series.collaborative_id)
        affinity_role = _validate_series(
            collaborative=collaborative,
            kind=kind,
            affinity_role=affinity_role,
            week_of_month=week_of_month,
            weekday=weekday,
            duration_minutes=duration_minutes,
            first_date=first_date,
            last_date=last_date,
            video_url=video_url,
        )
        series.title = title
        series.kind = kind
        series.affinity_role = affinity_role
        series.week_of_month = week_of_month
        series.weekday = weekday
        series.start_time = start_time
        series.duration_minutes = duration_minutes
        series.first_date = first_date
        series.last_date = last_date
        series.video_url = video_url
        series.save()
        counts = call_series_generate(series, now=now)
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.call_series.changed",
            target=series,
            data={**_series_data(series), **counts},
        )
    return series


def call_series_delete(
    *, series: CallSeries, actor: Any, now: datetime | None = None
) -> dict[str, int]:
    """Delete a series and its calls still to come. Calls already held or with attendance
    stay, as one-off calls, so their attendance is not lost."""
    now = now or timezone.now()
    with transaction.atomic():
        collaborative = series.collaborative = _lock(series.collaborative_id)
        calls = _with_attendance_flag(series.calls.all())
        kept = [c.pk for c in calls if c.starts_at <= now or c.has_attendance]
        Call.objects.filter(pk__in=kept).update(series=None)
        deleted = series.calls.exclude(pk__in=kept).delete()[0]
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.call_series.deleted",
            target=series,
            data={**_series_data(series), "deleted": deleted, "kept": len(kept)},
        )
        series.delete()
    return {"deleted": deleted, "kept": len(kept)}


# --- Single calls -------------------------------------------------------------------------


def _validate_call(
    *,
    collaborative: Collaborative,
    kind: str,
    affinity_role: str,
    starts_at: datetime,
    ends_at: datetime,
    video_url: str,
) -> str:
    affinity_role = _validate_kind(kind, affinity_role)
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise DomainError("Give the time with its time zone.", field="starts_at")
    if ends_at <= starts_at:
        raise DomainError("The call must end after it starts.", field="ends_at")
    if ends_at - starts_at > timedelta(minutes=CALL_MAX_MINUTES):
        raise DomainError(f"A call lasts at most {CALL_MAX_MINUTES // 60} hours.", field="ends_at")
    window_start, window_end = call_window(collaborative)
    day = timezone.localtime(starts_at, collaborative.organization.tzinfo).date()
    if not window_start <= day <= window_end:
        raise DomainError(
            "The call must take place within the collaborative "
            f"({_format_range(window_start, window_end)}).",
            field="starts_at",
        )
    _check_url(video_url, "video_url")
    return affinity_role


def _call_data(call: Call) -> dict[str, Any]:
    local = timezone.localtime(call.starts_at, call.collaborative.organization.tzinfo)
    return {
        "title": call.title,
        "kind": call.kind,
        "date": f"{_format_day(local.date())} {local:%H:%M}",
        "starts_at": call.starts_at.isoformat(),
        "collaborative": call.collaborative.name,
    }


def call_create(
    *,
    collaborative: Collaborative,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    kind: str = CallKind.ALL_TEAM,
    affinity_role: str = "",
    video_url: str = "",
    notes: str = "",
    actor: Any,
) -> Call:
    """A one-off call, outside any series."""
    with transaction.atomic():
        collaborative = _lock(collaborative)
        affinity_role = _validate_call(
            collaborative=collaborative,
            kind=kind,
            affinity_role=affinity_role,
            starts_at=starts_at,
            ends_at=ends_at,
            video_url=video_url,
        )
        call = Call.objects.create(
            organization_id=collaborative.organization_id,
            collaborative=collaborative,
            title=title,
            kind=kind,
            affinity_role=affinity_role,
            starts_at=starts_at,
            ends_at=ends_at,
            video_url=video_url,
            notes=notes,
        )
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.call.created",
            target=call,
            data=_call_data(call),
        )
    return call


def call_update(
    *,
    call: Call,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    kind: str,
    affinity_role: str = "",
    video_url: str = "",
    notes: str = "",
    is_cancelled: bool | None = None,
    actor: Any,
) -> Call:
    """Change one call. A call of a series follows the series again if the series is changed."""
    with transaction.atomic():
        collaborative = call.collaborative = _lock(call.collaborative_id)
        affinity_role = _validate_call(
            collaborative=collaborative,
            kind=kind,
            affinity_role=affinity_role,
            starts_at=starts_at,
            ends_at=ends_at,
            video_url=video_url,
        )
        was_cancelled = call.is_cancelled
        call.title = title
        call.kind = kind
        call.affinity_role = affinity_role
        call.starts_at = starts_at
        call.ends_at = ends_at
        call.video_url = video_url
        call.notes = notes
        if is_cancelled is not None:
            call.is_cancelled = is_cancelled
        call.save()
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.call.changed",
            target=call,
            data=_call_data(call),
        )
        if call.is_cancelled != was_cancelled:
            _log_cancellation(call, actor)
    return call


def _log_cancellation(call: Call, actor: Any) -> None:
    log_action(
        organization=call.collaborative.organization,
        actor=actor,
        action="bsc.call.cancelled" if call.is_cancelled else "bsc.call.reinstated",
        target=call,
        data=_call_data(call),
    )


def call_set_cancelled(*, call: Call, is_cancelled: bool, actor: Any) -> Call:
    """Cancel a call (it stays on the calendar, marked cancelled) or put it back on."""
    with transaction.atomic():
        call.collaborative = _lock(call.collaborative_id)
        if call.is_cancelled == is_cancelled:
            return call
        call.is_cancelled = is_cancelled
        call.save(update_fields=["is_cancelled"])
        _log_cancellation(call, actor)
    return call


def call_delete(*, call: Call, actor: Any) -> None:
    """Delete a one-off call that nobody's attendance was taken for."""
    with transaction.atomic():
        collaborative = call.collaborative = _lock(call.collaborative_id)
        if call.series_id is not None:
            raise ConflictError(
                f"This call belongs to the series “{call.series}”: cancel it instead, "
                "or change the series' dates."
            )
        if CallAttendance.objects.filter(call=call).exists():
            raise ConflictError(
                "Attendance has been taken for this call, so it cannot be deleted. "
                "Cancel it instead."
            )
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.call.deleted",
            target=call,
            data=_call_data(call),
        )
        call.delete()


# --- Attendance -------------------------------------------------------------------------


def call_eligible_members(call: Call) -> QuerySet[TeamMember]:
    """Who is expected on the call: the roster members of the collaborative's active teams;
    for an affinity-group call only those holding its role, for a senior-leader call the
    senior leaders and day-to-day leaders."""
    members = TeamMember.objects.filter(
        team__collaborative_id=call.collaborative_id, team__status=TeamStatus.ACTIVE
    )
    if call.kind == CallKind.AFFINITY:
        members = members.filter(roles__role=call.affinity_role)
    elif call.kind == CallKind.SENIOR_LEADER:
        members = members.filter(roles__role__in=sorted(LEAD_ROLES))
    return members.distinct()


def call_attendance_set(
    *, call: Call, member_ids: Iterable[int], actor: Any, now: datetime | None = None
) -> list[CallAttendance]:
    """Record who was on the call: ``member_ids`` attended, every other expected member
    did not. Rows of people no longer expected (a team withdrew since) stay as they were."""
    now = now or timezone.now()
    attending = set(member_ids)
    with transaction.atomic():
        collaborative = call.collaborative = _lock(call.collaborative_id)
        if call.is_cancelled:
            raise ConflictError("This call was cancelled; put it back on to take attendance.")
        if call.starts_at > now:
            raise ConflictError("The call has not started yet; take attendance once it has.")
        expected = {m.pk: m for m in call_eligible_members(call).order_by()}
        unknown = attending - set(expected)
        if unknown:
            raise DomainError(
                "Some of the people chosen are not expected on this call (not on an active "
                f"team of this collaborative{_role_clause(call)}): ids {sorted(unknown)}.",
                field="member_ids",
            )
        rows = {a.member_id: a for a in CallAttendance.objects.filter(call=call)}
        to_create: list[CallAttendance] = []
        to_update: list[CallAttendance] = []
        for member_id, member in expected.items():
            attended = member_id in attending
            row = rows.get(member_id)
            if row is None:
                to_create.append(
                    CallAttendance(
                        organization_id=call.organization_id,
                        call=call,
                        member=member,
                        team_id=member.team_id,
                        attended=attended,
                        recorded_by=person_of(actor),
                    )
                )
            elif row.attended != attended:
                row.attended = attended
                row.recorded_by = person_of(actor)
                row.recorded_at = timezone.now()
                to_update.append(row)
        CallAttendance.objects.bulk_create(to_create)
        if to_update:
            CallAttendance.objects.bulk_update(
                to_update, ["attended", "recorded_by", "recorded_at"]
            )
        present_teams = {expected[m].team_id for m in attending}
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.call.attendance_recorded",
            target=call,
            data={
                **_call_data(call),
                "present": len(attending),
                "expected": len(expected),
                "teams_present": len(present_teams),
            },
        )
    return list(CallAttendance.objects.filter(call=call).select_related("member", "team"))


def _role_clause(call: Call) -> str:
    if call.kind == CallKind.AFFINITY:
        return f" holding the role {TeamRole(call.affinity_role).label.lower()}"
    if call.kind == CallKind.SENIOR_LEADER:
        return " as senior leader or day-to-day leader"
    return ""


# --- The private calendar feed ---------------------------------------------------------


def calendar_feed_for(*, user: User, organization: Organization) -> CalendarFeed:
    """The user's feed in this organization, made the first time it is asked for."""
    feed, _created = CalendarFeed.objects.get_or_create(organization=organization, user=user)
    return feed


def calendar_feed_reset(*, user: User, organization: Organization, actor: Any) -> CalendarFeed:
    """A new secret address for the user's feed; the old address stops working at once."""
    with transaction.atomic():
        feed = calendar_feed_for(user=user, organization=organization)
        feed.token = secrets.token_urlsafe(24)
        feed.save(update_fields=["token"])
        log_action(
            organization=organization,
            actor=actor,
            action="bsc.calendar_feed.reset",
            target=feed,
            data={"email": user.email},
        )
    return feed
