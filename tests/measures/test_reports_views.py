"""The report pages: the team's months, the entry form, warnings, read-only states, review."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from measures.models import MetricValue, MonthlyReport, ValueChange
from measures.services import reports as services
from tests.factories import MetricValueFactory, MonthlyReportFactory
from tests.measures.reports_support import FULL_VALUES, MARCH, make_world, report_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a):
    return make_world(org_a)


def _post(client, world, data, **extra):
    body = {"version": 0, **data}
    return client.post(report_url(world), body, **extra)


def _list_url(world):
    return f"/orgs/org-a/collaboratives/{world.collaborative.slug}/teams/{world.team.pk}/reports/"


def test_the_team_sees_every_month_with_its_status(client, world):
    client.force_login(world.member)
    response = client.get(_list_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "December 2026" in body and "January 2026" in body
    assert "Not started" in body
    with scopes_disabled():
        assert MonthlyReport.objects.count() == 0


def test_someone_not_on_the_team_cannot_open_its_reports(client, world):
    client.force_login(world.outsider_member)
    assert client.get(_list_url(world)).status_code == 403
    assert client.get(report_url(world)).status_code == 403


def test_the_form_has_the_fields_for_each_shape(client, world):
    client.force_login(world.member)
    body = client.get(report_url(world)).content.decode()
    assert 'name="completion-numerator"' in body
    assert 'name="completion-denominator"' in body
    assert 'name="completion-value"' not in body
    assert 'name="dropouts-value"' in body
    assert "Children who completed" in body
    assert "Share of children who finish all sessions." in body


def test_it_shows_last_months_value(client, world):
    with scopes_disabled():
        february = MonthlyReportFactory(team=world.team, month=MARCH.replace(month=2))
        MetricValueFactory(report=february, measure=world.percentage, numerator=4, denominator=9)
    client.force_login(world.member)
    body = client.get(report_url(world)).content.decode()
    assert "Last month: 4 / 9" in body


def test_a_member_saves_a_draft(client, world):
    client.force_login(world.member)
    response = _post(
        client,
        world,
        {
            "completion-numerator": "3",
            "completion-denominator": "10",
            "tested": "New intake call",
            "save": "",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        report = MonthlyReport.objects.get()
        assert report.status == "draft"
        assert report.tested == "New intake call"
        assert MetricValue.objects.get().numerator == 3


def test_a_blocking_error_shows_on_the_field_and_saves_nothing(client, world):
    client.force_login(world.member)
    response = _post(client, world, {"completion-numerator": "12", "completion-denominator": "10"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "The numerator cannot be more than the denominator." in body
    assert 'id="id_completion-numerator-errors"' in body
    with scopes_disabled():
        assert MetricValue.objects.count() == 0


def test_an_unusual_value_warns_and_saves_only_once_confirmed(client, world):
    # Six earlier months of about 2 dropouts: the history a warning needs.
    with scopes_disabled():
        world.collaborative.start_date = world.collaborative.start_date.replace(year=2025, month=7)
        world.collaborative.save()
        for month in (7, 8, 9, 10, 11, 12):
            earlier = MonthlyReportFactory(
                team=world.team, month=MARCH.replace(year=2025, month=month)
            )
            MetricValueFactory(
                report=earlier,
                measure=world.count,
                numerator=None,
                denominator=None,
                value=2 + month % 2,
            )
    client.force_login(world.member)
    response = _post(client, world, {"dropouts-value": "40"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="warning-dropouts"' in body
    assert "Yes, these values are right" in body
    with scopes_disabled():
        assert not MetricValue.objects.filter(month=MARCH).exists()
    response = _post(client, world, {"dropouts-value": "40", "confirm_warnings": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        assert MetricValue.objects.get(month=MARCH).value == 40


def test_submit_without_a_required_value_keeps_the_draft_and_names_the_measure(client, world):
    client.force_login(world.lead)
    response = _post(
        client, world, {"completion-numerator": "3", "completion-denominator": "10", "submit": ""}
    )
    assert response.status_code == 200
    assert "Families who dropped out is required" in response.content.decode()
    with scopes_disabled():
        assert MonthlyReport.objects.get().status == "draft"


def test_a_lead_submits(client, world):
    client.force_login(world.lead)
    response = _post(
        client,
        world,
        {
            "completion-numerator": "3",
            "completion-denominator": "10",
            "dropouts-value": "2",
            "submit": "",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert MonthlyReport.objects.get().status == "submitted"


def test_a_member_who_is_not_a_lead_cannot_submit(client, world):
    client.force_login(world.member)
    response = _post(client, world, {"dropouts-value": "2", "submit": ""})
    assert response.status_code == 403


def test_faculty_see_the_report_read_only(client, world):
    client.force_login(world.faculty)
    body = client.get(report_url(world)).content.decode()
    assert 'id="report-form"' not in body
    assert client.post(report_url(world), {"version": 0}).status_code == 403


def test_a_submitted_report_shows_read_only_until_the_team_chooses_to_change_it(client, world):
    with scope(organization=world.organization):
        report = services.report_get_or_create(team=world.team, month=MARCH)
        report = services.report_save(
            report=report, version=0, values=FULL_VALUES, actor=world.lead
        ).report
        services.report_submit(report=report, actor=world.lead)
    client.force_login(world.lead)
    body = client.get(report_url(world)).content.decode()
    assert 'id="report-form"' not in body
    assert "Change this report" in body
    assert 'id="report-form"' in client.get(report_url(world) + "?edit=1").content.decode()


def test_a_stale_save_shows_the_conflict_and_changes_nothing(client, world):
    with scope(organization=world.organization):
        report = services.report_get_or_create(team=world.team, month=MARCH)
        services.report_save(
            report=report, version=0, values={"dropouts": {"value": 5}}, actor=world.lead
        )
    client.force_login(world.member)
    response = _post(client, world, {"dropouts-value": "7"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this report" in body
    assert 'name="version" value="1"' in body
    with scopes_disabled():
        assert MetricValue.objects.get().value == 5


def test_the_page_shows_each_values_history(client, world):
    with scope(organization=world.organization):
        report = services.report_get_or_create(team=world.team, month=MARCH)
        report = services.report_save(
            report=report, version=0, values={"dropouts": {"value": 5}}, actor=world.lead
        ).report
        services.report_save(
            report=report, version=1, values={"dropouts": {"value": 6}}, actor=world.member
        )
    client.force_login(world.faculty)
    body = client.get(report_url(world)).content.decode()
    assert 'id="history-dropouts"' in body
    assert "5 families → <strong>6 families</strong>" in body
    with scopes_disabled():
        assert ValueChange.objects.count() == 2


def test_faculty_return_and_accept_from_the_page(client, world):
    with scope(organization=world.organization):
        report = services.report_get_or_create(team=world.team, month=MARCH)
        report = services.report_save(
            report=report, version=0, values=FULL_VALUES, actor=world.lead
        ).report
        report = services.report_submit(report=report, actor=world.lead)
    client.force_login(world.faculty)
    response = client.post(
        report_url(world, action="return"),
        {"feedback": "More detail please", "version": report.version},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert MonthlyReport.objects.get().status == "returned"
    client.force_login(world.lead)
    body = client.get(report_url(world)).content.decode()
    assert "More detail please" in body


def test_a_team_member_cannot_review(client, world):
    client.force_login(world.lead)
    response = client.post(report_url(world, action="accept"), {"version": 0})
    assert response.status_code == 403


def test_the_team_list_query_count_is_the_same_for_2_and_24_months(
    client, org_a, django_assert_num_queries
):
    world = make_world(org_a)
    client.force_login(world.member)
    url = _list_url(world)
    client.get(url)
    # session, user, membership + organization, collaborative, leadership roles, roster roles,
    # the team, the team's reports (with value counts)
    # session, user, organization, membership, collaborative, leadership roles, roster roles,
    # savepoint, the team, the team's reports with their value counts, the organization
    # once more for the page frame, release savepoint
    with django_assert_num_queries(12) as short:
        client.get(url)
    with scopes_disabled():
        world.collaborative.end_date = world.collaborative.end_date.replace(year=2027)
        world.collaborative.save()
        for month in range(1, 13):
            MonthlyReportFactory(team=world.team, month=MARCH.replace(month=month))
    with django_assert_num_queries(len(short.captured_queries)):
        assert client.get(url).content.decode().count('<tr id="month-') == 24


def _filled_report_world(org_a, extra_measures):
    world = make_world(org_a, extra_measures=extra_measures)
    values = dict(FULL_VALUES)
    for index in range(extra_measures):
        values[f"extra{index}"] = {"value": index}
    with scope(organization=world.organization):
        world.team.collaborative = world.collaborative
        report = services.report_get_or_create(team=world.team, month=MARCH)
        report = services.report_save(report=report, version=0, values=values, actor=world.lead)
        services.report_submit(report=report.report, actor=world.lead)
    return world


@pytest.mark.parametrize("extra_measures", [0, 17])
def test_the_report_page_runs_the_same_queries_for_2_and_20_measures(
    client, org_a, extra_measures, django_assert_num_queries
):
    world = _filled_report_world(org_a, extra_measures)
    client.force_login(world.faculty)
    url = report_url(world)
    client.get(url)
    # session, user, organization, membership, collaborative, leadership roles, roster roles,
    # savepoint, the team, the report, the measures, the values with who changed them, their
    # history, last month's values, the report's events, the organization once more for the
    # page frame, who submitted it, release savepoint
    with django_assert_num_queries(18):
        response = client.get(url)
    assert response.status_code == 200
