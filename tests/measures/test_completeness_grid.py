"""The completeness grid: each cell's status against the deadline, and the rates."""

from __future__ import annotations

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from measures.selectors.completeness import CellStatus, chase_list, completeness_grid
from tests.factories import CollaborativeFactory, TeamFactory, TeamMemberFactory
from tests.measures.completeness_support import local, report

pytestmark = pytest.mark.django_db

TZ = "America/New_York"
MARCH = dt.date(2026, 3, 1)
# March's reports are due on 15 April; from midnight after that, New York time, they are late.
DEADLINE = local(2026, 4, 16)
ONE_SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def collab(org_a):
    return CollaborativeFactory(
        organization=org_a,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        report_due_day=15,
    )


@pytest.fixture
def team(collab):
    return TeamFactory(collaborative=collab, name="Riverside")


def _cell(collab, month=MARCH, *, at):
    with scopes_disabled():
        grid = completeness_grid(collab, time_zone=TZ, at=at)
    return grid.rows[0].cells[[column.month for column in grid.months].index(month)]


def test_a_report_submitted_a_second_before_the_deadline_is_on_time(collab, team):
    report(team, MARCH, "submitted", submitted=DEADLINE - ONE_SECOND)
    assert _cell(collab, at=local(2026, 5, 1)).status == CellStatus.ON_TIME


def test_a_report_submitted_at_the_deadline_is_late(collab, team):
    report(team, MARCH, "submitted", submitted=DEADLINE)
    assert _cell(collab, at=local(2026, 5, 1)).status == CellStatus.LATE


def test_the_deadline_is_midnight_in_the_organizations_time_zone_not_utc(collab, team):
    # 23:30 on 15 April in New York is already 16 April in UTC: still on time.
    report(team, MARCH, "submitted", submitted=local(2026, 4, 15, 23, 30))
    assert _cell(collab, at=local(2026, 5, 1)).status == CellStatus.ON_TIME


def test_the_first_submitted_event_counts_not_a_later_resubmission(collab, team):
    row = report(team, MARCH, "submitted", submitted=DEADLINE - ONE_SECOND)
    row.submitted_at = DEADLINE + dt.timedelta(days=3)
    row.save()
    assert _cell(collab, at=local(2026, 5, 1)).status == CellStatus.ON_TIME


def test_submitted_at_counts_when_the_report_has_no_events(collab, team):
    with scopes_disabled():
        from tests.factories import MonthlyReportFactory

        MonthlyReportFactory(team=team, month=MARCH, status="submitted", submitted_at=DEADLINE)
    assert _cell(collab, at=local(2026, 5, 1)).status == CellStatus.LATE


def test_a_draft_is_missing_once_the_deadline_passes(collab, team):
    report(team, MARCH, "draft")
    assert _cell(collab, at=DEADLINE).status == CellStatus.MISSING


def test_a_draft_is_not_yet_due_until_the_deadline(collab, team):
    report(team, MARCH, "draft")
    assert _cell(collab, at=DEADLINE - ONE_SECOND).status == CellStatus.NOT_DUE


def test_a_month_without_any_report_is_missing_after_its_deadline(collab, team):
    assert _cell(collab, at=DEADLINE).status == CellStatus.MISSING


def test_a_returned_report_shows_returned(collab, team):
    report(team, MARCH, "returned", submitted=DEADLINE - ONE_SECOND)
    assert _cell(collab, at=local(2026, 5, 1)).status == CellStatus.RETURNED


def test_an_accepted_report_shows_accepted_and_keeps_that_it_came_late(collab, team):
    report(team, MARCH, "accepted", submitted=DEADLINE + dt.timedelta(days=2))
    cell = _cell(collab, at=local(2026, 5, 1))
    assert cell.status == CellStatus.ACCEPTED
    assert cell.was_late and not cell.submitted_on_time


def test_the_grid_runs_from_the_start_to_the_current_month(collab, team):
    with scopes_disabled():
        grid = completeness_grid(collab, time_zone=TZ, at=local(2026, 4, 20))
    assert [column.month for column in grid.months] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
    ]
    assert grid.rows[0].cells[-1].status == CellStatus.NOT_DUE


def test_the_grid_stops_at_the_collaboratives_end(collab, team):
    with scopes_disabled():
        grid = completeness_grid(collab, time_zone=TZ, at=local(2027, 6, 1))
    assert grid.months[-1].month == dt.date(2026, 12, 1)
    assert len(grid.months) == 12


def test_withdrawn_teams_are_left_out(collab, team):
    TeamFactory(collaborative=collab, name="Gone", status="withdrawn")
    with scopes_disabled():
        grid = completeness_grid(collab, time_zone=TZ, at=local(2026, 5, 1))
    assert [row.team.name for row in grid.rows] == ["Riverside"]


