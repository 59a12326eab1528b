"""Pages of PDSA cycles, under ``/orgs/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import path

from pdsa import views

COLLAB = "orgs/<slug:org>/collaboratives/<slug:collab>/"
TEAM = f"{COLLAB}teams/<int:team>/pdsa/"
CYCLE = f"{TEAM}<int:cycle>/"

urlpatterns = [
    path(f"{COLLAB}pdsa/", views.PDSAHomeView.as_view(), name="pdsa_home"),
    path(f"{COLLAB}pdsa/spread-map/", views.SpreadMapView.as_view(), name="pdsa_spread_map"),
    path(TEAM, views.TrackerView.as_view(), name="pdsa_tracker"),
    path(f"{TEAM}board/", views.TrackerView.as_view(board=True), name="pdsa_board"),
    path(f"{TEAM}new/", views.CycleCreateView.as_view(), name="pdsa_create"),
    path(f"{TEAM}ideas/<int:idea>/ramp/", views.IdeaRampView.as_view(), name="pdsa_idea_ramp"),
    path(CYCLE, views.CycleDetailView.as_view(), name="pdsa_detail"),
    path(f"{CYCLE}worksheet/", views.WorksheetView.as_view(), name="pdsa_worksheet"),
    path(f"{CYCLE}ramp/", views.CycleRampView.as_view(), name="pdsa_ramp"),
    path(f"{CYCLE}files/<int:attachment>/", views.AttachmentView.as_view(), name="pdsa_attachment"),
    path(f"{CYCLE}<slug:stage>/", views.StageEditView.as_view(), name="pdsa_stage"),
    path(f"{CYCLE}actions/<slug:action>/", views.CycleActionView.as_view(), name="pdsa_action"),
]
