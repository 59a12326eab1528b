"""API route of spread plans: ``teams/<team>/spread-plan/`` (GET, PUT)."""

from __future__ import annotations

from django.urls import path

from teams.api.spread_plans import SpreadPlanView

urlpatterns = [
    path("teams/<int:team>/spread-plan/", SpreadPlanView.as_view(), name="team-spread-plan"),
]
