"""The API's shared parts: pagination, the error format, the tenant permission,
links to objects under an organization, and who the audit log names as actor.

Every API view gets ``OrganizationPermission`` from the default permission
classes, so an endpoint under ``/api/v1/organizations/<org>/`` cannot forget
the membership check.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import ApiToken, User
from bsc import tenancy
from bsc.exceptions import DomainError

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess

logger = logging.getLogger(__name__)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class OrganizationPermission(permissions.BasePermission):
    """Membership of the organization in the URL (404 if none), then the view's permission.

    Under ``collaboratives/<collab>/`` the collaborative must exist in the
    organization (404 otherwise) and the caller's powers in it join
    ``request.perms`` (``collaboratives.permissions.access_for``).

    Views declare ``permission`` (for reading) and ``write_permission`` (for
    unsafe methods; defaults to ``permission``) as names from
    ``accounts.permissions`` or ``collaboratives.permissions``. A member who
    lacks one gets 403.
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
        if tenancy.COLLAB_URL_KWARG in view.kwargs:
            collaborative = getattr(request._request, "collaborative", None)
            if collaborative is None:
                raise exceptions.NotFound()
            tenancy.attach_collaborative_access(request._request, collaborative)
        needed = required_permission(view, request.method)
        return needed is None or needed in request._request.perms


def required_permission(view: Any, method: str) -> str | None:
    read = getattr(view, "permission", None)
    if method in permissions.SAFE_METHODS:
        return read
    return getattr(view, "write_permission", None) or read


def api_actor(request: Request) -> User | ApiToken:
    """Whom a service records as actor: the token when the call came with one.

    ``log_action`` then stores both the token and its user, so the audit log
    tells a script's changes from the person's own.
    """
    if isinstance(request.auth, ApiToken):
        return request.auth
    return request.user


class OrganizationHyperlinkedIdentityField(serializers.HyperlinkedIdentityField):
    """The ``url`` of an object under ``/organizations/<org>/``.

    Nested routes need the organization's slug as well as the object's key; it
    comes from the request (the tenant in the URL), never from the object, so
    serializing a page of objects costs no extra query.
    """

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str | None:
        if getattr(obj, "pk", None) is None:
            return None
        kwargs = {
            tenancy.ORG_URL_KWARG: request.organization.slug,
            self.lookup_url_kwarg: getattr(obj, self.lookup_field),
        }
        return self.reverse(view_name, kwargs=kwargs, request=request, format=format)


# For the schema: how every endpoint under /organizations/<org>/ names its organization.
ORGANIZATION_PARAMETER = OpenApiParameter(
    tenancy.ORG_URL_KWARG,
    str,
    OpenApiParameter.PATH,
    description="The organization's slug, as in its web address.",
)


class ErrorSerializer(serializers.Serializer):
    """The body of an error response."""

    detail = serializers.CharField(help_text="A sentence for people.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per input field, for bad input only.",
    )


# For the schema: the error answers most endpoints share.
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input; see errors per field.")
CONFLICT = OpenApiResponse(ErrorSerializer, description="Refused by the current state.")


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
    # Not at module level: importing rest_framework.views loads the default permission
    # classes, OrganizationPermission among them, so this module must load without it.
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

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


# For the schema: how every endpoint under .../collaboratives/<collab>/ names its collaborative.
COLLABORATIVE_PARAMETER = OpenApiParameter(
    tenancy.COLLAB_URL_KWARG,
    str,
    OpenApiParameter.PATH,
    description="The collaborative's slug, as in its web address.",
)


class CollaborativeHyperlinkedIdentityField(serializers.HyperlinkedIdentityField):
    """The ``url`` of an object under ``/organizations/<org>/collaboratives/<collab>/``.

    Both slugs come from the request, never from the object: no extra query.
    """

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str | None:
        if getattr(obj, "pk", None) is None:
            return None
        kwargs = {
            tenancy.ORG_URL_KWARG: request.organization.slug,
            tenancy.COLLAB_URL_KWARG: request.collaborative.slug,
            self.lookup_url_kwarg: getattr(obj, self.lookup_field),
        }
        return self.reverse(view_name, kwargs=kwargs, request=request, format=format)


class CollaborativeViewSetMixin:
    """For viewsets under ``/organizations/<org>/collaboratives/<collab>/``.

    ``OrganizationPermission`` has already answered 404 for a collaborative
    outside the organization and put the caller's powers on ``request.access``.
    Querysets start from ``self.collaborative``; while drf-spectacular builds
    the schema there is no collaborative, so ``get_queryset`` implementations
    return ``Model.objects.none()`` when ``self.collaborative`` is None.
    """

    request: Any

    @property
    def collaborative(self) -> Collaborative | None:
        return getattr(self.request._request, "collaborative", None) if self.request else None

    @property
    def access(self) -> CollaborativeAccess | None:
        return getattr(self.request._request, "access", None) if self.request else None
