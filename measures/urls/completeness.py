"""Completeness pages: the grid of report statuses and the chase list."""

from __future__ import annotations

from django.urls import path

from measures.views.completeness import ChaseView, CompletenessView

urlpatterns = [
    path("completeness/", CompletenessView.as_view(), name="completeness"),
    path("completeness/chase/", ChaseView.as_view(), name="completeness_chase"),
]
