"""What a chart draws besides the analysis: ``ChartContext`` of a series.

The goal, phase labels, excluded months with their reasons, the collaborative's
learning sessions and the team's PDSA cycles (``pdsa.annotations``), read in bulk
for many series; ``chart_context_for`` / ``chart_contexts_for_team`` rebuild it from a
kept snapshot, ``figure_for`` the figure a given viewer may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta

from measures import deadlines
from measures.chart_permissions import sees_team_in_full, sees_team_notes
from measures.charting.series import Series, _apply_settings, _month, _today, multiply_for
from measures.models import ChartSettings, ChartSnapshot, Direction, Measure, MeasureShape

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess
    from teams.models import Team


# What viewers from other teams read for an exclusion when teams are anonymized.
HIDDEN_REASON = "Left out by the team."


def _charts_module() -> Any:
    """``measures.charts`` (figures, icons, explanations)."""
    from measures import charts

    return charts


@dataclass
class _Context:
    """What the figure shows besides the analysis (shared by the series of one collaborative)."""

    sessions: list[tuple[dt.date, dt.date, str]]
    annotations: dict[tuple[int, int], list[dict[str, Any]]]


def _sessions(collaborative: Collaborative) -> list[tuple[dt.date, dt.date, str]]:
    from collaboratives.models import LearningSession

    return [
        (start, end, f"Learning Session {number}: {title}")
        for number, title, start, end in LearningSession.objects.filter(
            collaborative=collaborative
        ).values_list("number", "title", "start_date", "end_date")
    ]


def _annotations_bulk(
    team_ids: list[int], measure_ids: list[int], start: dt.date, end: dt.date
) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """PDSA cycles per (team id, measure id), drawn as annotations (one query)."""
    from pdsa.annotations import cycle_annotations_bulk

    if not team_ids or not measure_ids:
        return {}
    return cycle_annotations_bulk(team_ids, measure_ids, start, end)


def _series_end(collaborative: Collaborative) -> dt.date:
    return max(_today(), collaborative.end_date)


def _load_context(
    collaborative: Collaborative, team_ids: list[int], measure_ids: list[int]
) -> _Context:
    start = deadlines.first_of_month(collaborative.start_date) - relativedelta(years=1)
    return _Context(
        sessions=_sessions(collaborative),
        annotations=_annotations_bulk(team_ids, measure_ids, start, _series_end(collaborative)),
    )


def _chart_context(
    series: Series,
    measure: Measure,
    context: _Context,
    *,
    compact: bool = False,
    with_annotations: bool = True,
) -> Any:
    charts = _charts_module()
    annotations: list[dict[str, Any]] = []
    if with_annotations and series.team_id is not None and series.months:
        first, last = series.months[0], series.months[-1] + relativedelta(months=1)
        annotations = [
            item
            for item in context.annotations.get((series.team_id, measure.pk), [])
            if first <= item["date"] < last
        ]
    return charts.ChartContext(
        title=measure.name,
        measure_name=measure.name,
        unit=measure.unit or ("%" if measure.shape == MeasureShape.PERCENTAGE else ""),
        direction=measure.direction or Direction.UP,
        goal=series.goal,
        rule_set=series.rule_set,
        months=list(series.months),
        phase_labels=list(series.phase_labels),
        sessions=list(context.sessions),
        annotations=annotations,
        excluded_reasons=dict(series.excluded_reasons),
        compact=compact,
    )


def _series_from_snapshot(
    team_id: int | None,
    measure: Measure,
    snapshot: ChartSnapshot,
    settings: ChartSettings | None,
) -> Series:
    """The series' months, labels and reasons as the snapshot was computed."""
    points = (snapshot.analysis or {}).get("points") or []
    months = [_month(str(point.get("x"))) or dt.date.min for point in points]
    series = Series(
        measure_id=measure.pk,
        team_id=team_id,
        months=months,
        y=[point.get("value") for point in points],
        n=None,
        multiply=multiply_for(measure),
        chart_type=snapshot.chart_type,
        rule_set=snapshot.rule_set,
        direction=measure.direction,
        goal=(snapshot.summary or {}).get("goal"),
    )
    if settings is not None:
        _apply_settings(series, settings)
    return series


