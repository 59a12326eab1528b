"""The private iCalendar feed, parsed back with the icalendar package."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from icalendar import Calendar, Event

from accounts.models import Membership
from collaboratives import calendar_feed
from tests.factories import (
    CalendarFeedFactory,
    CallFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    LearningSessionFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def collab(org_a):
    return CollaborativeFactory(
        organization=org_a,
        slug="tf-cbt",
        name="TF-CBT",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        prework_start_date=date(2025, 11, 1),
    )


@pytest.fixture
def session(collab):
    return LearningSessionFactory(
        collaborative=collab,
        number=1,
        title="Kick-off",
        start_date=date(2026, 2, 10),
        end_date=date(2026, 2, 11),
        location="Durham, NC",
        agenda="Day 1: the model for improvement",
    )


@pytest.fixture
def call(collab):
    # 15:00 in New York, daylight time.
    return CallFactory(
        collaborative=collab,
        title="All-team call",
        starts_at=datetime(2026, 3, 10, 19, 0, tzinfo=UTC),
        ends_at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC),
        video_url="https://zoom.example.org/j/1",
    )


def fetch(client, feed):
    response = client.get(reverse("calendar_feed", kwargs={"token": feed.token}))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_a_learning_session_is_an_all_day_event_with_an_exclusive_end(
    client, alice, org_a, session
):
    feed = CalendarFeedFactory(user=alice, organization=org_a)

    events = events_by_uid(fetch(client, feed))

    event = events[f"learning-session-{session.pk}@testserver"]
    assert event.start == date(2026, 2, 10)
    assert event.end == date(2026, 2, 12)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert str(event["SUMMARY"]) == "TF-CBT: Learning Session 1: Kick-off"
    assert str(event["LOCATION"]) == "Durham, NC"
    assert "the model for improvement" in str(event["DESCRIPTION"])


def test_a_call_is_a_timed_event_in_the_organizations_time_zone(client, alice, org_a, call):
    feed = CalendarFeedFactory(user=alice, organization=org_a)

    calendar = fetch(client, feed)
    event = events_by_uid(calendar)[f"call-{call.pk}@testserver"]

    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTEND"].params["TZID"] == "America/New_York"
    assert event.start.replace(tzinfo=None) == datetime(2026, 3, 10, 15, 0)
    assert event.start == datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
    assert event.end == datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_a_cancelled_call_stays_in_the_feed_marked_cancelled(client, alice, org_a, call):
    call.is_cancelled = True
    call.save()
    feed = CalendarFeedFactory(user=alice, organization=org_a)

    event = events_by_uid(fetch(client, feed))[f"call-{call.pk}@testserver"]

    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled: ")


def test_calls_of_an_organization_in_utc_are_in_utc(client, org_b, carol):
    org_b.time_zone = "UTC"
    org_b.save()
    collab = CollaborativeFactory(organization=org_b)
    call = CallFactory(
        collaborative=collab,
        starts_at=datetime(2026, 3, 10, 19, 0, tzinfo=UTC),
        ends_at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC),
    )
    feed = CalendarFeedFactory(user=carol, organization=org_b)

    response = client.get(reverse("calendar_feed", kwargs={"token": feed.token}))
    event = events_by_uid(Calendar.from_ical(response.content))[f"call-{call.pk}@testserver"]

    assert event.start == datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
    assert b"DTSTART:20260310T190000Z" in response.content


def test_the_feed_carries_the_start_of_pre_work_and_the_end(client, alice, org_a, collab):
    feed = CalendarFeedFactory(user=alice, organization=org_a)

    events = events_by_uid(fetch(client, feed))

    assert events[f"prework-start-{collab.pk}@testserver"].start == date(2025, 11, 1)
    assert events[f"collaborative-end-{collab.pk}@testserver"].start == date(2026, 12, 31)


def test_uids_stay_the_same_from_one_fetch_to_the_next(client, alice, org_a, session, call):
    feed = CalendarFeedFactory(user=alice, organization=org_a)

    assert set(events_by_uid(fetch(client, feed))) == set(events_by_uid(fetch(client, feed)))


def test_an_unknown_token_is_not_found(client):
    response = client.get(reverse("calendar_feed", kwargs={"token": "no-such-token"}))

    assert response.status_code == 404


def test_a_user_no_longer_in_the_organization_gets_404(client, alice, bob, org_a, session):
    feed = CalendarFeedFactory(user=bob, organization=org_a)
    with scopes_disabled():
        Membership.objects.filter(user=bob, organization=org_a).delete()

    response = client.get(reverse("calendar_feed", kwargs={"token": feed.token}))

    assert response.status_code == 404


def test_a_switched_off_account_gets_404(client, alice, org_a, session):
    feed = CalendarFeedFactory(user=alice, organization=org_a)
    alice.is_active = False
    alice.save()

    assert client.get(reverse("calendar_feed", kwargs={"token": feed.token})).status_code == 404


def test_the_feed_needs_no_sign_in_and_refuses_writes(client, alice, org_a):
    feed = CalendarFeedFactory(user=alice, organization=org_a)
    path = reverse("calendar_feed", kwargs={"token": feed.token})

    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 405


def test_an_admin_sees_every_collaborative_that_is_not_archived(client, alice, org_a, collab):
    from django.utils import timezone

    archived = CollaborativeFactory(organization=org_a, archived_at=timezone.now())
    old_session = LearningSessionFactory(collaborative=archived, number=1)
    feed = CalendarFeedFactory(user=alice, organization=org_a)

    uids = set(events_by_uid(fetch(client, feed)))

    assert f"collaborative-end-{collab.pk}@testserver" in uids
    assert f"learning-session-{old_session.pk}@testserver" not in uids


def test_a_member_sees_only_the_collaboratives_they_take_part_in(client, bob, org_a, collab):
    on_team = CollaborativeFactory(organization=org_a, name="On a team")
    leads = CollaborativeFactory(organization=org_a, name="Faculty of")
    withdrawn = CollaborativeFactory(organization=org_a, name="Withdrawn team")
    TeamMemberFactory(team=TeamFactory(collaborative=on_team), user=bob)
    CollaborativeRoleFactory(collaborative=leads, user=bob, role="faculty")
    TeamMemberFactory(team=TeamFactory(collaborative=withdrawn, status="withdrawn"), user=bob)
    feed = CalendarFeedFactory(user=bob, organization=org_a)

    uids = set(events_by_uid(fetch(client, feed)))

    ends = {uid for uid in uids if uid.startswith("collaborative-end-")}
    assert ends == {
        f"collaborative-end-{on_team.pk}@testserver",
        f"collaborative-end-{leads.pk}@testserver",
    }


def test_a_feed_of_another_organization_never_carries_this_ones_events(
    client, carol, org_b, session, call
):
    CollaborativeFactory(organization=org_b, name="Southern wave")
    feed = CalendarFeedFactory(user=carol, organization=org_b)

    body = client.get(reverse("calendar_feed", kwargs={"token": feed.token})).content

    uids = set(events_by_uid(Calendar.from_ical(body)))
    assert f"learning-session-{session.pk}@testserver" not in uids
    assert f"call-{call.pk}@testserver" not in uids
    assert b"Kick-off" not in body and b"TF-CBT" not in body


def test_a_user_in_two_organizations_gets_a_separate_feed_for_each(
    client, alice, org_a, org_b, session
):
    MembershipFactory(user=alice, organization=org_b, role="admin")
    CollaborativeFactory(organization=org_b, name="Southern wave")
    feed_b = CalendarFeedFactory(user=alice, organization=org_b)

    body = client.get(reverse("calendar_feed", kwargs={"token": feed_b.token})).content

    assert b"Southern wave" in body
    assert b"Kick-off" not in body


def test_other_areas_can_add_events_through_feed_sources(client, alice, org_a, monkeypatch):
    def report_due_dates(user, organization):
        yield Event.new(
            uid=f"report-due-1@{calendar_feed.site_host()}",
            summary=f"Monthly report due for {user.email}",
            start=date(2026, 3, 15),
            end=date(2026, 3, 16),
        )

    monkeypatch.setattr(
        calendar_feed, "FEED_SOURCES", [*calendar_feed.FEED_SOURCES, report_due_dates]
    )
    feed = CalendarFeedFactory(user=alice, organization=org_a)

    event = events_by_uid(fetch(client, feed))["report-due-1@testserver"]

    assert str(event["SUMMARY"]) == "Monthly report due for alice@example.org"


def test_the_feed_is_private_and_refreshes_hourly(client, alice, org_a):
    feed = CalendarFeedFactory(user=alice, organization=org_a)

    response = client.get(reverse("calendar_feed", kwargs={"token": feed.token}))
    calendar = Calendar.from_ical(response.content)

    assert response["Cache-Control"] == "private, max-age=300"
    assert "noindex" in response["X-Robots-Tag"]
    assert str(calendar["X-WR-CALNAME"]) == "Northern Network collaboratives"
    assert calendar["REFRESH-INTERVAL"].dt.total_seconds() == 3600


@pytest.mark.parametrize("count", [2, 20])
def test_the_feed_runs_a_constant_number_of_queries(
    client, alice, org_a, collab, django_assert_num_queries, count
):
    host = TeamFactory(collaborative=collab)
    for number in range(1, count + 1):
        LearningSessionFactory(
            collaborative=collab,
            number=number,
            start_date=date(2026, 1, 1).replace(day=min(number, 28)),
            end_date=date(2026, 1, 1).replace(day=min(number, 28)),
            host_team=host,
        )
        CallFactory(collaborative=collab)
    feed = CalendarFeedFactory(user=alice, organization=org_a)
    path = reverse("calendar_feed", kwargs={"token": feed.token})

    # 1 savepoint of the request's transaction, 2 the feed with its user and organization,
    # 3 the membership, 4 the membership again (whose collaboratives the feed carries),
    # 5 the collaboratives, 6 the sessions with their host teams, 7 the calls,
    # 8-9 the membership and collaboratives again for the report due dates (measures),
    # 10 savepoint released.
    with django_assert_num_queries(10):
        response = client.get(path)
    assert response.status_code == 200
