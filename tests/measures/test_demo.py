"""``seed_demo`` adds the demo measures and 14 months of reports, once."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from collaboratives.models import Collaborative
from measures.models import Measure, MetricValue, MonthlyReport, ReportEvent, ValueChange
from measures.selectors.completeness import CellStatus, completeness_grid

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True  # seed_demo runs with DEBUG on only
    call_command("seed_demo", stdout=StringIO())


def _last_month() -> dt.date:
    this_month = timezone.localdate(timezone=ZoneInfo(NEW_YORK)).replace(day=1)
    return this_month - relativedelta(months=1)


def _snapshot() -> dict[str, list]:
    with scopes_disabled():
        return {
            "measures": list(Measure.objects.order_by("pk").values_list("pk", "code", "goal")),
            "reports": list(
                MonthlyReport.objects.order_by("pk").values_list("pk", "status", "version")
            ),
            "values": list(MetricValue.objects.order_by("pk").values_list("pk", "value")),
            "changes": list(ValueChange.objects.order_by("pk").values_list("pk", "changed_at")),
            "events": list(ReportEvent.objects.order_by("pk").values_list("pk", "kind")),
        }


def test_the_national_collaborative_gets_its_four_measures_with_goals(seeded):
    with scopes_disabled():
        measures = {
            m.name: (m.measure_type, m.shape, m.direction, m.goal)
            for m in Measure.objects.filter(collaborative__slug="tf-cbt")
        }
    assert measures == {
        "Children completing TF-CBT": ("outcome", "percentage", "up", 70),
        "Days from referral to first session": ("process", "median", "down", 14),
        "Caregivers engaged in first session": ("process", "percentage", "up", 90),
        "Clinician turnover": ("balancing", "count", "down", 0),
    }


def test_the_regional_collaborative_measures_referrals_screened(seeded):
    with scopes_disabled():
        names = list(
            Measure.objects.filter(collaborative__slug="tri-county").values_list("name", flat=True)
        )
    assert names == ["Referrals screened"]


def test_every_national_team_has_14_months_ending_last_month(seeded):
    with scopes_disabled():
        reports = MonthlyReport.objects.filter(collaborative__slug="tf-cbt")
        months = sorted(set(reports.values_list("month", flat=True)))
        teams = reports.values("team").distinct().count()
    assert len(months) == 14
    assert months[-1] == _last_month()
    assert teams == 12


def test_each_report_has_a_value_per_measure_with_its_history(seeded):
    with scopes_disabled():
        report = MonthlyReport.objects.filter(
            collaborative__slug="tf-cbt", status="accepted"
        ).first()
        values = MetricValue.objects.filter(report=report)
        assert values.count() == 4
        assert ValueChange.objects.filter(value__report=report).count() == 4
        completion = values.get(measure__code="completion")
        assert completion.numerator <= completion.denominator


def test_reports_are_mostly_accepted_with_late_missing_and_one_returned(seeded):
    with scopes_disabled():
        statuses = list(
            MonthlyReport.objects.filter(collaborative__slug="tf-cbt").values_list(
                "status", flat=True
            )
        )
        returned = MonthlyReport.objects.get(collaborative__slug="tf-cbt", status="returned")
        collaborative = Collaborative.objects.get(slug="tf-cbt")
        grid = completeness_grid(collaborative, time_zone=NEW_YORK)
    assert statuses.count("accepted") > len(statuses) * 0.7
    assert statuses.count("returned") == 1
    assert returned.feedback
    cells = [cell.status for row in grid.rows for cell in row.cells]
    assert CellStatus.MISSING in cells
    assert any(cell.was_late for row in grid.rows for cell in row.cells)


def test_submission_events_carry_the_past_submission_time(seeded):
    with scopes_disabled():
        report = MonthlyReport.objects.filter(
            collaborative__slug="tf-cbt", status="accepted"
        ).earliest("month")
        event = ReportEvent.objects.get(report=report, kind="submitted")
    assert event.created_at == report.submitted_at
    assert event.created_at < timezone.now() - dt.timedelta(days=300)


def test_running_seed_demo_again_changes_no_measure_or_report(seeded, settings):
    before = _snapshot()
    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert _snapshot() == before
    assert "nothing to do" in output.getvalue()


def _variations(slug: str) -> dict[tuple[str, str], str]:
    """(team, measure code) -> the variation icon of its chart, analysed as the pages do."""
    from django_scopes import scope

    from measures import charting
    from teams.models import Team

    with scopes_disabled():
        collaborative = Collaborative.objects.get(slug=slug)
    with scope(organization=collaborative.organization):
        teams = {team.pk: team.name for team in Team.objects.filter(collaborative=collaborative)}
        measures = list(Measure.objects.filter(collaborative=collaborative))
        snapshots = charting.compute_snapshots(collaborative, list(teams), measures)
        codes = {measure.pk: measure.code for measure in measures}
        return {
            (teams[team_id], codes[measure_id]): snapshot.summary["variation"]
            for (team_id, measure_id), snapshot in snapshots.items()
        }


def test_the_demo_charts_show_improving_concerning_and_common_cause_series(seeded):
    variations = _variations("tf-cbt")

    assert "improving" in variations.values()
    assert "concerning" in variations.values()
    assert "common_cause" in variations.values()


def test_the_team_getting_worse_has_a_concerning_chart(seeded):
    from measures.demo import PATTERNS, WORSENING

    with scopes_disabled():
        names = list(
            Collaborative.objects.get(slug="tf-cbt")
            .teams.filter(status="active")
            .order_by("name", "id")
            .values_list("name", flat=True)
        )
    worsening = names[PATTERNS.index(WORSENING)]
    variations = _variations("tf-cbt")

    assert "concerning" in {v for (team, _), v in variations.items() if team == worsening}


def test_the_first_shifting_team_has_a_labelled_phase_after_the_second_session(seeded):
    from measures.models import ChartSettings

    with scopes_disabled():
        settings = ChartSettings.objects.get(measure__code="caregivers-engaged")
        session = settings.team.collaborative.learning_sessions.get(number=2)
    (phase,) = settings.phase_breaks
    assert phase["label"] == "Caregiver call script"
    assert dt.date.fromisoformat(phase["month"]) > session.end_date
