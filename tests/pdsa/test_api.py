"""The PDSA API: contract, filters, writes with versions, status moves, ramps, files."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from pdsa.models import PDSACycle
from tests.factories import PDSACycleFactory
from tests.pdsa.support import make_world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organizations/org-a/collaboratives/tfcbt"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(org_a):
    return make_world(org_a)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def member(world):
    return _client(world.member)


def _cycle(world, **kwargs):
    kwargs.setdefault("team", world.team)
    with scopes_disabled():
        return PDSACycleFactory(**kwargs)


def test_a_cycle_reads_as_the_whole_contract(world, member):
    cycle = _cycle(
        world,
        title="Intake checklist",
        change_idea=world.idea,
        status="running",
        started_on=date(2026, 3, 2),
        measures=[world.measure],
    )
    body = member.get(f"{BASE}/pdsa-cycles/{cycle.pk}/").json()
    assert body == {
        "id": cycle.pk,
        "url": f"http://testserver{BASE}/pdsa-cycles/{cycle.pk}/",
        "page_url": f"http://testserver/orgs/org-a/collaboratives/tfcbt/teams/{world.team.pk}/pdsa/{cycle.pk}/",
        "team": world.team.pk,
        "team_name": "Riverside Clinic",
        "change_idea": world.idea.pk,
        "change_idea_title": "Use a checklist at intake",
        "other_idea_note": "",
        "measures": [world.measure.pk],
        "measure_codes": ["complete"],
        "builds_on": None,
        "title": "Intake checklist",
        "objective": cycle.objective,
        "questions": "",
        "predictions": "",
        "who": "",
        "what": "",
        "where": "",
        "when_text": "",
        "planned_start": None,
        "planned_end": None,
        "scale": "one clinician, one day",
        "data_to_collect": "",
        "carried_out_as_planned": "",
        "observations": "",
        "problems": "",
        "results": "",
        "learned": "",
        "decision": "",
        "next_steps": "",
        "status": "running",
        "started_on": "2026-03-02",
        "finished_on": None,
        "version": 1,
        "created_by": None,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "attachments": [],
    }


def test_a_member_plans_a_cycle(world, member):
    response = member.post(
        f"{BASE}/pdsa-cycles/",
        {
            "team": world.team.pk,
            "title": "Text reminders, one week",
            "change_idea": world.second_idea.pk,
            "measures": [world.measure.pk, world.second_measure.pk],
            "planned_start": "2026-04-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["created_by"]) == ("planned", "Max Member")
    assert body["measures"] == sorted([world.measure.pk, world.second_measure.pk])


def test_planning_names_the_bad_fields(world, member):
    response = member.post(
        f"{BASE}/pdsa-cycles/",
        {"team": world.team.pk, "title": "T", "change_idea": 999999, "planned_start": "soon"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"planned_start"}
    response = member.post(
        f"{BASE}/pdsa-cycles/",
        {"team": world.team.pk, "title": "T", "change_idea": 999999},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"change_idea"}


def test_planning_for_another_team_is_forbidden(world, member):
    response = member.post(
        f"{BASE}/pdsa-cycles/", {"team": world.other_team.pk, "title": "T"}, format="json"
    )
    assert response.status_code == 403


def test_patch_saves_with_the_version_read(world, member):
    cycle = _cycle(world)
    response = member.patch(
        f"{BASE}/pdsa-cycles/{cycle.pk}/",
        {"version": 1, "observations": "Went as planned"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["observations"], response.json()["version"]) == ("Went as planned", 2)


def test_patch_with_a_stale_version_answers_409_with_the_current_cycle(world, member):
    cycle = _cycle(world)
    member.patch(f"{BASE}/pdsa-cycles/{cycle.pk}/", {"version": 1, "who": "Ann"}, format="json")
    response = member.patch(
        f"{BASE}/pdsa-cycles/{cycle.pk}/", {"version": 1, "who": "Ben"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["cycle"]["who"] == "Ann"


def test_patch_without_a_version_is_bad_input(world, member):
    cycle = _cycle(world)
    response = member.patch(f"{BASE}/pdsa-cycles/{cycle.pk}/", {"who": "Ann"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_done_without_a_decision_is_refused_on_the_decision_field(world, member):
    cycle = _cycle(world, status="studying")
    response = member.post(
        f"{BASE}/pdsa-cycles/{cycle.pk}/status/", {"status": "done"}, format="json"
    )
    assert response.status_code == 400
    assert "decision" in response.json()["errors"]


def test_moving_to_running_sets_the_start_day(world, member):
    cycle = _cycle(world)
    response = member.post(
        f"{BASE}/pdsa-cycles/{cycle.pk}/status/", {"status": "running", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["started_on"] is not None


def test_next_plans_the_following_cycle_and_the_ramp_lists_both(world, member):
    cycle = _cycle(world, change_idea=world.idea, status="done", decision="adapt")
    response = member.post(f"{BASE}/pdsa-cycles/{cycle.pk}/next/")
    assert response.status_code == 201
    following = response.json()
    assert following["builds_on"] == cycle.pk
    ramp = member.get(f"{BASE}/pdsa-cycles/{cycle.pk}/ramp/").json()
    assert [(step["cycle"]["id"], step["depth"]) for step in ramp] == [
        (cycle.pk, 0),
        (following["id"], 1),
    ]
    by_idea = member.get(
        f"{BASE}/pdsa-ramps/", {"team": world.team.pk, "idea": world.idea.pk}
    ).json()
    assert [step["cycle"]["id"] for step in by_idea["ramps"][0]] == [cycle.pk, following["id"]]


def test_ramps_need_a_team_and_an_idea(world, member):
    response = member.get(f"{BASE}/pdsa-ramps/")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"team", "idea"}


def test_list_filters_by_team_idea_status_and_month(world, member):
    match = _cycle(world, change_idea=world.idea, status="running", started_on=date(2026, 3, 3))
    _cycle(world, change_idea=world.idea, status="running", started_on=date(2026, 6, 3))
    _cycle(world, team=world.other_team, change_idea=world.idea, status="running")
    response = member.get(
        f"{BASE}/pdsa-cycles/",
        {"team": world.team.pk, "idea": world.idea.pk, "status": "running", "month": "2026-03"},
    )
    assert [row["id"] for row in response.json()["results"]] == [match.pk]


def test_a_bad_filter_is_bad_input(world, member):
    response = member.get(f"{BASE}/pdsa-cycles/", {"status": "finished", "month": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "month"}


def test_the_list_runs_the_same_queries_for_2_or_20_cycles(world, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        _cycle(world, measures=[world.measure])
    with CaptureQueriesContext(connection) as few:
        member.get(f"{BASE}/pdsa-cycles/")
    for _ in range(18):
        _cycle(world, team=world.other_team, measures=[world.measure])
    with CaptureQueriesContext(connection) as many:
        response = member.get(f"{BASE}/pdsa-cycles/")
    assert response.json()["count"] == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_anonymized_teams_show_a_pseudonym_and_no_author(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    cycle = _cycle(world, created_by=world.member)
    body = _client(world.other_member).get(f"{BASE}/pdsa-cycles/{cycle.pk}/").json()
    assert body["team_name"].startswith("Team ")
    assert body["created_by"] is None


def test_without_sharing_other_teams_cycles_are_404(org_a):
    world = make_world(org_a, data_sharing="none")
    cycle = _cycle(world)
    response = _client(world.other_member).get(f"{BASE}/pdsa-cycles/{cycle.pk}/")
    assert response.status_code == 404


def test_a_member_attaches_a_file_and_lists_it(world, member):
    cycle = _cycle(world)
    upload = SimpleUploadedFile("chart.png", PNG, content_type="image/png")
    response = member.post(
        f"{BASE}/pdsa-cycles/{cycle.pk}/attachments/",
        {"file": upload, "description": "Run chart"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    listed = member.get(f"{BASE}/pdsa-cycles/{cycle.pk}/attachments/").json()
    assert [(row["file_name"], row["content_type"]) for row in listed] == [
        ("chart.png", "image/png")
    ]


def test_a_file_that_is_not_a_pdf_or_image_is_bad_input_on_file(world, member):
    cycle = _cycle(world)
    upload = SimpleUploadedFile("x.pdf", b"MZ" + b"\x00" * 64)
    response = member.post(
        f"{BASE}/pdsa-cycles/{cycle.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_deleting_a_running_cycle_is_a_conflict(world, member):
    cycle = _cycle(world, status="running")
    response = member.delete(f"{BASE}/pdsa-cycles/{cycle.pk}/")
    assert response.status_code == 409
    with scopes_disabled():
        assert PDSACycle.objects.filter(pk=cycle.pk).exists()


def test_the_spread_map_lists_cells_per_idea_and_team(world):
    cycle = _cycle(world, change_idea=world.idea, status="done", decision="adopt")
    body = _client(world.faculty).get(f"{BASE}/pdsa-spread-map/").json()
    [first, _second] = body["ideas"]
    cell = next(c for c in first["cells"] if c["team"] == world.team.pk)
    assert cell == {"team": world.team.pk, "count": 1, "stage": "adopted", "cycles": [cycle.pk]}
    assert first["teams_adopted"] == 1
