"""The reports API contract: list and filters, PATCH with versions, transitions, bulk upsert."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from bsc.audit import AuditEntry
from measures.models import MetricValue, MonthlyReport, ValueChange
from measures.services import reports as services
from tests.factories import MetricValueFactory, MonthlyReportFactory, TeamFactory
from tests.measures.reports_support import FULL_VALUES, MARCH, make_world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organizations/org-a/collaboratives/tfcbt"


@pytest.fixture
def world(org_a):
    return make_world(org_a)


def _as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _draft(world, month=MARCH):
    with scope(organization=world.organization):
        world.team.collaborative = world.collaborative
        report = services.report_get_or_create(team=world.team, month=month)
        return services.report_save(
            report=report, version=report.version, values=FULL_VALUES, actor=world.lead
        ).report


def test_the_list_shows_reports_with_their_values(world):
    report = _draft(world)

    response = _as(world.faculty).get(f"{BASE}/reports/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == report.pk
    assert item["month"] == "2026-03"
    assert item["status"] == "draft"
    assert item["version"] == 1
    assert item["due_date"] == "2026-04-15"
    assert {value["measure"] for value in item["values"]} == {"completion", "dropouts"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("month_from=2026-03", ["2026-04", "2026-03"]),
        ("month_to=2026-02", ["2026-02"]),
        ("status=submitted", ["2026-04"]),
        ("month_from=2026-03&month_to=2026-03", ["2026-03"]),
    ],
)
def test_the_list_filters(world, query, expected):
    _draft(world, dt.date(2026, 2, 1))
    _draft(world, MARCH)
    april = _draft(world, dt.date(2026, 4, 1))
    with scope(organization=world.organization):
        services.report_submit(report=april, actor=world.lead)

    response = _as(world.faculty).get(f"{BASE}/reports/?{query}")

    assert [item["month"] for item in response.json()["results"]] == expected


def test_the_list_filters_by_team(world):
    _draft(world)
    with scopes_disabled():
        other = TeamFactory(collaborative=world.collaborative)
        MonthlyReportFactory(team=other)

    response = _as(world.faculty).get(f"{BASE}/reports/?team={other.pk}")

    assert [item["team"] for item in response.json()["results"]] == [other.pk]


def test_the_list_filters_by_measure_and_carries_only_its_values(world):
    _draft(world)
    response = _as(world.faculty).get(f"{BASE}/reports/?measure=completion")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert [value["measure"] for value in item["values"]] == ["completion"]


def test_an_unknown_measure_filter_is_a_400_on_the_field(world):
    response = _as(world.faculty).get(f"{BASE}/reports/?measure=nope")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"measure"}


def test_a_bad_filter_is_a_400_on_the_field(world):
    response = _as(world.faculty).get(f"{BASE}/reports/?month_from=March&status=late")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"month_from", "status"}


def test_a_team_member_lists_only_their_own_teams_reports(world):
    _draft(world)
    with scopes_disabled():
        MonthlyReportFactory(team=TeamFactory(collaborative=world.collaborative))

    response = _as(world.member).get(f"{BASE}/reports/")

    assert [item["team"] for item in response.json()["results"]] == [world.team.pk]


def test_patch_saves_narrative_and_values_and_writes_history(world):
    report = _draft(world)

    response = _as(world.member).patch(
        f"{BASE}/reports/{report.pk}/",
        {
            "version": 1,
            "learned": "Reminder calls help.",
            "values": [{"measure": "dropouts", "value": 4, "comment": "Two moved away"}],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["learned"] == "Reminder calls help."
    with scopes_disabled():
        change = ValueChange.objects.filter(source="api").get()
        assert change.old["value"] == "2" and change.new["value"] == "4"


def test_patch_needs_the_version(world):
    report = _draft(world)

    response = _as(world.member).patch(
        f"{BASE}/reports/{report.pk}/", {"tested": "x"}, format="json"
    )

    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_a_stale_patch_is_a_409_with_the_current_report(world):
    report = _draft(world)

    response = _as(world.member).patch(
        f"{BASE}/reports/{report.pk}/",
        {"version": 0, "values": [{"measure": "dropouts", "value": 9}]},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["report"]["version"] == 1
    with scopes_disabled():
        assert MetricValue.objects.get(measure=world.count).value == 2


def test_bad_values_are_a_400_per_value(world):
    report = _draft(world)

    response = _as(world.member).patch(
        f"{BASE}/reports/{report.pk}/",
        {
            "version": 1,
            "values": [
                {"measure": "completion", "numerator": 11, "denominator": 10},
                {"measure": "dropouts", "value": -1},
                {"measure": "nope", "value": 1},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"completion.numerator", "dropouts.value", "nope"}
    with scopes_disabled():
        assert MonthlyReport.objects.get().version == 1


def test_submit_return_resubmit_accept(world, django_capture_on_commit_callbacks):
    report = _draft(world)
    lead, faculty = _as(world.lead), _as(world.faculty)

    assert lead.post(f"{BASE}/reports/{report.pk}/submit/").json()["status"] == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        returned = faculty.post(
            f"{BASE}/reports/{report.pk}/return/", {"feedback": "Check drops"}, format="json"
        )
    assert returned.json()["status"] == "returned"
    assert returned.json()["feedback"] == "Check drops"
    assert len(mail.outbox) == 1
    version = returned.json()["version"]
    lead.patch(
        f"{BASE}/reports/{report.pk}/",
        {"version": version, "values": [{"measure": "dropouts", "value": 3}]},
        format="json",
    )
    assert lead.post(f"{BASE}/reports/{report.pk}/submit/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        accepted = faculty.post(f"{BASE}/reports/{report.pk}/accept/", {}, format="json")
    assert accepted.json()["status"] == "accepted"
    assert len(mail.outbox) == 2
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="bsc.report.accepted").exists()


def test_submit_with_missing_required_values_is_a_400_naming_them(world):
    with scope(organization=world.organization):
        world.team.collaborative = world.collaborative
        report = services.report_get_or_create(team=world.team, month=MARCH)

    response = _as(world.lead).post(f"{BASE}/reports/{report.pk}/submit/")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"completion", "dropouts"}


def test_changing_an_accepted_report_is_a_409(world):
    report = _draft(world)
    with scope(organization=world.organization):
        report = services.report_submit(report=report, actor=world.lead)
        report = services.report_accept(report=report, actor=world.faculty)

    response = _as(world.lead).patch(
        f"{BASE}/reports/{report.pk}/", {"version": report.version, "tested": "x"}, format="json"
    )

    assert response.status_code == 409


def test_a_locked_month_is_a_409_until_unlocked(org_a, alice):
    world = make_world(org_a, lock_after_days=5)
    with scope(organization=org_a):
        world.team.collaborative = world.collaborative
        report = services.report_get_or_create(team=world.team, month=dt.date(2026, 1, 1))
    body = {"version": 0, "values": [{"measure": "dropouts", "value": 1}]}

    locked = _as(world.lead).patch(f"{BASE}/reports/{report.pk}/", body, format="json")
    unlocked = _as(alice).post(f"{BASE}/reports/{report.pk}/unlock/", {"days": 2}, format="json")
    body["version"] = unlocked.json()["version"]
    saved = _as(world.lead).patch(f"{BASE}/reports/{report.pk}/", body, format="json")

    assert locked.status_code == 409
    assert "locked" in locked.json()["detail"]
    assert unlocked.json()["is_locked"] is False
    assert saved.status_code == 200


def test_bulk_upsert_is_idempotent(world):
    client = _as(world.lead)
    body = {
        "month": "2026-03",
        "values": [
            {"measure": "completion", "numerator": 3, "denominator": 10},
            {"measure": "dropouts", "value": 2},
        ],
    }
    url = f"{BASE}/teams/{world.team.pk}/values/"

    first = client.post(url, body, format="json")
    with scopes_disabled():
        changes = ValueChange.objects.count()
        audit = AuditEntry.objects.count()
    second = client.post(url, body, format="json")

    assert first.status_code == second.status_code == 200
    assert first.json()["version"] == second.json()["version"] == 1
    assert first.json()["status"] == "draft"
    with scopes_disabled():
        assert ValueChange.objects.count() == changes == 2
        assert AuditEntry.objects.count() == audit
        assert set(ValueChange.objects.values_list("source", flat=True)) == {"bulk"}


def test_bulk_refuses_a_month_outside_the_collaborative(world):
    response = _as(world.lead).post(
        f"{BASE}/teams/{world.team.pk}/values/",
        {"month": "2030-01", "values": []},
        format="json",
    )

    assert response.status_code == 400
    assert "month" in response.json()["errors"]


def test_bulk_with_bad_values_saves_nothing(world):
    response = _as(world.lead).post(
        f"{BASE}/teams/{world.team.pk}/values/",
        {
            "month": "2026-03",
            "values": [{"measure": "dropouts", "value": 1}, {"measure": "dropouts", "value": 2}],
        },
        format="json",
    )

    assert response.status_code == 400
    with scopes_disabled():
        assert not MetricValue.objects.exists()


def test_the_list_runs_the_same_queries_for_2_and_50_teams(world, django_assert_num_queries):
    faculty = _as(world.faculty)
    with scopes_disabled():
        teams = [world.team, TeamFactory(collaborative=world.collaborative)]
        for team in teams:
            report = MonthlyReportFactory(team=team)
            MetricValueFactory(report=report, measure=world.percentage)
    faculty.get(f"{BASE}/reports/")
    # organization, collaborative, savepoint, session, user, membership, leadership roles,
    # roster roles, count, reports with team and people, their values with measures, release
    with django_assert_num_queries(12):
        faculty.get(f"{BASE}/reports/?page_size=100")
    with scopes_disabled():
        for _ in range(48):
            report = MonthlyReportFactory(team=TeamFactory(collaborative=world.collaborative))
            MetricValueFactory(report=report, measure=world.percentage)
    with django_assert_num_queries(12):
        response = faculty.get(f"{BASE}/reports/?page_size=100")
    assert response.json()["count"] == 50
