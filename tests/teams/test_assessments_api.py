"""The assessments API: the response body, filters, create, change with version (409 when
stale), bad input per field, and the scale."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from bsc.audit import AuditEntry
from teams.models import AssessmentScaleLevel, ProgressAssessment
from tests.factories import ProgressAssessmentFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organizations/org-a/collaboratives/tf-cbt/assessments/"
SCALE = "/api/v1/organizations/org-a/collaboratives/tf-cbt/assessment-scale/"


def test_a_score_reads_as_the_whole_record(world, api_as, fay):
    assessment = ProgressAssessmentFactory(
        team=world.riverside,
        score=Decimal("3.5"),
        comments="Good rhythm.",
        suggestions="Text caregivers.",
        assessed_by=fay,
    )

    body = api_as("dana").get(f"{LIST}{assessment.pk}/").json()

    assert body == {
        "id": assessment.pk,
        "team": world.riverside.pk,
        "team_name": "Riverside",
        "month": "2026-03",
        "kind": "faculty",
        "score": "3.5",
        "level": "Improvement",
        "justification": assessment.justification,
        "comments": "Good rhythm.",
        "suggestions": "Text caregivers.",
        "shared_with_team": True,
        "assessed_by": "Fay Faculty",
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_the_list_filters_by_team_month_and_kind(world, api_as):
    ProgressAssessmentFactory(team=world.riverside, month=date(2026, 3, 1))
    wanted = ProgressAssessmentFactory(team=world.riverside, month=date(2026, 4, 1), kind="self")
    ProgressAssessmentFactory(team=world.lakeside, month=date(2026, 4, 1), kind="self")

    body = (
        api_as("fay")
        .get(LIST, {"team": world.riverside.pk, "month": "2026-04", "kind": "self"})
        .json()
    )

    assert [row["id"] for row in body["results"]] == [wanted.pk]


def test_a_bad_filter_is_named(world, api_as):
    response = api_as("fay").get(LIST, {"month": "April", "kind": "boss"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"month", "kind"}


def test_a_team_member_lists_only_their_teams_shared_scores(world, api_as):
    mine = ProgressAssessmentFactory(team=world.riverside)
    ProgressAssessmentFactory(team=world.riverside, month=date(2026, 4, 1), shared_with_team=False)
    ProgressAssessmentFactory(team=world.lakeside)

    body = api_as("erin").get(LIST).json()

    assert [row["id"] for row in body["results"]] == [mine.pk]


def test_faculty_create_a_score_with_an_audit_entry(world, api_as):
    response = api_as("fay").post(
        LIST,
        {
            "team": world.riverside.pk,
            "month": "2026-04",
            "kind": "faculty",
            "score": "4",
            "comments": "Great month.",
            "shared_with_team": False,
        },
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["score"], response.json()["shared_with_team"]) == ("4.0", False)
    with scopes_disabled():
        saved = ProgressAssessment.objects.get(team=world.riverside)
        assert (saved.month, saved.score) == (date(2026, 4, 1), Decimal("4.0"))
        entry = AuditEntry.objects.get(action="bsc.assessment.created")
        assert entry.data["source"] == "api"


def test_a_second_score_of_the_same_kind_and_month_conflicts(world, api_as):
    ProgressAssessmentFactory(team=world.riverside, month=date(2026, 4, 1), score=Decimal("2"))

    response = api_as("fay").post(
        LIST,
        {"team": world.riverside.pk, "month": "2026-04", "kind": "faculty", "score": "3"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["assessment"]["score"] == "2.0"


@pytest.mark.parametrize("score", ["0", "5.5", "3.3", "abc", "", "NaN"])
def test_a_score_off_the_scale_is_bad_input(world, api_as, score):
    response = api_as("fay").post(
        LIST,
        {"team": world.riverside.pk, "month": "2026-04", "kind": "faculty", "score": score},
        format="json",
    )

    assert response.status_code == 400
    assert "score" in response.json()["errors"]


def test_a_month_outside_the_run_is_bad_input(world, api_as):
    response = api_as("fay").post(
        LIST,
        {"team": world.riverside.pk, "month": "2025-12", "kind": "faculty", "score": "3"},
        format="json",
    )

    assert response.status_code == 400
    assert "month" in response.json()["errors"]


def test_a_change_with_the_current_version_is_saved(world, api_as):
    assessment = ProgressAssessmentFactory(team=world.riverside, score=Decimal("2"))

    response = api_as("fay").patch(
        f"{LIST}{assessment.pk}/", {"version": 1, "score": "2.5"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["score"], response.json()["version"]) == ("2.5", 2)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="bsc.assessment.changed")
        assert (entry.data["old_score"], entry.data["score"]) == ("2", "2.5")


def test_a_stale_version_answers_409_with_the_current_score(world, api_as):
    assessment = ProgressAssessmentFactory(team=world.riverside, score=Decimal("2"), version=4)

    response = api_as("fay").patch(
        f"{LIST}{assessment.pk}/", {"version": 3, "score": "4"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["assessment"]["version"] == 4
    with scopes_disabled():
        assert ProgressAssessment.objects.get(pk=assessment.pk).score == Decimal("2")


def test_the_lead_changes_the_teams_self_score(world, api_as):
    assessment = ProgressAssessmentFactory(team=world.riverside, kind="self")

    response = api_as("dana").patch(
        f"{LIST}{assessment.pk}/",
        {"version": 1, "justification": "Completion rose."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["justification"] == "Completion rose."


def test_the_scale_reads_the_ihi_wording_by_default(world, api_as):
    levels = api_as("erin").get(SCALE).json()["levels"]

    assert len(levels) == 10
    assert levels[0] == {
        "score": "0.5",
        "label": "Intent to participate",
        "description": levels[0]["description"],
    }
    assert levels[-1]["label"] == "Outstanding sustainable results"
    with scopes_disabled():
        assert not AssessmentScaleLevel.objects.exists()


def test_staff_reword_a_level_through_the_api(world, api_as):
    response = api_as("alice").put(
        SCALE,
        {"levels": [{"score": "4", "label": "Half the goals met", "description": "Our rule."}]},
        format="json",
    )

    assert response.status_code == 200
    labels = {level["score"]: level["label"] for level in response.json()["levels"]}
    assert labels["4.0"] == "Half the goals met"
    assert labels["4.5"] == "Sustainable improvement"


def test_a_level_that_is_not_on_the_scale_is_refused(world, api_as):
    response = api_as("alice").put(
        SCALE, {"levels": [{"score": "4.2", "label": "Odd"}]}, format="json"
    )

    assert response.status_code == 400
