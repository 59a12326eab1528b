"""Pages of the change package, under ``/orgs/<org>/collaboratives/<collab>/change-package/``."""

from __future__ import annotations

from django.urls import path

from collaboratives.views import change_package as views

urlpatterns = [
    path("change-package/", views.ChangePackageView.as_view(), name="change_package"),
    path("change-package/edit/", views.ChangePackageEditView.as_view(), name="change_package_edit"),
    path("change-package/drivers/new/", views.DriverCreateView.as_view(), name="driver_create"),
    path(
        "change-package/drivers/<int:pk>/edit/",
        views.DriverUpdateView.as_view(),
        name="driver_update",
    ),
    path(
        "change-package/drivers/<int:pk>/delete/",
        views.DriverDeleteView.as_view(),
        name="driver_delete",
    ),
    path(
        "change-package/drivers/<int:pk>/move/",
        views.DriverMoveView.as_view(),
        name="driver_move",
    ),
    path(
        "change-package/ideas/new/",
        views.ChangeIdeaCreateView.as_view(),
        name="change_idea_create",
    ),
    path(
        "change-package/ideas/<int:pk>/edit/",
        views.ChangeIdeaUpdateView.as_view(),
        name="change_idea_update",
    ),
    path(
        "change-package/ideas/<int:pk>/delete/",
        views.ChangeIdeaDeleteView.as_view(),
        name="change_idea_delete",
    ),
    path(
        "change-package/ideas/<int:pk>/move/",
        views.ChangeIdeaMoveView.as_view(),
        name="change_idea_move",
    ),
]
