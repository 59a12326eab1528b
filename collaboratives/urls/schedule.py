"""Pages of the schedule, under ``/orgs/<org>/collaboratives/<collab>/``.

The private calendar feed (``/calendar/<token>.ics``) lives outside ``/orgs/``:
see ``feed_urlpatterns``, included by ``collaboratives.urls``.
"""

from __future__ import annotations

from django.urls import path

from collaboratives.views import schedule as views

urlpatterns = [
    # --- The calendar -----------------------------------------------------------
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path(
        "calendar/feed/reset/",
        views.CalendarFeedResetView.as_view(),
        name="calendar_feed_reset",
    ),
    # --- Learning sessions and action periods -----------------------------------
    path("sessions/", views.LearningSessionListView.as_view(), name="learning_session_list"),
    path(
        "sessions/new/",
        views.LearningSessionFormView.as_view(),
        name="learning_session_create",
    ),
    path(
        "sessions/<int:pk>/",
        views.LearningSessionDetailView.as_view(),
        name="learning_session_detail",
    ),
    path(
        "sessions/<int:pk>/edit/",
        views.LearningSessionFormView.as_view(),
        name="learning_session_update",
    ),
    path(
        "sessions/<int:pk>/delete/",
        views.LearningSessionDeleteView.as_view(),
        name="learning_session_delete",
    ),
    path(
        "sessions/<int:pk>/materials/",
        views.SessionMaterialAddView.as_view(),
        name="session_material_add",
    ),
    path(
        "sessions/<int:pk>/materials/<int:material>/",
        views.SessionMaterialDownloadView.as_view(),
        name="session_material_download",
    ),
    path(
        "sessions/<int:pk>/materials/<int:material>/delete/",
        views.SessionMaterialDeleteView.as_view(),
        name="session_material_delete",
    ),
    path(
        "sessions/action-periods/",
        views.ActionPeriodListView.as_view(),
        name="action_period_list",
    ),
    path(
        "sessions/action-periods/<int:pk>/edit/",
        views.ActionPeriodUpdateView.as_view(),
        name="action_period_update",
    ),
    path(
        "sessions/action-periods/<int:pk>/reset/",
        views.ActionPeriodResetView.as_view(),
        name="action_period_reset",
    ),
    # --- Calls and attendance ---------------------------------------------------------
    path("calls/", views.CallListView.as_view(), name="call_list"),
    path("calls/new/", views.CallFormView.as_view(), name="call_create"),
    path("calls/attendance/", views.AttendanceOverviewView.as_view(), name="attendance_overview"),
    path("calls/series/new/", views.CallSeriesFormView.as_view(), name="call_series_create"),
    path(
        "calls/series/<int:pk>/edit/",
        views.CallSeriesFormView.as_view(),
        name="call_series_update",
    ),
    path(
        "calls/series/<int:pk>/delete/",
        views.CallSeriesDeleteView.as_view(),
        name="call_series_delete",
    ),
    path("calls/<int:pk>/edit/", views.CallFormView.as_view(), name="call_update"),
    path("calls/<int:pk>/cancel/", views.CallCancelView.as_view(), name="call_cancel"),
    path("calls/<int:pk>/delete/", views.CallDeleteView.as_view(), name="call_delete"),
    path(
        "calls/<int:pk>/attendance/",
        views.CallAttendanceView.as_view(),
        name="call_attendance",
    ),
]

# Mounted at the site root: calendar programs cannot sign in, so the token is the credential.
feed_urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="calendar_feed"),
]
