"""API of charts, under ``/api/v1/organizations/<org>/``.

Per team x measure (``collaboratives/<collab>/teams/<team>/measures/<measure>/chart/``):
the analysis (the statistics.md section-9 dictionary: points, centre line,
limits, signals, phases) with the chart type, rule set, settings, the
plain-language explanations, the variation and assurance icons, when it was
computed, and what the chart draws besides: the team's PDSA cycles (for the team's
own people, faculty and staff, as the figure) and the learning sessions;
``settings/`` to read and change how the series is charted (PATCH with the
``version`` read: 409 with the current settings when stale); ``history/`` for
every change of the settings.

Per collaborative: ``charts/board/`` (teams x measures with icons, latest value
and goal, teams named as the collaborative shares data) and
``measures/<measure>/aggregate/`` (the collaborative's aggregate chart with the
share of teams meeting their goal each month).

``spc/analyze/``: a stateless calculator; POST a series, get the analysis.

Everything reads the kept snapshots (``measures.charting``); nothing is
recomputed here unless a series has never been analysed.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import VIEW_ORGANIZATION
from bsc.api import (
    BAD_INPUT,
    COLLABORATIVE_PARAMETER,
    ORGANIZATION_PARAMETER,
    CollaborativeViewSetMixin,
    ErrorSerializer,
    api_actor,
)
from collaboratives.permissions import VIEW_COLLABORATIVE
from measures import charting
from measures.chart_permissions import (
    can_edit_chart_settings,
    can_view_chart,
    sees_team_in_full,
    sees_team_notes,
)
from measures.models import ChartSnapshot, Measure
from measures.spc import CHARTS as SPC_CHARTS
from measures.spc import analyze
from teams.models import Team

MAX_POINTS = 1000
SERIES_PARAMETERS = [
    ORGANIZATION_PARAMETER,
    COLLABORATIVE_PARAMETER,
    OpenApiParameter("team", int, OpenApiParameter.PATH, description="The team's id."),
    OpenApiParameter("measure", int, OpenApiParameter.PATH, description="The measure's id."),
]
ANALYSIS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="The section-9 dictionary of statistics.md (`chart`, `points`, `phases`) "
    "plus `team`, `measure`, `chart_type`, `rule_set`, `settings`, `months`, `explanations`, "
    "`variation`, `assurance`, `goal`, `latest_value`, `latest_month`, `computed_at`, "
    "`is_current`.",
)


class ChartAnnotationSerializer(serializers.Serializer):
    """A PDSA cycle drawn on the chart."""

    date = serializers.DateField(help_text="The day the cycle started (its Do).")
    title = serializers.CharField(help_text="The cycle's title, shortened to 60 letters.")
    decision = serializers.CharField(
        allow_blank=True,
        help_text="The Act decision once made: `adopt`, `adapt` or `abandon`; else empty.",
    )
    url = serializers.CharField(help_text="The cycle's page.")


class LearningSessionBandSerializer(serializers.Serializer):
    """A learning session, drawn as a shaded band."""

    start = serializers.DateField()
    end = serializers.DateField()
    name = serializers.CharField(help_text="“Learning Session 2: Spread”.")


class TeamChartSerializer(serializers.Serializer):
    """For the schema: a team's chart of a measure."""

    chart = serializers.CharField(help_text="The chart the analysis was made for.")
    points = serializers.ListField(
        child=serializers.DictField(), help_text="Per month, as statistics.md section 9."
    )
    phases = serializers.ListField(
        child=serializers.DictField(), help_text="Per phase, as statistics.md section 9."
    )
    error = serializers.CharField(
        required=False, help_text="Why the statistics refused the data, if they did."
    )
    chart_type = serializers.CharField()
    rule_set = serializers.ChoiceField(choices=["ihi", "anhoj"])
    months = serializers.ListField(child=serializers.CharField(), help_text="YYYY-MM per point.")
    explanations = serializers.ListField(child=serializers.CharField())
    variation = serializers.ChoiceField(
        choices=["common_cause", "improving", "concerning", "no_data"]
    )
    assurance = serializers.ChoiceField(
        choices=["will_meet", "will_miss", "may_meet"], allow_null=True
    )
    goal = serializers.FloatField(allow_null=True)
    latest_value = serializers.FloatField(allow_null=True)
    latest_month = serializers.CharField(allow_null=True)
    signal_rank = serializers.IntegerField()
    is_current = serializers.BooleanField()
    computed_at = serializers.DateTimeField(allow_null=True)
    team = serializers.DictField(help_text="`{id, label}`, the label as data sharing allows.")
    measure = serializers.DictField()
    settings = serializers.DictField(help_text="As `settings/` answers.")
    annotations = ChartAnnotationSerializer(
        many=True,
        help_text="The team's PDSA cycles on the chart, oldest first; empty for viewers "
        "from other teams.",
    )
    learning_sessions = LearningSessionBandSerializer(many=True)


