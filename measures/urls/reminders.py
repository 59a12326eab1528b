"""The reminder log of a team, under ``/orgs/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import path

from measures.views.reminders import ReminderLogView

urlpatterns = [
    path("teams/<int:team>/reminders/", ReminderLogView.as_view(), name="reminder_log"),
]
