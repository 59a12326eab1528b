"""Objects for the completeness tests (import the fixtures you use into the test module).

Org A (America/New_York) runs "tf-cbt" from four months before this month to
the end of the year after; reports are due on the 15th of the next month.
Riverside and Lakeside are its teams. ``fay`` is faculty; ``dana`` Riverside's
day-to-day leader; ``bob`` a member on no roster; ``alice`` staff; ``carol``
the outsider.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from tests.factories import (
    CollaborativeFactory,
    CollaborativeRoleFactory,
    MembershipFactory,
    MonthlyReportFactory,
    ReportEventFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

NEW_YORK = ZoneInfo("America/New_York")


def this_month() -> dt.date:
    return timezone.localdate(timezone=NEW_YORK).replace(day=1)


def months_ago(count: int) -> dt.date:
    return this_month() - relativedelta(months=count)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


def report(team, month: dt.date, status: str, *, submitted: dt.datetime | None = None):
    """A report with ``status``; ``submitted`` writes its first "submitted" event at that time."""
    from measures.models import ReportEvent

    row = MonthlyReportFactory(team=team, month=month, status=status, submitted_at=submitted)
    if submitted is not None:
        event = ReportEventFactory(report=row, kind="submitted")
        with scopes_disabled():
            ReportEvent.objects.filter(pk=event.pk).update(created_at=submitted)
    return row


def org_member(org, email: str, name: str):
    user = UserFactory(email=email, full_name=name)
    MembershipFactory(user=user, organization=org, role=Role.MEMBER)
    return user


@pytest.fixture(name="collab")
def collab_fixture(org_a):
    start = months_ago(4)
    return CollaborativeFactory(
        organization=org_a,
        slug="tf-cbt",
        name="TF-CBT Collaborative",
        start_date=start,
        end_date=start + relativedelta(years=2) - dt.timedelta(days=1),
        report_due_day=15,
    )


@pytest.fixture(name="riverside")
def riverside_fixture(collab):
    return TeamFactory(collaborative=collab, name="Riverside")


@pytest.fixture(name="lakeside")
def lakeside_fixture(collab):
    return TeamFactory(collaborative=collab, name="Lakeside")


@pytest.fixture(name="fay")
def fay_fixture(org_a, collab):
    user = org_member(org_a, "fay@example.org", "Fay Faculty")
    CollaborativeRoleFactory(collaborative=collab, user=user, role="faculty")
    return user


@pytest.fixture(name="dana")
def dana_fixture(org_a, riverside):
    user = org_member(org_a, "dana@example.org", "Dana Leader")
    TeamMemberFactory(
        team=riverside,
        user=user,
        full_name="Dana Leader",
        email=user.email,
        phone="+1 555 0100",
        roles=["day_to_day_leader"],
    )
    return user


@pytest.fixture(name="api_as")
def api_as_fixture(request):
    """``api_as("fay")``: an API client signed in (by session) as a persona, or anonymous."""
    from rest_framework.test import APIClient

    def sign_in(persona: str) -> APIClient:
        client = APIClient()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return sign_in