STALE_SETTINGS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Someone changed the settings after the version you read: `{detail, "
    "settings}` with the current settings.",
)


# --- Shared ------------------------------------------------------------------------------


def _month_text(iso: Any) -> str | None:
    return str(iso)[:7] if iso else None


def _summary_fields(snapshot: ChartSnapshot) -> dict[str, Any]:
    summary = snapshot.summary or {}
    return {
        "variation": summary.get("variation", "no_data"),
        "assurance": summary.get("assurance"),
        "goal": summary.get("goal"),
        "latest_value": summary.get("latest_value"),
        "latest_month": _month_text(summary.get("latest_month")),
        "signal_rank": summary.get("signal_rank", 0),
        "is_current": snapshot.is_current,
    }


def _measure_body(measure: Measure) -> dict[str, Any]:
    return {
        "id": measure.pk,
        "code": measure.code,
        "name": measure.name,
        "shape": measure.shape,
        "unit": measure.unit,
        "direction": measure.direction,
        "goal": float(measure.goal) if measure.goal is not None else None,
    }


def _analysis_body(snapshot: ChartSnapshot) -> dict[str, Any]:
    analysis = dict(snapshot.analysis or {})
    points = analysis.get("points") or []
    summary = snapshot.summary or {}
    return {
        **analysis,
        "chart_type": snapshot.chart_type,
        "rule_set": snapshot.rule_set,
        "months": [_month_text(point.get("x")) for point in points],
        "explanations": list(summary.get("explanations") or []),
        **_summary_fields(snapshot),
        "computed_at": snapshot.computed_at,
    }


def _hide_reasons(data: dict[str, Any]) -> dict[str, Any]:
    """Settings data with the reasons for exclusions replaced (anonymized teams)."""
    if not isinstance(data, dict) or not data.get("exclusions"):
        return data
    return {
        **data,
        "exclusions": [{**item, "reason": charting.HIDDEN_REASON} for item in data["exclusions"]],
    }


def settings_body(settings: Any, *, hide_reasons: bool = False) -> dict[str, Any]:
    data = charting.settings_data(settings)
    if hide_reasons:
        data = _hide_reasons(data)
    data["freeze_month"] = _month_text(data["freeze_month"])
    data["phase_breaks"] = [
        {"month": _month_text(item["month"]), "label": item.get("label", "")}
        for item in data["phase_breaks"]
    ]
    data["exclusions"] = [
        {"month": _month_text(item["month"]), "reason": item.get("reason", "")}
        for item in data["exclusions"]
    ]
    return {
        **data,
        "version": settings.version,
        "updated_at": settings.updated_at if settings.pk else None,
        "allowed_chart_types": list(charting.allowed_charts(settings.measure)),
    }


def drawn_body(
    team: Team, measure: Measure, snapshot: ChartSnapshot, *, full: bool
) -> dict[str, Any]:
    """What the chart draws besides the analysis: the team's PDSA cycles (only for those
    who see the team in full, as the figure) and the learning sessions."""
    ctx = charting.chart_context_for(team, measure, snapshot, with_annotations=full)
    return {
        "annotations": [
            {
                "date": item["date"].isoformat(),
                "title": item["title"],
                "decision": item.get("decision") or "",
                "url": item["url"],
            }
            for item in (ctx.annotations if full else [])
        ],
        "learning_sessions": [
            {"start": start.isoformat(), "end": end.isoformat(), "name": name}
            for start, end, name in ctx.sessions
        ],
    }


class SeriesViewMixin(CollaborativeViewSetMixin):
    """One team's series of one measure, or 404 for a caller who may not see it."""

    permission = VIEW_COLLABORATIVE

    def series(self, kwargs: dict[str, Any]) -> tuple[Team, Measure]:
        team = get_object_or_404(
            Team.objects.filter(collaborative=self.collaborative), pk=kwargs["team"]
        )
        measure = get_object_or_404(
            Measure.objects.filter(collaborative=self.collaborative), pk=kwargs["measure"]
        )
        if not can_view_chart(self.access, team, measure):
            raise Http404("No such chart.")
        self.collaborative.organization = self.request._request.organization
        team.collaborative = self.collaborative
        measure.collaborative = self.collaborative
        return team, measure

    def label(self, team: Team) -> str:
        from measures.services.transfer import export_team_labels

        if self.access.can_view_team(team):
            return team.name
        return export_team_labels(self.collaborative, self.access).get(team.pk, "")


