"""Pages of run charts and control charts.

- ``team_charts``: a team's dashboard, every measure it reports as a small chart with
  its variation and assurance icons and the latest value against the goal.
- ``team_chart``: one series in full (explanations, data table, CSV), its settings
  form for faculty and the team's leads, and the settings' history; ``team_chart_csv``.
- ``chart_board``: the faculty review board, team x measure icons, sortable by signal.
- ``chart_measure_board``: one measure for every team the caller may see (small
  multiples) with the collaborative aggregate and the share of teams meeting goal.

Thin views: everything is read from the kept snapshots through ``measures.charting``
(nothing current is recomputed) and drawn by ``measures.charts``; who may see and
change what is asked of ``measures.chart_permissions``. A team or chart the caller may
not see answers 404, as the charts API does.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin
from collaboratives.models.core import DataSharing
from collaboratives.permissions import REVIEW_REPORTS, VIEW_COLLABORATIVE
from measures import charting, charts
from measures.chart_permissions import (
    can_edit_chart_settings,
    can_view_chart,
    sees_all_teams,
    sees_team_in_full,
)
from measures.forms.charts import ChartSettingsForms
from measures.models import ChartSettings, ChartSnapshot, Measure, MeasureShape, RuleSet, SpcChart
from teams.models import Team, TeamStatus

SORTS = ("team", "signal")
# Cells sorted by signal: the ones that need attention first.
VARIATION_ORDER = {"concerning": 0, "improving": 1, "common_cause": 2, "no_data": 3}


def _unit(measure: Measure) -> str:
    return measure.unit or ("%" if measure.shape == MeasureShape.PERCENTAGE else "")


def _month(text: Any) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


@dataclass
class Headline:
    """What a small chart or an icon cell shows besides the figure."""

    variation: str
    assurance: str | None
    direction: str
    latest: str
    latest_month: dt.date | None
    goal: str
    meets_goal: bool | None
    is_current: bool
    error: str = ""

    @property
    def variation_label(self) -> str:
        return charts.VARIATION_LABELS.get(self.variation, "")

    @property
    def assurance_label(self) -> str:
        return charts.ASSURANCE_LABELS.get(self.assurance or "", "")

    @property
    def rank(self) -> int:
        """Sort key of a cell by signal: concerning, improving, common cause, no data."""
        return VARIATION_ORDER.get(self.variation, len(VARIATION_ORDER))


def headline(snapshot: ChartSnapshot | None, measure: Measure) -> Headline:
    summary = (snapshot.summary if snapshot is not None else None) or {}
    unit = _unit(measure)
    value = summary.get("latest_value")
    goal = summary.get("goal")
    meets = None
    if value is not None and goal is not None:
        meets = value <= goal if measure.direction == "down" else value >= goal
    return Headline(
        variation=summary.get("variation") or "no_data",
        assurance=summary.get("assurance"),
        direction=summary.get("direction") or measure.direction,
        latest=charts.format_value(value, unit) if value is not None else "",
        latest_month=_month(summary.get("latest_month")),
        goal=charts.format_value(goal, unit) if goal is not None else "",
        meets_goal=meets,
        is_current=snapshot.is_current if snapshot is not None else True,
        error=summary.get("error") or "",
    )


class ChartPageMixin(CollaborativeViewMixin):
    permission = VIEW_COLLABORATIVE

    def prepare(self) -> None:
        # The charting functions follow measure.collaborative and collaborative.organization.
        self.collaborative.organization = self.organization

    def load_team(self) -> Team:
        team = get_object_or_404(
            Team.objects.filter(collaborative=self.collaborative).exclude(
                status=TeamStatus.APPLICANT
            ),
            pk=self.kwargs["team"],
        )
        team.collaborative = self.collaborative
        return team

    def load_measure(self, **filters: Any) -> Measure:
        measure = get_object_or_404(
            Measure.objects.filter(collaborative=self.collaborative, **filters),
            pk=self.kwargs["measure"],
        )
        measure.collaborative = self.collaborative
        return measure

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(
            name,
            kwargs={"org": self.organization.slug, "collab": self.collaborative.slug, **kwargs},
        )

    def chart_url(self, team_id: int, measure_id: int) -> str:
        return self.url("team_chart", team=team_id, measure=measure_id)

    def can_compare_teams(self) -> bool:
        """Faculty and staff always; a team's people when the collaborative shares data."""
        return sees_all_teams(self.access) or (
            bool(self.access.team_ids) and self.collaborative.data_sharing != DataSharing.NONE
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("legend", legend())
        return super().get_context_data(**kwargs)


def legend() -> list[dict[str, str]]:
    return [
        {"variation": "improving", "text": "Special cause, improving (blue)"},
        {"variation": "concerning", "text": "Special cause, concerning (orange)"},
        {"variation": "common_cause", "text": "Common cause: no signal (grey)"},
        {"assurance": "will_meet", "text": "Will reliably meet the goal"},
        {"assurance": "may_meet", "text": "May or may not meet the goal"},
        {"assurance": "will_miss", "text": "Will reliably miss the goal"},
    ]


# --- Team dashboard ----------------------------------------------------------------------


@dataclass
class Card:
    measure: Measure
    chart: dict[str, Any]
    headline: Headline
    url: str
    compare_url: str | None


class TeamDashboardView(ChartPageMixin, TemplateView):
    """Every measure the team reports, as a small chart with its icons."""

    template_name = "measures/charts/dashboard.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.prepare()
        self.team = self.load_team()
        if not sees_team_in_full(self.access, self.team):
            raise Http404("No such team.")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        team = self.team
        compare = self.can_compare_teams()
        cards = []
        series = charting.snapshots_for_team(team)
        # The collaborative's measures first, then the team's own.
        series.sort(key=lambda item: (item[0].team_id is not None, item[0].order, item[0].pk))
        for measure, _ in series:
            measure.collaborative = self.collaborative
        # Settings and learning sessions of every drawn series in one go (small charts
        # leave the PDSA cycles out).
        contexts = charting.chart_contexts_for_team(
            team,
            [item for item in series if (item[1].analysis or {}).get("points")],
            compact=True,
            with_annotations=False,
        )
        for measure, snapshot in series:
            card_headline = headline(snapshot, measure)
            chart = None
            if measure.pk in contexts:
                chart = charts.chart_block(
                    snapshot.analysis, contexts[measure.pk], chart_id=f"chart-{measure.pk}"
                )
            cards.append(
                Card(
                    measure=measure,
                    chart=chart,
                    headline=card_headline,
                    url=self.chart_url(team.pk, measure.pk),
                    compare_url=(
                        self.url("chart_measure_board", measure=measure.pk)
                        if compare and measure.team_id is None
                        else None
                    ),
                )
            )
        kwargs.update(team=team, cards=cards, page_label="Run charts")
        return super().get_context_data(**kwargs)


# --- One chart ---------------------------------------------------------------------------


def _choice_label(choices: type, value: str, default: str) -> str:
    if not value:
        return default
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _month_text(value: Any) -> str:
    month = value if isinstance(value, dt.date) else _month(_full_month(value))
    return f"{month:%B %Y}" if month else ""


def _by_month(rows: Any, text_field: str) -> dict[dt.date, str]:
    found: dict[dt.date, str] = {}
    for item in rows or []:
        month = _month(_full_month(item.get("month")))
        if month is not None:
            found[month] = item.get(text_field) or ""
    return found


def _full_month(value: Any) -> Any:
    """``2026-03`` (as forms send it) -> ``2026-03-01``."""
    text = str(value or "")
    return f"{text}-01" if len(text) == 7 else text


def describe_change(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """A settings change in plain words, one line per thing that changed."""
    lines: list[str] = []
    if old.get("chart_type", "") != new.get("chart_type", ""):
        lines.append(
            "Chart: "
            + _choice_label(SpcChart, old.get("chart_type", ""), "the measure's default")
            + " → "
            + _choice_label(SpcChart, new.get("chart_type", ""), "the measure's default")
        )
    if old.get("rule_set", "") != new.get("rule_set", ""):
        lines.append(
            "Run chart rules: "
            + _choice_label(RuleSet, old.get("rule_set", ""), "the collaborative's default")
            + " → "
            + _choice_label(RuleSet, new.get("rule_set", ""), "the collaborative's default")
        )
    old_breaks = _by_month(old.get("phase_breaks"), "label")
    new_breaks = _by_month(new.get("phase_breaks"), "label")
    for month in sorted(set(old_breaks) | set(new_breaks)):
        label = new_breaks.get(month, old_breaks.get(month, ""))
        quoted = f": “{label}”" if label else ""
        if month not in old_breaks:
            lines.append(f"New phase from {_month_text(month)}{quoted}")
        elif month not in new_breaks:
            lines.append(f"Removed the phase from {_month_text(month)}")
        elif old_breaks[month] != new_breaks[month]:
            lines.append(f"Phase from {_month_text(month)} relabelled{quoted}")
    if _month(_full_month(old.get("freeze_month"))) != _month(_full_month(new.get("freeze_month"))):
        if new.get("freeze_month"):
            lines.append(f"Baseline frozen up to {_month_text(new['freeze_month'])}")
        else:
            lines.append("Baseline no longer frozen")
    old_out = _by_month(old.get("exclusions"), "reason")
    new_out = _by_month(new.get("exclusions"), "reason")
    for month in sorted(set(old_out) | set(new_out)):
        if month not in old_out:
            lines.append(f"Left out {_month_text(month)}: “{new_out[month]}”")
        elif month not in new_out:
            lines.append(f"{_month_text(month)} back in the calculations")
        elif old_out[month] != new_out[month]:
            lines.append(f"Reason for leaving out {_month_text(month)}: “{new_out[month]}”")
    return lines or ["No visible change"]


class SeriesMixin(ChartPageMixin):
    team: Team
    measure: Measure
    label: str
    full: bool

    def load_series(self) -> None:
        self.prepare()
        self.team = self.load_team()
        self.measure = self.load_measure()
        if not can_view_chart(self.access, self.team, self.measure):
            raise Http404("No such chart.")
        self.full = sees_team_in_full(self.access, self.team)
        if self.full:
            self.label = self.team.name
        else:
            from measures.services.transfer import export_team_labels

            self.label = export_team_labels(self.collaborative, self.access).get(self.team.pk, "")
            if not self.label:
                raise Http404("No such chart.")

    def context_for(self, snapshot: ChartSnapshot) -> Any:
        return charting.chart_context_for(
            self.team, self.measure, snapshot, with_annotations=self.full
        )


class ChartDetailView(SeriesMixin, TemplateView):
    """One series in full, its settings form and their history."""

    template_name = "measures/charts/chart_detail.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_series()
        return self.render_page(self.settings_forms())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_series()
        if not can_edit_chart_settings(self.access, self.team):
            raise PermissionDenied("Only faculty, staff and the team's leads change this chart.")
        if self.collaborative.is_archived:
            raise PermissionDenied("This collaborative is archived.")
        forms = self.settings_forms(request.POST)
        if not forms.is_valid():
            return self.render_page(forms)
        try:
            saved = charting.update_chart_settings(
                team=self.team,
                measure=self.measure,
                actor=request.user,
                data=forms.service_data(),
                expected_version=forms.version,
                source="form",
            )
        except charting.StaleSettingsError as error:
            current = error.settings
            current.measure = self.measure
            return self.render_page(
                self.settings_forms(settings=current),
                conflict=error.message,
                yours=describe_change(charting.settings_data(current), forms.service_data()),
                status=409,
            )
        except charting.SettingsErrors as error:
            for name, problems in error.errors.items():
                for problem in problems:
                    forms.add_service_error(name, problem)
            return self.render_page(forms)
        except DomainError as error:
            forms.add_service_error(error.field, error.message)
            return self.render_page(forms)
        if saved.version == forms.version:
            messages.info(request, "Nothing had changed, so nothing was saved.")
        else:
            # The person who changed the settings sees the result at once: this one series
            # is analysed now (the refresh queued on commit then finds it current).
            charting.refresh_snapshot(self.team, self.measure)
            messages.success(
                request, "The chart settings are saved and the chart has been analysed again."
            )
        return HttpResponseRedirect(self.chart_url(self.team.pk, self.measure.pk) + "#chart")

    def settings_forms(
        self, data: Any = None, *, settings: ChartSettings | None = None
    ) -> ChartSettingsForms | None:
        if not can_edit_chart_settings(self.access, self.team) or self.collaborative.is_archived:
            return None
        if settings is None:
            settings = charting.chart_settings_for(self.team, self.measure)
        self.settings = settings
        months = charting.series_for(self.team, self.measure, settings=ChartSettings()).months
        return ChartSettingsForms(
            data,
            settings=settings,
            months=months,
            chart_choices=[
                (chart, SpcChart(chart).label) for chart in charting.allowed_charts(self.measure)
            ],
            default_chart_label=_choice_label(SpcChart, self.measure.default_chart, "run chart"),
            default_rule_set_label=_choice_label(
                RuleSet, self.collaborative.run_chart_rules, "IHI rules"
            ),
        )

    def render_page(
        self, forms: ChartSettingsForms | None, *, status: int | None = None, **extra: Any
    ) -> HttpResponse:
        snapshot = self.current_snapshot()
        ctx = self.context_for(snapshot)
        has_points = bool((snapshot.analysis or {}).get("points"))
        figure = (
            charting.figure_for(self.team, self.measure, snapshot, self.access)
            if has_points
            else {}
        )
        chart = charts.chart_block(
            snapshot.analysis or {"points": [], "phases": []},
            ctx,
            chart_id="chart",
            csv_url=self.url("team_chart_csv", team=self.team.pk, measure=self.measure.pk)
            if has_points
            else None,
            figure=figure,
        )
        settings = getattr(self, "settings", None) or charting.chart_settings_for(
            self.team, self.measure
        )
        history = [
            {
                "change": change,
                # Another team's people are not named to viewers from other teams.
                "by": (change.changed_by.display_name if change.changed_by else "Unknown")
                if self.full
                else "",
                "lines": describe_change(change.old, change.new),
            }
            for change in reversed(charting.settings_history(settings))
        ]
        phases = self.phase_rows(snapshot, ctx)
        context = self.get_context_data(
            team=self.team,
            team_label=self.label,
            full=self.full,
            measure=self.measure,
            snapshot=snapshot,
            chart=chart if has_points else None,
            empty_chart=not has_points,
            analysis_error=(snapshot.summary or {}).get("error", ""),
            headline=headline(snapshot, self.measure),
            chart_type_label=_choice_label(SpcChart, snapshot.chart_type, "Run chart"),
            rule_set_label=_choice_label(RuleSet, snapshot.rule_set, ""),
            phases=phases,
            settings=settings,
            forms=forms,
            history=history,
            compare_url=(
                self.url("chart_measure_board", measure=self.measure.pk)
                if self.measure.team_id is None and self.can_compare_teams()
                else None
            ),
            page_label=self.measure.name,
            **extra,
        )
        response = self.render_to_response(context)
        if status is not None:
            response.status_code = status
        return response

    def current_snapshot(self) -> ChartSnapshot:
        # Read again after a save: the refresh ran on commit (eager) or is queued (worker).
        return charting.analysis_for(self.team, self.measure)

    def phase_rows(self, snapshot: ChartSnapshot, ctx: Any) -> list[dict[str, Any]]:
        """One row per phase: its months, label, centre line and whether its runs signal."""
        analysis = snapshot.analysis or {}
        points = analysis.get("points") or []
        rows = []
        for index, phase in enumerate(analysis.get("phases") or []):
            number = phase.get("phase", index + 1)
            members = [
                position for position, point in enumerate(points) if point.get("phase") == number
            ]
            if not members:
                continue
            first, last = members[0], members[-1]
            months = ctx.months
            centre = next(
                (points[p].get("cl") for p in members if points[p].get("cl") is not None), None
            )
            rows.append(
                {
                    "number": number,
                    "label": ctx.phase_labels[index] if index < len(ctx.phase_labels) else "",
                    "start": months[first] if first < len(months) else None,
                    "end": months[last] if last < len(months) else None,
                    "centre": charts.format_value(centre, _unit(self.measure)),
                    "useful": phase.get("n_useful"),
                    "caution": phase.get("caution") or "",
                }
            )
        return rows


class ChartCsvView(SeriesMixin, View):
    """The series' data, one row per month, as the chart shows it."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load_series()
        snapshot = charting.analysis_for(self.team, self.measure)
        ctx = self.context_for(snapshot)
        name = slugify(f"{self.label} {self.measure.code} chart") or "chart"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv.writer(response)
        for row in charts.csv_rows(snapshot.analysis or {"points": [], "phases": []}, ctx):
            writer.writerow(row)
        return response


# --- Review board ------------------------------------------------------------------------


@dataclass
class BoardCell:
    measure: Measure
    headline: Headline
    url: str
    # The latest value is older than the newest month on the board: the team is behind.
    behind: bool = False


@dataclass
class BoardRow:
    team_id: int
    label: str
    named: bool
    rank: int  # the team's strongest signal (higher first)
    name_position: int = 0
    signal_position: int = 0
    cells: list[BoardCell] = field(default_factory=list)
    concerning: int = 0
    improving: int = 0


def _signal_key(row: BoardRow) -> tuple[int, int, int, str]:
    """Concerning first, then improving, then common cause; more signals before fewer."""
    return (-row.concerning, -row.improving, -row.rank, row.label.lower())


class ReviewBoardView(ChartPageMixin, TemplateView):
    """Faculty's monthly look at every team: a team x measure table of icons."""

    permission = REVIEW_REPORTS
    template_name = "measures/charts/review_board.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.prepare()
        board = charting.snapshots_for_board(self.collaborative, self.access)
        rows = []
        for team, snapshots in board.rows():
            row = BoardRow(
                team_id=team.id,
                label=team.label,
                named=team.named,
                rank=board.team_rank(team.id),
            )
            for measure, snapshot in zip(board.measures, snapshots, strict=True):
                cell_headline = headline(snapshot, measure)
                row.cells.append(
                    BoardCell(
                        measure=measure,
                        headline=cell_headline,
                        url=self.chart_url(team.id, measure.pk),
                    )
                )
                row.concerning += cell_headline.variation == "concerning"
                row.improving += cell_headline.variation == "improving"
            rows.append(row)
        newest = max(
            (
                cell.headline.latest_month
                for row in rows
                for cell in row.cells
                if cell.headline.latest_month is not None
            ),
            default=None,
        )
        for row in rows:
            for cell in row.cells:
                month = cell.headline.latest_month
                cell.behind = newest is not None and month is not None and month < newest
        for position, row in enumerate(rows):
            row.name_position = position
        for position, row in enumerate(sorted(rows, key=_signal_key)):
            row.signal_position = position
        sort, column = self.sort_order(board.measures)
        if sort == "signal" and column is not None:
            index = board.measures.index(column)
            rows.sort(key=lambda row: (row.cells[index].headline.rank, row.signal_position))
        elif sort == "signal":
            rows.sort(key=lambda row: row.signal_position)
        kwargs.update(
            board=board,
            measures=board.measures,
            rows=rows,
            sort=sort,
            sort_measure=column,
            newest_month=newest,
            stale=any(not cell.headline.is_current for row in rows for cell in row.cells),
            counts={
                "concerning": sum(row.concerning for row in rows),
                "improving": sum(row.improving for row in rows),
                "teams_concerning": sum(1 for row in rows if row.concerning),
            },
        )
        return super().get_context_data(**kwargs)

    def sort_order(self, measures: list[Measure]) -> tuple[str, Measure | None]:
        sort = self.request.GET.get("sort", "team")
        if sort not in SORTS:
            sort = "team"
        column = None
        raw = self.request.GET.get("measure")
        if sort == "signal" and raw:
            column = next((m for m in measures if str(m.pk) == raw), None)
        return sort, column


# --- One measure, every team -------------------------------------------------------------


def share_axes(figures: list[dict[str, Any]], analyses: list[dict], goals: list[Any]) -> None:
    """Put small multiples on one scale, so that a higher line is a higher value whichever
    team's chart it is: the y range covers every team's values, limits and goal, the x range
    every team's months."""
    numbers: list[float] = [goal for goal in goals if isinstance(goal, int | float)]
    for analysis in analyses:
        for point in (analysis or {}).get("points") or []:
            for key in ("value", "lcl", "ucl", "cl"):
                number = point.get(key)
                if isinstance(number, int | float) and not isinstance(number, bool):
                    numbers.append(float(number))
    if numbers:
        low, high = min(numbers), max(numbers)
        pad = (high - low) * 0.06 or abs(high) * 0.1 or 1.0
        for figure in figures:
            yaxis = figure.setdefault("layout", {}).setdefault("yaxis", {})
            if yaxis.get("visible", True):
                yaxis["range"] = [low - pad, high + pad]
    ranges = [
        figure["layout"]["xaxis"]["range"]
        for figure in figures
        if len((figure.get("layout", {}).get("xaxis", {}) or {}).get("range") or []) == 2
        and figure["layout"]["xaxis"].get("type") == "date"
    ]
    if ranges:
        start = min(str(item[0]) for item in ranges)
        end = max(str(item[1]) for item in ranges)
        for figure in figures:
            xaxis = figure["layout"].get("xaxis") or {}
            if xaxis.get("type") == "date" and xaxis.get("range"):
                xaxis["range"] = [start, end]


class MeasureBoardView(ChartPageMixin, TemplateView):
    """Small multiples of one measure for every team the caller may see, with the
    collaborative aggregate and the share of teams meeting their goal each month."""

    template_name = "measures/charts/measure_board.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.prepare()
        self.measure = self.load_measure(team__isnull=True, archived_at__isnull=True)
        if not self.can_compare_teams():
            raise PermissionDenied(
                "This collaborative does not share teams' data with other teams."
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        measure = self.measure
        board = charting.snapshots_for_board(self.collaborative, self.access, measures=[measure])
        figures = charting.board_figures(board, measure, compact=True)
        shared_scale = self.request.GET.get("scale") != "own"
        if shared_scale:
            share_axes(
                [figure for figure in figures.values() if figure],
                [
                    snapshot.analysis
                    for team in board.teams
                    if (snapshot := board.cell(team.id, measure.pk)) is not None
                ],
                goals=[
                    (snapshot.summary or {}).get("goal")
                    for team in board.teams
                    if (snapshot := board.cell(team.id, measure.pk)) is not None
                ],
            )
        own = self.access.team_ids
        multiples = []
        for team in board.teams:
            snapshot = board.cell(team.id, measure.pk)
            figure = figures.get(team.id) or {}
            chart = None
            if figure:
                chart = {
                    "id": f"team-{team.id}",
                    "title": team.label,
                    "figure": figure,
                    "summary_text": self.summary_text(team.label, snapshot, measure),
                    "compact": True,
                }
            multiples.append(
                {
                    "team": team,
                    "own": team.id in own,
                    "chart": chart,
                    "headline": headline(snapshot, measure),
                    "url": self.chart_url(team.id, measure.pk),
                }
            )
        # The caller's own team first, then as the board orders them (by label).
        multiples.sort(key=lambda item: not item["own"])
        aggregate = charting.aggregate_for(self.collaborative, measure, self.access)
        aggregate_chart = None
        if (aggregate.analysis or {}).get("points"):
            ctx = charting.chart_context_for(None, measure, aggregate)
            ctx.title = f"{measure.name}: all teams"
            aggregate_chart = charts.chart_block(
                aggregate.analysis, ctx, chart_id="aggregate", figure=aggregate.figure or None
            )
        meeting = [
            {
                "month": _month(item.get("month")),
                "teams": item.get("teams", 0),
                "meeting": item.get("meeting", 0),
                "percent": item.get("percent"),
            }
            for item in (aggregate.summary or {}).get("meeting_goal", [])
            if item.get("teams")
        ]
        kwargs.update(
            measure=measure,
            multiples=multiples,
            aggregate=aggregate,
            aggregate_chart=aggregate_chart,
            aggregate_headline=headline(aggregate, measure),
            meeting=meeting,
            is_faculty=sees_all_teams(self.access),
            anonymized=(
                not sees_all_teams(self.access)
                and self.collaborative.data_sharing == DataSharing.ANONYMIZED
            ),
            shared_scale=shared_scale,
            board_url=self.url("chart_board") if self.access.has(REVIEW_REPORTS) else None,
            measures=charting.board_measures(self.collaborative)
            if sees_all_teams(self.access)
            else [],
        )
        return super().get_context_data(**kwargs)

    @staticmethod
    def summary_text(label: str, snapshot: ChartSnapshot | None, measure: Measure) -> str:
        line = headline(snapshot, measure)
        parts = [f"{label}: {line.variation_label or 'no data yet'}."]
        if line.latest:
            parts.append(f"Latest value {line.latest}")
            if line.latest_month:
                parts[-1] += f" in {line.latest_month:%B %Y}"
            parts[-1] += "."
        if line.goal:
            parts.append(f"Goal {line.goal}.")
        if line.assurance_label:
            parts.append(line.assurance_label + ".")
        return " ".join(parts)
