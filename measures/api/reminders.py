"""API of the reminder log: ``reminders/`` under ``/organizations/<org>/collaboratives/<collab>/``.

Read only. Faculty, chairs and staff (``REVIEW_REPORTS``) see every reminder
the sweep planned for the collaborative's teams and what became of it; filter
by ``team`` and ``status``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, viewsets

from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    ORGANIZATION_PARAMETER,
    CollaborativeHyperlinkedIdentityField,
    CollaborativeViewSetMixin,
)
from collaboratives.permissions import REVIEW_REPORTS
from measures.models import DeliveryStatus, Reminder

PARAMETERS = [ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER]


class ReminderSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:reminder-detail")
    month = serializers.DateField(
        source="report.month", read_only=True, help_text="The first day of the report's month."
    )
    report_status = serializers.CharField(
        source="report.status", read_only=True, help_text="The report's status now."
    )

    class Meta:
        model = Reminder
        fields = [
            "id",
            "url",
            "team",
            "month",
            "report_status",
            "kind",
            "occurrence",
            "email",
            "status",
            "attempts",
            "due_at",
            "claimed_at",
            "sent_at",
            "last_error",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Reminders sent to the collaborative's teams",
        description="Faculty, chairs and staff. Newest first.",
        parameters=[
            *PARAMETERS,
            OpenApiParameter("team", int, OpenApiParameter.QUERY, description="A team's id."),
            OpenApiParameter(
                "status",
                str,
                OpenApiParameter.QUERY,
                enum=DeliveryStatus.values,
                description="Only reminders with this status.",
            ),
        ],
        responses={200: ReminderSerializer(many=True), 400: BAD_INPUT},
    ),
    retrieve=extend_schema(summary="One reminder", parameters=PARAMETERS),
)
class ReminderViewSet(CollaborativeViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReminderSerializer
    queryset = Reminder.objects.none()
    permission = REVIEW_REPORTS
    lookup_value_regex = r"[0-9]+"
    # django-filter builds on the scoped default manager: filter by hand instead.
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Reminder]:
        if self.collaborative is None:
            return Reminder.objects.none()
        return (
            Reminder.objects.filter(team__collaborative=self.collaborative)
            .select_related("report")
            .order_by("-created_at", "-id")
        )

    def filter_queryset(self, queryset: QuerySet[Reminder]) -> QuerySet[Reminder]:
        if self.action != "list":
            return queryset
        params = self.request.query_params
        errors: dict[str, list[str]] = {}
        if team := params.get("team"):
            if team.isdigit():
                queryset = queryset.filter(team_id=int(team))
            else:
                errors["team"] = ["Give a team's id (a whole number)."]
        if status := params.get("status"):
            if status in DeliveryStatus.values:
                queryset = queryset.filter(status=status)
            else:
                errors["status"] = [f"Choose one of: {', '.join(DeliveryStatus.values)}."]
        if errors:
            raise exceptions.ValidationError(errors)
        return queryset
