"""The contract of the measures and values API: shapes of answers, errors, query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from bsc.audit import AuditEntry
from measures.models import Measure, MetricValue
from tests.factories import MeasureFactory
from tests.measures.definitions_support import make_world

pytestmark = pytest.mark.django_db

MEASURE = {
    "name": "Seen within 14 days",
    "code": "seen-14",
    "measure_type": "process",
    "shape": "rate",
    "rate_per": 1000,
    "direction": "down",
    "default_chart": "u",
}


@pytest.fixture
def world(org_a, alice, bob):
    return make_world(org_a, alice, bob)


def url(world, name, **kwargs):
    return reverse(
        f"api:{name}", kwargs={"org": "org-a", "collab": world.collaborative.slug, **kwargs}
    )


def test_staff_create_a_measure(api_client, world):
    api_client.force_login(world.staff)
    response = api_client.post(url(world, "measure-list"), MEASURE, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "seen-14" and body["team"] is None and body["order"] == 1
    assert body["url"].endswith(f"/measures/{body['id']}/")
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="bsc.measure.created").exists()


def test_a_mismatched_chart_is_a_400_on_the_field(api_client, world):
    api_client.force_login(world.staff)
    response = api_client.post(
        url(world, "measure-list"), {**MEASURE, "default_chart": "p"}, format="json"
    )
    assert response.status_code == 400
    assert "default_chart" in response.json()["errors"]


def test_a_duplicate_code_is_a_400_on_the_field(api_client, world):
    api_client.force_login(world.staff)
    response = api_client.post(
        url(world, "measure-list"), {**MEASURE, "code": "complete"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["code"]


def test_delete_archives(api_client, world):
    api_client.force_login(world.staff)
    assert api_client.delete(url(world, "measure-detail", pk=world.shared.pk)).status_code == 204
    with scopes_disabled():
        assert Measure.objects.get(pk=world.shared.pk).archived_at is not None
    listed = api_client.get(url(world, "measure-list")).json()["results"]
    assert "complete" not in {m["code"] for m in listed}
    archived = api_client.get(url(world, "measure-list") + "?archived=true").json()["results"]
    assert "complete" in {m["code"] for m in archived}


def test_the_list_filters_by_team(api_client, world):
    api_client.force_login(world.staff)
    listed = api_client.get(url(world, "measure-list") + f"?team={world.team_b.pk}").json()
    assert {m["code"] for m in listed["results"]} == {"complete"}


def test_import_answers_with_counts(api_client, world):
    api_client.force_login(world.member)
    text = "month,measure_code,numerator,denominator\n2026-01,complete,3,10\n"
    response = api_client.post(
        url(world, "values-import", team=world.team_a.pk),
        {"file": SimpleUploadedFile("v.csv", text.encode())},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "rows": 1,
        "created": 1,
        "changed": 0,
        "unchanged": 0,
        "reports_created": 1,
        "months": ["2026-01"],
    }


def test_import_answers_400_with_every_bad_row(api_client, world):
    api_client.force_login(world.member)
    text = (
        "month,measure_code,numerator,denominator\n"
        "2026-01,complete,3,10\n"
        "2026-02,complete,12,10\n"
        "2026-03,nope,1,2\n"
    )
    response = api_client.post(
        url(world, "values-import", team=world.team_a.pk),
        {"file": SimpleUploadedFile("v.csv", text.encode())},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Nothing was imported")
    assert [(r["row"], r["field"]) for r in body["errors"]["rows"]] == [
        (3, "numerator"),
        (4, "measure_code"),
    ]
    with scopes_disabled():
        assert not MetricValue.objects.exists()


def test_import_without_a_file_is_a_400(api_client, world):
    api_client.force_login(world.member)
    response = api_client.post(
        url(world, "values-import", team=world.team_a.pk), {}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_export_as_csv_and_xlsx(api_client, world):
    api_client.force_login(world.staff)
    text = "month,measure_code,numerator,denominator\n2026-01,complete,3,10\n"
    api_client.post(
        url(world, "values-import", team=world.team_a.pk),
        {"file": SimpleUploadedFile("v.csv", text.encode())},
        format="multipart",
    )
    response = api_client.get(url(world, "values-export") + "?format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["team"] == "Alder Clinic" and rows[0]["result"] == "30"
    response = api_client.get(url(world, "values-export") + f"?format=xlsx&team={world.team_a.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "Alder Clinic"


def test_export_with_an_unknown_format_is_a_400(api_client, world):
    api_client.force_login(world.staff)
    response = api_client.get(url(world, "values-export") + "?format=pdf")
    assert response.status_code == 400
    assert response.json()["errors"]["format"]


def _list_queries(api_client, world, django_assert_num_queries, count):
    for index in range(count):
        MeasureFactory(collaborative=world.collaborative, code=f"extra-{index}")
    api_client.force_login(world.staff)
    # session, user, organization, membership, collaborative, leadership roles, roster
    # places (permission class); savepoint; count; the page of measures with their
    # teams; release savepoint.
    with django_assert_num_queries(11):
        assert api_client.get(url(world, "measure-list")).status_code == 200


@pytest.mark.parametrize("count", [2, 50])
def test_the_list_costs_the_same_with_2_or_50_measures(
    api_client, world, django_assert_num_queries, count
):
    _list_queries(api_client, world, django_assert_num_queries, count)
