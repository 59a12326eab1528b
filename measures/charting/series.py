"""A team's monthly series of a measure, built from its values and chart settings.

``series_for(team, measure)``: one point per month from the collaborative's first
month to the last month with a value, with the chart type, rule set, phases, frozen
baseline and exclusions of its settings, ready for ``measures.spc.analyze``. ``_Data``
loads the values, settings and goals of many series in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from measures import deadlines
from measures.models import ChartSettings, Measure, MeasureShape, MetricValue, SpcChart, TeamGoal

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from teams.models import Team


# The charts that fit each shape of measure (the run chart fits every shape).
CHARTS_FOR_SHAPE: dict[str, tuple[str, ...]] = {
    MeasureShape.PERCENTAGE: (SpcChart.RUN, SpcChart.P, SpcChart.PP),
    MeasureShape.RATE: (SpcChart.RUN, SpcChart.U, SpcChart.UP),
    MeasureShape.COUNT: (SpcChart.RUN, SpcChart.C),
    MeasureShape.MEAN: (SpcChart.RUN, SpcChart.I),
    MeasureShape.MEDIAN: (SpcChart.RUN, SpcChart.I),
}
RATIO_CHARTS = frozenset({SpcChart.P, SpcChart.PP, SpcChart.U, SpcChart.UP})


@dataclass
class Series:
    """One team's (or the collaborative's) monthly series of one measure, as analysed.

    Positions are 1-based, as ``measures.spc.analyze`` takes them: a phase break
    ``k`` starts a new phase after the k-th month; ``freeze`` is the last month
    of the baseline; ``exclude`` the excluded months.
    """

    measure_id: int
    team_id: int | None
    months: list[dt.date]
    y: list[float | None]
    n: list[float | None] | None
    multiply: float
    chart_type: str
    rule_set: str
    direction: str
    goal: float | None
    phase_breaks: list[int] = field(default_factory=list)
    phase_labels: list[str] = field(default_factory=lambda: [""])
    freeze: int | None = None
    exclude: list[int] = field(default_factory=list)
    excluded_reasons: dict[dt.date, str] = field(default_factory=dict)

    @property
    def has_values(self) -> bool:
        return any(value is not None for value in self.y)

    def analyze_kwargs(self) -> dict[str, Any]:
        """The arguments of ``measures.spc.analyze`` for this series."""
        return {
            "chart": self.chart_type,
            "y": list(self.y),
            "n": list(self.n) if self.n is not None else None,
            "x": [month.isoformat() for month in self.months],
            "phase_breaks": tuple(self.phase_breaks),
            "freeze": None if self.phase_breaks else self.freeze,
            "exclude": tuple(self.exclude),
            "multiply": self.multiply,
        }

    def position_of(self, month: dt.date) -> int | None:
        """1-based position of ``month`` in the series; None outside it."""
        try:
            return self.months.index(month) + 1
        except ValueError:
            return None


def allowed_charts(measure: Measure) -> tuple[str, ...]:
    return CHARTS_FOR_SHAPE.get(measure.shape, (SpcChart.RUN,))


def multiply_for(measure: Measure) -> float:
    if measure.shape == MeasureShape.PERCENTAGE:
        return 100.0
    if measure.shape == MeasureShape.RATE:
        return float(measure.rate_per or 1)
    return 1.0


def _float(number: Decimal | None) -> float | None:
    return None if number is None else float(number)


def _month(text: Any) -> dt.date | None:
    """``2026-03``, ``2026-03-01`` (or a date) -> 1 March 2026; None for anything else."""
    if isinstance(text, dt.datetime):
        return None
    if isinstance(text, dt.date):
        return text.replace(day=1) if text.day == 1 else None
    if not isinstance(text, str):
        return None
    parts = text.strip().split("-")
    try:
        if len(parts) == 2 and len(parts[0]) == 4:
            return dt.date(int(parts[0]), int(parts[1]), 1)
        if len(parts) == 3 and len(parts[0]) == 4:
            day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return day if day.day == 1 else None
    except ValueError:
        return None
    return None


def _today() -> dt.date:
    return timezone.localdate()


def series_months(
    collaborative: Collaborative, value_months: list[dt.date], *, today: dt.date | None = None
) -> list[dt.date]:
    """From the collaborative's first month to the last month with a value (or, without
    any value yet, to the current month within the collaborative)."""
    start = deadlines.first_of_month(collaborative.start_date)
    if value_months:
        start = min(start, min(value_months))
        end = max(value_months)
    else:
        end = min(
            deadlines.first_of_month(today or _today()),
            deadlines.first_of_month(collaborative.end_date),
        )
    months = []
    month = start
    while month <= end:
        months.append(month)
        month += relativedelta(months=1)
    return months


@dataclass
class _Row:
    month: dt.date
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    not_available: bool


def _points(measure: Measure, chart_type: str, rows: dict[dt.date, _Row], months: list[dt.date]):
    """``y`` and ``n`` per month: numerator/denominator for ratio measures, else the value."""
    y: list[float | None] = []
    n: list[float | None] | None = [] if measure.is_ratio else None
    for month in months:
        row = rows.get(month)
        if row is None or row.not_available:
            y.append(None)
            if n is not None:
                n.append(None)
            continue
        if measure.is_ratio:
            numerator, denominator = row.numerator, row.denominator
            if numerator is None or denominator is None or denominator == 0:
                # 0/0 or a missing half: a missing point (statistics.md 1.2).
                y.append(None)
                n.append(None)  # type: ignore[union-attr]
            else:
                y.append(float(numerator))
                n.append(float(denominator))  # type: ignore[union-attr]
        else:
            y.append(_float(row.value))
    return y, n


def _build_series(
    *,
    collaborative: Collaborative,
    measure: Measure,
    team_id: int | None,
    rows: dict[dt.date, _Row],
    settings: ChartSettings | None,
    goal: float | None,
    today: dt.date | None = None,
) -> Series:
    months = series_months(collaborative, list(rows), today=today)
    chart_type = (settings.chart_type if settings else "") or measure.default_chart
    if chart_type not in allowed_charts(measure):
        chart_type = SpcChart.RUN
    rule_set = (settings.rule_set if settings else "") or collaborative.run_chart_rules
    y, n = _points(measure, chart_type, rows, months)
    series = Series(
        measure_id=measure.pk,
        team_id=team_id,
        months=months,
        y=y,
        n=n,
        multiply=multiply_for(measure),
        chart_type=chart_type,
        rule_set=rule_set,
        direction=measure.direction,
        goal=goal,
    )
    if settings is not None:
        _apply_settings(series, settings)
    return series


def _apply_settings(series: Series, settings: ChartSettings) -> None:
    """Months of phase breaks, baseline and exclusions -> positions (months outside the
    series, e.g. after a value was removed, are left out)."""
    breaks = []
    for item in settings.phase_breaks or []:
        month = _month(item.get("month"))
        position = series.position_of(month) if month else None
        if position is not None and position > 1:
            breaks.append((position - 1, str(item.get("label") or "")))
    breaks.sort()
    series.phase_breaks = [position for position, _ in breaks]
    series.phase_labels = [""] + [label for _, label in breaks]
    if settings.freeze_month and not breaks:
        series.freeze = series.position_of(settings.freeze_month)
    for item in settings.exclusions or []:
        month = _month(item.get("month"))
        position = series.position_of(month) if month else None
        if position is not None:
            series.exclude.append(position)
            series.excluded_reasons[month] = str(item.get("reason") or "")
    series.exclude.sort()


class _Data:
    """Values, settings and goals of some teams' series of some measures: four queries."""

    def __init__(
        self,
        collaborative: Collaborative,
        team_ids: list[int],
        measures: list[Measure],
    ):
        measure_ids = [measure.pk for measure in measures]
        self.rows: dict[tuple[int, int], dict[dt.date, _Row]] = defaultdict(dict)
        values = MetricValue.objects.filter(
            measure_id__in=measure_ids, team_id__in=team_ids
        ).values_list(
            "team_id", "measure_id", "month", "numerator", "denominator", "value", "not_available"
        )
        for team_id, measure_id, month, numerator, denominator, value, not_available in values:
            self.rows[(team_id, measure_id)][month] = _Row(
                month, numerator, denominator, value, not_available
            )
        self.settings = {
            (item.team_id, item.measure_id): item
            for item in ChartSettings.objects.filter(
                measure_id__in=measure_ids, team_id__in=team_ids
            )
        }
        self.goals = {
            (team_id, measure_id): float(goal)
            for team_id, measure_id, goal in TeamGoal.objects.filter(
                measure_id__in=measure_ids, team_id__in=team_ids
            ).values_list("team_id", "measure_id", "goal")
        }
        self.collaborative = collaborative

    def goal(self, team_id: int | None, measure: Measure) -> float | None:
        if team_id is not None and (team_id, measure.pk) in self.goals:
            return self.goals[(team_id, measure.pk)]
        return _float(measure.goal)

    def series(self, team_id: int, measure: Measure, today: dt.date | None = None) -> Series:
        return _build_series(
            collaborative=self.collaborative,
            measure=measure,
            team_id=team_id,
            rows=self.rows.get((team_id, measure.pk), {}),
            settings=self.settings.get((team_id, measure.pk)),
            goal=self.goal(team_id, measure),
            today=today,
        )


def goal_for(team: Team | None, measure: Measure) -> float | None:
    """The team's own goal for the measure, else the measure's goal (plotted units)."""
    if team is not None and measure.team_id is None:
        own = TeamGoal.objects.filter(team=team, measure=measure).values_list("goal", flat=True)
        for goal in own:
            return float(goal)
    return _float(measure.goal)


def series_for(team: Team, measure: Measure, *, settings: ChartSettings | None = None) -> Series:
    """The team's monthly series of ``measure`` (with ``settings``, or its saved ones)."""
    collaborative = team.collaborative
    rows = {
        month: _Row(month, numerator, denominator, value, not_available)
        for month, numerator, denominator, value, not_available in MetricValue.objects.filter(
            team=team, measure=measure
        ).values_list("month", "numerator", "denominator", "value", "not_available")
    }
    if settings is None:
        settings = ChartSettings.objects.filter(team=team, measure=measure).first()
    return _build_series(
        collaborative=collaborative,
        measure=measure,
        team_id=team.pk,
        rows=rows,
        settings=settings,
        goal=goal_for(team, measure),
    )
