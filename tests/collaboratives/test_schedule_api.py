"""The schedule API: contracts, bad input, conflicts, cross-tenant 404s and query counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from collaboratives.models import (
    ActionPeriod,
    Call,
    CallAttendance,
    CallSeries,
    LearningSession,
    SessionMaterial,
)
from tests.collaboratives.schedule_support import around_today, last_entry, teams_with_members
from tests.factories import (
    CallAttendanceFactory,
    CallFactory,
    CollaborativeFactory,
    LearningSessionFactory,
    SessionMaterialFactory,
    TeamFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


@pytest.fixture
def collab(org_a):
    return CollaborativeFactory(
        organization=org_a,
        slug="tf-cbt",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )


@pytest.fixture
def staff(api_client, alice):
    api_client.force_login(alice)
    return api_client


def api(name, collab, **kwargs):
    return reverse(
        f"api:{name}", kwargs={"org": collab.organization.slug, "collab": collab.slug, **kwargs}
    )


# --- Learning sessions ----------------------------------------------------------------------


def test_creating_a_session_returns_it_with_defaults(staff, collab):
    team = TeamFactory(collaborative=collab)

    response = staff.post(
        api("learning-session-list", collab),
        {"title": "Kick-off", "start_date": "2026-02-10", "host_team": team.pk},
    )

    assert response.status_code == 201, response.content
    with scopes_disabled():
        session = LearningSession.objects.get(collaborative=collab)
    assert response.json() == {
        "id": session.pk,
        "url": BASE + api("learning-session-detail", collab, pk=session.pk),
        "number": 1,
        "title": "Kick-off",
        "start_date": "2026-02-10",
        "end_date": "2026-02-11",
        "location": "",
        "video_url": "",
        "host_team": team.pk,
        "agenda": "",
        "materials": [],
    }
    assert last_entry(collab.organization, "bsc.learning_session.created").actor_id is not None
    with scopes_disabled():
        assert ActionPeriod.objects.filter(collaborative=collab).count() == 1


def test_an_overlapping_session_is_a_400_naming_the_other_one(staff, collab):
    LearningSessionFactory(
        collaborative=collab,
        number=1,
        title="Kick-off",
        start_date=date(2026, 2, 10),
        end_date=date(2026, 2, 11),
    )

    response = staff.post(
        api("learning-session-list", collab), {"title": "Second", "start_date": "2026-02-11"}
    )

    assert response.status_code == 400
    body = response.json()
    assert "Learning Session 1" in body["errors"]["start_date"][0]
    assert body["detail"].startswith("start_date: ")
    with scopes_disabled():
        assert LearningSession.objects.filter(collaborative=collab).count() == 1


def test_a_session_ending_before_it_starts_is_a_400(staff, collab):
    response = staff.post(
        api("learning-session-list", collab),
        {"title": "Backwards", "start_date": "2026-02-10", "end_date": "2026-02-09"},
    )

    assert response.status_code == 400
    assert "end_date" in response.json()["errors"]


def test_a_host_team_of_another_collaborative_is_a_400(staff, org_a, collab):
    other = TeamFactory(collaborative=CollaborativeFactory(organization=org_a))

    response = staff.post(
        api("learning-session-list", collab),
        {"title": "Hosted", "start_date": "2026-02-10", "host_team": other.pk},
    )

    assert response.status_code == 400
    assert "host_team" in response.json()["errors"]


def test_patching_a_session_keeps_the_other_fields(staff, collab):
    session = LearningSessionFactory(
        collaborative=collab,
        number=1,
        title="Kick-off",
        start_date=date(2026, 2, 10),
        end_date=date(2026, 2, 11),
        location="Durham, NC",
    )

    response = staff.patch(
        api("learning-session-detail", collab, pk=session.pk), {"agenda": "Day 1: PDSA"}
    )

    assert response.status_code == 200
    assert response.json()["agenda"] == "Day 1: PDSA"
    assert response.json()["location"] == "Durham, NC"


def test_deleting_a_session_refreshes_the_action_periods(staff, alice, collab):
    first = LearningSessionFactory(
        collaborative=collab, number=1, start_date=date(2026, 2, 10), end_date=date(2026, 2, 11)
    )
    staff.post(
        api("learning-session-list", collab), {"title": "Second", "start_date": "2026-06-09"}
    )

    response = staff.delete(api("learning-session-detail", collab, pk=first.pk))

    assert response.status_code == 204
    with scopes_disabled():
        periods = list(ActionPeriod.objects.filter(collaborative=collab))
    assert [(p.start_date, p.end_date) for p in periods] == [
        (date(2026, 6, 11), date(2026, 12, 31))
    ]


def test_a_material_is_uploaded_as_multipart_and_listed_with_the_session(staff, collab):
    session = LearningSessionFactory(collaborative=collab, number=1)
    upload = SimpleUploadedFile("worksheet.pdf", b"%PDF-1.7 worksheet", "application/pdf")

    response = staff.post(
        api("learning-session-materials", collab, pk=session.pk),
        {"title": "Worksheet", "file": upload},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    with scopes_disabled():
        material = SessionMaterial.objects.get(session=session)
    download = BASE + api("learning-session-material", collab, pk=session.pk, material=material.pk)
    assert response.json()["download"] == download
    assert response.json()["file_name"].startswith("worksheet")
    listed = staff.get(api("learning-session-detail", collab, pk=session.pk)).json()
    assert listed["materials"][0]["title"] == "Worksheet"
    fetched = staff.get(download)
    assert fetched.status_code == 200
    assert b"".join(fetched.streaming_content) == b"%PDF-1.7 worksheet"


def test_a_material_with_neither_file_nor_link_is_a_400(staff, collab):
    session = LearningSessionFactory(collaborative=collab, number=1)

    response = staff.post(
        api("learning-session-materials", collab, pk=session.pk), {"title": "Nothing"}
    )

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_a_link_material_has_no_download(staff, collab):
    session = LearningSessionFactory(collaborative=collab, number=1)
    material = SessionMaterialFactory(session=session, url="https://example.org/slides")

    listed = staff.get(api("learning-session-detail", collab, pk=session.pk)).json()

    assert listed["materials"] == [
        {
            "id": material.pk,
            "title": "Slides",
            "link": "https://example.org/slides",
            "file_name": None,
            "download": None,
            "created_at": listed["materials"][0]["created_at"],
        }
    ]
    response = staff.get(
        api("learning-session-material", collab, pk=session.pk, material=material.pk)
    )
    assert response.status_code == 404


def test_an_archived_collaborative_answers_409(staff, collab):
    from django.utils import timezone

    collab.archived_at = timezone.now()
    collab.save()

    response = staff.post(
        api("learning-session-list", collab), {"title": "Late", "start_date": "2026-02-10"}
    )

    assert response.status_code == 409


# --- Action periods ---------------------------------------------------------------------------


def test_patching_an_action_period_customizes_it(staff, collab):
    staff.post(
        api("learning-session-list", collab), {"title": "Kick-off", "start_date": "2026-02-10"}
    )
    with scopes_disabled():
        period = ActionPeriod.objects.get(collaborative=collab)

    response = staff.patch(
        api("action-period-detail", collab, pk=period.pk),
        {"end_date": "2026-06-01", "focus": "Intake"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": period.pk,
        "url": BASE + api("action-period-detail", collab, pk=period.pk),
        "number": 1,
        "start_date": "2026-02-12",
        "end_date": "2026-06-01",
        "focus": "Intake",
        "is_customized": True,
    }
    reset = staff.post(api("action-period-reset", collab, pk=period.pk))
    assert reset.json()["end_date"] == "2026-12-31"
    assert reset.json()["is_customized"] is False


def test_an_action_period_outside_the_collaborative_is_a_400(staff, collab):
    staff.post(
        api("learning-session-list", collab), {"title": "Kick-off", "start_date": "2026-02-10"}
    )
    with scopes_disabled():
        period = ActionPeriod.objects.get(collaborative=collab)

    response = staff.patch(
        api("action-period-detail", collab, pk=period.pk), {"end_date": "2027-06-01"}
    )

    assert response.status_code == 400
    assert "end_date" in response.json()["errors"]


# --- Call series and calls ------------------------------------------------------------------


SERIES = {
    "kind": "senior_leader",
    "title": "Senior-leader call",
    "week_of_month": 5,
    "weekday": 3,
    "start_time": "12:00",
    "duration_minutes": 45,
    "first_date": "2026-01-01",
    "last_date": "2026-04-30",
    "video_url": "https://zoom.example.org/j/9",
}


def test_creating_a_series_generates_its_calls(staff, collab):
    response = staff.post(api("call-series-list", collab), SERIES)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["call_count"] == 4
    assert body["time_zone"] == "America/New_York"
    with scopes_disabled():
        series = CallSeries.objects.get(pk=body["id"])
    calls = staff.get(api("call-list", collab), {"series": series.pk}).json()["results"]
    # Last Thursdays at noon in New York: EST in January and February, EDT after.
    assert [c["starts_at"] for c in calls] == [
        "2026-01-29T17:00:00Z",
        "2026-02-26T17:00:00Z",
        "2026-03-26T16:00:00Z",
        "2026-04-30T16:00:00Z",
    ]
    assert calls[0]["ends_at"] == "2026-01-29T17:45:00Z"
    assert calls[0]["kind"] == "senior_leader"


def test_a_series_with_a_bad_week_is_a_400(staff, collab):
    response = staff.post(api("call-series-list", collab), {**SERIES, "week_of_month": 6})

    assert response.status_code == 400
    assert "week_of_month" in response.json()["errors"]


def test_an_affinity_series_without_a_role_is_a_400(staff, collab):
    response = staff.post(
        api("call-series-list", collab), {**SERIES, "kind": "affinity", "affinity_role": ""}
    )

    assert response.status_code == 400
    assert "affinity_role" in response.json()["errors"]
    with scopes_disabled():
        assert not CallSeries.objects.exists()


def test_patching_a_series_renames_its_calls_to_come(staff, org_a):
    live = CollaborativeFactory(organization=org_a, slug="live", **around_today())
    today = timezone.localdate()
    created = staff.post(
        api("call-series-list", live),
        {
            **SERIES,
            "first_date": (today - timedelta(days=90)).isoformat(),
            "last_date": (today + timedelta(days=120)).isoformat(),
        },
    ).json()

    response = staff.patch(
        api("call-series-detail", live, pk=created["id"]), {"title": "Leaders' call"}
    )

    assert response.status_code == 200
    assert response.json()["title"] == "Leaders' call"
    with scopes_disabled():
        calls = list(Call.objects.filter(series_id=created["id"]))
    now = timezone.now()
    assert {c.title for c in calls if c.starts_at > now} == {"Leaders' call"}
    assert {c.title for c in calls if c.starts_at <= now} == {"Senior-leader call"}


def test_a_one_off_call_is_created_and_cancelled(staff, collab):
    response = staff.post(
        api("call-list", collab),
        {
            "kind": "affinity",
            "affinity_role": "clinician",
            "title": "Clinicians' call",
            "starts_at": "2026-05-05T13:00:00-04:00",
            "ends_at": "2026-05-05T14:00:00-04:00",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["starts_at"] == "2026-05-05T17:00:00Z"
    assert (body["series"], body["is_cancelled"], body["attendance_taken"]) == (None, False, False)
    cancelled = staff.patch(api("call-detail", collab, pk=body["id"]), {"is_cancelled": True})
    assert cancelled.json()["is_cancelled"] is True
    assert last_entry(collab.organization, "bsc.call.cancelled") is not None


def test_a_call_ending_before_it_starts_is_a_400(staff, collab):
    response = staff.post(
        api("call-list", collab),
        {
            "title": "Backwards",
            "starts_at": "2026-05-05T17:00:00Z",
            "ends_at": "2026-05-05T16:00:00Z",
        },
    )

    assert response.status_code == 400
    assert "ends_at" in response.json()["errors"]


def test_deleting_a_call_with_attendance_is_a_409(staff, collab):
    call = CallFactory(collaborative=collab)
    CallAttendanceFactory(call=call)

    response = staff.delete(api("call-detail", collab, pk=call.pk))

    assert response.status_code == 409
    assert "Cancel it instead" in response.json()["detail"]
    with scopes_disabled():
        assert Call.objects.filter(pk=call.pk).exists()


def test_calls_can_be_filtered_by_time(staff, collab):
    for day in (1, 10, 20):
        CallFactory(
            collaborative=collab,
            starts_at=datetime(2026, 3, day, 17, 0, tzinfo=UTC),
            ends_at=datetime(2026, 3, day, 18, 0, tzinfo=UTC),
        )

    response = staff.get(
        api("call-list", collab),
        {"starts_after": "2026-03-05T00:00:00Z", "starts_before": "2026-03-15T00:00:00Z"},
    )

    assert [c["starts_at"] for c in response.json()["results"]] == ["2026-03-10T17:00:00Z"]


# --- Attendance -----------------------------------------------------------------------------


@pytest.fixture
def held_call(collab):
    return CallFactory(
        collaborative=collab,
        starts_at=datetime(2026, 2, 10, 20, 0, tzinfo=UTC),
        ends_at=datetime(2026, 2, 10, 21, 0, tzinfo=UTC),
    )


def test_putting_attendance_records_the_full_set(staff, collab, held_call):
    first, _second = teams_with_members(collab, 2)
    with scopes_disabled():
        present = first.members.order_by("pk").first()

    response = staff.put(
        api("call-attendance", collab, pk=held_call.pk), {"member_ids": [present.pk]}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["member_ids"] == [present.pk]
    assert len(body["records"]) == 4
    record = next(r for r in body["records"] if r["member"] == present.pk)
    assert record["team"] == first.pk
    assert record["team_name"] == first.name
    assert record["attended"] is True
    assert record["recorded_by"] == "alice@example.org"
    again = staff.put(api("call-attendance", collab, pk=held_call.pk), {"member_ids": []})
    assert again.json()["member_ids"] == []
    with scopes_disabled():
        assert CallAttendance.objects.filter(call=held_call, attended=True).count() == 0


def test_attendance_for_someone_not_expected_is_a_400(staff, org_a, collab, held_call):
    teams_with_members(collab, 1)
    stranger = TeamMemberFactory(team__collaborative=CollaborativeFactory(organization=org_a))

    response = staff.put(
        api("call-attendance", collab, pk=held_call.pk), {"member_ids": [stranger.pk]}
    )

    assert response.status_code == 400
    assert "member_ids" in response.json()["errors"]
    with scopes_disabled():
        assert not CallAttendance.objects.exists()


def test_attendance_of_a_call_still_to_come_is_a_409(staff, collab):
    teams_with_members(collab, 1)
    call = CallFactory(
        collaborative=collab,
        starts_at=datetime.now(UTC) + timedelta(days=3),
        ends_at=datetime.now(UTC) + timedelta(days=3, hours=1),
    )

    response = staff.put(api("call-attendance", collab, pk=call.pk), {"member_ids": []})

    assert response.status_code == 409


def test_a_team_member_reads_only_their_own_teams_attendance(
    api_client, bob, alice, collab, held_call
):
    first, second = teams_with_members(collab, 2)
    TeamMemberFactory(team=first, user=bob, roles=["clinician"])
    with scopes_disabled():
        everyone = [m.pk for m in first.members.all()] + [m.pk for m in second.members.all()]
    api_client.force_login(alice)
    api_client.put(api("call-attendance", collab, pk=held_call.pk), {"member_ids": everyone})
    api_client.force_login(bob)

    body = api_client.get(api("call-attendance", collab, pk=held_call.pk)).json()

    assert {r["team"] for r in body["records"]} == {first.pk}


# --- Cross-tenant ---------------------------------------------------------------------------------


def test_objects_of_another_organization_are_404_under_this_one(staff, org_a, org_b, collab):
    theirs = CollaborativeFactory(organization=org_b, slug="tf-cbt-b")
    session = LearningSessionFactory(collaborative=theirs, number=1)
    call = CallFactory(collaborative=theirs)

    # Their ids under our collaborative, and their collaborative's slug under our organization.
    assert staff.get(api("learning-session-detail", collab, pk=session.pk)).status_code == 404
    assert staff.get(api("call-detail", collab, pk=call.pk)).status_code == 404
    assert staff.patch(api("call-detail", collab, pk=call.pk), {"title": "x"}).status_code == 404
    assert (
        staff.put(api("call-attendance", collab, pk=call.pk), {"member_ids": []}).status_code == 404
    )
    wrong_collab = reverse(
        "api:learning-session-list", kwargs={"org": org_a.slug, "collab": theirs.slug}
    )
    assert staff.get(wrong_collab).status_code == 404
    with scopes_disabled():
        call.refresh_from_db()
    assert call.title != "x"


def test_objects_of_another_collaborative_are_404(staff, org_a, collab):
    other = CollaborativeFactory(organization=org_a, slug="other")
    session = LearningSessionFactory(collaborative=other, number=1)

    assert staff.delete(api("learning-session-detail", collab, pk=session.pk)).status_code == 404
    with scopes_disabled():
        assert LearningSession.objects.filter(pk=session.pk).exists()


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 50])
def test_the_session_list_runs_a_constant_number_of_queries(
    staff, collab, django_assert_num_queries, count
):
    host = TeamFactory(collaborative=collab)
    for number in range(1, count + 1):
        session = LearningSessionFactory(
            collaborative=collab,
            number=number,
            start_date=date(2026, 1, 1) + timedelta(days=5 * number),
            end_date=date(2026, 1, 1) + timedelta(days=5 * number + 1),
            host_team=host,
        )
        SessionMaterialFactory(session=session)
    # 1 organization, 2 collaborative (middleware), 3 savepoint, 4-5 session and user,
    # 6 membership, 7 leadership roles, 8 roster places, 9 count, 10 the page of sessions
    # with host teams, 11 their materials, 12 savepoint released.
    with django_assert_num_queries(12):
        response = staff.get(api("learning-session-list", collab), {"page_size": 100})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [2, 50])
def test_the_call_list_runs_a_constant_number_of_queries(
    staff, collab, django_assert_num_queries, count
):
    for index in range(count):
        CallFactory(
            collaborative=collab,
            starts_at=datetime(2026, 2, 1, 17, 0, tzinfo=UTC) + timedelta(days=index),
            ends_at=datetime(2026, 2, 1, 18, 0, tzinfo=UTC) + timedelta(days=index),
        )
    # 1 organization, 2 collaborative (middleware), 3 savepoint, 4-5 session and user,
    # 6 membership, 7 leadership roles, 8 roster places, 9 count, 10 the page of calls
    # with their attendance flag, 11 savepoint released.
    with django_assert_num_queries(11):
        response = staff.get(api("call-list", collab), {"page_size": 100})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("team_count", [2, 50])
def test_attendance_runs_a_constant_number_of_queries(
    staff, collab, held_call, django_assert_num_queries, team_count
):
    teams_with_members(collab, team_count)
    with scopes_disabled():
        present = [
            m.pk
            for m in CallAttendance._meta.get_field("member").related_model.objects.filter(
                team__collaborative=collab
            )
        ][::2]
    staff.put(api("call-attendance", collab, pk=held_call.pk), {"member_ids": present})
    # 1 organization, 2 collaborative (middleware), 3 savepoint, 4-5 session and user,
    # 6 membership, 7 leadership roles, 8 roster places, 9 the call, 10 the records with
    # their members, teams and recorders, 11 savepoint released.
    with django_assert_num_queries(11):
        response = staff.get(api("call-attendance", collab, pk=held_call.pk))
    assert len(response.json()["records"]) == 2 * team_count
