"""The charts API: a team's analysis, its settings and their history, the review board and
the collaborative aggregate."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from measures.models import ChartSettings, ChartSnapshot
from tests.factories import (
    CollaborativeFactory,
    LearningSessionFactory,
    PDSACycleFactory,
    TeamFactory,
)
from tests.measures.charting_support import add_values, make_world, month

pytestmark = pytest.mark.django_db

SHIFT = [(4, 10)] * 6 + [(9, 10)] * 8


@pytest.fixture
def world(org_a):
    world = make_world(org_a)
    add_values(world.team, world.percentage, {month(i + 1): p for i, p in enumerate(SHIFT)})
    return world


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def base(world) -> str:
    return f"/api/v1/organizations/org-a/collaboratives/{world.collaborative.slug}/"


def chart_url(world, team=None, measure=None, tail="") -> str:
    team = team or world.team
    measure = measure or world.percentage
    return f"{base(world)}teams/{team.pk}/measures/{measure.pk}/chart/{tail}"


def test_the_chart_answers_the_analysis_with_points_and_phases(world):
    body = client_for(world.lead).get(chart_url(world)).json()

    assert body["chart"] == "p"
    assert len(body["points"]) == 14
    assert body["points"][0]["x"] == "2026-01-01"
    assert {"cl", "lcl", "ucl", "sigma_signal", "phase"} <= set(body["points"][0])
    assert body["phases"][0]["phase"] == 1


def test_the_chart_answers_icons_explanations_and_months(world):
    body = client_for(world.lead).get(chart_url(world)).json()

    assert body["variation"] == "improving"
    assert body["assurance"] in ("will_meet", "will_miss", "may_meet")
    assert body["explanations"] and all(isinstance(text, str) for text in body["explanations"])
    assert body["months"][:2] == ["2026-01", "2026-02"]
    assert body["goal"] == 70.0
    assert body["latest_month"] == "2027-02"
    assert body["computed_at"]
    assert body["is_current"] is True


def test_the_chart_answers_its_settings_and_the_team(world):
    body = client_for(world.lead).get(chart_url(world)).json()

    assert body["settings"]["version"] == 0
    assert body["settings"]["allowed_chart_types"] == ["run", "p", "pp"]
    assert body["team"] == {"id": world.team.pk, "label": "Riverside Clinic"}
    assert body["measure"]["code"] == "completion"


def _drawn(world, *, decision="adapt"):
    """A learning session and a finished PDSA cycle of Riverside on the percentage measure."""
    with scopes_disabled():
        LearningSessionFactory(
            collaborative=world.collaborative,
            number=1,
            title="Kick-off",
            start_date=date(2026, 2, 3),
            end_date=date(2026, 2, 4),
        )
        return PDSACycleFactory(
            team=world.team,
            measures=[world.percentage],
            title="Checklist at intake",
            status="done",
            decision=decision,
            started_on=date(2026, 6, 8),
            finished_on=date(2026, 6, 30),
        )


def test_the_chart_answers_the_teams_pdsa_cycles_drawn_on_it(world):
    cycle = _drawn(world)

    body = client_for(world.lead).get(chart_url(world)).json()

    assert body["annotations"] == [
        {
            "date": "2026-06-08",
            "title": "Checklist at intake",
            "decision": "adapt",
            "url": f"/orgs/org-a/collaboratives/tfcbt/teams/{world.team.pk}/pdsa/{cycle.pk}/",
        }
    ]


def test_the_chart_answers_the_learning_sessions_drawn_on_it(world):
    _drawn(world)

    body = client_for(world.faculty).get(chart_url(world)).json()

    assert body["learning_sessions"] == [
        {"start": "2026-02-03", "end": "2026-02-04", "name": "Learning Session 1: Kick-off"}
    ]


def test_another_teams_member_sees_the_sessions_but_not_the_teams_pdsa_cycles(world):
    _drawn(world)

    body = client_for(world.other_member).get(chart_url(world)).json()

    assert body["annotations"] == []
    assert len(body["learning_sessions"]) == 1


def test_a_pdsa_cycle_of_another_measure_is_not_on_the_chart(world):
    with scopes_disabled():
        PDSACycleFactory(
            team=world.team, measures=[world.rate], status="running", started_on=month(3)
        )

    body = client_for(world.lead).get(chart_url(world)).json()

    assert body["annotations"] == []


def test_the_schema_describes_the_cycles_and_sessions_of_a_chart(world):
    schema = client_for(world.lead).get("/api/v1/schema/", {"format": "json"}).json()
    path = (
        "/api/v1/organizations/{org}/collaboratives/{collab}/teams/{team}/measures/{measure}/chart/"
    )
    response = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    ref = response["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]

    assert {"annotations", "learning_sessions", "points", "phases"} <= set(properties)


def test_reading_a_chart_twice_reads_the_kept_snapshot(world):
    client = client_for(world.lead)
    first = client.get(chart_url(world)).json()

    second = client.get(chart_url(world)).json()

    assert second["computed_at"] == first["computed_at"]
    with scopes_disabled():
        assert ChartSnapshot.objects.filter(team=world.team).count() == 1


def test_a_patch_sets_a_phase_break_and_the_chart_is_analysed_in_two_phases(
    world, django_capture_on_commit_callbacks
):
    client = client_for(world.faculty)
    client.get(chart_url(world))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            chart_url(world, tail="settings/"),
            {"version": 0, "phase_breaks": [{"month": "2026-07", "label": "New intake"}]},
            format="json",
        )

    assert response.status_code == 200, response.content
    assert response.json()["phase_breaks"] == [{"month": "2026-07", "label": "New intake"}]
    assert response.json()["version"] == 1
    body = client.get(chart_url(world)).json()
    assert [phase["phase"] for phase in body["phases"]] == [1, 2]


def test_a_patch_with_a_stale_version_answers_409_with_the_current_settings(world):
    client = client_for(world.faculty)
    client.patch(chart_url(world, tail="settings/"), {"version": 0, "chart_type": "pp"}, "json")

    response = client.patch(
        chart_url(world, tail="settings/"), {"version": 0, "chart_type": "run"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["settings"]["chart_type"] == "pp"
    assert response.json()["settings"]["version"] == 1


def test_a_patch_without_a_version_answers_400(world):
    response = client_for(world.faculty).patch(
        chart_url(world, tail="settings/"), {"chart_type": "pp"}, format="json"
    )

    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_a_patch_with_bad_settings_answers_400_naming_each_field(world):
    response = client_for(world.faculty).patch(
        chart_url(world, tail="settings/"),
        {
            "version": 0,
            "chart_type": "u",
            "exclusions": [{"month": "2026-03"}],
            "phase_breaks": [{"month": "2030-01", "label": ""}],
        },
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"chart_type", "exclusions", "phase_breaks"}
    assert body["detail"]
    with scopes_disabled():
        assert not ChartSettings.objects.exists()


def test_a_patch_with_a_freeze_and_phases_answers_400(world):
    response = client_for(world.faculty).patch(
        chart_url(world, tail="settings/"),
        {
            "version": 0,
            "freeze_month": "2026-06",
            "phase_breaks": [{"month": "2026-07", "label": ""}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "freeze_month" in response.json()["errors"]


def test_settings_read_says_whether_the_caller_may_change_them(world):
    assert client_for(world.lead).get(chart_url(world, tail="settings/")).json()["can_edit"]
    assert not client_for(world.member).get(chart_url(world, tail="settings/")).json()["can_edit"]


def test_the_history_lists_each_change_with_who_and_what(world):
    client = client_for(world.lead)
    client.patch(chart_url(world, tail="settings/"), {"version": 0, "chart_type": "pp"}, "json")
    client.patch(chart_url(world, tail="settings/"), {"version": 1, "rule_set": "anhoj"}, "json")

    body = client.get(chart_url(world, tail="history/")).json()

    assert body["version"] == 2
    assert [change["new"]["rule_set"] for change in body["changes"]] == ["", "anhoj"]
    assert body["changes"][0]["changed_by"] == world.lead.display_name
    assert body["changes"][0]["source"] == "api"


def test_the_board_lists_teams_with_icons_per_measure(world):
    body = client_for(world.faculty).get(base(world) + "charts/board/").json()

    assert [m["code"] for m in body["measures"]] == ["completion", "incidents", "dropouts", "wait"]
    riverside = next(team for team in body["teams"] if team["id"] == world.team.pk)
    assert riverside["label"] == "Riverside Clinic"
    cell = riverside["cells"][0]
    assert cell["measure"] == world.percentage.pk
    assert cell["variation"] == "improving"
    assert cell["goal"] == 70.0
    assert cell["latest_value"] == pytest.approx(90.0)


def test_the_board_sorted_by_signal_puts_the_strongest_signal_first(world):
    add_values(world.other_team, world.percentage, {month(1): (5, 10), month(2): (5, 10)})
    TeamFactory(collaborative=world.collaborative, name="Aardvark Clinic")

    body = client_for(world.faculty).get(base(world) + "charts/board/?sort=signal").json()

    assert body["teams"][0]["id"] == world.team.pk
    ranks = [team["signal_rank"] for team in body["teams"]]
    assert ranks == sorted(ranks, reverse=True)


def test_the_board_refuses_an_unknown_sort(world):
    response = client_for(world.faculty).get(base(world) + "charts/board/?sort=colour")

    assert response.status_code == 400
    assert "sort" in response.json()["errors"]


def _board_queries(world, client) -> int:
    client.get(base(world) + "charts/board/")  # the missing snapshots are computed once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(base(world) + "charts/board/")
    assert response.status_code == 200
    return len(captured)


def test_the_board_runs_the_same_queries_for_2_and_50_teams(world):
    client = client_for(world.faculty)
    few = _board_queries(world, client)
    with scopes_disabled():
        for index in range(48):
            team = TeamFactory(collaborative=world.collaborative, name=f"Clinic {index:02d}")
            add_values(team, world.percentage, {month(1): (index % 10, 10)})

    many = _board_queries(world, client)

    assert many == few


def test_the_aggregate_answers_the_analysis_and_the_share_meeting_goal(world):
    add_values(world.other_team, world.percentage, {month(1): (10, 10)})

    body = (
        client_for(world.member)
        .get(f"{base(world)}measures/{world.percentage.pk}/aggregate/")
        .json()
    )

    assert body["points"][0]["value"] == pytest.approx(100 * 14 / 20)
    assert body["meeting_goal"][0] == {
        "month": "2026-01",
        "teams": 2,
        "meeting": 1,
        "percent": 50.0,
    }
    assert body["measure"]["code"] == "completion"


def test_there_is_no_aggregate_of_a_teams_own_measure(world):
    response = client_for(world.faculty).get(f"{base(world)}measures/{world.custom.pk}/aggregate/")

    assert response.status_code == 404


def test_a_measure_of_another_collaborative_is_404(world, org_a):
    with scopes_disabled():
        other = CollaborativeFactory(organization=org_a, slug="other")
        team = TeamFactory(collaborative=other)

    response = client_for(world.faculty).get(chart_url(world, team=team))

    assert response.status_code == 404
