"""API routes of the values import and export, under ``.../collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import path

from measures.api.transfer import ValuesExportView, ValuesImportView

urlpatterns = [
    path("values/export/", ValuesExportView.as_view(), name="values-export"),
    path(
        "teams/<int:team>/values/import/",
        ValuesImportView.as_view(),
        name="values-import",
    ),
]
