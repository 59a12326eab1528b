"""Services of the schedule: sessions, action periods, call series, calls, attendance, feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import (
    ActionPeriod,
    CalendarFeed,
    Call,
    CallAttendance,
    CallSeries,
    LearningSession,
    SessionMaterial,
)
from collaboratives.selectors import schedule as selectors
from collaboratives.services import schedule as services
from tests.collaboratives.schedule_support import (
    add_series,
    add_session,
    aware,
    last_entry,
    teams_with_members,
)
from tests.factories import (
    CallAttendanceFactory,
    CallFactory,
    CollaborativeFactory,
    LearningSessionFactory,
    TeamFactory,
    TeamMemberFactory,
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


def sessions_of(collab):
    with scopes_disabled():
        return list(LearningSession.objects.filter(collaborative=collab).order_by("start_date"))


def periods_of(collab):
    with scopes_disabled():
        return [
            (p.number, p.start_date, p.end_date)
            for p in ActionPeriod.objects.filter(collaborative=collab).order_by("number")
        ]


def calls_of(series_or_collab):
    with scopes_disabled():
        if isinstance(series_or_collab, CallSeries):
            return list(Call.objects.filter(series=series_or_collab).order_by("starts_at"))
        return list(Call.objects.filter(collaborative=series_or_collab).order_by("starts_at"))


# --- Learning sessions ----------------------------------------------------------------


def test_a_session_without_an_end_date_lasts_two_days(collab, alice):
    session = add_session(collab, alice, start_date=date(2026, 3, 3))

    assert (session.start_date, session.end_date) == (date(2026, 3, 3), date(2026, 3, 4))


def test_a_session_without_a_number_takes_the_next_one(collab, alice):
    add_session(collab, alice, number=4, start_date=date(2026, 2, 10))

    session = add_session(collab, alice, start_date=date(2026, 6, 10))

    assert session.number == 5


def test_it_suggests_the_next_session_number(collab, alice):
    with scope(organization=collab.organization):
        assert selectors.next_session_number(collab) == 1
    add_session(collab, alice, number=2)

    with scope(organization=collab.organization):
        assert selectors.next_session_number(collab) == 3


def test_it_rejects_overlapping_sessions(collab, alice):
    add_session(collab, alice, number=1, title="Kick-off", start_date=date(2026, 2, 10))

    with pytest.raises(DomainError) as caught:
        add_session(collab, alice, number=2, start_date=date(2026, 2, 11))

    assert caught.value.field == "start_date"
    assert "Learning Session 1" in caught.value.message
    assert "Kick-off" in caught.value.message
    assert len(sessions_of(collab)) == 1


def test_it_rejects_a_session_that_starts_before_the_collaborative(collab, alice):
    with pytest.raises(DomainError) as caught:
        add_session(collab, alice, start_date=date(2025, 12, 30))

    assert caught.value.field == "start_date"
    assert sessions_of(collab) == []


def test_it_rejects_a_session_that_ends_after_the_collaborative(collab, alice):
    with pytest.raises(DomainError) as caught:
        add_session(collab, alice, start_date=date(2026, 12, 31))

    assert caught.value.field == "end_date"
    assert "31 Dec 2026" in caught.value.message


def test_it_rejects_a_session_that_ends_before_it_starts(collab, alice):
    with pytest.raises(DomainError) as caught:
        add_session(collab, alice, start_date=date(2026, 3, 3), end_date=date(2026, 3, 2))

    assert caught.value.field == "end_date"


def test_it_rejects_a_duplicate_session_number(collab, alice):
    add_session(collab, alice, number=1, start_date=date(2026, 2, 10))

    with pytest.raises(DomainError) as caught:
        add_session(collab, alice, number=1, start_date=date(2026, 6, 10))

    assert caught.value.field == "number"


def test_a_refused_change_leaves_the_session_as_it_was(collab, alice):
    add_session(collab, alice, number=1, start_date=date(2026, 2, 10))
    second = add_session(collab, alice, number=2, title="Spread", start_date=date(2026, 6, 10))

    with scope(organization=collab.organization), pytest.raises(DomainError):
        services.learning_session_update(
            session=second,
            number=2,
            title="Moved",
            start_date=date(2026, 2, 11),
            end_date=date(2026, 2, 12),
            location="",
            video_url="",
            host_team=None,
            agenda="",
            actor=alice,
        )

    with scopes_disabled():
        second.refresh_from_db()
    assert (second.title, second.start_date) == ("Spread", date(2026, 6, 10))


def test_a_session_may_keep_or_shift_its_own_dates(collab, alice):
    session = add_session(collab, alice, number=1, start_date=date(2026, 2, 10))

    with scope(organization=collab.organization):
        services.learning_session_update(
            session=session,
            number=1,
            title="Kick-off",
            start_date=date(2026, 2, 11),
            end_date=date(2026, 2, 12),
            location="Durham, NC",
            video_url="",
            host_team=None,
            agenda="Day 1: the model for improvement",
            actor=alice,
        )

    entry = last_entry(collab.organization, "bsc.learning_session.changed")
    assert entry.data["changed"] == ["end_date", "start_date", "title"]


def test_a_host_team_of_another_collaborative_is_refused(collab, org_a, alice):
    other_team = TeamFactory(collaborative=CollaborativeFactory(organization=org_a))

    with pytest.raises(DomainError) as caught:
        add_session(collab, alice, host_team=other_team)

    assert caught.value.field == "host_team"


def test_a_bad_video_link_is_refused(collab, alice):
    with pytest.raises(DomainError) as caught:
        add_session(collab, alice, video_url="javascript:alert(1)")

    assert caught.value.field == "video_url"


def test_adding_a_session_is_audited(collab, alice):
    session = add_session(collab, alice, number=1, title="Kick-off")

    entry = last_entry(collab.organization, "bsc.learning_session.created")
    assert entry.actor == alice
    assert entry.target_id == str(session.pk)
    assert entry.description == f"added Learning Session 1 “Kick-off” to “{collab.name}”"


def test_an_archived_collaborative_refuses_schedule_changes(collab, alice):
    collab.archived_at = timezone.now()
    collab.save()

    with pytest.raises(ConflictError):
        add_session(collab, alice)

    assert sessions_of(collab) == []


def test_deleting_a_session_removes_its_materials(collab, alice):
    session = add_session(collab, alice)
    with scope(organization=collab.organization):
        services.session_material_add(
            session=session, title="Slides", url="https://example.org/slides", actor=alice
        )
        services.learning_session_delete(session=session, actor=alice)

    with scopes_disabled():
        assert not SessionMaterial.objects.exists()
    assert last_entry(collab.organization, "bsc.learning_session.deleted") is not None


# --- Materials --------------------------------------------------------------------------


def test_a_material_file_is_stored_with_its_title(collab, alice):
    session = add_session(collab, alice)
    upload = SimpleUploadedFile("agenda.docx", b"PK\x03\x04 a word file", "application/msword")

    with scope(organization=collab.organization):
        material = services.session_material_add(
            session=session, title="", file=upload, actor=alice
        )

    assert material.title == "agenda.docx"
    assert material.file.read() == b"PK\x03\x04 a word file"


def test_a_material_over_20_megabytes_is_refused(collab, alice):
    session = add_session(collab, alice)
    upload = SimpleUploadedFile("video.mp4", b"x")
    upload.size = services.MATERIAL_MAX_BYTES + 1

    with scope(organization=collab.organization), pytest.raises(DomainError) as caught:
        services.session_material_add(session=session, title="Film", file=upload, actor=alice)

    assert caught.value.field == "file"
    assert "20 MB" in caught.value.message


def test_a_material_needs_a_file_or_a_link(collab, alice):
    session = add_session(collab, alice)

    with scope(organization=collab.organization), pytest.raises(DomainError) as caught:
        services.session_material_add(session=session, title="Nothing", actor=alice)

    assert caught.value.field == "file"


# --- Action periods ---------------------------------------------------------------------


def test_action_periods_follow_the_sessions(collab, alice):
    add_session(collab, alice, number=1, start_date=date(2026, 2, 10))
    add_session(collab, alice, number=3, start_date=date(2026, 10, 6))
    add_session(collab, alice, number=2, start_date=date(2026, 6, 9))

    assert periods_of(collab) == [
        (1, date(2026, 2, 12), date(2026, 6, 8)),
        (2, date(2026, 6, 11), date(2026, 10, 5)),
        (3, date(2026, 10, 8), date(2026, 12, 31)),
    ]


def test_a_customized_action_period_keeps_its_dates_and_focus(collab, alice):
    add_session(collab, alice, number=1, start_date=date(2026, 2, 10))
    add_session(collab, alice, number=2, start_date=date(2026, 6, 9))
    with scope(organization=collab.organization):
        period = ActionPeriod.objects.get(collaborative=collab, number=1)
        services.action_period_update(
            period=period,
            start_date=date(2026, 2, 16),
            end_date=date(2026, 6, 1),
            focus="Test the intake changes",
            actor=alice,
        )

    session = sessions_of(collab)[1]
    with scope(organization=collab.organization):
        services.learning_session_update(
            session=session,
            number=2,
            title=session.title,
            start_date=date(2026, 7, 7),
            end_date=date(2026, 7, 8),
            location="",
            video_url="",
            host_team=None,
            agenda="",
            actor=alice,
        )

    with scopes_disabled():
        first = ActionPeriod.objects.get(collaborative=collab, number=1)
    assert (first.start_date, first.end_date, first.focus) == (
        date(2026, 2, 16),
        date(2026, 6, 1),
        "Test the intake changes",
    )
    assert first.is_customized
    # The period that is not customized follows the moved session.
    assert periods_of(collab)[1] == (2, date(2026, 7, 9), date(2026, 12, 31))


def test_removing_a_session_removes_the_extra_action_period(collab, alice):
    add_session(collab, alice, number=1, start_date=date(2026, 2, 10))
    last = add_session(collab, alice, number=2, start_date=date(2026, 6, 9))

    with scope(organization=collab.organization):
        services.learning_session_delete(session=last, actor=alice)

    assert periods_of(collab) == [(1, date(2026, 2, 12), date(2026, 12, 31))]


def test_back_to_back_sessions_leave_no_empty_period(collab, alice):
    add_session(collab, alice, number=1, start_date=date(2026, 2, 10))
    add_session(collab, alice, number=2, start_date=date(2026, 2, 12))

    assert periods_of(collab) == [(1, date(2026, 2, 14), date(2026, 12, 31))]


def test_resetting_a_period_gives_it_the_derived_dates_again(collab, alice):
    add_session(collab, alice, number=1, start_date=date(2026, 2, 10))
    with scope(organization=collab.organization):
        period = ActionPeriod.objects.get(collaborative=collab, number=1)
        services.action_period_update(
            period=period,
            start_date=date(2026, 3, 1),
            end_date=date(2026, 4, 1),
            focus="Intake",
            actor=alice,
        )
        period = services.action_period_reset(period=period, actor=alice)

    assert (period.start_date, period.end_date, period.focus) == (
        date(2026, 2, 12),
        date(2026, 12, 31),
        "Intake",
    )
    assert not period.is_customized


def test_an_action_period_may_not_overlap_another(collab, alice):
    add_session(collab, alice, number=1, start_date=date(2026, 2, 10))
    add_session(collab, alice, number=2, start_date=date(2026, 6, 9))
    with scope(organization=collab.organization):
        period = ActionPeriod.objects.get(collaborative=collab, number=1)
        with pytest.raises(DomainError) as caught:
            services.action_period_update(
                period=period,
                start_date=date(2026, 2, 12),
                end_date=date(2026, 7, 1),
                focus="",
                actor=alice,
            )

    assert "Action Period 2" in caught.value.message


# --- The n-th weekday of each month ---------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "week", "weekday", "expected"),
    [
        (2026, 2, 2, 1, date(2026, 2, 10)),  # second Tuesday
        (2026, 2, 1, 6, date(2026, 2, 1)),  # first Sunday: the 1st itself
        (2026, 3, 4, 0, date(2026, 3, 23)),  # fourth Monday
        (2026, 1, 5, 4, date(2026, 1, 30)),  # last Friday
        (2026, 4, 5, 3, date(2026, 4, 30)),  # last Thursday, on the month's last day
        (2026, 2, 5, 5, date(2026, 2, 28)),  # last Saturday of a four-week February
    ],
)
def test_it_finds_the_nth_weekday_of_a_month(year, month, week, weekday, expected):
    assert services.nth_weekday(year, month, week, weekday) == expected


def test_series_dates_stay_between_the_first_and_last_date():
    dates = services.series_dates(
        first_date=date(2026, 1, 14), last_date=date(2026, 4, 13), week_of_month=2, weekday=1
    )

    # 13 Jan is before the first date, 14 Apr after the last.
    assert dates == [date(2026, 2, 10), date(2026, 3, 10)]


def test_a_series_creates_one_call_per_month(collab, alice):
    series = add_series(collab, alice, first_date=date(2026, 1, 1), last_date=date(2026, 6, 30))

    calls = calls_of(series)
    assert len(calls) == 6
    assert all(c.title == "Monthly all-team call" and c.kind == "all_team" for c in calls)
    entry = last_entry(collab.organization, "bsc.call_series.created")
    assert entry.data["calls"] == 6
    assert entry.data["rule"] == "second Tuesday of each month"


def test_series_calls_keep_their_local_time_across_daylight_saving(collab, alice):
    # New York: standard time (UTC-5) until 8 March 2026, daylight time (UTC-4) after.
    series = add_series(
        collab,
        alice,
        week_of_month=2,
        weekday=1,
        start_time=time(15, 0),
        duration_minutes=90,
        first_date=date(2026, 1, 1),
        last_date=date(2026, 3, 31),
    )

    calls = calls_of(series)
    assert [c.starts_at for c in calls] == [
        datetime(2026, 1, 13, 20, 0, tzinfo=UTC),
        datetime(2026, 2, 10, 20, 0, tzinfo=UTC),
        datetime(2026, 3, 10, 19, 0, tzinfo=UTC),
    ]
    assert all(c.ends_at - c.starts_at == timedelta(minutes=90) for c in calls)


def test_last_weekday_series_uses_the_last_one_of_each_month(collab, alice):
    series = add_series(
        collab,
        alice,
        week_of_month=5,
        weekday=4,
        start_time=time(12, 0),
        first_date=date(2026, 1, 1),
        last_date=date(2026, 4, 30),
    )

    ny = collab.organization.tzinfo
    assert [timezone.localtime(c.starts_at, ny).date() for c in calls_of(series)] == [
        date(2026, 1, 30),
        date(2026, 2, 27),
        date(2026, 3, 27),
        date(2026, 4, 24),
    ]


def test_an_affinity_series_needs_a_role(collab, alice):
    with pytest.raises(DomainError) as caught:
        add_series(collab, alice, kind="affinity", affinity_role="")

    assert caught.value.field == "affinity_role"


def test_a_series_may_start_in_pre_work_but_not_before(collab, alice):
    add_series(collab, alice, first_date=date(2025, 11, 1), last_date=date(2025, 12, 31))

    with pytest.raises(DomainError) as caught:
        add_series(collab, alice, first_date=date(2025, 10, 1), last_date=date(2025, 12, 31))

    assert caught.value.field == "first_date"


def test_a_series_without_any_date_is_refused(collab, alice):
    with pytest.raises(DomainError) as caught:
        add_series(
            collab, alice, week_of_month=2, first_date=date(2026, 2, 1), last_date=date(2026, 2, 9)
        )

    assert caught.value.field == "last_date"
    assert "No second Tuesday" in caught.value.message
    with scopes_disabled():
        assert not CallSeries.objects.exists()


def update_series(series, actor, now, **changes):
    values = {
        field: getattr(series, field)
        for field in (
            "title",
            "kind",
            "affinity_role",
            "week_of_month",
            "weekday",
            "start_time",
            "duration_minutes",
            "first_date",
            "last_date",
            "video_url",
        )
    }
    values.update(changes)
    with scope(organization=series.organization):
        return services.call_series_update(series=series, actor=actor, now=now, **values)


def test_editing_a_series_moves_its_calls_still_to_come(collab, alice):
    series = add_series(collab, alice, first_date=date(2026, 1, 1), last_date=date(2026, 6, 30))
    before = {c.pk for c in calls_of(series)}

    update_series(series, alice, aware(2026, 3, 1), weekday=3, title="All-team call")

    ny = collab.organization.tzinfo
    calls = calls_of(series)
    days = [timezone.localtime(c.starts_at, ny).date() for c in calls]
    # January and February had taken place: they stay on their Tuesdays.
    assert days == [
        date(2026, 1, 13),
        date(2026, 2, 10),
        date(2026, 3, 12),
        date(2026, 4, 9),
        date(2026, 5, 14),
        date(2026, 6, 11),
    ]
    assert [c.title for c in calls[:2]] == ["Monthly all-team call"] * 2
    assert {c.title for c in calls[2:]} == {"All-team call"}
    assert {c.pk for c in calls[:2]} <= before


def test_editing_a_series_keeps_a_future_call_with_attendance(collab, alice):
    series = add_series(collab, alice, first_date=date(2026, 1, 1), last_date=date(2026, 6, 30))
    april = calls_of(series)[3]
    CallAttendanceFactory(call=april)

    update_series(series, alice, aware(2026, 3, 1), start_time=time(10, 0))

    with scopes_disabled():
        april.refresh_from_db()
    assert april.starts_at == datetime(2026, 4, 14, 19, 0, tzinfo=UTC)  # 15:00 in New York
    may = calls_of(series)[4]
    assert may.starts_at == datetime(2026, 5, 12, 14, 0, tzinfo=UTC)  # 10:00 in New York


def test_editing_a_series_keeps_calls_ids_notes_and_cancellations(collab, alice):
    series = add_series(collab, alice, first_date=date(2026, 1, 1), last_date=date(2026, 6, 30))
    may = calls_of(series)[4]
    with scope(organization=collab.organization):
        services.call_set_cancelled(call=may, is_cancelled=True, actor=alice)
    with scopes_disabled():
        Call.objects.filter(pk=may.pk).update(notes="Memorial Day week")

    update_series(series, alice, aware(2026, 3, 1), start_time=time(16, 0))

    with scopes_disabled():
        may.refresh_from_db()
    assert may.is_cancelled
    assert may.notes == "Memorial Day week"
    assert may.starts_at == datetime(2026, 5, 12, 20, 0, tzinfo=UTC)


def test_shortening_a_series_removes_the_calls_beyond_its_end(collab, alice):
    series = add_series(collab, alice, first_date=date(2026, 1, 1), last_date=date(2026, 6, 30))

    update_series(series, alice, aware(2026, 3, 1), last_date=date(2026, 4, 30))

    assert len(calls_of(series)) == 4
    entry = last_entry(collab.organization, "bsc.call_series.changed")
    assert entry.data["deleted"] == 2


def test_deleting_a_series_keeps_the_calls_held_as_one_offs(collab, alice):
    series = add_series(collab, alice, first_date=date(2026, 1, 1), last_date=date(2026, 6, 30))

    with scope(organization=collab.organization):
        counts = services.call_series_delete(series=series, actor=alice, now=aware(2026, 3, 1))

    assert counts == {"deleted": 4, "kept": 2}
    calls = calls_of(collab)
    assert len(calls) == 2
    assert all(c.series_id is None for c in calls)


# --- Single calls ---------------------------------------------------------------------------


def add_call(collab, actor, **kwargs):
    values = {
        "title": "Senior-leader check-in",
        "kind": "senior_leader",
        "starts_at": datetime(2026, 5, 5, 17, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 5, 5, 18, 0, tzinfo=UTC),
    }
    values.update(kwargs)
    with scope(organization=collab.organization):
        return services.call_create(collaborative=collab, actor=actor, **values)


def test_a_call_must_end_after_it_starts(collab, alice):
    with pytest.raises(DomainError) as caught:
        add_call(collab, alice, ends_at=datetime(2026, 5, 5, 17, 0, tzinfo=UTC))

    assert caught.value.field == "ends_at"


def test_a_call_must_fall_within_the_collaborative(collab, alice):
    with pytest.raises(DomainError) as caught:
        add_call(
            collab,
            alice,
            starts_at=datetime(2027, 1, 5, 17, 0, tzinfo=UTC),
            ends_at=datetime(2027, 1, 5, 18, 0, tzinfo=UTC),
        )

    assert caught.value.field == "starts_at"


def test_cancelling_and_reinstating_a_call_is_audited(collab, alice):
    call = add_call(collab, alice)

    with scope(organization=collab.organization):
        services.call_set_cancelled(call=call, is_cancelled=True, actor=alice)
        services.call_set_cancelled(call=call, is_cancelled=False, actor=alice)

    assert last_entry(collab.organization, "bsc.call.cancelled") is not None
    assert last_entry(collab.organization, "bsc.call.reinstated") is not None
    with scopes_disabled():
        call.refresh_from_db()
    assert not call.is_cancelled


def test_deleting_a_call_with_attendance_is_refused(collab, alice):
    call = add_call(collab, alice)
    CallAttendanceFactory(call=call)

    with scope(organization=collab.organization), pytest.raises(ConflictError) as caught:
        services.call_delete(call=call, actor=alice)

    assert "Cancel it instead" in caught.value.message
    with scopes_disabled():
        assert Call.objects.filter(pk=call.pk).exists()


def test_deleting_a_call_of_a_series_is_refused(collab, alice):
    series = add_series(collab, alice)
    call = calls_of(series)[0]

    with scope(organization=collab.organization), pytest.raises(ConflictError):
        services.call_delete(call=call, actor=alice)


def test_a_one_off_call_without_attendance_can_be_deleted(collab, alice):
    call = add_call(collab, alice)

    with scope(organization=collab.organization):
        services.call_delete(call=call, actor=alice)

    assert calls_of(collab) == []
    assert last_entry(collab.organization, "bsc.call.deleted") is not None


# --- Attendance -------------------------------------------------------------------------------


@pytest.fixture
def held_call(collab):
    return CallFactory(
        collaborative=collab,
        kind="all_team",
        starts_at=datetime(2026, 2, 10, 20, 0, tzinfo=UTC),
        ends_at=datetime(2026, 2, 10, 21, 0, tzinfo=UTC),
    )


def record(call, actor, member_ids, now=None):
    with scope(organization=call.organization):
        return services.call_attendance_set(
            call=call, member_ids=member_ids, actor=actor, now=now or aware(2026, 3, 1)
        )


def test_attendance_records_every_expected_member(collab, alice, held_call):
    first, _second = teams_with_members(collab, 2)
    with scopes_disabled():
        present = first.members.first()

    rows = record(held_call, alice, [present.pk])

    assert len(rows) == 4
    by_member = {row.member_id: row for row in rows}
    assert by_member[present.pk].attended
    assert by_member[present.pk].team_id == first.pk
    assert by_member[present.pk].recorded_by == alice
    assert sum(row.attended for row in rows) == 1
    entry = last_entry(collab.organization, "bsc.call.attendance_recorded")
    assert (entry.data["present"], entry.data["expected"], entry.data["teams_present"]) == (1, 4, 1)


def test_an_affinity_call_expects_only_members_with_its_role(collab, alice):
    teams_with_members(collab, 2)
    call = CallFactory(
        collaborative=collab,
        kind="affinity",
        affinity_role="clinician",
        starts_at=datetime(2026, 2, 10, 20, 0, tzinfo=UTC),
        ends_at=datetime(2026, 2, 10, 21, 0, tzinfo=UTC),
    )

    with scope(organization=collab.organization):
        expected = list(services.call_eligible_members(call))

    assert len(expected) == 2
    with scopes_disabled():
        assert all(m.roles.filter(role="clinician").exists() for m in expected)


def test_a_senior_leader_call_expects_senior_and_day_to_day_leaders(collab, alice):
    team = TeamFactory(collaborative=collab)
    senior = TeamMemberFactory(team=team, roles=["senior_leader"])
    day_to_day = TeamMemberFactory(team=team, roles=["day_to_day_leader", "clinician"])
    TeamMemberFactory(team=team, roles=["clinician"])
    call = CallFactory(collaborative=collab, kind="senior_leader")

    with scope(organization=collab.organization):
        expected = set(services.call_eligible_members(call))

    assert expected == {senior, day_to_day}


def test_withdrawn_teams_are_not_expected_on_calls(collab, alice, held_call):
    _active, withdrawn = teams_with_members(collab, 2)
    withdrawn.status = "withdrawn"
    withdrawn.save()
    with scopes_disabled():
        gone = withdrawn.members.first()

    with pytest.raises(DomainError) as caught:
        record(held_call, alice, [gone.pk])

    assert caught.value.field == "member_ids"
    with scopes_disabled():
        assert not CallAttendance.objects.exists()


def test_attendance_cannot_be_taken_before_the_call(collab, alice, held_call):
    teams_with_members(collab, 1)

    with pytest.raises(ConflictError):
        record(held_call, alice, [], now=aware(2026, 2, 1))


def test_attendance_cannot_be_taken_for_a_cancelled_call(collab, alice, held_call):
    held_call.is_cancelled = True
    held_call.save()

    with pytest.raises(ConflictError):
        record(held_call, alice, [])


def test_taking_attendance_again_changes_the_rows(collab, alice, held_call):
    (team,) = teams_with_members(collab, 1)
    with scopes_disabled():
        first, second = team.members.order_by("pk")
    record(held_call, alice, [first.pk])

    rows = record(held_call, alice, [second.pk])

    assert {row.member_id: row.attended for row in rows} == {first.pk: False, second.pk: True}


def test_a_team_attended_a_call_if_any_of_its_members_did(collab, alice):
    first, second = teams_with_members(collab, 2)
    calls = [
        CallFactory(
            collaborative=collab,
            starts_at=datetime(2026, month, 10, 20, 0, tzinfo=UTC),
            ends_at=datetime(2026, month, 10, 21, 0, tzinfo=UTC),
        )
        for month in (2, 3, 4)
    ]
    with scopes_disabled():
        first_member = first.members.first()
        second_member = second.members.first()
    record(calls[0], alice, [first_member.pk, second_member.pk], now=aware(2026, 5, 1))
    record(calls[1], alice, [first_member.pk], now=aware(2026, 5, 1))
    record(calls[2], alice, [], now=aware(2026, 5, 1))
    calls[2].is_cancelled = True
    calls[2].save()

    with scope(organization=collab.organization):
        summary = {s.team.pk: s for s in selectors.attendance_summary(collab)}

    assert (summary[first.pk].total.attended, summary[first.pk].total.listed) == (2, 2)
    assert summary[first.pk].total.rate == 100
    assert (summary[second.pk].total.attended, summary[second.pk].total.listed) == (1, 2)
    assert summary[second.pk].kind("all_team").rate == 50
    assert summary[second.pk].kind("coaching").rate is None


# --- The calendar feed ------------------------------------------------------------------------


def test_a_feed_is_made_once_per_user_and_organization(org_a, alice):
    with scope(organization=org_a):
        first = services.calendar_feed_for(user=alice, organization=org_a)
        again = services.calendar_feed_for(user=alice, organization=org_a)

    assert first.pk == again.pk
    assert len(first.token) >= 32


def test_resetting_the_feed_gives_it_a_new_token(org_a, alice):
    with scope(organization=org_a):
        feed = services.calendar_feed_for(user=alice, organization=org_a)
        old = feed.token
        services.calendar_feed_reset(user=alice, organization=org_a, actor=alice)

    with scopes_disabled():
        assert CalendarFeed.objects.get(pk=feed.pk).token != old
    assert last_entry(org_a, "bsc.calendar_feed.reset").description == (
        "made a new private calendar link"
    )


def test_sessions_from_the_factory_produce_periods_when_refreshed(collab):
    LearningSessionFactory(collaborative=collab, number=1)
    LearningSessionFactory(collaborative=collab, number=2)

    with scope(organization=collab.organization):
        services.action_periods_refresh(collab)

    assert [number for number, _start, _end in periods_of(collab)] == [1, 2]
