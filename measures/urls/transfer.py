"""Pages of the values import and export, under ``/orgs/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import path

from measures.views import transfer as views

urlpatterns = [
    path(
        "teams/<int:team>/values/template.csv",
        views.ValuesTemplateView.as_view(),
        name="values_template",
    ),
    path(
        "teams/<int:team>/values/import/",
        views.ValuesImportView.as_view(),
        name="values_import",
    ),
    path(
        "values/export.csv",
        views.ValuesExportView.as_view(file_format="csv"),
        name="values_export_csv",
    ),
    path(
        "values/export.xlsx",
        views.ValuesExportView.as_view(file_format="xlsx"),
        name="values_export_xlsx",
    ),
]
