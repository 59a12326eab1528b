"""``/api/v1/``: each app's ``api/urls.py`` is included here."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

app_name = "api"

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("collaboratives.api.urls")),
    path("", include("teams.api.urls")),
    path("", include("measures.api.urls")),
    path("", include("pdsa.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
