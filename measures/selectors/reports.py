"""Reads of monthly reports: the months of a team, a report's measures, values and history.

Every function runs a fixed number of queries whatever the number of months,
measures or teams, so the pages and the API stay fast as a collaborative grows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from measures import deadlines
from measures.models import Measure, MetricValue, MonthlyReport, ReportStatus, ValueChange

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from teams.models import Team


def parse_month(text: str) -> dt.date | None:
    """``"2026-03"`` -> 1 March 2026; None for anything else."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return dt.date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        return None


def collaborative_months(collaborative: Collaborative) -> list[dt.date]:
    return deadlines.report_months(collaborative.start_date, collaborative.end_date)


def is_report_month(collaborative: Collaborative, month: dt.date) -> bool:
    return (
        month.day == 1
        and deadlines.first_of_month(collaborative.start_date) <= month <= collaborative.end_date
    )


def measures_for_team(team: Team) -> QuerySet[Measure]:
    """What a team reports: every current collaborative measure, plus its own custom measures."""
    return Measure.objects.filter(
        Q(team__isnull=True) | Q(team=team),
        collaborative_id=team.collaborative_id,
        archived_at__isnull=True,
    ).order_by("team_id", "order", "id")


def report_is_locked(report: MonthlyReport, *, at: dt.datetime | None = None) -> bool:
    collaborative = report.collaborative
    return deadlines.is_locked(
        report.month,
        collaborative.report_due_day,
        collaborative.organization.time_zone,
        collaborative.report_lock_after_days,
        at=at or timezone.now(),
        unlocked_until=report.unlocked_until,
    )


def report_due_date(report_month: dt.date, collaborative: Collaborative) -> dt.date:
    return deadlines.due_date(report_month, collaborative.report_due_day)


@dataclass
class MonthRow:
    """One month in a team's report list; ``report`` is None until someone opened it."""

    month: dt.date
    report: MonthlyReport | None
    status: str
    status_label: str
    due_date: dt.date
    is_late: bool
    is_locked: bool
    value_count: int = 0


def team_months(team: Team, *, at: dt.datetime | None = None) -> list[MonthRow]:
    """Every month of the collaborative for ``team``, newest first. One query for the reports.

    A month whose report is not submitted by its deadline is late; a submitted
    or accepted report is never late, whenever it came in.
    """
    from django.db.models import Count

    at = at or timezone.now()
    collaborative = team.collaborative
    time_zone = collaborative.organization.time_zone
    reports = {
        report.month: report
        for report in MonthlyReport.objects.filter(team=team).annotate(value_count=Count("values"))
    }
    labels = dict(ReportStatus.choices)
    rows = []
    for month in reversed(collaborative_months(collaborative)):
        report = reports.get(month)
        if report is not None:
            report.collaborative = collaborative
        status = report.status if report else ReportStatus.NOT_STARTED
        done = status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
        rows.append(
            MonthRow(
                month=month,
                report=report,
                status=status,
                status_label=labels[status],
                due_date=deadlines.due_date(month, collaborative.report_due_day),
                is_late=not done
                and deadlines.is_late(month, collaborative.report_due_day, time_zone, at=at),
                is_locked=deadlines.is_locked(
                    month,
                    collaborative.report_due_day,
                    time_zone,
                    collaborative.report_lock_after_days,
                    at=at,
                    unlocked_until=report.unlocked_until if report else None,
                ),
                value_count=getattr(report, "value_count", 0) if report else 0,
            )
        )
    return rows


@dataclass
class MeasureEntry:
    """One measure on a report page: its value now, last month's, and every earlier version."""

    measure: Measure
    value: MetricValue | None
    previous: MetricValue | None
    changes: list[ValueChange] = field(default_factory=list)


def value_snapshot(value: MetricValue | None) -> dict[str, Any]:
    """A value as plain data, the way ``ValueChange.old``/``new`` store it."""
    if value is None:
        return {}
    return {
        "numerator": _decimal_text(value.numerator),
        "denominator": _decimal_text(value.denominator),
        "value": _decimal_text(value.value),
        "not_available": value.not_available,
        "not_available_reason": value.not_available_reason,
        "comment": value.comment,
    }


def _decimal_text(number: Any) -> str | None:
    if number is None:
        return None
    text = format(number.normalize(), "f") if hasattr(number, "normalize") else str(number)
    return text


def report_entries(report: MonthlyReport) -> list[MeasureEntry]:
    """The report's measures with their values, last month's values and history. Four queries."""
    measures = list(measures_for_team(report.team))
    values = {
        value.measure_id: value
        for value in MetricValue.objects.filter(report=report)
        .select_related("updated_by")
        .prefetch_related(
            Prefetch("changes", queryset=ValueChange.objects.select_related("changed_by"))
        )
    }
    last_month = report.month - relativedelta(months=1)
    previous = {
        value.measure_id: value
        for value in MetricValue.objects.filter(team_id=report.team_id, month=last_month)
    }
    return [
        MeasureEntry(
            measure=measure,
            value=values.get(measure.pk),
            previous=previous.get(measure.pk),
            changes=list(values[measure.pk].changes.all()) if measure.pk in values else [],
        )
        for measure in measures
    ]


def value_history(team: Team, measure_ids: list[int], before: dt.date) -> dict[int, list[Any]]:
    """Each measure's earlier results for the team (oldest first), for the unusual-value check."""
    history: dict[int, list[Any]] = {measure_id: [] for measure_id in measure_ids}
    rows = MetricValue.objects.filter(
        team=team, measure_id__in=measure_ids, month__lt=before, not_available=False
    ).order_by("month")
    for value in rows:
        history[value.measure_id].append(value)
    return history


def reports_for_api(collaborative: Collaborative) -> QuerySet[MonthlyReport]:
    return (
        MonthlyReport.objects.filter(collaborative=collaborative)
        .select_related("team", "submitted_by", "reviewed_by")
        .prefetch_related(
            Prefetch("values", queryset=MetricValue.objects.select_related("measure"))
        )
        .order_by("-month", "team__name", "id")
    )


def describe_value(measure: Measure, snapshot: dict[str, Any]) -> str:
    """A value in words, for the page and its history: "3 / 10", "12 days", "Not available: …"."""
    if not snapshot:
        return "Not entered"
    if snapshot.get("not_available"):
        reason = snapshot.get("not_available_reason") or ""
        return f"Not available: {reason}" if reason else "Not available"
    if measure.is_ratio:
        numerator, denominator = snapshot.get("numerator"), snapshot.get("denominator")
        if numerator is None and denominator is None:
            text = "Not entered"
        else:
            text = f"{numerator if numerator is not None else '?'} / "
            text += f"{denominator if denominator is not None else '?'}"
    else:
        value = snapshot.get("value")
        text = (
            "Not entered"
            if value is None
            else f"{value}{' ' + measure.unit if measure.unit else ''}"
        )
    comment = snapshot.get("comment")
    return f"{text} ({comment})" if comment else text
