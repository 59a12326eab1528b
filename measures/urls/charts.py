"""Routes of the chart pages, under ``/orgs/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import path

from measures.views.charts import (
    ChartCsvView,
    ChartDetailView,
    MeasureBoardView,
    ReviewBoardView,
    TeamDashboardView,
)

urlpatterns = [
    path("charts/", ReviewBoardView.as_view(), name="chart_board"),
    path(
        "charts/measures/<int:measure>/",
        MeasureBoardView.as_view(),
        name="chart_measure_board",
    ),
    path("teams/<int:team>/charts/", TeamDashboardView.as_view(), name="team_charts"),
    path(
        "teams/<int:team>/measures/<int:measure>/chart/",
        ChartDetailView.as_view(),
        name="team_chart",
    ),
    path(
        "teams/<int:team>/measures/<int:measure>/chart.csv",
        ChartCsvView.as_view(),
        name="team_chart_csv",
    ),
]
