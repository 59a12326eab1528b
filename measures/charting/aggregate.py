"""The collaborative's aggregate chart of a measure.

Sum of numerators over sum of denominators (percentages, rates) or the mean of the
teams' values, analysed like a team's series, with the share of teams meeting their
goal each month.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from bsc.exceptions import DomainError
from measures.chart_permissions import can_view_aggregate
from measures.charting.contexts import _chart_context, _Context, _sessions
from measures.charting.series import (
    Series,
    _Data,
    _float,
    allowed_charts,
    multiply_for,
    series_months,
)
from measures.charting.snapshots import _save_snapshots, _snapshot_fields, fingerprint
from measures.models import ChartSnapshot, Direction, Measure, SpcChart

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess
    from measures.charting.series import _Row


def _meets(value: float, goal: float, direction: str) -> bool:
    return value <= goal if direction == Direction.DOWN else value >= goal


def _aggregate_chart(measure: Measure) -> str:
    chart = measure.default_chart
    if measure.is_ratio:
        return chart if chart in allowed_charts(measure) else SpcChart.RUN
    # The mean of teams' counts is no count: an I chart in place of a c chart.
    if chart == SpcChart.C:
        return SpcChart.I
    return chart if chart in (SpcChart.RUN, SpcChart.I) else SpcChart.RUN


def aggregate_series(
    collaborative: Collaborative, measure: Measure, team_ids: list[int]
) -> tuple[Series, list[dict[str, Any]]]:
    """The collaborative's series of ``measure`` over ``team_ids``, and per month the share
    of teams meeting their goal (of the teams with a value and a goal that month)."""
    data = _Data(collaborative, team_ids, [measure])
    by_month: dict[dt.date, list[tuple[int, _Row]]] = defaultdict(list)
    for (team_id, _), rows in data.rows.items():
        for month, row in rows.items():
            by_month[month].append((team_id, row))
    months = series_months(collaborative, list(by_month))
    multiply = multiply_for(measure)
    y: list[float | None] = []
    n: list[float | None] | None = [] if measure.is_ratio else None
    meeting: list[dict[str, Any]] = []
    for month in months:
        numerators = denominators = 0.0
        values: list[float] = []
        teams_with_goal = teams_meeting = 0
        for team_id, row in by_month.get(month, []):
            if row.not_available:
                continue
            if measure.is_ratio:
                if row.numerator is None or row.denominator is None or row.denominator == 0:
                    continue
                numerators += float(row.numerator)
                denominators += float(row.denominator)
                plotted = float(row.numerator) / float(row.denominator) * multiply
            else:
                if row.value is None:
                    continue
                values.append(float(row.value))
                plotted = float(row.value)
            goal = data.goal(team_id, measure)
            if goal is not None:
                teams_with_goal += 1
                teams_meeting += _meets(plotted, goal, measure.direction)
        if measure.is_ratio:
            y.append(numerators if denominators else None)
            n.append(denominators if denominators else None)  # type: ignore[union-attr]
        else:
            y.append(sum(values) / len(values) if values else None)
        meeting.append(
            {
                "month": month.isoformat(),
                "teams": teams_with_goal,
                "meeting": teams_meeting,
                "percent": (100.0 * teams_meeting / teams_with_goal) if teams_with_goal else None,
            }
        )
    series = Series(
        measure_id=measure.pk,
        team_id=None,
        months=months,
        y=y,
        n=n,
        multiply=multiply,
        chart_type=_aggregate_chart(measure),
        rule_set=collaborative.run_chart_rules,
        direction=measure.direction,
        goal=_float(measure.goal),
    )
    return series, meeting


def _aggregate_team_ids(collaborative: Collaborative) -> list[int]:
    from teams.models import Team, TeamStatus

    return list(
        Team.objects.filter(collaborative=collaborative)
        .exclude(status=TeamStatus.APPLICANT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def compute_aggregate(
    collaborative: Collaborative, measure: Measure, *, force: bool = False
) -> ChartSnapshot:
    series, meeting = aggregate_series(collaborative, measure, _aggregate_team_ids(collaborative))
    context = _Context(sessions=_sessions(collaborative), annotations={})
    ctx = _chart_context(series, measure, context)
    existing = ChartSnapshot.objects.filter(measure=measure, team__isnull=True).first()
    # The share of teams meeting their goal depends on the teams' own goals too.
    text = fingerprint(series, measure, ctx) + json.dumps(meeting, sort_keys=True)
    print_ = hashlib.sha256(text.encode()).hexdigest()
    if existing is not None and not force and existing.fingerprint == print_:
        if not existing.is_current:
            existing.is_current = True
            existing.save(update_fields=["is_current"])
        return existing
    fields = _snapshot_fields(series, measure, context)
    fields["summary"]["meeting_goal"] = meeting
    fields["fingerprint"] = print_
    saved = _save_snapshots(
        collaborative,
        [(measure, None, fields)],
        {(measure.pk, None): existing} if existing else {},
    )
    return saved[0]


def aggregate_for(
    collaborative: Collaborative, measure: Measure, access: CollaborativeAccess
) -> ChartSnapshot:
    """The collaborative's aggregate snapshot of a collaborative measure (404 for a
    team's own measure); computed here only when there is none."""
    if not can_view_aggregate(access, measure):
        raise DomainError("No such measure.", field="measure", status=404)
    snapshot = ChartSnapshot.objects.filter(measure=measure, team__isnull=True).first()
    if snapshot is not None:
        return snapshot
    return compute_aggregate(collaborative, measure)
