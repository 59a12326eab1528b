"""Completeness API: each team's monthly report status and the reporting rates.

``GET .../completeness/`` with optional ``month_from`` and ``month_to``
(``YYYY-MM``). Faculty, chairs and staff (``VIEW_ALL_TEAMS``). The numbers are
the completeness page's, from the same selector, in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    ORGANIZATION_PARAMETER,
    CollaborativeViewSetMixin,
)
from collaboratives.permissions import VIEW_ALL_TEAMS
from measures.models import MonthlyReport
from measures.selectors import completeness as selectors


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """A month as ``YYYY-MM`` (a full date is accepted and taken as its month)."""

    default_error_messages = {"invalid": "Give a month as YYYY-MM, e.g. 2026-03."}

    def to_internal_value(self, data: Any) -> dt.date:
        text = str(data).strip()
        for pattern in ("%Y-%m", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(text, pattern).date().replace(day=1)
            except ValueError:
                continue
        self.fail("invalid")

    def to_representation(self, value: dt.date) -> str:
        return f"{value:%Y-%m}"


class CompletenessQuerySerializer(serializers.Serializer):
    month_from = MonthField(required=False)
    month_to = MonthField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("month_from"), attrs.get("month_to")
        if start and end and start > end:
            raise serializers.ValidationError({"month_to": ["Must not be before month_from."]})
        return attrs


class RatesSerializer(serializers.Serializer):
    due = serializers.IntegerField(help_text="Reports whose deadline passed or handed in early.")
    handed_in = serializers.IntegerField()
    on_time = serializers.IntegerField()
    reporting_rate = serializers.FloatField(allow_null=True, help_text="Percent handed in.")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="Percent on time.")


class MonthSerializer(serializers.Serializer):
    month = MonthField()
    deadline = serializers.DateTimeField(help_text="The first instant a report is late.")
    rates = RatesSerializer()


class CellSerializer(serializers.Serializer):
    month = MonthField()
    status = serializers.ChoiceField(choices=[status.value for status in selectors.CellStatus])
    report = serializers.IntegerField(source="report_id", allow_null=True)
    submitted_at = serializers.DateTimeField(
        allow_null=True, help_text="When the report was first handed in."
    )
    submitted_on_time = serializers.BooleanField()


class TeamRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="team.pk")
    name = serializers.CharField(source="team.name")
    rates = RatesSerializer()
    cells = CellSerializer(many=True)


class CompletenessSerializer(serializers.Serializer):
    rates = RatesSerializer()
    months = MonthSerializer(many=True)
    teams = TeamRowSerializer(many=True, source="rows")


class CompletenessViewSet(CollaborativeViewSetMixin, viewsets.GenericViewSet):
    serializer_class = CompletenessSerializer
    queryset = MonthlyReport.objects.none()
    permission = VIEW_ALL_TEAMS
    pagination_class = None

    @extend_schema(
        parameters=[
            ORGANIZATION_PARAMETER,
            COLLABORATIVE_PARAMETER,
            OpenApiParameter("month_from", OpenApiTypes.STR, description="First month, YYYY-MM."),
            OpenApiParameter("month_to", OpenApiTypes.STR, description="Last month, YYYY-MM."),
        ],
        responses={200: CompletenessSerializer, 400: BAD_INPUT},
        summary="Report status of every active team, month by month, with rates",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self.collaborative is None:
            raise exceptions.NotFound()
        query = CompletenessQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        grid = selectors.completeness_grid(
            self.collaborative,
            time_zone=request._request.organization.time_zone,
            month_from=query.validated_data.get("month_from"),
            month_to=query.validated_data.get("month_to"),
        )
        return Response(CompletenessSerializer(grid).data)
