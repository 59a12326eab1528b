"""Helpers for the schedule's tests (not fixtures: each test module declares its own)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from bsc.audit import AuditEntry
from collaboratives.services import schedule as services
from tests.factories import TeamFactory, TeamMemberFactory

NEW_YORK_ORG = {"time_zone": "America/New_York"}


def last_entry(org, action):
    with scopes_disabled():
        return AuditEntry.objects.filter(organization=org, action=action).first()


def add_session(collaborative, actor, **kwargs):
    values = {"title": "Getting started", "start_date": date(2026, 2, 10)}
    values.update(kwargs)
    with scope(organization=collaborative.organization):
        return services.learning_session_create(collaborative=collaborative, actor=actor, **values)


def add_series(collaborative, actor, *, now=None, **kwargs):
    values = {
        "title": "Monthly all-team call",
        "kind": "all_team",
        "week_of_month": 2,
        "weekday": 1,
        "start_time": time(15, 0),
        "first_date": date(2026, 1, 1),
        "last_date": date(2026, 6, 30),
    }
    values.update(kwargs)
    with scope(organization=collaborative.organization):
        return services.call_series_create(
            collaborative=collaborative, actor=actor, now=now or aware(2025, 12, 1), **values
        )


def aware(year, month, day, hour=12, minute=0, tz="UTC"):
    import zoneinfo

    return datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(tz))


def teams_with_members(collaborative, count, *, roles_per_team=None, members_per_team=2):
    """``count`` active teams, each with ``members_per_team`` members (a senior leader and
    a clinician by default)."""
    roles_per_team = roles_per_team or [["senior_leader"], ["clinician"]]
    teams = []
    for index in range(count):
        team = TeamFactory(collaborative=collaborative, name=f"Team {index:03d}")
        for member_index in range(members_per_team):
            TeamMemberFactory(team=team, roles=roles_per_team[member_index % len(roles_per_team)])
        teams.append(team)
    return teams


def around_today(**kwargs):
    """Collaborative dates around today, for pages that split past from upcoming."""
    today = timezone.localdate()
    values = {
        "start_date": today - timedelta(days=150),
        "end_date": today + timedelta(days=200),
    }
    values.update(kwargs)
    return values
