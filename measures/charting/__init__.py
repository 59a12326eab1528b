"""The Django side of charts: series from monthly values, chart settings, snapshots.

- ``series_for(team, measure)`` (``series``): one point per month from the collaborative's
  first month to the last month with a value, ready for ``measures.spc.analyze``.
- ``chart_settings_for`` / ``update_chart_settings`` (``chart_settings``): how a series is
  charted (chart type, rule set, phases with labels, frozen baseline, exclusions), with
  validation per field, optimistic locking and a kept history.
- ``analysis_for(team, measure)`` (``snapshots``): the kept ``ChartSnapshot`` (analysis,
  figure, icons); computed and saved on the spot only when there is none. Snapshots
  are computed in bulk (``compute_snapshots``): values, settings and goals of any
  number of series load in a fixed number of queries.
- ``snapshots_for_board(collaborative, access)`` (``board``): every team x measure the
  caller may see, labelled per the collaborative's data sharing, in a fixed number of
  queries; it never recomputes a snapshot that exists.
- ``aggregate_for(collaborative, measure, access)`` (``aggregate``): the collaborative's
  aggregate (sum of numerators over sum of denominators, or the mean of teams) with the
  share of teams meeting their goal each month.
- ``chart_context_for`` / ``figure_for`` (``contexts``): what a chart draws besides the
  analysis (goal, phases, exclusions, learning sessions, PDSA cycles), as a viewer may
  see it.
- ``mark_stale`` + ``queue_refresh`` (``series_changed`` does both) (``freshness``):
  called by every write that changes what a chart is computed from (values, settings,
  goals, measures; ``cycle_changed`` for PDSA cycles, ``collaborative_changed`` for
  learning sessions and the collaborative's rule set and dates); the Celery task
  ``measures.tasks_charts.refresh_snapshots`` recomputes on commit.

Every public name is importable from ``measures.charting``.
"""

from __future__ import annotations

from bsc.exceptions import DomainError
from measures.charting.aggregate import (
    aggregate_for,
    aggregate_series,
    compute_aggregate,
)
from measures.charting.board import (
    Board,
    BoardTeam,
    board_figures,
    board_measures,
    snapshots_for_board,
    snapshots_for_team,
)
from measures.charting.chart_settings import (
    MAX_LABEL,
    MAX_REASON,
    SETTINGS_FIELDS,
    SettingsErrors,
    StaleSettingsError,
    chart_settings_for,
    settings_data,
    settings_history,
    update_chart_settings,
)
from measures.charting.contexts import (
    HIDDEN_REASON,
    chart_context_for,
    chart_contexts_for_team,
    figure_for,
)
from measures.charting.freshness import (
    ANNOTATED_CYCLE_FIELDS,
    CHART_INPUTS,
    COLLABORATIVE_CHART_INPUTS,
    collaborative_changed,
    cycle_changed,
    mark_stale,
    queue_refresh,
    refresh,
    series_changed,
)
from measures.charting.series import (
    CHARTS_FOR_SHAPE,
    RATIO_CHARTS,
    Series,
    allowed_charts,
    goal_for,
    multiply_for,
    series_for,
    series_months,
)
from measures.charting.snapshots import (
    CHARTING_VERSION,
    SIGNAL_RANK,
    analyse,
    analysis_for,
    compute_snapshots,
    fingerprint,
    refresh_snapshot,
    summarize,
)

__all__ = [
    "ANNOTATED_CYCLE_FIELDS",
    "CHARTING_VERSION",
    "CHARTS_FOR_SHAPE",
    "CHART_INPUTS",
    "COLLABORATIVE_CHART_INPUTS",
    "HIDDEN_REASON",
    "MAX_LABEL",
    "MAX_REASON",
    "RATIO_CHARTS",
    "SETTINGS_FIELDS",
    "SIGNAL_RANK",
    "Board",
    "BoardTeam",
    "DomainError",
    "Series",
    "SettingsErrors",
    "StaleSettingsError",
    "aggregate_for",
    "aggregate_series",
    "allowed_charts",
    "analyse",
    "analysis_for",
    "board_figures",
    "board_measures",
    "chart_context_for",
    "chart_contexts_for_team",
    "chart_settings_for",
    "collaborative_changed",
    "compute_aggregate",
    "compute_snapshots",
    "cycle_changed",
    "figure_for",
    "fingerprint",
    "goal_for",
    "mark_stale",
    "multiply_for",
    "queue_refresh",
    "refresh",
    "refresh_snapshot",
    "series_changed",
    "series_for",
    "series_months",
    "settings_data",
    "settings_history",
    "snapshots_for_board",
    "snapshots_for_team",
    "summarize",
    "update_chart_settings",
]
