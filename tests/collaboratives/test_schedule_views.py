"""Pages of the schedule: calendar, sessions, action periods, calls, attendance."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from collaboratives.models import (
    ActionPeriod,
    CalendarFeed,
    Call,
    CallAttendance,
    CallSeries,
    LearningSession,
    SessionMaterial,
)
from tests.collaboratives.schedule_support import (
    add_session,
    around_today,
    last_entry,
    teams_with_members,
)
from tests.factories import (
    CallFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    LearningSessionFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def collab(org_a):
    return CollaborativeFactory(
        organization=org_a,
        slug="tf-cbt",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        prework_start_date=date(2025, 11, 1),
    )


@pytest.fixture
def live_collab(org_a):
    """A collaborative running today, so calls fall in the past and the future."""
    return CollaborativeFactory(organization=org_a, slug="live", **around_today())


@pytest.fixture
def faculty(org_a, collab):
    from tests.factories import MembershipFactory

    user = UserFactory(email="fay@example.org", full_name="Fay Faculty")
    MembershipFactory(user=user, organization=org_a, role="member")
    CollaborativeRoleFactory(collaborative=collab, user=user, role="faculty")
    return user


def url(name, collab, **kwargs):
    return reverse(name, kwargs={"org": collab.organization.slug, "collab": collab.slug, **kwargs})


# --- The calendar ---------------------------------------------------------------------------


def test_the_calendar_lists_sessions_and_calls_month_by_month(alice_client, collab):
    LearningSessionFactory(
        collaborative=collab,
        number=1,
        title="Kick-off",
        start_date=date(2026, 2, 10),
        end_date=date(2026, 2, 11),
    )
    CallFactory(
        collaborative=collab,
        title="All-team call",
        starts_at=datetime(2026, 3, 10, 19, 0, tzinfo=UTC),
        ends_at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC),
    )

    response = alice_client.get(url("calendar", collab))

    assert response.status_code == 200
    html = response.content.decode()
    assert "November 2025" in html  # pre-work starts
    assert "February 2026" in html and "Kick-off" in html
    assert "March 2026" in html and "All-team call" in html
    # 19:00 UTC is 3 pm in New York (daylight time since 8 March).
    assert "3:00 p.m." in html
    assert "December 2026" in html  # the collaborative ends
    assert html.index("February 2026") < html.index("March 2026")


def test_the_calendar_shows_the_users_private_feed_address(alice_client, alice, collab):
    response = alice_client.get(url("calendar", collab))

    with scopes_disabled():
        feed = CalendarFeed.objects.get(user=alice, organization=collab.organization)
    assert f"/calendar/{feed.token}.ics" in response.content.decode()
    assert "webcal://" in response.content.decode()


def test_resetting_the_feed_kills_the_old_address(alice_client, alice, collab):
    alice_client.get(url("calendar", collab))
    with scopes_disabled():
        old = CalendarFeed.objects.get(user=alice).token

    response = alice_client.post(url("calendar_feed_reset", collab))

    assert response.status_code == 302
    with scopes_disabled():
        new = CalendarFeed.objects.get(user=alice).token
    assert new != old
    assert alice_client.get(reverse("calendar_feed", kwargs={"token": old})).status_code == 404
    assert alice_client.get(reverse("calendar_feed", kwargs={"token": new})).status_code == 200


def test_a_member_reads_the_calendar(bob_client, collab):
    assert bob_client.get(url("calendar", collab)).status_code == 200


# --- Learning sessions ----------------------------------------------------------------------


def session_form(**changes):
    data = {
        "number": "1",
        "title": "Kick-off",
        "start_date": "2026-02-10",
        "end_date": "",
        "location": "Durham, NC",
        "video_url": "",
        "host_team": "",
        "agenda": "Day 1: the model for improvement",
    }
    data.update(changes)
    return data


def test_staff_add_a_learning_session(alice_client, collab):
    response = alice_client.post(url("learning_session_create", collab), session_form())

    with scopes_disabled():
        session = LearningSession.objects.get(collaborative=collab)
    assert response.status_code == 302
    assert response["Location"] == url("learning_session_detail", collab, pk=session.pk)
    assert (session.start_date, session.end_date) == (date(2026, 2, 10), date(2026, 2, 11))
    assert last_entry(collab.organization, "bsc.learning_session.created").actor is not None
    with scopes_disabled():
        assert ActionPeriod.objects.filter(collaborative=collab).count() == 1


def test_the_new_session_form_suggests_the_next_number(alice_client, alice, collab):
    add_session(collab, alice, number=1)

    response = alice_client.get(url("learning_session_create", collab))

    assert response.context["form"].initial["number"] == 2


def test_an_overlapping_session_is_shown_on_the_field(alice_client, alice, collab):
    add_session(collab, alice, number=1, title="Kick-off", start_date=date(2026, 2, 10))

    response = alice_client.post(
        url("learning_session_create", collab),
        session_form(number="2", title="Second", start_date="2026-02-11"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Learning Session 1" in errors["start_date"][0]
    with scopes_disabled():
        assert LearningSession.objects.filter(collaborative=collab).count() == 1


def test_a_session_outside_the_collaborative_is_refused_on_the_form(alice_client, collab):
    response = alice_client.post(
        url("learning_session_create", collab), session_form(start_date="2027-02-10")
    )

    assert response.status_code == 200
    assert "within the collaborative" in response.context["form"].errors["start_date"][0]


def test_staff_edit_a_session_keeping_its_length(alice_client, alice, collab):
    session = add_session(
        collab, alice, number=1, start_date=date(2026, 2, 10), end_date=date(2026, 2, 12)
    )

    response = alice_client.post(
        url("learning_session_update", collab, pk=session.pk),
        session_form(start_date="2026-03-03", title="Moved"),
    )

    assert response.status_code == 302
    with scopes_disabled():
        session.refresh_from_db()
    assert (session.title, session.start_date, session.end_date) == (
        "Moved",
        date(2026, 3, 3),
        date(2026, 3, 5),
    )


def test_staff_delete_a_session(alice_client, alice, collab):
    session = add_session(collab, alice)

    assert (
        alice_client.get(url("learning_session_delete", collab, pk=session.pk)).status_code == 200
    )
    response = alice_client.post(url("learning_session_delete", collab, pk=session.pk))

    assert response.status_code == 302
    with scopes_disabled():
        assert not LearningSession.objects.exists()


def test_a_member_reads_sessions_but_cannot_add_them(bob_client, bob, alice, collab):
    session = add_session(collab, alice, number=1, title="Kick-off")

    listing = bob_client.get(url("learning_session_list", collab))
    detail = bob_client.get(url("learning_session_detail", collab, pk=session.pk))

    assert listing.status_code == 200 and "Kick-off" in listing.content.decode()
    assert "Add a learning session" not in listing.content.decode()
    assert detail.status_code == 200
    assert bob_client.get(url("learning_session_create", collab)).status_code == 403
    assert (
        bob_client.post(url("learning_session_create", collab), session_form()).status_code == 403
    )


def test_a_session_of_another_collaborative_is_not_found(alice_client, alice, org_a, collab):
    other = CollaborativeFactory(organization=org_a, slug="other")
    session = add_session(other, alice)

    assert (
        alice_client.get(url("learning_session_detail", collab, pk=session.pk)).status_code == 404
    )


def test_staff_upload_a_material_and_members_download_it(alice_client, alice, bob, client, collab):
    session = add_session(collab, alice)
    upload = SimpleUploadedFile("slides.pptx", b"slide deck bytes", "application/octet-stream")

    response = alice_client.post(
        url("session_material_add", collab, pk=session.pk), {"title": "Slides", "file": upload}
    )

    assert response.status_code == 302
    with scopes_disabled():
        material = SessionMaterial.objects.get(session=session)
    client.force_login(bob)
    download = client.get(
        url("session_material_download", collab, pk=session.pk, material=material.pk)
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"slide deck bytes"
    assert download["Content-Disposition"].startswith("attachment;")


def test_a_material_over_the_size_limit_is_refused_on_the_form(
    alice_client, alice, collab, monkeypatch
):
    from collaboratives.forms import schedule as forms

    monkeypatch.setattr(forms, "MATERIAL_MAX_BYTES", 10)
    session = add_session(collab, alice)
    upload = SimpleUploadedFile("big.pdf", b"more than ten bytes", "application/pdf")

    response = alice_client.post(
        url("session_material_add", collab, pk=session.pk), {"title": "", "file": upload}
    )

    assert response.status_code == 400
    assert "largest allowed" in response.context["material_form"].errors["file"][0]
    with scopes_disabled():
        assert not SessionMaterial.objects.exists()


def test_staff_add_a_link_and_remove_it(alice_client, alice, collab):
    session = add_session(collab, alice)
    alice_client.post(
        url("session_material_add", collab, pk=session.pk),
        {"title": "Recording", "url": "https://video.example.org/ls1"},
    )
    with scopes_disabled():
        material = SessionMaterial.objects.get(session=session)

    response = alice_client.post(
        url("session_material_delete", collab, pk=session.pk, material=material.pk)
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert not SessionMaterial.objects.exists()


# --- Action periods --------------------------------------------------------------------------


def test_staff_edit_an_action_period_and_it_keeps_their_dates(alice_client, alice, collab):
    add_session(collab, alice, number=1, start_date=date(2026, 2, 10))
    with scopes_disabled():
        period = ActionPeriod.objects.get(collaborative=collab)

    response = alice_client.post(
        url("action_period_update", collab, pk=period.pk),
        {"start_date": "2026-02-16", "end_date": "2026-06-01", "focus": "Intake"},
    )

    assert response.status_code == 302
    with scopes_disabled():
        period.refresh_from_db()
    assert period.is_customized
    listing = alice_client.get(url("action_period_list", collab)).content.decode()
    assert "dates set by hand" in listing and "Intake" in listing


def test_an_action_period_ending_before_it_starts_is_refused(alice_client, alice, collab):
    add_session(collab, alice, number=1, start_date=date(2026, 2, 10))
    with scopes_disabled():
        period = ActionPeriod.objects.get(collaborative=collab)

    response = alice_client.post(
        url("action_period_update", collab, pk=period.pk),
        {"start_date": "2026-06-16", "end_date": "2026-06-01", "focus": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["end_date"]


# --- Calls -------------------------------------------------------------------------------------


def series_form(**changes):
    data = {
        "title": "Monthly all-team call",
        "kind": "all_team",
        "affinity_role": "",
        "week_of_month": "2",
        "weekday": "1",
        "start_time": "15:00",
        "duration_minutes": "60",
        "first_date": "2026-01-01",
        "last_date": "2026-06-30",
        "video_url": "https://zoom.example.org/j/123",
    }
    data.update(changes)
    return data


def test_staff_schedule_a_monthly_call(alice_client, collab):
    response = alice_client.post(url("call_series_create", collab), series_form())

    assert response.status_code == 302
    with scopes_disabled():
        series = CallSeries.objects.get(collaborative=collab)
        calls = list(series.calls.order_by("starts_at"))
    assert len(calls) == 6
    assert calls[0].starts_at == datetime(2026, 1, 13, 20, 0, tzinfo=UTC)


def test_an_affinity_call_without_a_role_is_refused_on_the_form(alice_client, collab):
    response = alice_client.post(
        url("call_series_create", collab), series_form(kind="affinity", affinity_role="")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["affinity_role"]
    with scopes_disabled():
        assert not CallSeries.objects.exists()


def test_staff_change_a_series(alice_client, collab):
    alice_client.post(url("call_series_create", collab), series_form())
    with scopes_disabled():
        series = CallSeries.objects.get(collaborative=collab)

    response = alice_client.post(
        url("call_series_update", collab, pk=series.pk), series_form(title="All-team call")
    )

    assert response.status_code == 302
    with scopes_disabled():
        series.refresh_from_db()
    assert series.title == "All-team call"


def test_staff_schedule_a_one_off_call_in_the_organizations_time(alice_client, collab):
    response = alice_client.post(
        url("call_create", collab),
        {
            "title": "Spread planning",
            "kind": "coaching",
            "affinity_role": "",
            "date": "2026-07-07",
            "start_time": "13:30",
            "duration_minutes": "45",
            "video_url": "",
            "notes": "Bring your spread plan.",
        },
    )

    assert response.status_code == 302
    with scopes_disabled():
        call = Call.objects.get(collaborative=collab)
    assert call.starts_at == datetime(2026, 7, 7, 17, 30, tzinfo=UTC)
    assert call.ends_at - call.starts_at == timedelta(minutes=45)


def test_a_call_outside_the_collaborative_is_refused_on_the_date(alice_client, collab):
    response = alice_client.post(
        url("call_create", collab),
        {
            "title": "Too late",
            "kind": "all_team",
            "date": "2027-07-07",
            "start_time": "13:30",
            "duration_minutes": "45",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["date"]


def test_the_call_list_splits_upcoming_and_past_calls(bob_client, live_collab):
    now = timezone.now()
    CallFactory(
        collaborative=live_collab,
        title="Held last week",
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(hours=1),
    )
    CallFactory(
        collaborative=live_collab,
        title="Next week",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=1),
    )

    response = bob_client.get(url("call_list", live_collab))

    assert response.status_code == 200
    assert [c.title for c in response.context["upcoming"]] == ["Next week"]
    assert [c.title for c in response.context["past"]] == ["Held last week"]
    assert "Schedule a monthly call" not in response.content.decode()


def test_staff_cancel_and_reinstate_a_call(alice_client, collab):
    call = CallFactory(collaborative=collab)

    alice_client.post(url("call_cancel", collab, pk=call.pk), {"cancel": "1"})
    with scopes_disabled():
        call.refresh_from_db()
    assert call.is_cancelled

    alice_client.post(url("call_cancel", collab, pk=call.pk), {"cancel": "0"})
    with scopes_disabled():
        call.refresh_from_db()
    assert not call.is_cancelled


def test_deleting_a_call_with_attendance_shows_why_not(alice_client, collab):
    from tests.factories import CallAttendanceFactory

    call = CallFactory(collaborative=collab)
    CallAttendanceFactory(call=call)

    response = alice_client.post(url("call_delete", collab, pk=call.pk), follow=True)

    assert "Cancel it instead" in response.content.decode()
    with scopes_disabled():
        assert Call.objects.filter(pk=call.pk).exists()


# --- Attendance -----------------------------------------------------------------------------


@pytest.fixture
def held_call(collab):
    return CallFactory(
        collaborative=collab,
        title="February all-team call",
        starts_at=datetime(2026, 2, 10, 20, 0, tzinfo=UTC),
        ends_at=datetime(2026, 2, 10, 21, 0, tzinfo=UTC),
    )


def test_the_attendance_sheet_lists_each_active_team_with_its_members(
    alice_client, collab, held_call
):
    teams = teams_with_members(collab, 2)

    response = alice_client.get(url("call_attendance", collab, pk=held_call.pk))

    assert response.status_code == 200
    html = response.content.decode()
    for team in teams:
        assert team.name in html
    assert html.count('name="members"') == 4


def test_faculty_take_attendance_per_member(client, faculty, collab, held_call):
    first, _second = teams_with_members(collab, 2)
    with scopes_disabled():
        present = first.members.order_by("pk").first()
    client.force_login(faculty)

    response = client.post(
        url("call_attendance", collab, pk=held_call.pk), {"members": [str(present.pk)]}
    )

    assert response.status_code == 302
    with scopes_disabled():
        rows = {a.member_id: a.attended for a in CallAttendance.objects.filter(call=held_call)}
        assert CallAttendance.objects.get(member=present).team_id == first.pk
    assert len(rows) == 4
    assert rows[present.pk] is True
    assert sum(rows.values()) == 1


def test_a_member_cannot_take_attendance(bob_client, collab, held_call):
    teams_with_members(collab, 1)

    assert bob_client.get(url("call_attendance", collab, pk=held_call.pk)).status_code == 403
    assert bob_client.post(url("call_attendance", collab, pk=held_call.pk), {}).status_code == 403


def test_a_member_of_another_collaborative_cannot_be_ticked(alice_client, org_a, collab, held_call):
    teams_with_members(collab, 1)
    stranger = TeamMemberFactory(team__collaborative=CollaborativeFactory(organization=org_a))

    response = alice_client.post(
        url("call_attendance", collab, pk=held_call.pk), {"members": [str(stranger.pk)]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["members"]
    with scopes_disabled():
        assert not CallAttendance.objects.exists()


def test_the_overview_shows_each_teams_attendance_rate(alice_client, alice, collab, held_call):
    first, second = teams_with_members(collab, 2)
    with scopes_disabled():
        present = first.members.first()
    from collaboratives.services import schedule as services

    with scope(organization=collab.organization):
        services.call_attendance_set(call=held_call, member_ids=[present.pk], actor=alice)

    response = alice_client.get(url("attendance_overview", collab))

    rows = {row["entry"].team.pk: row["entry"] for row in response.context["rows"]}
    assert rows[first.pk].total.rate == 100
    assert rows[second.pk].total.rate == 0
    assert "100%" in response.content.decode()


def test_a_team_member_sees_only_their_own_teams_attendance(client, collab):
    first, _second = teams_with_members(collab, 2)
    user = UserFactory(email="tess@clinic.example")
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, organization=collab.organization)
    TeamMemberFactory(team=first, user=user, roles=["clinician"])
    client.force_login(user)

    response = client.get(url("attendance_overview", collab))

    assert [row["entry"].team.pk for row in response.context["rows"]] == [first.pk]


# --- Query counts -------------------------------------------------------------------------------


def _attendance_sheet_queries(client, django_assert_num_queries, collab, call, team_count):
    teams_with_members(collab, team_count, members_per_team=3)
    # 1-2 session and user, 3 organization by slug, 4 membership, 5 collaborative by slug,
    # 6 leadership roles, 7 roster places (collaborative access), 8 savepoint of the
    # request's transaction, 9 the call, 10 the active teams, 11 the expected members,
    # 12 their roles, 13 recorded attendance, 14 the organizations of the navbar switcher,
    # 15 savepoint released.
    with django_assert_num_queries(15):
        response = client.get(url("call_attendance", collab, pk=call.pk))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("team_count", [2, 50])
def test_the_attendance_sheet_runs_a_constant_number_of_queries(
    alice_client, django_assert_num_queries, collab, held_call, team_count
):
    response = _attendance_sheet_queries(
        alice_client, django_assert_num_queries, collab, held_call, team_count
    )
    assert len(response.context["sheet"]) == team_count


@pytest.mark.parametrize("team_count", [2, 50])
def test_the_attendance_overview_runs_a_constant_number_of_queries(
    alice_client, django_assert_num_queries, collab, held_call, team_count
):
    teams_with_members(collab, team_count)
    # 1-2 session and user, 3 organization, 4 membership, 5 collaborative,
    # 6 leadership roles, 7 roster places, 8 savepoint, 9 the active teams, 10 the grouped
    # attendance counts, 11 the calls with their counts, 12 the navbar's organizations,
    # 13 savepoint released.
    with django_assert_num_queries(13):
        response = alice_client.get(url("attendance_overview", collab))
    assert len(response.context["rows"]) == team_count


@pytest.mark.parametrize("count", [2, 30])
def test_the_call_list_runs_a_constant_number_of_queries(
    alice_client, django_assert_num_queries, collab, count
):
    for index in range(count):
        CallFactory(
            collaborative=collab,
            starts_at=datetime(2026, 2, 1, 15, 0, tzinfo=UTC) + timedelta(days=index),
            ends_at=datetime(2026, 2, 1, 16, 0, tzinfo=UTC) + timedelta(days=index),
        )
    # 1-2 session and user, 3 organization, 4 membership, 5 collaborative,
    # 6 leadership roles, 7 roster places, 8 savepoint, 9 calls with attendance counts and
    # series, 10 the series with call counts, 11 the navbar's organizations,
    # 12 savepoint released.
    with django_assert_num_queries(12):
        response = alice_client.get(url("call_list", collab))
    assert len(response.context["past"]) + len(response.context["upcoming"]) == count


def test_the_session_form_lists_host_teams_in_one_query(alice_client, collab):
    teams_with_members(collab, 3)

    response = alice_client.get(url("learning_session_create", collab))

    assert len(list(response.context["form"].fields["host_team"].queryset)) == 3


def test_the_series_form_defaults_to_the_collaboratives_call_window(alice_client, collab):
    response = alice_client.get(url("call_series_create", collab))

    initial = response.context["form"].initial
    assert initial["last_date"] == date(2026, 12, 31)
    assert response.context["form"].fields["start_time"].help_text == (
        "In the America/New_York time zone."
    )


def test_the_call_form_shows_a_series_call_in_local_time(alice_client, collab):
    call = CallFactory(
        collaborative=collab,
        starts_at=datetime(2026, 7, 14, 19, 0, tzinfo=UTC),
        ends_at=datetime(2026, 7, 14, 20, 30, tzinfo=UTC),
    )

    response = alice_client.get(url("call_update", collab, pk=call.pk))

    initial = response.context["form"].initial
    assert (initial["date"], initial["start_time"], initial["duration_minutes"]) == (
        date(2026, 7, 14),
        time(15, 0),
        90,
    )


def test_a_material_missing_from_storage_does_not_break_the_session_page(
    alice_client, alice, collab
):
    session = add_session(collab, alice)
    with scopes_disabled():
        material = SessionMaterial.objects.create(
            organization=collab.organization,
            session=session,
            title="Lost slides",
            file="materials/2026/01/lost.pdf",
        )

    page = alice_client.get(url("learning_session_detail", collab, pk=session.pk))
    download = alice_client.get(
        url("session_material_download", collab, pk=session.pk, material=material.pk)
    )

    assert page.status_code == 200
    assert "Lost slides" in page.content.decode()
    assert download.status_code == 404
