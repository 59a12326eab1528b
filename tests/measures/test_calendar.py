"""Monthly report due dates in the private calendar feed."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.factories import CalendarFeedFactory, CollaborativeFactory

pytestmark = pytest.mark.django_db


def _events(client, feed):
    response = client.get(reverse("calendar_feed", kwargs={"token": feed.token}))
    assert response.status_code == 200
    return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_the_feed_carries_each_months_report_due_date(client, alice, org_a):
    collab = CollaborativeFactory(
        organization=org_a,
        name="TF-CBT",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 3, 31),
        report_due_day=10,
    )
    events = _events(client, CalendarFeedFactory(user=alice, organization=org_a))
    due = {uid: e for uid, e in events.items() if uid.startswith("report-due-")}
    assert sorted(e.start for e in due.values()) == [
        date(2026, 2, 10),
        date(2026, 3, 10),
        date(2026, 4, 10),
    ]
    assert str(due[f"report-due-202601-{collab.pk}@testserver"]["SUMMARY"]) == (
        "TF-CBT: January 2026 report due"
    )


def test_the_feed_carries_no_due_dates_of_collaboratives_the_user_is_not_in(client, bob, org_a):
    CollaborativeFactory(organization=org_a)
    events = _events(client, CalendarFeedFactory(user=bob, organization=org_a))
    assert not [uid for uid in events if uid.startswith("report-due-")]
