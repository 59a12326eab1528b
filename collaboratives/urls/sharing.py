"""Pages of the feed and the resource library, under ``/orgs/<org>/collaboratives/<collab>/``."""

from __future__ import annotations

from django.urls import path

from collaboratives.views import sharing as views

urlpatterns = [
    # --- The feed ---------------------------------------------------------------------------
    path("feed/", views.FeedView.as_view(), name="feed"),
    path("feed/new/", views.PostCreateView.as_view(), name="post_create"),
    path("feed/email/", views.FeedPreferenceView.as_view(), name="feed_preference"),
    path("feed/<int:pk>/", views.PostDetailView.as_view(), name="post_detail"),
    path("feed/<int:pk>/edit/", views.PostUpdateView.as_view(), name="post_update"),
    path("feed/<int:pk>/remove/", views.PostRemoveView.as_view(), name="post_remove"),
    path("feed/<int:pk>/pin/", views.PostPinView.as_view(), name="post_pin"),
    path(
        "feed/<int:pk>/comments/<int:comment>/edit/",
        views.CommentUpdateView.as_view(),
        name="comment_update",
    ),
    path(
        "feed/<int:pk>/comments/<int:comment>/remove/",
        views.CommentRemoveView.as_view(),
        name="comment_remove",
    ),
    # --- Resources --------------------------------------------------------------------------
    path("resources/", views.ResourceListView.as_view(), name="resource_list"),
    path("resources/new/", views.ResourceCreateView.as_view(), name="resource_create"),
    path(
        "resources/<int:pk>/download/",
        views.ResourceDownloadView.as_view(),
        name="resource_download",
    ),
    path("resources/<int:pk>/edit/", views.ResourceUpdateView.as_view(), name="resource_update"),
    path("resources/<int:pk>/delete/", views.ResourceDeleteView.as_view(), name="resource_delete"),
]
