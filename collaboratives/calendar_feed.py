"""The private iCalendar feed: one per user and organization, for calendar programs.

``build_calendar(feed)`` gathers the events of every source in ``FEED_SOURCES``.
A source is a function ``(user, organization) -> iterable of icalendar.Event``
that runs inside the organization's scope; the schedule's own source comes
first, and other areas append theirs (the measures issue: report due dates)::

    from collaboratives.calendar_feed import FEED_SOURCES
    FEED_SOURCES.append(report_due_events)

Events carry stable UIDs (``learning-session-<id>@<site host>``), so a calendar
program updates an event when its session or call changes instead of adding a
second one. Learning sessions are all-day events (DTEND is the day after the
last day, as RFC 5545 wants); calls are timed events in the organization's time
zone, with a VTIMEZONE block so every program places them right across
daylight-saving changes; cancelled calls stay in the feed with STATUS:CANCELLED,
so programs strike them out rather than silently dropping them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from collaboratives.models import Call, CallKind, Collaborative, LearningSession
from collaboratives.selectors.schedule import collaboratives_for_feed

if TYPE_CHECKING:
    from accounts.models import Organization, User
    from collaboratives.models import CalendarFeed

FeedSource = Callable[["User", "Organization"], Iterable[Event]]

# How often calendar programs should fetch the feed again.
REFRESH_INTERVAL = datetime.timedelta(hours=1)

CALL_AUDIENCE = {
    CallKind.ALL_TEAM: "For every team.",
    CallKind.SENIOR_LEADER: "For the senior leaders and day-to-day leaders of every team.",
    CallKind.COACHING: "Coaching call.",
}


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def uid(kind: str, pk: int) -> str:
    """A stable event id, e.g. ``learning-session-12@bsc.example.org``."""
    return f"{kind}-{pk}@{site_host()}"


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def _collaborative_url(name: str, collaborative: Collaborative, **kwargs: object) -> str:
    return absolute_url(
        reverse(
            name,
            kwargs={
                "org": collaborative.organization.slug,
                "collab": collaborative.slug,
                **kwargs,
            },
        )
    )


def session_event(session: LearningSession, stamp: datetime.datetime) -> Event:
    collaborative = session.collaborative
    page = _collaborative_url("learning_session_detail", collaborative, pk=session.pk)
    lines = [f"{collaborative.name}: Learning Session {session.number}."]
    if session.host_team is not None:
        lines.append(f"Hosted by {session.host_team.name}.")
    if session.video_url:
        lines.append(f"Video link: {session.video_url}")
    if session.agenda:
        lines += ["", "Agenda:", session.agenda]
    lines += ["", f"Details and materials: {page}"]
    return Event.new(
        uid=uid("learning-session", session.pk),
        stamp=stamp,
        summary=f"{collaborative.name}: {session}",
        start=session.start_date,
        end=session.end_date + datetime.timedelta(days=1),
        location=session.location or session.video_url or None,
        description="\n".join(lines),
        url=page,
        status="CONFIRMED",
        transparency="OPAQUE",
    )


def call_event(call: Call, stamp: datetime.datetime, tz: datetime.tzinfo) -> Event:
    collaborative = call.collaborative
    if call.kind == CallKind.AFFINITY and call.affinity_role:
        audience = f"Affinity-group call for the {call.get_affinity_role_display().lower()}s."
    else:
        audience = CALL_AUDIENCE.get(call.kind, "")
    lines = [f"{collaborative.name}: {call.get_kind_display()}. {audience}".strip()]
    if call.is_cancelled:
        lines.insert(0, "This call is cancelled.")
    if call.video_url:
        lines.append(f"Video link: {call.video_url}")
    if call.notes:
        lines += ["", call.notes]
    lines += ["", f"All calls: {_collaborative_url('call_list', collaborative)}"]
    return Event.new(
        uid=uid("call", call.pk),
        stamp=stamp,
        summary=f"{'Cancelled: ' if call.is_cancelled else ''}{collaborative.name}: {call.title}",
        start=timezone.localtime(call.starts_at, tz),
        end=timezone.localtime(call.ends_at, tz),
        location=call.video_url or None,
        description="\n".join(lines),
        url=call.video_url or None,
        status="CANCELLED" if call.is_cancelled else "CONFIRMED",
        transparency="TRANSPARENT" if call.is_cancelled else "OPAQUE",
    )


def milestone_event(
    collaborative: Collaborative, kind: str, day: datetime.date, stamp: datetime.datetime
) -> Event:
    summaries = {
        "prework-start": f"{collaborative.name}: pre-work starts",
        "collaborative-end": f"{collaborative.name}: the collaborative ends",
    }
    return Event.new(
        uid=uid(kind, collaborative.pk),
        stamp=stamp,
        summary=summaries[kind],
        start=day,
        end=day + datetime.timedelta(days=1),
        url=_collaborative_url("calendar", collaborative),
        transparency="TRANSPARENT",
    )


def schedule_events(user: User, organization: Organization) -> Iterator[Event]:
    """Sessions, calls and the start of pre-work and end of each collaborative of the user.

    Three queries: the collaboratives (plus the membership), the sessions, the calls.
    """
    collaboratives = collaboratives_for_feed(user, organization)
    if not collaboratives:
        return
    by_id = {c.pk: c for c in collaboratives}
    for collaborative in collaboratives:
        collaborative.organization = organization
    stamp = timezone.now().replace(microsecond=0)
    tz = organization.tzinfo
    for collaborative in collaboratives:
        if collaborative.prework_start_date:
            yield milestone_event(
                collaborative, "prework-start", collaborative.prework_start_date, stamp
            )
        yield milestone_event(collaborative, "collaborative-end", collaborative.end_date, stamp)
    sessions = LearningSession.objects.filter(collaborative_id__in=list(by_id)).select_related(
        "host_team"
    )
    for session in sessions.order_by("start_date", "pk"):
        session.collaborative = by_id[session.collaborative_id]
        yield session_event(session, stamp)
    for call in Call.objects.filter(collaborative_id__in=list(by_id)).order_by("starts_at", "pk"):
        call.collaborative = by_id[call.collaborative_id]
        yield call_event(call, stamp, tz)


# Every source of events in the feed. Append yours; each runs inside the organization's scope.
FEED_SOURCES: list[FeedSource] = [schedule_events]


def build_calendar(feed: CalendarFeed) -> Calendar:
    """The whole feed of ``feed.user`` in ``feed.organization``. Run it inside the scope."""
    organization = feed.organization
    calendar = Calendar.new(
        prodid=f"-//{settings.SITE_NAME}//Collaborative calendar//EN",
        name=f"{organization.name} collaboratives",
        description=(f"Learning sessions and calls of your collaboratives at {organization.name}."),
        refresh_interval=REFRESH_INTERVAL,
        uid=uid("calendar-feed", feed.pk),
        method="PUBLISH",
    )
    calendar.add("X-WR-TIMEZONE", organization.time_zone)
    calendar.add("X-PUBLISHED-TTL", REFRESH_INTERVAL)
    for source in FEED_SOURCES:
        for event in source(feed.user, organization):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar
