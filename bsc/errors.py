"""Error handlers: JSON under ``/api/``, the styled pages everywhere else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PATH_PREFIX = "/api/"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PATH_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PATH_PREFIX):
        return JsonResponse(
            {"detail": "Something went wrong on our side. Nothing was changed."}, status=500
        )
    return defaults.server_error(request)