def test_rates_count_only_due_reports_per_month_and_per_team(collab, team):
    lakeside = TeamFactory(collaborative=collab, name="Lakeside")
    at = local(2026, 4, 20)  # January to March are due, April is not.
    report(team, dt.date(2026, 1, 1), "accepted", submitted=local(2026, 2, 10))
    report(team, dt.date(2026, 2, 1), "submitted", submitted=local(2026, 3, 20))  # late
    report(team, MARCH, "returned", submitted=local(2026, 4, 1))
    report(lakeside, dt.date(2026, 1, 1), "submitted", submitted=local(2026, 2, 1))
    with scopes_disabled():
        grid = completeness_grid(collab, time_zone=TZ, at=at)
    by_name = {row.team.name: row for row in grid.rows}
    riverside_rates = by_name["Riverside"].rates
    assert (riverside_rates.due, riverside_rates.handed_in, riverside_rates.on_time) == (3, 3, 2)
    assert riverside_rates.reporting_rate == 100.0
    assert riverside_rates.on_time_rate == 66.7
    assert by_name["Lakeside"].rates.reporting_rate == 33.3
    january, february, _march, april = grid.months
    assert january.rates.reporting_rate == 100.0 and january.rates.on_time_rate == 100.0
    assert february.rates.reporting_rate == 50.0 and february.rates.on_time_rate == 0.0
    assert april.rates.due == 0 and april.rates.reporting_rate is None
    assert (grid.rates.due, grid.rates.handed_in, grid.rates.on_time) == (6, 4, 3)


def test_the_month_filter_narrows_the_grid(collab, team):
    with scopes_disabled():
        grid = completeness_grid(
            collab,
            time_zone=TZ,
            at=local(2026, 8, 1),
            month_from=dt.date(2026, 2, 1),
            month_to=dt.date(2026, 3, 1),
        )
    assert [column.month for column in grid.months] == [dt.date(2026, 2, 1), MARCH]


def test_the_chase_list_names_missing_returned_and_late_months_most_overdue_first(collab, team):
    lakeside = TeamFactory(collaborative=collab, name="Lakeside")
    hilltop = TeamFactory(collaborative=collab, name="Hilltop")
    at = local(2026, 4, 20)
    # Riverside: January missing, February returned, March on time.
    report(team, dt.date(2026, 2, 1), "returned", submitted=local(2026, 3, 1))
    report(team, MARCH, "submitted", submitted=local(2026, 4, 1))
    # Lakeside: all three handed in, February late.
    report(lakeside, dt.date(2026, 1, 1), "accepted", submitted=local(2026, 2, 1))
    report(lakeside, dt.date(2026, 2, 1), "accepted", submitted=local(2026, 3, 20))
    report(lakeside, MARCH, "submitted", submitted=local(2026, 4, 1))
    # Hilltop: only March missing.
    report(hilltop, dt.date(2026, 1, 1), "accepted", submitted=local(2026, 2, 1))
    report(hilltop, dt.date(2026, 2, 1), "accepted", submitted=local(2026, 3, 1))
    TeamMemberFactory(
        team=team, full_name="Sue Senior", email="sue@river.example", roles=["senior_leader"]
    )
    TeamMemberFactory(
        team=team,
        full_name="Dan Daily",
        email="dan@river.example",
        phone="555-0100",
        roles=["day_to_day_leader"],
    )
    TeamMemberFactory(team=team, full_name="Cal Clinician", roles=["clinician"])
    with scopes_disabled():
        entries = chase_list(completeness_grid(collab, time_zone=TZ, at=at))
    assert [entry.team.name for entry in entries] == ["Riverside", "Hilltop", "Lakeside"]
    riverside, hilltop_entry, lakeside_entry = entries
    assert riverside.missing == [dt.date(2026, 1, 1)]
    assert riverside.returned == [dt.date(2026, 2, 1)]
    assert riverside.days_overdue == (at - local(2026, 2, 16)).days
    assert [(c.name, c.role, c.phone) for c in riverside.contacts] == [
        ("Sue Senior", "senior_leader", ""),
        ("Dan Daily", "day_to_day_leader", "555-0100"),
    ]
    assert hilltop_entry.missing == [MARCH]
    assert lakeside_entry.late == [dt.date(2026, 2, 1)] and not lakeside_entry.outstanding


def test_the_chase_mail_link_goes_to_the_leads_with_a_subject(collab, team):
    TeamMemberFactory(team=team, email="sue@river.example", roles=["senior_leader"])
    TeamMemberFactory(team=team, email="dan@river.example", roles=["day_to_day_leader"])
    with scopes_disabled():
        entry = chase_list(completeness_grid(collab, time_zone=TZ, at=local(2026, 2, 20)))[0]
    link = entry.mailto(collab)
    assert link.startswith("mailto:sue@river.example,dan@river.example?subject=")
    assert "January%202026" in link
