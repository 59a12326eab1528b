from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from bsc.health import healthz

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("collaboratives.urls")),
    path("", include("teams.urls")),
    path("", include("measures.urls")),
    path("", include("pdsa.urls")),
    path("api/v1/", include("bsc.api_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

handler404 = "bsc.errors.page_not_found"
handler500 = "bsc.errors.server_error"
