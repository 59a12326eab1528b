"""Pages of pre-work, under ``/orgs/<org>/collaboratives/<collab>/prework/``."""

from __future__ import annotations

from django.urls import path

from collaboratives.views import prework as views

TEAM = "prework/<int:pk>/teams/<int:team>/"

urlpatterns = [
    path("prework/", views.AssignmentListView.as_view(), name="assignment_list"),
    path("prework/progress/", views.PreworkProgressView.as_view(), name="prework_progress"),
    path("prework/new/", views.AssignmentCreateView.as_view(), name="assignment_create"),
    path("prework/<int:pk>/edit/", views.AssignmentUpdateView.as_view(), name="assignment_update"),
    path(
        "prework/<int:pk>/delete/", views.AssignmentDeleteView.as_view(), name="assignment_delete"
    ),
    path(f"{TEAM}done/", views.CompletionView.as_view(), name="assignment_complete"),
    path(f"{TEAM}undo/", views.CompletionUndoView.as_view(), name="assignment_undo"),
    path(f"{TEAM}file/", views.CompletionFileView.as_view(), name="assignment_file"),
]