# --- Per team x measure ------------------------------------------------------------------


class ChartView(SeriesViewMixin, APIView):
    @extend_schema(
        tags=["charts"],
        summary="A team's chart of a measure: the analysis, signals and icons",
        description="Also what the chart draws besides the analysis: `learning_sessions` "
        "and, for the team's own people, faculty and staff, the team's PDSA cycles linked "
        "to the measure (`annotations`).",
        parameters=SERIES_PARAMETERS,
        responses={200: TeamChartSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team, measure = self.series(kwargs)
        snapshot = charting.analysis_for(team, measure)
        settings = charting.chart_settings_for(team, measure)
        settings.measure = measure
        body = _analysis_body(snapshot)
        body["team"] = {"id": team.pk, "label": self.label(team)}
        body["measure"] = _measure_body(measure)
        body["settings"] = settings_body(
            settings, hide_reasons=not sees_team_notes(self.access, team)
        )
        body.update(drawn_body(team, measure, snapshot, full=sees_team_in_full(self.access, team)))
        return Response(body)


class SettingsPatchSerializer(serializers.Serializer):
    """For the schema; the body is checked by ``measures.charting``."""

    version = serializers.IntegerField(help_text="The version you read (0: never saved).")
    chart_type = serializers.CharField(required=False, allow_blank=True)
    rule_set = serializers.ChoiceField(choices=["", "ihi", "anhoj"], required=False)
    phase_breaks = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="[{month: YYYY-MM, label}]"
    )
    freeze_month = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="YYYY-MM or null."
    )
    exclusions = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="[{month: YYYY-MM, reason}]"
    )


