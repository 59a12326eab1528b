"""Values in and out of spreadsheets over the API, under
``/api/v1/organizations/<org>/collaboratives/<collab>/``.

``values/export/?format=csv|xlsx&team=<id>`` answers with the file itself,
with what the collaborative's data sharing lets the caller see.
``teams/<team>/values/import/`` takes the CSV template (multipart, field
``file``) and answers 200 with counts, or 400 with every bad row:
``{"detail", "errors": {"rows": [{"row", "field", "message"}]}}`` — and then
nothing was written. The same service functions as the pages.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    CONFLICT,
    ORGANIZATION_PARAMETER,
    CollaborativeViewSetMixin,
    api_actor,
)
from collaboratives.permissions import VIEW_COLLABORATIVE
from measures.services import transfer as services
from measures.views.transfer import XLSX_TYPE
from teams.models import Team

PARAMETERS = [ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]


class JSONOnlyNegotiationMixin:
    """``?format=`` names the file here, not a DRF renderer: errors are always JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return JSONRenderer(), JSONRenderer.media_type


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Rows read from the file.")
    created = serializers.IntegerField(help_text="Values that did not exist before.")
    changed = serializers.IntegerField(help_text="Values that differed and were replaced.")
    unchanged = serializers.IntegerField(help_text="Rows equal to what was saved.")
    reports_created = serializers.IntegerField(help_text="Monthly reports started as drafts.")
    months = serializers.ListField(child=serializers.CharField(), help_text="Months changed.")


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV template, filled in.")


class ValuesExportView(JSONOnlyNegotiationMixin, CollaborativeViewSetMixin, APIView):
    permission = VIEW_COLLABORATIVE

    @extend_schema(
        tags=["measures"],
        summary="Export values as CSV or Excel",
        description="Every value the caller may see (faculty and staff: every team by "
        "name; other members: their own team, and the other teams by name, anonymized as "
        "“Team A”… or not at all, as the collaborative shares data). `?team=<id>` for one "
        "team.",
        parameters=[
            *PARAMETERS,
            OpenApiParameter(
                "format", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=["csv", "xlsx"]
            ),
            OpenApiParameter("team", OpenApiTypes.INT, OpenApiParameter.QUERY),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSX_TYPE): OpenApiTypes.BINARY,
            400: BAD_INPUT,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        file_format = request.query_params.get("format", "csv")
        if file_format not in ("csv", "xlsx"):
            raise ValidationError({"format": ["Choose csv or xlsx."]})
        team = None
        raw = request.query_params.get("team")
        if raw:
            try:
                pk = int(raw)
            except ValueError:
                raise ValidationError({"team": ["Give the id of a team."]}) from None
            labels = services.export_team_labels(self.collaborative, self.access)
            if pk not in labels:
                raise Http404("No such team.")
            team = get_object_or_404(Team.objects.filter(collaborative=self.collaborative), pk=pk)
        rows = services.export_rows(collaborative=self.collaborative, access=self.access, team=team)
        name = "-".join(
            part
            for part in (self.collaborative.slug, f"team-{team.pk}" if team else "", "values")
            if part
        )
        if file_format == "xlsx":
            response = HttpResponse(
                services.export_xlsx(rows, title=f"{self.collaborative.name} values"),
                content_type=XLSX_TYPE,
            )
        else:
            response = HttpResponse(
                services.export_csv(rows), content_type="text/csv; charset=utf-8"
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
        return response


class ValuesImportView(CollaborativeViewSetMixin, APIView):
    permission = VIEW_COLLABORATIVE  # refined: can_edit_report(team)
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["measures"],
        summary="Import a team's values from the CSV template",
        description="Every row is checked first; if any is wrong, nothing is written and "
        "the answer is 400 with `errors.rows`: `[{row, field, message}]` (the header is row "
        "1). Otherwise every row is written in one go; importing the same file again "
        "changes nothing.",
        parameters=[
            *PARAMETERS,
            OpenApiParameter("team", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportResultSerializer,
            400: OpenApiResponse(description="Bad rows; nothing was imported."),
            409: CONFLICT,
        },
    )
    def post(self, request: Request, *args: Any, team: int, **kwargs: Any) -> Response:
        target = get_object_or_404(Team.objects.filter(collaborative=self.collaborative), pk=team)
        if not self.access.can_edit_report(target):
            raise PermissionDenied("You may not change this team's values.")
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            result = services.values_import(
                team=target,
                content=upload.validated_data["file"].read(),
                actor=api_actor(request),
            )
        except services.ImportErrors as error:
            return Response(
                {
                    "detail": error.message,
                    "errors": {"rows": [row.as_dict() for row in error.errors]},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(ImportResultSerializer(result).data)
