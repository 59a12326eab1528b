"""API routes of charts, under ``organizations/<org>/``: per team x measure
``collaboratives/<collab>/teams/<team>/measures/<measure>/chart/`` (with ``settings/`` and
``history/``), per collaborative ``charts/board/`` and ``measures/<measure>/aggregate/``,
and the stateless calculator ``spc/analyze/``."""

from __future__ import annotations

from django.urls import path

from measures.api.charts import (
    AggregateView,
    BoardView,
    CalculatorView,
    ChartSettingsHistoryView,
    ChartSettingsView,
    ChartView,
)

COLLAB = "collaboratives/<slug:collab>/"
SERIES = COLLAB + "teams/<int:team>/measures/<int:measure>/chart/"

urlpatterns = [
    path(SERIES, ChartView.as_view(), name="team-measure-chart"),
    path(SERIES + "settings/", ChartSettingsView.as_view(), name="team-measure-chart-settings"),
    path(
        SERIES + "history/",
        ChartSettingsHistoryView.as_view(),
        name="team-measure-chart-history",
    ),
    path(COLLAB + "charts/board/", BoardView.as_view(), name="chart-board"),
    path(
        COLLAB + "measures/<int:measure>/aggregate/",
        AggregateView.as_view(),
        name="measure-aggregate",
    ),
    path("spc/analyze/", CalculatorView.as_view(), name="spc-analyze"),
]
