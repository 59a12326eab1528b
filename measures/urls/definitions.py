"""Pages of measure definitions, under ``/orgs/<org>/collaboratives/<collab>/measures/``."""

from __future__ import annotations

from django.urls import path

from measures.views import definitions as views

urlpatterns = [
    path("measures/", views.MeasureListView.as_view(), name="measure_list"),
    path("measures/new/", views.MeasureCreateView.as_view(), name="measure_create"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure_detail"),
    path("measures/<int:pk>/edit/", views.MeasureUpdateView.as_view(), name="measure_update"),
    path("measures/<int:pk>/archive/", views.MeasureArchiveView.as_view(), name="measure_archive"),
    path("measures/<int:pk>/move/", views.MeasureMoveView.as_view(), name="measure_move"),
    path("measures/<int:pk>/goals/", views.TeamGoalSetView.as_view(), name="measure_team_goal_set"),
    path(
        "measures/<int:pk>/goals/<int:goal>/delete/",
        views.TeamGoalDeleteView.as_view(),
        name="measure_team_goal_delete",
    ),
]
