"""PDSA pages: tracker, board, stages, moves, the ramp, worksheet, spread map, files."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from bsc.audit import AuditEntry
from pdsa.models import PDSAAttachment, PDSACycle, PDSACycleChange
from tests.factories import PDSACycleFactory
from tests.pdsa.support import client_for, collab_url, make_world, team_url

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(org_a):
    return make_world(org_a)


@pytest.fixture
def member(world):
    return client_for(world.member)


def _cycle(world, **kwargs):
    kwargs.setdefault("team", world.team)
    with scopes_disabled():
        return PDSACycleFactory(**kwargs)


def _fresh(cycle):
    with scopes_disabled():
        return PDSACycle.objects.get(pk=cycle.pk)


def test_a_member_plans_a_cycle_linked_to_an_idea_and_a_measure(world, member):
    response = member.post(
        team_url(world, "new/"),
        {
            "title": "Intake checklist",
            "change_idea": world.idea.pk,
            "measures": [world.measure.pk],
            "objective": "Fewer missed questions at intake",
            "predictions": "Every family gets all 12 questions",
            "scale": "one clinician, one day",
        },
    )
    with scopes_disabled():
        cycle = PDSACycle.objects.get()
        assert list(cycle.measures.all()) == [world.measure]
        assert cycle.created_by == world.member
        assert AuditEntry.objects.filter(action="bsc.pdsa.cycle_created").count() == 1
    assert response.status_code == 302
    assert response["Location"] == team_url(world, f"{cycle.pk}/")
    assert (cycle.change_idea, cycle.status) == (world.idea, "planned")


def test_planning_without_an_idea_or_a_note_names_the_field(world, member):
    response = member.post(team_url(world, "new/"), {"title": "Something"})
    assert response.status_code == 400
    assert "other_idea_note" in response.context["form"].errors


def test_planning_refuses_a_measure_of_another_collaborative(world, member):
    from tests.factories import MeasureFactory

    with scopes_disabled():
        foreign = MeasureFactory(organization=world.organization)
    response = member.post(
        team_url(world, "new/"),
        {"title": "T", "change_idea": world.idea.pk, "measures": [foreign.pk]},
    )
    assert response.status_code == 400
    assert "measures" in response.context["form"].errors


def test_saving_the_do_stage_starts_the_cycle(world, member):
    cycle = _cycle(world)
    response = member.post(
        team_url(world, f"{cycle.pk}/do/"),
        {"version": cycle.version, "carried_out_as_planned": "partly", "observations": "Went ok"},
    )
    assert response.status_code == 302
    cycle = _fresh(cycle)
    assert (cycle.status, cycle.started_on is not None) == ("running", True)
    assert cycle.version == 2


def test_saving_act_with_a_decision_finishes_the_cycle(world, member):
    cycle = _cycle(world, status="studying", started_on=date(2026, 3, 1))
    member.post(
        team_url(world, f"{cycle.pk}/act/"),
        {"version": cycle.version, "decision": "adapt", "next_steps": "Three clinicians"},
    )
    cycle = _fresh(cycle)
    assert (cycle.status, cycle.decision) == ("done", "adapt")
    assert cycle.finished_on is not None


def test_a_stale_version_answers_409_and_keeps_the_other_save(world, member):
    cycle = _cycle(world, observations="Theirs")
    with scopes_disabled():
        PDSACycle.objects.filter(pk=cycle.pk).update(version=5)
    response = member.post(
        team_url(world, f"{cycle.pk}/do/"), {"version": 1, "observations": "Mine"}
    )
    assert response.status_code == 409
    assert _fresh(cycle).observations == "Theirs"


def test_moving_to_done_without_a_decision_is_refused(world, member):
    cycle = _cycle(world, status="studying")
    member.post(team_url(world, f"{cycle.pk}/actions/status/"), {"status": "done"})
    assert _fresh(cycle).status == "studying"


def test_moving_status_is_kept_in_the_history(world, member):
    cycle = _cycle(world)
    member.post(
        team_url(world, f"{cycle.pk}/actions/status/"),
        {"status": "running", "version": cycle.version},
    )
    with scopes_disabled():
        change = PDSACycleChange.objects.get(cycle=cycle)
    assert (change.stage, change.new["status"], change.changed_by) == (
        "status",
        "running",
        world.member,
    )


def test_starting_the_next_cycle_builds_on_this_one(world, member):
    cycle = _cycle(
        world,
        change_idea=world.idea,
        status="done",
        decision="adapt",
        scale="one clinician, one day",
        measures=[world.measure],
    )
    response = member.post(team_url(world, f"{cycle.pk}/actions/next/"))
    with scopes_disabled():
        following = PDSACycle.objects.get(builds_on=cycle)
        assert list(following.measures.all()) == [world.measure]
    assert response["Location"] == team_url(world, f"{following.pk}/plan/")
    assert following.change_idea == world.idea
    assert following.scale == "3 clinicians, one week"
    assert following.title.endswith("(cycle 2)")


def test_a_planned_draft_can_be_deleted_but_not_a_running_cycle(world, member):
    draft = _cycle(world)
    running = _cycle(world, status="running")
    member.post(team_url(world, f"{draft.pk}/actions/delete/"))
    member.post(team_url(world, f"{running.pk}/actions/delete/"))
    with scopes_disabled():
        assert list(PDSACycle.objects.values_list("pk", flat=True)) == [running.pk]


def test_the_tracker_filters_by_idea_status_and_month(world, member):
    match = _cycle(world, change_idea=world.idea, status="running", started_on=date(2026, 3, 5))
    _cycle(world, change_idea=world.second_idea, status="running", started_on=date(2026, 3, 5))
    _cycle(world, change_idea=world.idea, status="done", decision="adopt")
    _cycle(world, change_idea=world.idea, status="running", started_on=date(2026, 5, 1))
    response = member.get(
        team_url(world), {"idea": world.idea.pk, "status": "running", "month": "2026-03"}
    )
    assert [cycle.pk for cycle in response.context["cycles"]] == [match.pk]


def test_a_bad_month_filter_is_shown_on_the_field(world, member):
    response = member.get(team_url(world), {"month": "March"})
    assert response.status_code == 200
    assert "month" in response.context["filter_form"].errors


def test_the_board_puts_cycles_in_status_columns(world, member):
    running = _cycle(world, status="running")
    response = member.get(team_url(world, "board/"))
    columns = {status: items for status, _label, items in response.context["columns"]}
    assert columns["running"] == [running]
    assert columns["planned"] == []


def test_the_ramp_shows_the_chain_with_scale_and_decision(world, member):
    first = _cycle(world, change_idea=world.idea, status="done", decision="adapt")
    second = _cycle(world, change_idea=world.idea, builds_on=first, status="done", decision="adopt")
    response = member.get(team_url(world, f"ideas/{world.idea.pk}/ramp/"))
    [steps] = response.context["ramps"]
    assert [(step.cycle.pk, step.depth) for step in steps] == [(first.pk, 0), (second.pk, 1)]
    assert b"Adopt" in response.content


def test_the_worksheet_prints_every_stage(world, member):
    cycle = _cycle(world, predictions="All 12 questions", learned="Families liked it")
    response = member.get(team_url(world, f"{cycle.pk}/worksheet/"))
    content = response.content.decode()
    for heading in ("Plan", "Do", "Study", "Act", "All 12 questions", "Families liked it"):
        assert heading in content


def test_script_in_cycle_text_is_shown_as_text(world, member):
    cycle = _cycle(
        world,
        title="<script>alert(1)</script>",
        observations='<img src=x onerror="alert(2)"> and <script>alert(3)</script>',
    )
    content = member.get(team_url(world, f"{cycle.pk}/")).content.decode()
    assert "<script>alert" not in content
    assert "<img" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "onerror" in content  # shown, as text


def test_another_team_reads_shared_cycles_but_cannot_edit(world):
    cycle = _cycle(world)
    other = client_for(world.other_member)
    assert other.get(team_url(world, f"{cycle.pk}/")).status_code == 200
    assert other.get(team_url(world, f"{cycle.pk}/do/")).status_code == 403
    assert other.post(team_url(world, f"{cycle.pk}/actions/delete/")).status_code == 403


def test_without_sharing_another_team_cannot_read(org_a):
    world = make_world(org_a, data_sharing="none")
    cycle = _cycle(world)
    other = client_for(world.other_member)
    assert other.get(team_url(world, f"{cycle.pk}/")).status_code == 403
    assert other.get(team_url(world)).status_code == 403


def test_anonymized_sharing_hides_the_team_name(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    cycle = _cycle(world)
    content = client_for(world.other_member).get(team_url(world, f"{cycle.pk}/")).content
    assert b"Riverside Clinic" not in content
    assert b"Team " in content


def test_faculty_read_but_do_not_edit(world):
    cycle = _cycle(world)
    faculty = client_for(world.faculty)
    assert faculty.get(team_url(world, f"{cycle.pk}/")).status_code == 200
    assert faculty.get(team_url(world, f"{cycle.pk}/plan/")).status_code == 403


def test_an_outsider_gets_404(world, carol_client):
    cycle = _cycle(world)
    assert carol_client.get(team_url(world, f"{cycle.pk}/")).status_code == 404
    assert carol_client.get(collab_url(world, "pdsa/spread-map/")).status_code == 404


def test_a_cycle_of_another_team_is_404_under_this_team(world, member):
    cycle = _cycle(world, team=world.other_team)
    assert member.get(team_url(world, f"{cycle.pk}/")).status_code == 404


def test_the_spread_map_is_for_faculty(world, member):
    _cycle(world, change_idea=world.idea, status="done", decision="adopt")
    assert member.get(collab_url(world, "pdsa/spread-map/")).status_code == 403
    response = client_for(world.faculty).get(collab_url(world, "pdsa/spread-map/"))
    assert response.status_code == 200
    assert response.context["spread"].cell(world.idea.pk, world.team.pk).stage == "adopted"


def test_the_spread_map_page_runs_the_same_queries_for_2_or_50_teams(
    world, django_assert_num_queries
):
    from tests.factories import TeamFactory

    faculty = client_for(world.faculty)
    faculty.get(collab_url(world, "pdsa/spread-map/"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        faculty.get(collab_url(world, "pdsa/spread-map/"))
    with scopes_disabled():
        for index in range(48):
            team = TeamFactory(collaborative=world.collaborative)
            PDSACycleFactory(team=team, change_idea=world.idea if index % 2 else None)
    with django_assert_num_queries(len(few.captured_queries)):
        faculty.get(collab_url(world, "pdsa/spread-map/"))


def test_the_pdsa_home_lists_own_team_first(world, member):
    _cycle(world, status="running")
    response = member.get(collab_url(world, "pdsa/"))
    teams = response.context["teams"]
    assert teams[0]["label"] == "Riverside Clinic"
    assert teams[0]["own"] is True
    assert teams[0]["total"] == 1


def test_a_member_attaches_an_image_and_faculty_download_it(world, member):
    cycle = _cycle(world)
    upload = SimpleUploadedFile("chart.png", PNG, content_type="image/png")
    member.post(
        team_url(world, f"{cycle.pk}/actions/attach/"), {"file": upload, "description": "Chart"}
    )
    with scopes_disabled():
        attachment = PDSAAttachment.objects.get()
    response = client_for(world.faculty).get(team_url(world, f"{cycle.pk}/files/{attachment.pk}/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]


def test_an_attachment_that_is_not_a_pdf_or_image_is_refused(world, member):
    cycle = _cycle(world)
    upload = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    member.post(team_url(world, f"{cycle.pk}/actions/attach/"), {"file": upload})
    with scopes_disabled():
        assert not PDSAAttachment.objects.exists()


def test_an_unknown_stage_is_404(world, member):
    cycle = _cycle(world)
    assert member.get(team_url(world, f"{cycle.pk}/x/")).status_code == 404


@pytest.mark.parametrize("path", ["", "board/"])
def test_the_tracker_and_board_run_the_same_queries_for_2_or_20_cycles(world, member, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for index in range(count):
            earlier = _cycle(world, change_idea=world.idea, measures=[world.measure])
            _cycle(world, builds_on=earlier, status="running" if index % 2 else "done")

    add(1)
    with CaptureQueriesContext(connection) as few:
        member.get(team_url(world, path))
    add(9)
    with CaptureQueriesContext(connection) as many:
        response = member.get(team_url(world, path))
    assert len(response.context["cycles"]) == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_pdsa_home_runs_the_same_queries_for_2_or_50_teams(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import TeamFactory

    faculty = client_for(world.faculty)
    with CaptureQueriesContext(connection) as few:
        faculty.get(collab_url(world, "pdsa/"))
    with scopes_disabled():
        for _ in range(48):
            PDSACycleFactory(team=TeamFactory(collaborative=world.collaborative))
    with CaptureQueriesContext(connection) as many:
        response = faculty.get(collab_url(world, "pdsa/"))
    assert len(response.context["teams"]) == 50
    assert len(many.captured_queries) == len(few.captured_queries)
