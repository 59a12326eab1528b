"""The values import: all rows or none, every bad row named, history for every change."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from bsc.audit import AuditEntry
from measures.models import MetricValue, MonthlyReport, ValueChange
from measures.services import transfer as services
from tests.factories import MetricValueFactory, MonthlyReportFactory
from tests.measures.definitions_support import make_world

pytestmark = pytest.mark.django_db

HEADER = "month,measure_code,numerator,denominator,value,not_available,reason,comment\n"
GOOD = (
    HEADER + "2026-01,complete,3,10,,,,\n"
    "2026-02,complete,4,10,,,,first families\n"
    "2026-01,alder-wait,,,12,,,\n"
    "2026-02,alder-wait,,,,yes,Nurse on leave,\n"
)
NOW = dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)


@pytest.fixture
def world(org_a, alice, bob):
    return make_world(org_a, alice, bob)


def run(world, content, now=NOW):
    with scope(organization=world.collaborative.organization):
        return services.values_import(
            team=world.team_a, content=content, actor=world.member, now=now
        )


def test_a_good_file_applies_every_row(world):
    result = run(world, GOOD)
    assert (result.created, result.changed, result.reports_created) == (4, 0, 2)
    with scopes_disabled():
        assert MetricValue.objects.count() == 4
        assert ValueChange.objects.filter(source="import").count() == 4
        reports = MonthlyReport.objects.order_by("month")
        assert [r.status for r in reports] == ["draft", "draft"]
        assert [r.version for r in reports] == [1, 1]
        away = MetricValue.objects.get(measure=world.custom_a, month=dt.date(2026, 2, 1))
        assert away.not_available and away.not_available_reason == "Nurse on leave"
        entry = AuditEntry.objects.get(action="bsc.values.imported")
    assert entry.data["created"] == 4


def test_one_bad_row_changes_nothing_and_names_row_and_field(world):
    bad = GOOD + "2026-03,complete,12,10,,,,\n"
    with pytest.raises(services.ImportErrors) as error:
        run(world, bad)
    assert [(e.row, e.field) for e in error.value.errors] == [(6, "numerator")]
    with scopes_disabled():
        assert not MetricValue.objects.exists()
        assert not MonthlyReport.objects.exists()
        assert not ValueChange.objects.exists()


def test_every_bad_row_is_listed(world):
    bad = (
        HEADER + "2026-13,complete,1,2,,,,\n"
        "2026-01,nope,1,2,,,,\n"
        "2027-05,complete,1,2,,,,\n"
        "2026-01,complete,abc,2,,,,\n"
        "2026-02,complete,1,2,,maybe,,\n"
    )
    with pytest.raises(services.ImportErrors) as error:
        run(world, bad)
    assert [(e.row, e.field) for e in error.value.errors] == [
        (2, "month"),
        (3, "measure_code"),
        (4, "month"),
        (5, "numerator"),
        (6, "not_available"),
    ]


def test_a_locked_month_is_refused(world):
    world.collaborative.report_lock_after_days = 5
    world.collaborative.save()
    with pytest.raises(services.ImportErrors) as error:
        run(
            world,
            HEADER + "2026-01,complete,3,10,,,,\n",
            now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        )
    assert error.value.errors[0].field == "month"
    assert "locked" in error.value.errors[0].message


def test_an_unlocked_report_takes_the_import(world):
    world.collaborative.report_lock_after_days = 5
    world.collaborative.save()
    MonthlyReportFactory(
        team=world.team_a,
        month=dt.date(2026, 1, 1),
        unlocked_until=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
    )
    result = run(
        world, HEADER + "2026-01,complete,3,10,,,,\n", now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    )
    assert result.created == 1


def test_an_accepted_report_is_refused(world):
    MonthlyReportFactory(team=world.team_a, month=dt.date(2026, 1, 1), status="accepted")
    with pytest.raises(services.ImportErrors) as error:
        run(world, HEADER + "2026-01,complete,3,10,,,,\n")
    assert "accepted" in error.value.errors[0].message


def test_another_teams_measure_is_unknown(world):
    with (
        scope(organization=world.collaborative.organization),
        pytest.raises(services.ImportErrors) as error,
    ):
        services.values_import(team=world.team_b, content=GOOD, actor=world.other, now=NOW)
    assert {(e.row, e.field) for e in error.value.errors} == {
        (4, "measure_code"),
        (5, "measure_code"),
    }


def test_a_reimport_changes_nothing_and_writes_no_history(world):
    run(world, GOOD)
    result = run(world, GOOD)
    assert (result.created, result.changed, result.unchanged) == (0, 0, 4)
    with scopes_disabled():
        assert ValueChange.objects.count() == 4
        assert [r.version for r in MonthlyReport.objects.all()] == [1, 1]
        assert AuditEntry.objects.filter(action="bsc.values.imported").count() == 1


def test_a_changed_value_keeps_its_old_version(world):
    report = MonthlyReportFactory(team=world.team_a, month=dt.date(2026, 1, 1), version=3)
    MetricValueFactory(report=report, measure=world.shared, numerator=2, denominator=10)
    result = run(world, HEADER + "2026-01,complete,3,10,,,,\n")
    assert result.changed == 1
    with scopes_disabled():
        change = ValueChange.objects.get()
        report.refresh_from_db()
    assert change.old["numerator"] == "2" and change.new["numerator"] == "3"
    assert change.source == "import"
    assert report.version == 4


def test_the_template_round_trips(world):
    report = MonthlyReportFactory(team=world.team_a, month=dt.date(2026, 1, 1))
    MetricValueFactory(report=report, measure=world.shared, numerator=2, denominator=10)
    with scope(organization=world.collaborative.organization):
        text = services.template_csv(
            team=world.team_a, months=[dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
        )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["month"], r["measure_code"]) for r in rows] == [
        ("2026-01", "complete"),
        ("2026-01", "alder-wait"),
        ("2026-02", "complete"),
        ("2026-02", "alder-wait"),
    ]
    assert rows[0]["numerator"] == "2" and rows[0]["denominator"] == "10"
    result = run(world, text)
    assert (result.created, result.changed) == (0, 0)


def test_a_file_without_the_header_is_refused(world):
    with pytest.raises(services.ImportErrors) as error:
        run(world, "2026-01,complete,3,10\n")
    assert error.value.errors[0].as_dict()["field"] == "header"


# --- Pages ---------------------------------------------------------------------------------


def page(world, name, **kwargs):
    return reverse(
        name, kwargs={"org": "org-a", "collab": world.collaborative.slug, "team": world.team_a.pk}
    )


def upload(content: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("values.csv", content.encode(), content_type="text/csv")


def test_the_page_imports_a_file(client, world):
    client.force_login(world.member)
    response = client.post(page(world, "values_import"), {"file": upload(GOOD)})
    assert response.status_code == 302
    with scopes_disabled():
        assert MetricValue.objects.count() == 4


def test_the_page_lists_bad_rows(client, world):
    client.force_login(world.member)
    response = client.post(
        page(world, "values_import"), {"file": upload(GOOD + "2026-03,complete,12,10,,,,\n")}
    )
    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    assert "<td>6</td>" in response.text


def test_another_team_cannot_import(client, world):
    client.force_login(world.other)
    assert client.get(page(world, "values_import")).status_code == 403


def test_faculty_cannot_import(client, world):
    client.force_login(world.faculty)
    assert client.get(page(world, "values_import")).status_code == 403


def test_the_template_downloads(client, world):
    client.force_login(world.member)
    response = client.get(page(world, "values_template") + "?from=2026-01&to=2026-02")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("month,measure_code")
    assert response.content.decode().count("\n") == 5


def test_a_bad_template_range_is_a_400(client, world):
    client.force_login(world.member)
    assert client.get(page(world, "values_template") + "?from=March").status_code == 400


def test_an_archived_collaborative_refuses_the_import(client, world):
    from django.utils import timezone

    world.collaborative.archived_at = timezone.now()
    world.collaborative.save()
    client.force_login(world.member)
    response = client.post(page(world, "values_import"), {"file": upload(GOOD)})
    assert response.status_code == 409
    with scopes_disabled():
        assert not MetricValue.objects.exists()
