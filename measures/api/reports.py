"""API of monthly reports, under ``/organizations/<org>/collaboratives/<collab>/``.

``reports/`` lists and reads reports with their values; ``PATCH reports/<id>/``
saves narrative and values (the ``version`` read is required: a stale one
answers 409 with the current report); ``submit/``, ``return/``, ``accept/``,
``reopen/`` and ``unlock/`` move a report through its states; and
``teams/<team>/values/`` lets a team's own system upsert a month's values
idempotently. Who may do what: the same ``CollaborativeAccess`` predicates and
permission names the pages ask. Every write is one call to
``measures.services.reports``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    CONFLICT,
    ORGANIZATION_PARAMETER,
    CollaborativeHyperlinkedIdentityField,
    CollaborativeViewSetMixin,
    ErrorSerializer,
    api_actor,
)
from bsc.exceptions import DomainError
from collaboratives.permissions import (
    CONFIGURE_COLLABORATIVE,
    REVIEW_REPORTS,
    VIEW_COLLABORATIVE,
)
from measures.models import Measure, MetricValue, MonthlyReport, ReportStatus
from measures.selectors import reports as selectors
from measures.services import reports as services
from teams.models import Team

STALE = OpenApiResponse(
    inline_serializer(
        "StaleReport",
        {"detail": serializers.CharField(), "report": serializers.DictField()},
    ),
    description="Someone saved the report after the version you read, or its state refuses "
    "the change (locked, accepted); ``report`` is the current report when stale.",
)


# --- Serializers ----------------------------------------------------------------


class ValueSerializer(serializers.Serializer):
    measure = serializers.CharField(source="measure.code", help_text="The measure's short code.")
    numerator = serializers.DecimalField(
        max_digits=14, decimal_places=4, allow_null=True, coerce_to_string=False
    )
    denominator = serializers.DecimalField(
        max_digits=14, decimal_places=4, allow_null=True, coerce_to_string=False
    )
    value = serializers.DecimalField(
        max_digits=14, decimal_places=4, allow_null=True, coerce_to_string=False
    )
    not_available = serializers.BooleanField()
    not_available_reason = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True)
    updated_at = serializers.DateTimeField()


class ReportSerializer(serializers.ModelSerializer):
    url = CollaborativeHyperlinkedIdentityField(view_name="api:report-detail")
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.CharField(source="team.name")
    month = serializers.DateField(format="%Y-%m", help_text="The month reported on, YYYY-MM.")
    due_date = serializers.SerializerMethodField(help_text="The day the report is due.")
    is_locked = serializers.SerializerMethodField(
        help_text="True when the month is locked and changes are refused."
    )
    submitted_by = serializers.CharField(source="submitted_by.display_name", default=None)
    reviewed_by = serializers.CharField(source="reviewed_by.display_name", default=None)
    values = ValueSerializer(many=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "url",
            "team",
            "team_name",
            "month",
            "status",
            "version",
            "due_date",
            "is_locked",
            "tested",
            "learned",
            "help_needed",
            "next_steps",
            "feedback",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "unlocked_until",
            "values",
        ]
        read_only_fields = fields

    def _collaborative(self, report: MonthlyReport) -> Any:
        return self.context.get("collaborative") or report.collaborative

    def get_due_date(self, report: MonthlyReport) -> str:
        return selectors.report_due_date(report.month, self._collaborative(report)).isoformat()

    def get_is_locked(self, report: MonthlyReport) -> bool:
        report.collaborative = self._collaborative(report)
        return selectors.report_is_locked(report, at=self.context.get("now"))


class ValueInputSerializer(serializers.Serializer):
    measure = serializers.CharField(help_text="The measure's short code.")
    numerator = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True
    )
    denominator = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True
    )
    value = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True
    )
    not_available = serializers.BooleanField(required=False, default=False)
    not_available_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default=""
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ReportPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0, help_text="The version you read; a stale one answers 409."
    )
    tested = serializers.CharField(required=False, allow_blank=True)
    learned = serializers.CharField(required=False, allow_blank=True)
    help_needed = serializers.CharField(required=False, allow_blank=True)
    next_steps = serializers.CharField(required=False, allow_blank=True)
    values = ValueInputSerializer(many=True, required=False)


class FeedbackSerializer(serializers.Serializer):
    feedback = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="The version you read, to avoid reviewing a report that changed meanwhile.",
    )


class UnlockSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=services.MAX_UNLOCK_DAYS)


class BulkValuesSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="The month, YYYY-MM.")
    values = ValueInputSerializer(many=True)

    def validate_month(self, text: str) -> Any:
        month = selectors.parse_month(text)
        if month is None:
            raise serializers.ValidationError("Give the month as YYYY-MM, e.g. 2026-03.")
        return month


def _values_by_code(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {}
    for row in rows:
        code = row["measure"]
        if code in values:
            raise exceptions.ValidationError(
                {f"{code}": ["This measure appears twice; send it once."]}
            )
        values[code] = {key: item for key, item in row.items() if key != "measure"}
    return values


def _report_errors(error: services.ReportErrors) -> Response:
    return Response({"detail": error.message, "errors": error.errors}, status=400)


# --- Views ----------------------------------------------------------------------


REPORT_FILTERS = [
    OpenApiParameter("team", int, description="Only this team's reports."),
    OpenApiParameter("month_from", str, description="From this month on, YYYY-MM."),
    OpenApiParameter("month_to", str, description="Up to this month, YYYY-MM."),
    OpenApiParameter("status", str, enum=[value for value, _ in ReportStatus.choices]),
    OpenApiParameter(
        "measure", str, description="Only reports with a value of this measure (its code)."
    ),
]


@extend_schema(parameters=[ORGANIZATION_PARAMETER, COLLABORATIVE_PARAMETER])
@extend_schema_view(
    list=extend_schema(summary="Monthly reports with their values", parameters=REPORT_FILTERS),
    retrieve=extend_schema(summary="One monthly report with its values"),
    partial_update=extend_schema(
        summary="Save narrative and values",
        request=ReportPatchSerializer,
        responses={200: ReportSerializer, 400: BAD_INPUT, 409: STALE},
    ),
)
class ReportViewSet(
    CollaborativeViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Reports exist once someone opened their month (page or API); they are never deleted."""

    permission = VIEW_COLLABORATIVE
    serializer_class = ReportSerializer
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> Any:
        if self.collaborative is None:
            return MonthlyReport.objects.none()
        reports = selectors.reports_for_api(self.collaborative)
        team_ids = self.access.viewable_team_ids()
        if team_ids is not None:
            reports = reports.filter(team_id__in=team_ids)
        if self.action == "list":
            reports = self._filtered(reports)
        return reports

    def _filtered(self, reports: Any) -> Any:
        params = self.request.query_params
        errors: dict[str, list[str]] = {}
        if params.get("team"):
            if not params["team"].isdigit():
                errors["team"] = ["Give the team's id."]
            else:
                reports = reports.filter(team_id=int(params["team"]))
        for name, lookup in (("month_from", "month__gte"), ("month_to", "month__lte")):
            if params.get(name):
                month = selectors.parse_month(params[name])
                if month is None:
                    errors[name] = ["Give the month as YYYY-MM, e.g. 2026-03."]
                else:
                    reports = reports.filter(**{lookup: month})
        if params.get("measure"):
            code = params["measure"]
            if not Measure.objects.filter(collaborative=self.collaborative, code=code).exists():
                errors["measure"] = [f"No measure of this collaborative has the code {code!r}."]
            else:
                # Reports with a value of that measure, carrying only that value.
                reports = (
                    reports.filter(values__measure__code=code)
                    .prefetch_related(None)
                    .prefetch_related(
                        Prefetch(
                            "values",
                            queryset=MetricValue.objects.select_related("measure").filter(
                                measure__code=code
                            ),
                        )
                    )
                )
        if params.get("status"):
            if params["status"] not in ReportStatus.values:
                errors["status"] = [f"Choose one of: {', '.join(ReportStatus.values)}."]
            else:
                reports = reports.filter(status=params["status"])
        if errors:
            raise exceptions.ValidationError(errors)
        return reports

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.collaborative is not None:
            self.collaborative.organization = self.request._request.organization
        context["collaborative"] = self.collaborative
        context["now"] = timezone.now()
        return context

    def _report(self) -> MonthlyReport:
        report = self.get_object()
        report.collaborative = self.collaborative
        report.team.collaborative = self.collaborative
        return report

    def _body(self, report: MonthlyReport) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=report.pk)
        return self.get_serializer(fresh).data

    def _stale(self, error: services.StaleReportError) -> Response:
        return Response({"detail": error.message, "report": self._body(error.report)}, status=409)

    def _require(self, allowed: bool) -> None:
        if not allowed:
            raise exceptions.PermissionDenied()

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self._report()
        self._require(self.access.can_edit_report(report.team))
        data = ReportPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        narrative = {name: fields[name] for name in services.NARRATIVE_FIELDS if name in fields}
        try:
            services.report_save(
                report=report,
                version=fields["version"],
                values=_values_by_code(fields.get("values", [])),
                narrative=narrative,
                actor=api_actor(request),
                source="api",
            )
        except services.StaleReportError as error:
            return self._stale(error)
        except services.ReportErrors as error:
            return _report_errors(error)
        return Response(self._body(report))

    @extend_schema(
        summary="Submit the report to faculty",
        request=None,
        responses={200: ReportSerializer, 400: BAD_INPUT, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self._report()
        self._require(self.access.can_submit_report(report.team))
        try:
            services.report_submit(report=report, actor=api_actor(request))
        except services.ReportErrors as error:
            return _report_errors(error)
        return Response(self._body(report))

    def _review(self, request: Request, verb: str) -> Response:
        report = self._report()
        self._require(self.access.has(REVIEW_REPORTS))
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service = services.report_return if verb == "return" else services.report_accept
        try:
            service(
                report=report,
                feedback=data.validated_data["feedback"],
                version=data.validated_data.get("version"),
                actor=api_actor(request),
            )
        except services.StaleReportError as error:
            return self._stale(error)
        return Response(self._body(report))

    @extend_schema(
        summary="Return the report for revision, with feedback",
        request=FeedbackSerializer,
        responses={200: ReportSerializer, 400: BAD_INPUT, 403: ErrorSerializer, 409: STALE},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._review(request, "return")

    @extend_schema(
        summary="Accept the report, with optional feedback",
        request=FeedbackSerializer,
        responses={200: ReportSerializer, 403: ErrorSerializer, 409: STALE},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._review(request, "accept")

    @extend_schema(
        summary="Reopen an accepted report for the team",
        request=None,
        responses={200: ReportSerializer, 403: ErrorSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self._report()
        self._require(self.access.has(REVIEW_REPORTS))
        services.report_reopen(report=report, actor=api_actor(request))
        return Response(self._body(report))

    @extend_schema(
        summary="Unlock a locked month for this team for some days",
        request=UnlockSerializer,
        responses={200: ReportSerializer, 400: BAD_INPUT, 403: ErrorSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self._report()
        self._require(self.access.has(CONFIGURE_COLLABORATIVE))
        data = UnlockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.report_unlock(
            report=report, days=data.validated_data["days"], actor=api_actor(request)
        )
        return Response(self._body(report))


@extend_schema(
    parameters=[
        ORGANIZATION_PARAMETER,
        COLLABORATIVE_PARAMETER,
        OpenApiParameter("team", int, OpenApiParameter.PATH, description="The team's id."),
    ]
)
class TeamValuesView(CollaborativeViewSetMixin, APIView):
    """A team's own system sends a month's values; repeating the same request changes nothing."""

    permission = VIEW_COLLABORATIVE

    @extend_schema(
        summary="Upsert one month's values for a team",
        request=BulkValuesSerializer,
        responses={200: ReportSerializer, 400: BAD_INPUT, 409: CONFLICT},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = get_object_or_404(
            Team.objects.filter(collaborative=self.collaborative), pk=kwargs["team"]
        )
        if not self.access.can_edit_report(team):
            raise exceptions.PermissionDenied()
        data = BulkValuesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.collaborative.organization = request._request.organization
        team.collaborative = self.collaborative
        try:
            report = services.report_get_or_create(team=team, month=data.validated_data["month"])
        except DomainError as error:
            raise exceptions.ValidationError({"month": [error.message]}) from None
        try:
            services.report_save(
                report=report,
                version=None,
                values=_values_by_code(data.validated_data["values"]),
                actor=api_actor(request),
                source="bulk",
            )
        except services.ReportErrors as error:
            return _report_errors(error)
        fresh = selectors.reports_for_api(self.collaborative).get(pk=report.pk)
        context = {
            "request": request,
            "collaborative": self.collaborative,
            "now": timezone.now(),
        }
        return Response(ReportSerializer(fresh, context=context).data, status=status.HTTP_200_OK)
