"""A collaborative with reminders due, shared by the reminder tests.

Org A ("America/New_York") runs "tf-cbt" from January to December 2026; reports
are due on the 15th of the following month, reminders start 3 days before,
3 weekly overdue reminders, escalation 7 days after the due date. So the
March 2026 report is due on Wednesday 15 April 2026, and 08:00 in New York
that day is 12:00 UTC.

Riverside's roster: Sam (senior leader), Dana (day-to-day leader, with an
account), Cleo (clinician, gets nothing). The collaborative's faculty is Fay,
its chair Chris, its staff Stan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from accounts.models import Role
from tests.factories import (
    CollaborativeFactory,
    CollaborativeRoleFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

UTC = dt.UTC
MARCH = dt.date(2026, 3, 1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class World:
    org: object
    collab: object
    riverside: object
    dana: object
    fay: object
    chris: object
    stan: object


def _user(org, email: str, name: str, **extra):
    user = UserFactory(email=email, full_name=name, **extra)
    MembershipFactory(user=user, organization=org, role=Role.MEMBER)
    return user


@pytest.fixture
def world(org_a) -> World:
    org_a.time_zone = "America/New_York"
    org_a.save()
    collab = CollaborativeFactory(
        organization=org_a,
        slug="tf-cbt",
        name="TF-CBT Collaborative",
        status="active",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        report_due_day=15,
        reminder_days_before=3,
        overdue_reminder_count=3,
        escalation_after_days=7,
    )
    riverside = TeamFactory(collaborative=collab, name="Riverside")
    dana = _user(org_a, "dana@example.org", "Dana Leader")
    TeamMemberFactory(
        team=riverside,
        user=dana,
        full_name="Dana Leader",
        email=dana.email,
        roles=["day_to_day_leader"],
    )
    TeamMemberFactory(
        team=riverside, full_name="Sam Senior", email="sam@clinic.example", roles=["senior_leader"]
    )
    TeamMemberFactory(
        team=riverside, full_name="Cleo Clinician", email="cleo@clinic.example", roles=["clinician"]
    )
    fay = _user(org_a, "fay@example.org", "Fay Faculty")
    CollaborativeRoleFactory(collaborative=collab, user=fay, role="faculty")
    chris = _user(org_a, "chris@example.org", "Chris Chair")
    CollaborativeRoleFactory(collaborative=collab, user=chris, role="chair")
    stan = _user(org_a, "stan@example.org", "Stan Staff")
    CollaborativeRoleFactory(collaborative=collab, user=stan, role="staff")
    return World(org_a, collab, riverside, dana, fay, chris, stan)
