"""The API's shared parts: pagination, the error format, and the tenant permission.

Every API view gets ``OrganizationPermission`` from the default permission
classes, so an endpoint under ``/api/v1/organizations/<org>/`` cannot forget
the membership check.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from accounts.models import ApiToken
from bsc import tenancy
from bsc.exceptions import DomainError

logger = logging.getLogger(__name__)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class OrganizationPermission(permissions.BasePermission):
    """Membership of the organization in the URL (404 if none), then the view's permission.

    Views declare ``permission`` (for reading) and ``write_permission`` (for
    unsafe methods; defaults to ``permission``) as names from
    ``accounts.permissions``. A member who lacks one gets 403.
    """

    def has_permission(self, request: Any, view: Any) -> bool:
        if tenancy.ORG_URL_KWARG not in view.kwargs:
            return True
        organization = getattr(request._request, "organization", None)
        token = request.auth if isinstance(request.auth, ApiToken) else None
        membership = (
            tenancy.membership_for(request.user, organization, token) if organization else None
        )
        if membership is None:
            raise exceptions.NotFound()
        tenancy.attach_membership(request._request, membership)
        needed = required_permission(view, request.method)
        return needed is None or needed in request._request.perms


def required_permission(view: Any, method: str) -> str | None:
    read = getattr(view, "permission", None)
    if method in permissions.SAFE_METHODS:
        return read
    return getattr(view, "write_permission", None) or read


def _error_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    detail = exc.detail
    if isinstance(detail, dict):
        errors = detail
    else:
        errors = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
    first = next(iter(errors.items()), None)
    if first and isinstance(first[1], list) and first[1]:
        field, messages = first
        summary = str(messages[0]) if field == "non_field_errors" else f"{field}: {messages[0]}"
    else:
        summary = "The request is not valid."
    return {"detail": summary, "errors": errors}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """JSON errors everywhere: ``{"detail": ...}``, plus ``errors`` per field for bad input."""
    if isinstance(exc, DomainError):
        detail: Any = {exc.field: [exc.message]} if exc.field else [exc.message]
        body = _error_body(exceptions.ValidationError(detail))
        set_rollback()
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        # An unexpected error: log it with its traceback, answer in JSON, roll back.
        logger.exception("Unhandled error in API view", exc_info=exc)
        set_rollback()
        return Response(
            {"detail": "Something went wrong on our side. Nothing was changed."},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = _error_body(exc)
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response