def _hide_reasons(series: Series) -> None:
    series.excluded_reasons = {month: HIDDEN_REASON for month in series.excluded_reasons}


def chart_context_for(
    team: Team | None,
    measure: Measure,
    snapshot: ChartSnapshot,
    *,
    compact: bool = False,
    with_annotations: bool = True,
    hide_reasons: bool = False,
) -> Any:
    """The ``measures.charts.ChartContext`` of the series as its snapshot shows it
    (``team`` None: the collaborative aggregate): goal, phases, exclusions, learning
    sessions and PDSA cycles. ``with_annotations=False`` leaves the team's PDSA cycles out
    (for viewers from other teams); ``hide_reasons`` replaces the reasons for excluded
    months (for other teams' viewers of an anonymized collaborative)."""
    collaborative = measure.collaborative
    settings = None
    if team is not None:
        settings = ChartSettings.objects.filter(team=team, measure=measure).first()
    series = _series_from_snapshot(team.pk if team else None, measure, snapshot, settings)
    if hide_reasons:
        _hide_reasons(series)
    annotations: dict[tuple[int, int], list[dict[str, Any]]] = {}
    if team is not None and with_annotations and series.months:
        annotations = _annotations_bulk(
            [team.pk],
            [measure.pk],
            series.months[0],
            series.months[-1] + relativedelta(months=1, days=-1),
        )
    context = _Context(sessions=_sessions(collaborative), annotations=annotations)
    return _chart_context(
        series, measure, context, compact=compact, with_annotations=with_annotations
    )


def chart_contexts_for_team(
    team: Team,
    items: list[tuple[Measure, ChartSnapshot]],
    *,
    compact: bool = True,
    with_annotations: bool = False,
) -> dict[int, Any]:
    """Measure id -> ``ChartContext`` of each of the team's series (the dashboard), in a
    fixed number of queries whatever the number of measures."""
    measure_ids = [measure.pk for measure, _ in items]
    settings = {
        item.measure_id: item
        for item in ChartSettings.objects.filter(team=team, measure_id__in=measure_ids)
    }
    collaborative = team.collaborative
    annotations: dict[tuple[int, int], list[dict[str, Any]]] = {}
    if with_annotations and items:
        start = deadlines.first_of_month(collaborative.start_date) - relativedelta(years=1)
        annotations = _annotations_bulk([team.pk], measure_ids, start, _series_end(collaborative))
    context = _Context(sessions=_sessions(collaborative), annotations=annotations)
    return {
        measure.pk: _chart_context(
            _series_from_snapshot(team.pk, measure, snapshot, settings.get(measure.pk)),
            measure,
            context,
            compact=compact,
            with_annotations=with_annotations,
        )
        for measure, snapshot in items
    }


def figure_for(
    team: Team | None,
    measure: Measure,
    snapshot: ChartSnapshot,
    access: CollaborativeAccess,
    *,
    compact: bool = False,
) -> dict[str, Any]:
    """The Plotly figure the caller may see: the kept one, or for another team's chart
    (or a compact thumbnail) one rebuilt from the kept analysis without PDSA cycles (and,
    when teams are anonymized, without the reasons for excluded months)."""
    full = team is None or sees_team_in_full(access, team)
    if full and not compact and snapshot.figure:
        return snapshot.figure
    if not (snapshot.analysis or {}).get("points"):
        return {}
    ctx = chart_context_for(
        team,
        measure,
        snapshot,
        compact=compact,
        with_annotations=full,
        hide_reasons=team is not None and not sees_team_notes(access, team),
    )
    return _charts_module().build_figure(snapshot.analysis, ctx)