class ChartSettingsView(SeriesViewMixin, APIView):
    @extend_schema(
        tags=["charts"],
        summary="How a team's series of a measure is charted",
        parameters=SERIES_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 404: ErrorSerializer},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team, measure = self.series(kwargs)
        settings = charting.chart_settings_for(team, measure)
        settings.measure = measure
        body = settings_body(settings, hide_reasons=not sees_team_notes(self.access, team))
        body["can_edit"] = can_edit_chart_settings(self.access, team)
        return Response(body)

    @extend_schema(
        tags=["charts"],
        summary="Change how a team's series is charted (chart type, phases, baseline, exclusions)",
        description="Send only the settings to change, with the `version` you read. Faculty, "
        "chairs, staff and the team's leads. A stale version answers 409 with the current "
        "settings; bad input 400 naming each field.",
        parameters=SERIES_PARAMETERS,
        request=SettingsPatchSerializer,
        responses={
            200: OpenApiTypes.OBJECT,
            400: BAD_INPUT,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: STALE_SETTINGS,
        },
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team, measure = self.series(kwargs)
        if not can_edit_chart_settings(self.access, team):
            raise exceptions.PermissionDenied("You may not change how this chart is drawn.")
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
        data = dict(request.data)
        version = data.pop("version", None)
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise exceptions.ValidationError(
                {"version": ["Send the version you read (0 for settings never saved)."]}
            )
        try:
            settings = charting.update_chart_settings(
                team=team,
                measure=measure,
                actor=api_actor(request),
                data=data,
                expected_version=version,
                source="api",
            )
        except charting.StaleSettingsError as error:
            error.settings.measure = measure
            return Response(
                {"detail": error.message, "settings": settings_body(error.settings)},
                status=status.HTTP_409_CONFLICT,
            )
        except charting.SettingsErrors as error:
            return Response({"detail": error.message, "errors": error.errors}, status=400)
        settings.measure = measure
        body = settings_body(settings)
        body["can_edit"] = True
        return Response(body)


class ChartSettingsHistoryView(SeriesViewMixin, APIView):
    @extend_schema(
        tags=["charts"],
        summary="Every change of a series' chart settings: who, when, from what, to what",
        parameters=SERIES_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 404: ErrorSerializer},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team, measure = self.series(kwargs)
        settings = charting.chart_settings_for(team, measure)
        full = self.access.can_view_team(team)
        notes = sees_team_notes(self.access, team)
        changes = [
            {
                "changed_at": change.changed_at,
                # Another team's people are not named to viewers from other teams.
                "changed_by": (
                    change.changed_by.display_name if full and change.changed_by else None
                ),
                "source": change.source,
                "old": change.old if notes else _hide_reasons(change.old),
                "new": change.new if notes else _hide_reasons(change.new),
            }
            for change in charting.settings_history(settings)
        ]
        return Response({"version": settings.version, "changes": changes})


# --- Per collaborative -------------------------------------------------------------------


class BoardView(CollaborativeViewSetMixin, APIView):
    permission = VIEW_COLLABORATIVE

    @extend_schema(
        tags=["charts"],
        summary="The review board: teams x measures with variation and assurance icons",
        description="Every team the caller may see (named, anonymized as “Team C”, or left "
        "out, as the collaborative shares data) x every current collaborative measure: the "
        "variation icon (`common_cause`, `improving`, `concerning`, `no_data`), the "
        "assurance icon (`will_meet`, `will_miss`, `may_meet` or null), the latest value "
        "and month and the goal. `?sort=signal` puts the teams with the strongest signal "
        "first (concerning, then improving).",
        parameters=[
            ORGANIZATION_PARAMETER,
            COLLABORATIVE_PARAMETER,
            OpenApiParameter("sort", str, enum=["name", "signal"]),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: BAD_INPUT},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = request.query_params.get("sort", "name")
        if order not in ("name", "signal"):
            raise exceptions.ValidationError({"sort": ["Sort by name or signal."]})
        self.collaborative.organization = request._request.organization
        board = charting.snapshots_for_board(self.collaborative, self.access)
        teams = []
        for team, cells in board.rows():
            teams.append(
                {
                    "id": team.id,
                    "label": team.label,
                    "named": team.named,
                    "signal_rank": board.team_rank(team.id),
                    "cells": [
                        {"measure": measure.pk, **_summary_fields(snapshot)}
                        if snapshot is not None
                        else {"measure": measure.pk, "variation": "no_data", "signal_rank": 0}
                        for measure, snapshot in zip(board.measures, cells, strict=True)
                    ],
                }
            )
        if order == "signal":
            teams.sort(key=lambda row: -row["signal_rank"])
        return Response(
            {
                "measures": [_measure_body(measure) for measure in board.measures],
                "teams": teams,
            }
        )


class AggregateView(CollaborativeViewSetMixin, APIView):
    permission = VIEW_COLLABORATIVE

    @extend_schema(
        tags=["charts"],
        summary="The collaborative's aggregate chart of a measure",
        description="Sum of numerators over sum of denominators per month (percentages, "
        "rates) or the mean of the teams' values, analysed like a team's series; "
        "`meeting_goal` gives per month the teams with a value and a goal and how many met "
        "it (their own goal, else the measure's).",
        parameters=[
            ORGANIZATION_PARAMETER,
            COLLABORATIVE_PARAMETER,
            OpenApiParameter("measure", int, OpenApiParameter.PATH),
        ],
        responses={200: ANALYSIS, 404: ErrorSerializer},
    )
    def get(self, request: Request, *args: Any, measure: int, **kwargs: Any) -> Response:
        found = get_object_or_404(
            Measure.objects.filter(collaborative=self.collaborative, team__isnull=True),
            pk=measure,
        )
        self.collaborative.organization = request._request.organization
        found.collaborative = self.collaborative
        snapshot = charting.aggregate_for(self.collaborative, found, self.access)
        body = _analysis_body(snapshot)
        body["measure"] = _measure_body(found)
        body["meeting_goal"] = [
            {**item, "month": _month_text(item["month"])}
            for item in (snapshot.summary or {}).get("meeting_goal", [])
        ]
        return Response(body)


# --- Calculator --------------------------------------------------------------------------


def _check_numbers(
    raw: Any, name: str, errors: dict[str, list[str]], *, required: bool
) -> list[Any] | None:
    if raw is None:
        if required:
            errors.setdefault(name, []).append("Give the values as a list.")
        return None
    if not isinstance(raw, list):
        errors.setdefault(name, []).append("Give the values as a list of numbers (null: missing).")
        return None
    if not raw and required:
        errors.setdefault(name, []).append("Give at least one value.")
    if len(raw) > MAX_POINTS:
        errors.setdefault(name, []).append(f"At most {MAX_POINTS} values.")
        return None
    for position, value in enumerate(raw, start=1):
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            errors.setdefault(name, []).append(
                f"Position {position}: {value!r} is not a number (null marks a missing value)."
            )
    return raw


def _check_positions(raw: Any, name: str, errors: dict[str, list[str]]) -> list[int]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.setdefault(name, []).append("Give a list of 1-based positions.")
        return []
    for index, value in enumerate(raw, start=1):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.setdefault(name, []).append(
                f"Item {index}: {value!r} is not a position (a whole number from 1)."
            )
    return raw


def _field_of(message: str) -> str:
    """The input a ``measures.spc`` error is about."""
    text = message.lower()
    for start, name in (
        ("denominator", "n"),
        ("y and n", "n"),
        ("numerator", "y"),
        ("value", "y"),
        ("x and y", "x"),
        ("phase break", "phase_breaks"),
        ("excluded", "exclude"),
        ("freeze", "freeze"),
        ("baseline", "freeze"),
        ("multiply", "multiply"),
    ):
        if text.startswith(start):
            return name
    if "chart" in text:
        return "chart"
    return "y"


class CalculatorSerializer(serializers.Serializer):
    """For the schema; the body is checked field by field with positions."""

    chart = serializers.ChoiceField(choices=list(SPC_CHARTS))
    y = serializers.ListField(child=serializers.FloatField(allow_null=True))
    n = serializers.ListField(child=serializers.FloatField(allow_null=True), required=False)
    x = serializers.ListField(child=serializers.CharField(), required=False)
    phase_breaks = serializers.ListField(child=serializers.IntegerField(), required=False)
    freeze = serializers.IntegerField(required=False, allow_null=True)
    exclude = serializers.ListField(child=serializers.IntegerField(), required=False)
    multiply = serializers.FloatField(required=False, default=1)
    screen_moving_ranges = serializers.BooleanField(required=False, default=True)


class CalculatorView(APIView):
    permission = VIEW_ORGANIZATION

    @extend_schema(
        tags=["charts"],
        summary="Analyse a series you send (stateless calculator)",
        description=f"Any member of the organization. Up to {MAX_POINTS} points. Answers the "
        "section-9 dictionary of statistics.md; bad input answers 400 with `errors` naming "
        "the field and the position.",
        parameters=[ORGANIZATION_PARAMETER],
        request=CalculatorSerializer,
        responses={200: OpenApiTypes.OBJECT, 400: BAD_INPUT},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = request.data
        if not isinstance(body, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
        errors: dict[str, list[str]] = {}
        unknown = sorted(set(body) - set(CalculatorSerializer().fields))
        for name in unknown:
            errors.setdefault(name, []).append("Not an input of the calculator.")
        chart = body.get("chart")
        if chart not in SPC_CHARTS:
            errors.setdefault("chart", []).append(f"Choose one of: {', '.join(SPC_CHARTS)}.")
        y = _check_numbers(body.get("y"), "y", errors, required=True)
        n = _check_numbers(body.get("n"), "n", errors, required=False)
        x = body.get("x")
        if x is not None and (not isinstance(x, list) or len(x) > MAX_POINTS * 10):
            errors.setdefault("x", []).append("Give the labels as a list.")
        elif x is not None and any(
            not isinstance(label, str | int | float) or isinstance(label, bool) for label in x
        ):
            errors.setdefault("x", []).append("Each label is a text or a number.")
        phase_breaks = _check_positions(body.get("phase_breaks"), "phase_breaks", errors)
        exclude = _check_positions(body.get("exclude"), "exclude", errors)
        freeze = body.get("freeze")
        if freeze is not None and (isinstance(freeze, bool) or not isinstance(freeze, int)):
            errors.setdefault("freeze", []).append("Give the last baseline position (from 1).")
        multiply = body.get("multiply", 1)
        if (
            isinstance(multiply, bool)
            or not isinstance(multiply, int | float)
            or not math.isfinite(multiply)
            or multiply <= 0
        ):
            errors.setdefault("multiply", []).append("Give a number greater than 0.")
        screen = body.get("screen_moving_ranges", True)
        if not isinstance(screen, bool):
            errors.setdefault("screen_moving_ranges", []).append("Give true or false.")
        if errors:
            raise exceptions.ValidationError(errors)
        try:
            result = analyze(
                chart,
                y,
                n,
                x=x,
                phase_breaks=phase_breaks,
                freeze=freeze,
                exclude=exclude,
                multiply=multiply,
                screen_moving_ranges=screen,
            )
        except ValueError as error:
            message = str(error)
            raise exceptions.ValidationError(
                {_field_of(message): [message[:1].upper() + message[1:] + "."]}
            ) from None
        return Response(result.as_dict())
