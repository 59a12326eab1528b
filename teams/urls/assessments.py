"""Pages of progress assessments and spread plans.

Under ``/orgs/<org>/collaboratives/<collab>/``.
"""

from __future__ import annotations

from django.urls import path

from teams.views import assessments as views
from teams.views import spread_plans

TEAM = "teams/<int:team>/"

urlpatterns = [
    path("progress/", views.ProgressOverviewView.as_view(), name="progress_overview"),
    path("progress/scoring/", views.ScoringSheetView.as_view(), name="assessment_sheet"),
    path("progress/scale/", views.ScaleView.as_view(), name="assessment_scale"),
    path(TEAM + "progress/", views.TeamAssessmentsView.as_view(), name="team_assessments"),
    path("spread-plans/", spread_plans.SpreadPlanListView.as_view(), name="spread_plan_list"),
    path(TEAM + "spread-plan/", spread_plans.SpreadPlanView.as_view(), name="spread_plan"),
    path(
        TEAM + "spread-plan/edit/",
        spread_plans.SpreadPlanEditView.as_view(),
        name="spread_plan_edit",
    ),
]
