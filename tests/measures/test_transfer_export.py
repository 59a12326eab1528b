"""The values export: CSV and Excel, and what data sharing lets each person see."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import MetricValueFactory, MonthlyReportFactory, TeamFactory
from tests.measures.definitions_support import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, alice, bob):
    world = make_world(org_a, alice, bob)
    for team in (world.team_a, world.team_b):
        report = MonthlyReportFactory(team=team, month=dt.date(2026, 1, 1))
        MetricValueFactory(
            report=report, measure=world.shared, numerator=3, denominator=10, comment="Dr Who"
        )
    report_a = MonthlyReportFactory(team=world.team_a, month=dt.date(2026, 2, 1))
    MetricValueFactory(
        report=report_a, measure=world.custom_a, numerator=None, denominator=None, value=12
    )
    return world


def url(world, fmt="csv", **query):
    base = reverse(
        f"values_export_{fmt}", kwargs={"org": "org-a", "collab": world.collaborative.slug}
    )
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rows_of(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def set_sharing(world, value):
    world.collaborative.data_sharing = value
    world.collaborative.save()


def test_staff_export_every_team_by_name(client, world):
    client.force_login(world.staff)
    rows = rows_of(client.get(url(world)))
    assert {(r["team"], r["measure_code"]) for r in rows} == {
        ("Alder Clinic", "complete"),
        ("Birch Clinic", "complete"),
        ("Alder Clinic", "alder-wait"),
    }
    assert rows[0]["result"] == "30"


def test_the_xlsx_parses_back(client, world):
    client.force_login(world.faculty)
    response = client.get(url(world, "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("team", "month", "measure_code")
    assert len(values) == 4
    assert {row[0] for row in values[1:]} == {"Alder Clinic", "Birch Clinic"}


def test_members_see_other_teams_named_when_shared_by_name(client, world):
    client.force_login(world.other)
    rows = rows_of(client.get(url(world)))
    assert {(r["team"], r["measure_code"]) for r in rows} == {
        ("Alder Clinic", "complete"),
        ("Birch Clinic", "complete"),
    }


def test_members_see_other_teams_anonymized(client, world):
    set_sharing(world, "anonymized")
    client.force_login(world.other)
    rows = rows_of(client.get(url(world)))
    by_team = {r["team"]: r for r in rows}
    assert set(by_team) == {"Team A", "Birch Clinic"}
    assert by_team["Team A"]["comment"] == ""
    assert by_team["Birch Clinic"]["comment"] == "Dr Who"


def test_anonymous_letters_follow_team_ids(client, world):
    set_sharing(world, "anonymized")
    TeamFactory(collaborative=world.collaborative, name="Aaron Clinic")
    client.force_login(world.outsider_member)
    rows = rows_of(client.get(url(world)))
    assert {r["team"] for r in rows} == {"Team A", "Team B"}


def test_none_sharing_hides_other_teams(client, world):
    set_sharing(world, "none")
    client.force_login(world.member)
    rows = rows_of(client.get(url(world)))
    assert {r["team"] for r in rows} == {"Alder Clinic"}
    assert {r["measure_code"] for r in rows} == {"complete", "alder-wait"}


def test_a_hidden_team_cannot_be_asked_for(client, world):
    set_sharing(world, "none")
    client.force_login(world.member)
    assert client.get(url(world, team=world.team_b.pk)).status_code == 404


def test_one_team_can_be_exported(client, world):
    client.force_login(world.staff)
    rows = rows_of(client.get(url(world, team=world.team_b.pk)))
    assert {r["team"] for r in rows} == {"Birch Clinic"}


def test_formulas_are_not_exported_as_formulas(client, world):
    world.team_b.name = "=HYPERLINK(1)"
    world.team_b.save()
    client.force_login(world.staff)
    rows = rows_of(client.get(url(world)))
    assert "'=HYPERLINK(1)" in {r["team"] for r in rows}


def _export_queries(client, world, django_assert_num_queries, count):
    for _ in range(count):
        team = TeamFactory(collaborative=world.collaborative)
        report = MonthlyReportFactory(team=team, month=dt.date(2026, 1, 1))
        MetricValueFactory(report=report, measure=world.shared)
    client.force_login(world.staff)
    # session, user, organization, membership, collaborative, leadership roles, roster
    # places (middleware); savepoint; the teams; the values with measures and reports;
    # release savepoint.
    with django_assert_num_queries(11):
        assert client.get(url(world)).status_code == 200


@pytest.mark.parametrize("count", [2, 50])
def test_the_export_costs_the_same_with_2_or_50_teams(
    client, world, django_assert_num_queries, count
):
    _export_queries(client, world, django_assert_num_queries, count)
