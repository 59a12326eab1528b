"""The Django side of charts: series from monthly values, chart settings, snapshots.

- ``series_for(team, measure)``: one point per month from the collaborative's
  first month to the last month with a value, ready for ``measures.spc.analyze``.
- ``chart_settings_for`` / ``update_chart_settings``: how a series is charted
  (chart type, rule set, phases with labels, frozen baseline, exclusions), with
  validation per field, optimistic locking and a kept history.
- ``analysis_for(team, measure)``: the kept ``ChartSnapshot`` (analysis, figure,
  icons); computed and saved on the spot only when there is none.
- ``snapshots_for_board(collaborative, access)``: every team x measure the caller
  may see, labelled per the collaborative's data sharing, in a fixed number of
  queries; it never recomputes a snapshot that exists.
- ``aggregate_for(collaborative, measure, access)``: the collaborative's aggregate
  (sum of numerators over sum of denominators, or the mean of teams) with the
  share of teams meeting their goal each month.
- ``mark_stale`` + ``queue_refresh`` (``series_changed`` does both): called by
  every write that changes what a chart is computed from (values, settings, goals,
  measures; ``cycle_changed`` for PDSA cycles, ``collaborative_changed`` for
  learning sessions and the collaborative's rule set and dates); the Celery task
  ``measures.tasks_charts.refresh_snapshots`` recomputes on commit.

Snapshots are computed in bulk (``compute_snapshots``): values, settings and
goals of any number of series load in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bsc.audit import log_action, person_of
from bsc.exceptions import ConflictError, DomainError
from measures import deadlines
from measures.chart_permissions import (
    can_view_aggregate,
    sees_all_teams,
    sees_team_in_full,
    sees_team_notes,
)
from measures.models import (
    ChartSettings,
    ChartSettingsChange,
    ChartSnapshot,
    Direction,
    Measure,
    MeasureShape,
    MetricValue,
    RuleSet,
    SpcChart,
    TeamGoal,
)

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess
    from teams.models import Team

logger = logging.getLogger(__name__)

# The charts that fit each shape of measure (the run chart fits every shape).
CHARTS_FOR_SHAPE: dict[str, tuple[str, ...]] = {
    MeasureShape.PERCENTAGE: (SpcChart.RUN, SpcChart.P, SpcChart.PP),
    MeasureShape.RATE: (SpcChart.RUN, SpcChart.U, SpcChart.UP),
    MeasureShape.COUNT: (SpcChart.RUN, SpcChart.C),
    MeasureShape.MEAN: (SpcChart.RUN, SpcChart.I),
    MeasureShape.MEDIAN: (SpcChart.RUN, SpcChart.I),
}
RATIO_CHARTS = frozenset({SpcChart.P, SpcChart.PP, SpcChart.U, SpcChart.UP})
SIGNAL_RANK = {"concerning": 3, "improving": 2, "common_cause": 1, "no_data": 0}
MAX_LABEL = 100
# What viewers from other teams read for an exclusion when teams are anonymized.
HIDDEN_REASON = "Left out by the team."
MAX_REASON = 300
# The fields of a measure that its charts are computed from.
CHART_INPUTS = frozenset(
    {"name", "unit", "shape", "rate_per", "direction", "goal", "default_chart"}
)
# Bumped when what this module feeds the statistics or the figure changes.
CHARTING_VERSION = "1"


# --- Series ------------------------------------------------------------------------------


@dataclass
class Series:
    """One team's (or the collaborative's) monthly series of one measure, as analysed.

    Positions are 1-based, as ``measures.spc.analyze`` takes them: a phase break
    ``k`` starts a new phase after the k-th month; ``freeze`` is the last month
    of the baseline; ``exclude`` the excluded months.
    """

    measure_id: int
    team_id: int | None
    months: list[dt.date]
    y: list[float | None]
    n: list[float | None] | None
    multiply: float
    chart_type: str
    rule_set: str
    direction: str
    goal: float | None
    phase_breaks: list[int] = field(default_factory=list)
    phase_labels: list[str] = field(default_factory=lambda: [""])
    freeze: int | None = None
    exclude: list[int] = field(default_factory=list)
    excluded_reasons: dict[dt.date, str] = field(default_factory=dict)

    @property
    def has_values(self) -> bool:
        return any(value is not None for value in self.y)

    def analyze_kwargs(self) -> dict[str, Any]:
        """The arguments of ``measures.spc.analyze`` for this series."""
        return {
            "chart": self.chart_type,
            "y": list(self.y),
            "n": list(self.n) if self.n is not None else None,
            "x": [month.isoformat() for month in self.months],
            "phase_breaks": tuple(self.phase_breaks),
            "freeze": None if self.phase_breaks else self.freeze,
            "exclude": tuple(self.exclude),
            "multiply": self.multiply,
        }

    def position_of(self, month: dt.date) -> int | None:
        """1-based position of ``month`` in the series; None outside it."""
        try:
            return self.months.index(month) + 1
        except ValueError:
            return None


def allowed_charts(measure: Measure) -> tuple[str, ...]:
    return CHARTS_FOR_SHAPE.get(measure.shape, (SpcChart.RUN,))


def multiply_for(measure: Measure) -> float:
    if measure.shape == MeasureShape.PERCENTAGE:
        return 100.0
    if measure.shape == MeasureShape.RATE:
        return float(measure.rate_per or 1)
    return 1.0


def _float(number: Decimal | None) -> float | None:
    return None if number is None else float(number)


def _month(text: Any) -> dt.date | None:
    """``2026-03``, ``2026-03-01`` (or a date) -> 1 March 2026; None for anything else."""
    if isinstance(text, dt.datetime):
        return None
    if isinstance(text, dt.date):
        return text.replace(day=1) if text.day == 1 else None
    if not isinstance(text, str):
        return None
    parts = text.strip().split("-")
    try:
        if len(parts) == 2 and len(parts[0]) == 4:
            return dt.date(int(parts[0]), int(parts[1]), 1)
        if len(parts) == 3 and len(parts[0]) == 4:
            day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return day if day.day == 1 else None
    except ValueError:
        return None
    return None


def _today() -> dt.date:
    return timezone.localdate()


def series_months(
    collaborative: Collaborative, value_months: list[dt.date], *, today: dt.date | None = None
) -> list[dt.date]:
    """From the collaborative's first month to the last month with a value (or, without
    any value yet, to the current month within the collaborative)."""
    start = deadlines.first_of_month(collaborative.start_date)
    if value_months:
        start = min(start, min(value_months))
        end = max(value_months)
    else:
        end = min(
            deadlines.first_of_month(today or _today()),
            deadlines.first_of_month(collaborative.end_date),
        )
    months = []
    month = start
    while month <= end:
        months.append(month)
        month += relativedelta(months=1)
    return months


@dataclass
class _Row:
    month: dt.date
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    not_available: bool


def _points(measure: Measure, chart_type: str, rows: dict[dt.date, _Row], months: list[dt.date]):
    """``y`` and ``n`` per month: numerator/denominator for ratio measures, else the value."""
    y: list[float | None] = []
    n: list[float | None] | None = [] if measure.is_ratio else None
    for month in months:
        row = rows.get(month)
        if row is None or row.not_available:
            y.append(None)
            if n is not None:
                n.append(None)
            continue
        if measure.is_ratio:
            numerator, denominator = row.numerator, row.denominator
            if numerator is None or denominator is None or denominator == 0:
                # 0/0 or a missing half: a missing point (statistics.md 1.2).
                y.append(None)
                n.append(None)  # type: ignore[union-attr]
            else:
                y.append(float(numerator))
                n.append(float(denominator))  # type: ignore[union-attr]
        else:
            y.append(_float(row.value))
    return y, n


def _build_series(
    *,
    collaborative: Collaborative,
    measure: Measure,
    team_id: int | None,
    rows: dict[dt.date, _Row],
    settings: ChartSettings | None,
    goal: float | None,
    today: dt.date | None = None,
) -> Series:
    months = series_months(collaborative, list(rows), today=today)
    chart_type = (settings.chart_type if settings else "") or measure.default_chart
    if chart_type not in allowed_charts(measure):
        chart_type = SpcChart.RUN
    rule_set = (settings.rule_set if settings else "") or collaborative.run_chart_rules
    y, n = _points(measure, chart_type, rows, months)
    series = Series(
        measure_id=measure.pk,
        team_id=team_id,
        months=months,
        y=y,
        n=n,
        multiply=multiply_for(measure),
        chart_type=chart_type,
        rule_set=rule_set,
        direction=measure.direction,
        goal=goal,
    )
    if settings is not None:
        _apply_settings(series, settings)
    return series


def _apply_settings(series: Series, settings: ChartSettings) -> None:
    """Months of phase breaks, baseline and exclusions -> positions (months outside the
    series, e.g. after a value was removed, are left out)."""
    breaks = []
    for item in settings.phase_breaks or []:
        month = _month(item.get("month"))
        position = series.position_of(month) if month else None
        if position is not None and position > 1:
            breaks.append((position - 1, str(item.get("label") or "")))
    breaks.sort()
    series.phase_breaks = [position for position, _ in breaks]
    series.phase_labels = [""] + [label for _, label in breaks]
    if settings.freeze_month and not breaks:
        series.freeze = series.position_of(settings.freeze_month)
    for item in settings.exclusions or []:
        month = _month(item.get("month"))
        position = series.position_of(month) if month else None
        if position is not None:
            series.exclude.append(position)
            series.excluded_reasons[month] = str(item.get("reason") or "")
    series.exclude.sort()


class _Data:
    """Values, settings and goals of some teams' series of some measures: four queries."""

    def __init__(
        self,
        collaborative: Collaborative,
        team_ids: list[int],
        measures: list[Measure],
    ):
        measure_ids = [measure.pk for measure in measures]
        self.rows: dict[tuple[int, int], dict[dt.date, _Row]] = defaultdict(dict)
        values = MetricValue.objects.filter(
            measure_id__in=measure_ids, team_id__in=team_ids
        ).values_list(
            "team_id", "measure_id", "month", "numerator", "denominator", "value", "not_available"
        )
        for team_id, measure_id, month, numerator, denominator, value, not_available in values:
            self.rows[(team_id, measure_id)][month] = _Row(
                month, numerator, denominator, value, not_available
            )
        self.settings = {
            (item.team_id, item.measure_id): item
            for item in ChartSettings.objects.filter(
                measure_id__in=measure_ids, team_id__in=team_ids
            )
        }
        self.goals = {
            (team_id, measure_id): float(goal)
            for team_id, measure_id, goal in TeamGoal.objects.filter(
                measure_id__in=measure_ids, team_id__in=team_ids
            ).values_list("team_id", "measure_id", "goal")
        }
        self.collaborative = collaborative

    def goal(self, team_id: int | None, measure: Measure) -> float | None:
        if team_id is not None and (team_id, measure.pk) in self.goals:
            return self.goals[(team_id, measure.pk)]
        return _float(measure.goal)

    def series(self, team_id: int, measure: Measure, today: dt.date | None = None) -> Series:
        return _build_series(
            collaborative=self.collaborative,
            measure=measure,
            team_id=team_id,
            rows=self.rows.get((team_id, measure.pk), {}),
            settings=self.settings.get((team_id, measure.pk)),
            goal=self.goal(team_id, measure),
            today=today,
        )


def goal_for(team: Team | None, measure: Measure) -> float | None:
    """The team's own goal for the measure, else the measure's goal (plotted units)."""
    if team is not None and measure.team_id is None:
        own = TeamGoal.objects.filter(team=team, measure=measure).values_list("goal", flat=True)
        for goal in own:
            return float(goal)
    return _float(measure.goal)


def series_for(team: Team, measure: Measure, *, settings: ChartSettings | None = None) -> Series:
    """The team's monthly series of ``measure`` (with ``settings``, or its saved ones)."""
    collaborative = team.collaborative
    rows = {
        month: _Row(month, numerator, denominator, value, not_available)
        for month, numerator, denominator, value, not_available in MetricValue.objects.filter(
            team=team, measure=measure
        ).values_list("month", "numerator", "denominator", "value", "not_available")
    }
    if settings is None:
        settings = ChartSettings.objects.filter(team=team, measure=measure).first()
    return _build_series(
        collaborative=collaborative,
        measure=measure,
        team_id=team.pk,
        rows=rows,
        settings=settings,
        goal=goal_for(team, measure),
    )


# --- Chart settings ----------------------------------------------------------------------


class StaleSettingsError(ConflictError):
    """Someone changed the chart settings after the caller read them."""

    def __init__(self, settings: ChartSettings):
        super().__init__(
            "Someone else changed this chart's settings after you opened them. Nothing of "
            "yours was saved: check their changes and make yours again."
        )
        self.settings = settings


class SettingsErrors(DomainError):
    """Several fields at fault: ``errors`` maps a field to its messages."""

    def __init__(self, message: str, errors: dict[str, list[str]]):
        super().__init__(message, field=next(iter(errors), None))
        self.errors = errors


SETTINGS_FIELDS = ("chart_type", "rule_set", "phase_breaks", "freeze_month", "exclusions")


def chart_settings_for(team: Team, measure: Measure) -> ChartSettings:
    """The saved settings of the series, or unsaved defaults (version 0)."""
    settings = ChartSettings.objects.filter(team=team, measure=measure).first()
    if settings is None:
        settings = ChartSettings(organization_id=team.organization_id, team=team, measure=measure)
    return settings


def settings_data(settings: ChartSettings) -> dict[str, Any]:
    """The settings as JSON-ready data (history rows, the API)."""
    return {
        "chart_type": settings.chart_type,
        "rule_set": settings.rule_set,
        "phase_breaks": list(settings.phase_breaks or []),
        "freeze_month": settings.freeze_month.isoformat() if settings.freeze_month else None,
        "exclusions": list(settings.exclusions or []),
    }


def _month_error(name: str) -> str:
    return f"Give the {name} as a month, YYYY-MM, e.g. 2026-03."


def _clean_settings(
    team: Team, measure: Measure, current: ChartSettings, data: dict[str, Any]
) -> dict[str, Any]:
    """Check ``data`` (any of SETTINGS_FIELDS) against the series; raise every error at once."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - set(SETTINGS_FIELDS))
    for name in unknown:
        errors.setdefault(name, []).append("Not a chart setting.")
    merged = settings_data(current)
    merged.update({key: value for key, value in data.items() if key in SETTINGS_FIELDS})
    months = series_for(team, measure, settings=ChartSettings()).months
    month_set = set(months)
    span = f"{months[0]:%B %Y} to {months[-1]:%B %Y}" if months else "no months yet (no values)"

    chart_type = merged.get("chart_type") or ""
    if not isinstance(chart_type, str) or (
        chart_type and chart_type not in allowed_charts(measure)
    ):
        names = ", ".join(SpcChart(chart).label for chart in allowed_charts(measure))
        errors.setdefault("chart_type", []).append(f"This measure is shown on one of: {names}.")
        chart_type = ""
    rule_set = merged.get("rule_set") or ""
    if not isinstance(rule_set, str) or (rule_set and rule_set not in RuleSet.values):
        errors.setdefault("rule_set", []).append("Choose the IHI rules or the Anhøj rules.")
        rule_set = ""

    breaks = merged.get("phase_breaks") or []
    clean_breaks: list[dict[str, str]] = []
    if not isinstance(breaks, list):
        errors.setdefault("phase_breaks", []).append(
            "Give the phase breaks as a list of {month, label}."
        )
        breaks = []
    seen: set[dt.date] = set()
    for index, item in enumerate(breaks, start=1):
        if not isinstance(item, dict):
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: give a month and a label."
            )
            continue
        month = _month(item.get("month"))
        label = item.get("label") or ""
        if month is None:
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: " + _month_error("month")
            )
            continue
        if month not in month_set:
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: {month:%B %Y} is outside the series ({span})."
            )
            continue
        if month == months[0]:
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: a new phase cannot start in the first month ({month:%B %Y})."
            )
            continue
        if month in seen:
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: {month:%B %Y} already starts a phase."
            )
            continue
        if not isinstance(label, str) or len(label.strip()) > MAX_LABEL:
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: give a label of at most {MAX_LABEL} letters."
            )
            continue
        seen.add(month)
        clean_breaks.append({"month": month.isoformat(), "label": label.strip()})
    clean_breaks.sort(key=lambda item: item["month"])

    freeze_raw = merged.get("freeze_month")
    freeze: dt.date | None = None
    if freeze_raw not in (None, ""):
        freeze = _month(freeze_raw)
        if freeze is None:
            errors.setdefault("freeze_month", []).append(_month_error("last baseline month"))
        elif freeze not in month_set:
            errors.setdefault("freeze_month", []).append(
                f"{freeze:%B %Y} is outside the series ({span})."
            )
            freeze = None
        elif breaks:
            errors.setdefault(
                "freeze_month" if "freeze_month" in data else "phase_breaks", []
            ).append(
                "A chart has either phases or a frozen baseline, not both: remove the "
                "phase breaks or the baseline."
            )

    exclusions = merged.get("exclusions") or []
    clean_exclusions: list[dict[str, str]] = []
    if not isinstance(exclusions, list):
        errors.setdefault("exclusions", []).append(
            "Give the excluded months as a list of {month, reason}."
        )
        exclusions = []
    excluded: set[dt.date] = set()
    for index, item in enumerate(exclusions, start=1):
        if not isinstance(item, dict):
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: give a month and a reason."
            )
            continue
        month = _month(item.get("month"))
        reason = item.get("reason")
        if month is None:
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: " + _month_error("month")
            )
            continue
        if month not in month_set:
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: {month:%B %Y} is outside the series ({span})."
            )
            continue
        if month in excluded:
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: {month:%B %Y} is already excluded."
            )
            continue
        if not isinstance(reason, str) or not reason.strip():
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: say why {month:%B %Y} is left out."
            )
            continue
        if len(reason.strip()) > MAX_REASON:
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: keep the reason under {MAX_REASON} letters."
            )
            continue
        excluded.add(month)
        clean_exclusions.append({"month": month.isoformat(), "reason": reason.strip()})
    clean_exclusions.sort(key=lambda item: item["month"])

    if errors:
        first = next(iter(errors.values()))[0]
        raise SettingsErrors(f"The chart settings were not saved: {first}", errors)
    return {
        "chart_type": chart_type,
        "rule_set": rule_set,
        "phase_breaks": clean_breaks,
        "freeze_month": freeze,
        "exclusions": clean_exclusions,
    }


def update_chart_settings(
    *,
    team: Team,
    measure: Measure,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None,
    source: str = "form",
) -> ChartSettings:
    """Change how the series is charted (only the keys in ``data``).

    ``expected_version`` is the version the caller read (0 for defaults never saved);
    a newer one answers ``StaleSettingsError``. Keeps a ``ChartSettingsChange`` and an
    audit entry, marks the series' snapshot stale and queues its refresh on commit.
    """
    from collaboratives.services.core import ensure_not_archived

    if measure.collaborative_id != team.collaborative_id or (
        measure.team_id is not None and measure.team_id != team.pk
    ):
        raise DomainError("This team does not report this measure.", field="measure", status=404)
    ensure_not_archived(team.collaborative)
    with transaction.atomic():
        current = (
            ChartSettings.objects.select_for_update().filter(team=team, measure=measure).first()
        )
        if current is None:
            current = ChartSettings(
                organization_id=team.organization_id, team=team, measure=measure
            )
        if expected_version is not None and current.version != expected_version:
            raise StaleSettingsError(current)
        cleaned = _clean_settings(team, measure, current, data)
        old = settings_data(current)
        for key, value in cleaned.items():
            setattr(current, key, value)
        new = settings_data(current)
        if old == new:
            return current
        person = person_of(actor)
        current.updated_by = person
        if current.pk is None:
            current.version = 1
            try:
                with transaction.atomic():
                    current.save()
            except IntegrityError:
                # Someone saved the first settings of this series at the same moment.
                raise StaleSettingsError(
                    ChartSettings.objects.get(team=team, measure=measure)
                ) from None
        else:
            updated = ChartSettings.objects.filter(pk=current.pk, version=current.version).update(
                version=current.version + 1,
                chart_type=current.chart_type,
                rule_set=current.rule_set,
                phase_breaks=current.phase_breaks,
                freeze_month=current.freeze_month,
                exclusions=current.exclusions,
                updated_by=person,
                updated_at=timezone.now(),
            )
            if not updated:
                raise StaleSettingsError(ChartSettings.objects.get(pk=current.pk))
            current.refresh_from_db()
        ChartSettingsChange.objects.create(
            organization_id=current.organization_id,
            settings=current,
            changed_by=person,
            old=old,
            new=new,
            source=source,
        )
        log_action(
            organization=team.organization,
            actor=actor,
            action="bsc.chart.settings_changed",
            target=current,
            data={
                "team": team.name,
                "measure": measure.name,
                "fields": ", ".join(key for key in new if old.get(key) != new.get(key)),
                "version": current.version,
                "source": source,
            },
        )
        series_changed(
            organization_id=team.organization_id, measure_ids=[measure.pk], team_ids=[team.pk]
        )
    return current


def settings_history(settings: ChartSettings) -> list[ChartSettingsChange]:
    if settings.pk is None:
        return []
    return list(ChartSettingsChange.objects.filter(settings=settings).select_related("changed_by"))


# --- Analysis and snapshots --------------------------------------------------------------


def _charts_module() -> Any:
    """``measures.charts`` (figures, icons, explanations)."""
    from measures import charts

    return charts


def _empty_analysis(series: Series, error: str | None = None) -> dict[str, Any]:
    analysis: dict[str, Any] = {"chart": series.chart_type, "points": [], "phases": []}
    if error:
        analysis["error"] = error
    return analysis


def analyse(series: Series) -> dict[str, Any]:
    """The section-9 dictionary of the series (empty points without any value; ``error``
    when the statistics refuse the data)."""
    from measures.spc import analyze

    if not series.has_values:
        return _empty_analysis(series)
    try:
        return analyze(**series.analyze_kwargs()).as_dict()
    except ValueError as error:
        logger.warning("Series %s x %s not analysed: %s", series.team_id, series.measure_id, error)
        return _empty_analysis(series, str(error))


@dataclass
class _Context:
    """What the figure shows besides the analysis (shared by the series of one collaborative)."""

    sessions: list[tuple[dt.date, dt.date, str]]
    annotations: dict[tuple[int, int], list[dict[str, Any]]]


def _sessions(collaborative: Collaborative) -> list[tuple[dt.date, dt.date, str]]:
    from collaboratives.models import LearningSession

    return [
        (start, end, f"Learning Session {number}: {title}")
        for number, title, start, end in LearningSession.objects.filter(
            collaborative=collaborative
        ).values_list("number", "title", "start_date", "end_date")
    ]


def _annotations_bulk(
    team_ids: list[int], measure_ids: list[int], start: dt.date, end: dt.date
) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """PDSA cycles per (team id, measure id), drawn as annotations (one query)."""
    from pdsa.annotations import cycle_annotations_bulk

    if not team_ids or not measure_ids:
        return {}
    return cycle_annotations_bulk(team_ids, measure_ids, start, end)


def _series_end(collaborative: Collaborative) -> dt.date:
    return max(_today(), collaborative.end_date)


def _load_context(
    collaborative: Collaborative, team_ids: list[int], measure_ids: list[int]
) -> _Context:
    start = deadlines.first_of_month(collaborative.start_date) - relativedelta(years=1)
    return _Context(
        sessions=_sessions(collaborative),
        annotations=_annotations_bulk(team_ids, measure_ids, start, _series_end(collaborative)),
    )


def _chart_context(
    series: Series,
    measure: Measure,
    context: _Context,
    *,
    compact: bool = False,
    with_annotations: bool = True,
) -> Any:
    charts = _charts_module()
    annotations: list[dict[str, Any]] = []
    if with_annotations and series.team_id is not None and series.months:
        first, last = series.months[0], series.months[-1] + relativedelta(months=1)
        annotations = [
            item
            for item in context.annotations.get((series.team_id, measure.pk), [])
            if first <= item["date"] < last
        ]
    return charts.ChartContext(
        title=measure.name,
        measure_name=measure.name,
        unit=measure.unit or ("%" if measure.shape == MeasureShape.PERCENTAGE else ""),
        direction=measure.direction or Direction.UP,
        goal=series.goal,
        rule_set=series.rule_set,
        months=list(series.months),
        phase_labels=list(series.phase_labels),
        sessions=list(context.sessions),
        annotations=annotations,
        excluded_reasons=dict(series.excluded_reasons),
        compact=compact,
    )


def _spc_version() -> str:
    from measures.spc import SPC_VERSION

    return str(SPC_VERSION)


def fingerprint(series: Series, measure: Measure, ctx: Any) -> str:
    """A hash of everything a snapshot is computed from."""
    payload = {
        "spc": _spc_version(),
        "charting": CHARTING_VERSION,
        "months": [month.isoformat() for month in series.months],
        "y": series.y,
        "n": series.n,
        "multiply": series.multiply,
        "chart": series.chart_type,
        "rule_set": series.rule_set,
        "breaks": series.phase_breaks,
        "labels": series.phase_labels,
        "freeze": series.freeze,
        "exclude": series.exclude,
        "reasons": {month.isoformat(): reason for month, reason in series.excluded_reasons.items()},
        "goal": series.goal,
        "direction": series.direction,
        "measure": [measure.name, measure.unit],
        "sessions": ctx.sessions,
        "annotations": ctx.annotations,
    }
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _latest(analysis: dict[str, Any]) -> tuple[float | None, str | None]:
    for point in reversed(analysis.get("points") or []):
        if point.get("value") is not None:
            return point["value"], str(point.get("x"))
    return None, None


def summarize(analysis: dict[str, Any], series: Series, ctx: Any) -> dict[str, Any]:
    """Icons and headline numbers read by the dashboard and the board."""
    charts = _charts_module()
    if analysis.get("points") and any(p.get("value") is not None for p in analysis["points"]):
        variation = charts.variation_icon(analysis, series.direction, rule_set=series.rule_set)
        assurance = (
            charts.assurance_icon(analysis, series.goal, series.direction)
            if series.goal is not None
            else None
        )
        explanations = [item.text for item in charts.explain_signals(analysis, ctx)]
    else:
        variation, assurance, explanations = "no_data", None, []
    latest_value, latest_month = _latest(analysis)
    summary = {
        "variation": variation,
        "assurance": assurance,
        "latest_value": latest_value,
        "latest_month": latest_month,
        "goal": series.goal,
        "direction": series.direction,
        "explanations": explanations,
        "signal_rank": SIGNAL_RANK.get(variation, 0),
    }
    if analysis.get("error"):
        summary["error"] = analysis["error"]
    return summary


def _snapshot_fields(series: Series, measure: Measure, context: _Context) -> dict[str, Any]:
    charts = _charts_module()
    ctx = _chart_context(series, measure, context)
    analysis = analyse(series)
    figure = charts.build_figure(analysis, ctx) if analysis.get("points") else {}
    return {
        "chart_type": series.chart_type,
        "rule_set": series.rule_set,
        "analysis": analysis,
        "figure": figure,
        "summary": summarize(analysis, series, ctx),
        "fingerprint": fingerprint(series, measure, ctx),
        "is_current": True,
        "computed_at": timezone.now(),
    }


def _save_snapshots(
    collaborative: Collaborative,
    computed: list[tuple[Measure, int | None, dict[str, Any]]],
    existing: dict[tuple[int, int | None], ChartSnapshot],
) -> list[ChartSnapshot]:
    """Create or update snapshots in bulk (one query for new ones, one per changed one)."""
    saved = []
    new = []
    for measure, team_id, fields in computed:
        snapshot = existing.get((measure.pk, team_id))
        if snapshot is None:
            snapshot = ChartSnapshot(
                organization_id=collaborative.organization_id,
                collaborative=collaborative,
                measure=measure,
                team_id=team_id,
                **fields,
            )
            new.append(snapshot)
        else:
            for key, value in fields.items():
                setattr(snapshot, key, value)
            snapshot.save(update_fields=[*fields])
        saved.append(snapshot)
    if new:
        try:
            with transaction.atomic():
                ChartSnapshot.objects.bulk_create(new)
        except IntegrityError:
            # Another worker made some of them at the same moment: save one by one.
            for snapshot in new:
                _upsert(snapshot)
    return saved


def _upsert(snapshot: ChartSnapshot) -> None:
    fields = {
        key: getattr(snapshot, key)
        for key in (
            "chart_type",
            "rule_set",
            "analysis",
            "figure",
            "summary",
            "fingerprint",
            "is_current",
            "computed_at",
        )
    }
    found = ChartSnapshot.objects.filter(measure_id=snapshot.measure_id, team_id=snapshot.team_id)
    if snapshot.team_id is None:
        found = ChartSnapshot.objects.filter(measure_id=snapshot.measure_id, team__isnull=True)
    if not found.update(**fields):
        snapshot.save()
    else:
        snapshot.pk = found.values_list("pk", flat=True).first()


def compute_snapshots(
    collaborative: Collaborative,
    team_ids: list[int],
    measures: list[Measure],
    *,
    force: bool = False,
    only_missing: bool = False,
) -> dict[tuple[int, int], ChartSnapshot]:
    """Snapshots of every team x measure series (a team's own measures only for that team).

    A snapshot whose fingerprint still matches is only marked current (no new
    analysis) unless ``force``; with ``only_missing`` existing snapshots are left
    untouched. Returns (team id, measure id) -> snapshot.
    """
    if not team_ids or not measures:
        return {}
    data = _Data(collaborative, team_ids, measures)
    existing = {
        (snapshot.measure_id, snapshot.team_id): snapshot
        for snapshot in ChartSnapshot.objects.filter(measure__in=measures, team_id__in=team_ids)
    }
    pairs = [
        (team_id, measure)
        for team_id in team_ids
        for measure in measures
        if measure.team_id is None or measure.team_id == team_id
    ]
    if only_missing:
        pairs = [(t, m) for t, m in pairs if (m.pk, t) not in existing]
    result = {
        (team_id, measure_id): snapshot for (measure_id, team_id), snapshot in existing.items()
    }
    if not pairs:
        return result
    context = _load_context(
        collaborative,
        sorted({team_id for team_id, _ in pairs}),
        sorted({measure.pk for _, measure in pairs}),
    )
    computed = []
    refreshed = []
    for team_id, measure in pairs:
        series = data.series(team_id, measure)
        snapshot = existing.get((measure.pk, team_id))
        if snapshot is not None and not force:
            ctx = _chart_context(series, measure, context)
            if snapshot.fingerprint == fingerprint(series, measure, ctx):
                if not snapshot.is_current:
                    refreshed.append(snapshot.pk)
                    snapshot.is_current = True
                continue
        computed.append((measure, team_id, _snapshot_fields(series, measure, context)))
    if refreshed:
        ChartSnapshot.objects.filter(pk__in=refreshed).update(is_current=True)
    for snapshot in _save_snapshots(collaborative, computed, existing):
        result[(snapshot.team_id, snapshot.measure_id)] = snapshot
    return result


def analysis_for(team: Team, measure: Measure) -> ChartSnapshot:
    """The kept snapshot of the series, even a stale one (its refresh is queued); computed
    and saved here only when the series has none yet."""
    if measure.collaborative_id != team.collaborative_id or (
        measure.team_id is not None and measure.team_id != team.pk
    ):
        raise DomainError("This team does not report this measure.", field="measure", status=404)
    snapshot = ChartSnapshot.objects.filter(team=team, measure=measure).first()
    if snapshot is not None:
        return snapshot
    snapshots = compute_snapshots(team.collaborative, [team.pk], [measure], only_missing=True)
    return snapshots[(team.pk, measure.pk)]


def refresh_snapshot(team: Team, measure: Measure) -> ChartSnapshot:
    """Recompute the series' snapshot now if anything it depends on changed."""
    return compute_snapshots(team.collaborative, [team.pk], [measure])[(team.pk, measure.pk)]


# --- Aggregate ---------------------------------------------------------------------------


def _meets(value: float, goal: float, direction: str) -> bool:
    return value <= goal if direction == Direction.DOWN else value >= goal


def _aggregate_chart(measure: Measure) -> str:
    chart = measure.default_chart
    if measure.is_ratio:
        return chart if chart in allowed_charts(measure) else SpcChart.RUN
    # The mean of teams' counts is no count: an I chart in place of a c chart.
    if chart == SpcChart.C:
        return SpcChart.I
    return chart if chart in (SpcChart.RUN, SpcChart.I) else SpcChart.RUN


def aggregate_series(
    collaborative: Collaborative, measure: Measure, team_ids: list[int]
) -> tuple[Series, list[dict[str, Any]]]:
    """The collaborative's series of ``measure`` over ``team_ids``, and per month the share
    of teams meeting their goal (of the teams with a value and a goal that month)."""
    data = _Data(collaborative, team_ids, [measure])
    by_month: dict[dt.date, list[tuple[int, _Row]]] = defaultdict(list)
    for (team_id, _), rows in data.rows.items():
        for month, row in rows.items():
            by_month[month].append((team_id, row))
    months = series_months(collaborative, list(by_month))
    multiply = multiply_for(measure)
    y: list[float | None] = []
    n: list[float | None] | None = [] if measure.is_ratio else None
    meeting: list[dict[str, Any]] = []
    for month in months:
        numerators = denominators = 0.0
        values: list[float] = []
        teams_with_goal = teams_meeting = 0
        for team_id, row in by_month.get(month, []):
            if row.not_available:
                continue
            if measure.is_ratio:
                if row.numerator is None or row.denominator is None or row.denominator == 0:
                    continue
                numerators += float(row.numerator)
                denominators += float(row.denominator)
                plotted = float(row.numerator) / float(row.denominator) * multiply
            else:
                if row.value is None:
                    continue
                values.append(float(row.value))
                plotted = float(row.value)
            goal = data.goal(team_id, measure)
            if goal is not None:
                teams_with_goal += 1
                teams_meeting += _meets(plotted, goal, measure.direction)
        if measure.is_ratio:
            y.append(numerators if denominators else None)
            n.append(denominators if denominators else None)  # type: ignore[union-attr]
        else:
            y.append(sum(values) / len(values) if values else None)
        meeting.append(
            {
                "month": month.isoformat(),
                "teams": teams_with_goal,
                "meeting": teams_meeting,
                "percent": (100.0 * teams_meeting / teams_with_goal) if teams_with_goal else None,
            }
        )
    series = Series(
        measure_id=measure.pk,
        team_id=None,
        months=months,
        y=y,
        n=n,
        multiply=multiply,
        chart_type=_aggregate_chart(measure),
        rule_set=collaborative.run_chart_rules,
        direction=measure.direction,
        goal=_float(measure.goal),
    )
    return series, meeting


def _aggregate_team_ids(collaborative: Collaborative) -> list[int]:
    from teams.models import Team, TeamStatus

    return list(
        Team.objects.filter(collaborative=collaborative)
        .exclude(status=TeamStatus.APPLICANT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def compute_aggregate(
    collaborative: Collaborative, measure: Measure, *, force: bool = False
) -> ChartSnapshot:
    series, meeting = aggregate_series(collaborative, measure, _aggregate_team_ids(collaborative))
    context = _Context(sessions=_sessions(collaborative), annotations={})
    ctx = _chart_context(series, measure, context)
    existing = ChartSnapshot.objects.filter(measure=measure, team__isnull=True).first()
    # The share of teams meeting their goal depends on the teams' own goals too.
    text = fingerprint(series, measure, ctx) + json.dumps(meeting, sort_keys=True)
    print_ = hashlib.sha256(text.encode()).hexdigest()
    if existing is not None and not force and existing.fingerprint == print_:
        if not existing.is_current:
            existing.is_current = True
            existing.save(update_fields=["is_current"])
        return existing
    fields = _snapshot_fields(series, measure, context)
    fields["summary"]["meeting_goal"] = meeting
    fields["fingerprint"] = print_
    saved = _save_snapshots(
        collaborative,
        [(measure, None, fields)],
        {(measure.pk, None): existing} if existing else {},
    )
    return saved[0]


def aggregate_for(
    collaborative: Collaborative, measure: Measure, access: CollaborativeAccess
) -> ChartSnapshot:
    """The collaborative's aggregate snapshot of a collaborative measure (404 for a
    team's own measure); computed here only when there is none."""
    if not can_view_aggregate(access, measure):
        raise DomainError("No such measure.", field="measure", status=404)
    snapshot = ChartSnapshot.objects.filter(measure=measure, team__isnull=True).first()
    if snapshot is not None:
        return snapshot
    return compute_aggregate(collaborative, measure)


# --- Board -------------------------------------------------------------------------------


@dataclass
class BoardTeam:
    id: int
    label: str
    named: bool  # the caller sees the team's real name (its own, faculty, named sharing)
    full: bool  # the caller sees the team's details (annotations, its own measures)


@dataclass
class Board:
    """Every team x collaborative measure the caller may see, with its snapshot."""

    collaborative: Collaborative
    teams: list[BoardTeam]
    measures: list[Measure]
    snapshots: dict[tuple[int, int], ChartSnapshot]

    def cell(self, team_id: int, measure_id: int) -> ChartSnapshot | None:
        return self.snapshots.get((team_id, measure_id))

    def rows(self) -> list[tuple[BoardTeam, list[ChartSnapshot | None]]]:
        return [
            (team, [self.cell(team.id, measure.pk) for measure in self.measures])
            for team in self.teams
        ]

    def team_rank(self, team_id: int) -> int:
        """The team's strongest signal (for sorting by signal)."""
        ranks = [
            (snapshot.summary or {}).get("signal_rank", 0)
            for measure in self.measures
            if (snapshot := self.cell(team_id, measure.pk)) is not None
        ]
        return max(ranks, default=0)


def board_measures(collaborative: Collaborative) -> list[Measure]:
    return list(
        Measure.objects.filter(
            collaborative=collaborative, team__isnull=True, archived_at__isnull=True
        ).order_by("order", "id")
    )


def snapshots_for_board(
    collaborative: Collaborative,
    access: CollaborativeAccess,
    *,
    measures: list[Measure] | None = None,
) -> Board:
    """The board in a fixed number of queries, whatever the number of teams or measures.

    Existing snapshots are read as they are (a stale one's refresh is already queued);
    missing ones are computed together and saved.
    """
    from collaboratives.models.core import DataSharing
    from measures.services.transfer import export_team_labels

    labels = export_team_labels(collaborative, access)
    if measures is None:
        measures = board_measures(collaborative)
    measures = [measure for measure in measures if measure.team_id is None]
    team_ids = list(labels)
    all_teams = sees_all_teams(access)
    named_sharing = collaborative.data_sharing == DataSharing.NAMED
    teams = [
        BoardTeam(
            id=pk,
            label=label,
            named=all_teams or named_sharing or pk in access.team_ids,
            full=all_teams or pk in access.team_ids,
        )
        for pk, label in labels.items()
    ]
    teams.sort(key=lambda team: team.label.lower())
    snapshots = {
        (snapshot.team_id, snapshot.measure_id): snapshot
        for snapshot in ChartSnapshot.objects.filter(
            measure__in=measures, team_id__in=team_ids
        ).defer("figure")
    }
    missing = [
        (team_id, measure)
        for team_id in team_ids
        for measure in measures
        if (team_id, measure.pk) not in snapshots
    ]
    if missing:
        computed = compute_snapshots(
            collaborative,
            sorted({team_id for team_id, _ in missing}),
            [m for m in measures if any(m.pk == mm.pk for _, mm in missing)],
            only_missing=True,
        )
        for key, snapshot in computed.items():
            snapshots.setdefault(key, snapshot)
    return Board(collaborative=collaborative, teams=teams, measures=measures, snapshots=snapshots)


def snapshots_for_team(team: Team) -> list[tuple[Measure, ChartSnapshot]]:
    """Every measure the team reports (the collaborative's and its own) with its snapshot,
    in a fixed number of queries; missing snapshots are computed together."""
    from measures.selectors.reports import measures_for_team

    measures = list(measures_for_team(team))
    snapshots = {
        snapshot.measure_id: snapshot
        for snapshot in ChartSnapshot.objects.filter(team=team, measure__in=measures)
    }
    if any(measure.pk not in snapshots for measure in measures):
        computed = compute_snapshots(team.collaborative, [team.pk], measures, only_missing=True)
        for (_, measure_id), snapshot in computed.items():
            snapshots.setdefault(measure_id, snapshot)
    return [(measure, snapshots[measure.pk]) for measure in measures]


# --- Chart context -----------------------------------------------------------------------


def _series_from_snapshot(
    team_id: int | None,
    measure: Measure,
    snapshot: ChartSnapshot,
    settings: ChartSettings | None,
) -> Series:
    """The series' months, labels and reasons as the snapshot was computed."""
    points = (snapshot.analysis or {}).get("points") or []
    months = [_month(str(point.get("x"))) or dt.date.min for point in points]
    series = Series(
        measure_id=measure.pk,
        team_id=team_id,
        months=months,
        y=[point.get("value") for point in points],
        n=None,
        multiply=multiply_for(measure),
        chart_type=snapshot.chart_type,
        rule_set=snapshot.rule_set,
        direction=measure.direction,
        goal=(snapshot.summary or {}).get("goal"),
    )
    if settings is not None:
        _apply_settings(series, settings)
    return series


def _hide_reasons(series: Series) -> None:
    series.excluded_reasons = {month: HIDDEN_REASON for month in series.excluded_reasons}


def chart_context_for(
    team: Team | None,
    measure: Measure,
    snapshot: ChartSnapshot,
    *,
    compact: bool = False,
    with_annotations: bool = True,
    hide_reasons: bool = False,
) -> Any:
    """The ``measures.charts.ChartContext`` of the series as its snapshot shows it
    (``team`` None: the collaborative aggregate): goal, phases, exclusions, learning
    sessions and PDSA cycles. ``with_annotations=False`` leaves the team's PDSA cycles out
    (for viewers from other teams); ``hide_reasons`` replaces the reasons for excluded
    months (for other teams' viewers of an anonymized collaborative)."""
    collaborative = measure.collaborative
    settings = None
    if team is not None:
        settings = ChartSettings.objects.filter(team=team, measure=measure).first()
    series = _series_from_snapshot(team.pk if team else None, measure, snapshot, settings)
    if hide_reasons:
        _hide_reasons(series)
    annotations: dict[tuple[int, int], list[dict[str, Any]]] = {}
    if team is not None and with_annotations and series.months:
        annotations = _annotations_bulk(
            [team.pk],
            [measure.pk],
            series.months[0],
            series.months[-1] + relativedelta(months=1, days=-1),
        )
    context = _Context(sessions=_sessions(collaborative), annotations=annotations)
    return _chart_context(
        series, measure, context, compact=compact, with_annotations=with_annotations
    )


def chart_contexts_for_team(
    team: Team,
    items: list[tuple[Measure, ChartSnapshot]],
    *,
    compact: bool = True,
    with_annotations: bool = False,
) -> dict[int, Any]:
    """Measure id -> ``ChartContext`` of each of the team's series (the dashboard), in a
    fixed number of queries whatever the number of measures."""
    measure_ids = [measure.pk for measure, _ in items]
    settings = {
        item.measure_id: item
        for item in ChartSettings.objects.filter(team=team, measure_id__in=measure_ids)
    }
    collaborative = team.collaborative
    annotations: dict[tuple[int, int], list[dict[str, Any]]] = {}
    if with_annotations and items:
        start = deadlines.first_of_month(collaborative.start_date) - relativedelta(years=1)
        annotations = _annotations_bulk([team.pk], measure_ids, start, _series_end(collaborative))
    context = _Context(sessions=_sessions(collaborative), annotations=annotations)
    return {
        measure.pk: _chart_context(
            _series_from_snapshot(team.pk, measure, snapshot, settings.get(measure.pk)),
            measure,
            context,
            compact=compact,
            with_annotations=with_annotations,
        )
        for measure, snapshot in items
    }


def figure_for(
    team: Team | None,
    measure: Measure,
    snapshot: ChartSnapshot,
    access: CollaborativeAccess,
    *,
    compact: bool = False,
) -> dict[str, Any]:
    """The Plotly figure the caller may see: the kept one, or for another team's chart
    (or a compact thumbnail) one rebuilt from the kept analysis without PDSA cycles (and,
    when teams are anonymized, without the reasons for excluded months)."""
    full = team is None or sees_team_in_full(access, team)
    if full and not compact and snapshot.figure:
        return snapshot.figure
    if not (snapshot.analysis or {}).get("points"):
        return {}
    ctx = chart_context_for(
        team,
        measure,
        snapshot,
        compact=compact,
        with_annotations=full,
        hide_reasons=team is not None and not sees_team_notes(access, team),
    )
    return _charts_module().build_figure(snapshot.analysis, ctx)


def board_figures(
    board: Board, measure: Measure, *, compact: bool = True
) -> dict[int, dict[str, Any]]:
    """Team id -> the figure of each team's series of ``measure`` on the board (small
    multiples), rebuilt from the kept analyses without PDSA cycles (an anonymized team's
    also without its reasons for excluded months): three queries."""
    charts = _charts_module()
    context = _Context(sessions=_sessions(board.collaborative), annotations={})
    settings = {
        item.team_id: item
        for item in ChartSettings.objects.filter(
            measure=measure, team_id__in=[team.id for team in board.teams]
        )
    }
    figures: dict[int, dict[str, Any]] = {}
    for team in board.teams:
        snapshot = board.cell(team.id, measure.pk)
        if snapshot is None or not (snapshot.analysis or {}).get("points"):
            figures[team.id] = {}
            continue
        series = _series_from_snapshot(team.id, measure, snapshot, settings.get(team.id))
        if not team.named:
            _hide_reasons(series)
        ctx = _chart_context(series, measure, context, compact=compact, with_annotations=False)
        figures[team.id] = charts.build_figure(snapshot.analysis, ctx)
    return figures


# --- Staleness and refresh ---------------------------------------------------------------


def mark_stale(*, measure_ids: list[int] | None = None, team_ids: list[int] | None = None) -> int:
    """Mark the snapshots of these series (None: all) and the aggregates of these
    measures as no longer current. Returns the number marked."""
    series = ChartSnapshot.objects.filter(is_current=True)
    if measure_ids is not None:
        series = series.filter(measure_id__in=measure_ids)
    if team_ids is not None:
        from teams.models import Team

        collaboratives = Team.objects.filter(pk__in=team_ids).values("collaborative_id")
        series = series.filter(
            Q(team_id__in=team_ids) | Q(team__isnull=True, collaborative_id__in=collaboratives)
        )
    return series.update(is_current=False)


def queue_refresh(
    *,
    organization_id: int,
    measure_ids: list[int] | None = None,
    team_ids: list[int] | None = None,
) -> None:
    """Refresh these series and their aggregates once the current transaction commits."""
    from measures.tasks_charts import refresh_snapshots

    kwargs = {
        "organization_id": organization_id,
        "measure_ids": sorted(set(measure_ids)) if measure_ids is not None else None,
        "team_ids": sorted(set(team_ids)) if team_ids is not None else None,
    }

    def send() -> None:
        refresh_snapshots.delay(**kwargs)

    transaction.on_commit(send, robust=True)


def series_changed(
    *,
    organization_id: int,
    measure_ids: list[int] | None = None,
    team_ids: list[int] | None = None,
) -> None:
    """What every write that changes a chart's inputs calls: stale now, refreshed on commit."""
    mark_stale(measure_ids=measure_ids, team_ids=team_ids)
    queue_refresh(organization_id=organization_id, measure_ids=measure_ids, team_ids=team_ids)


# What a PDSA cycle's annotation on a chart shows (its start day, title and decision) and
# the fields whose change can move them.
ANNOTATED_CYCLE_FIELDS = frozenset({"title", "decision", "started_on", "status", "measures"})
# The collaborative's settings that its charts are computed from: the default rule set, and
# the dates that bound the series' months.
COLLABORATIVE_CHART_INPUTS = frozenset({"run_chart_rules", "start_date", "end_date"})


def cycle_changed(
    cycle: Any,
    *,
    fields: Any = None,
    earlier_measure_ids: list[int] | tuple[int, ...] = (),
) -> None:
    """A PDSA cycle was created, changed or is about to be deleted: the team's series of
    the measures it names (and of ``earlier_measure_ids``, the ones it named before) are
    stale now and refreshed on commit.

    ``fields``: the names of the changed fields (a change of none that the annotation
    shows changes no chart); None for a created or deleted cycle, which changes charts
    only once it has started (a cycle still planned is not drawn).
    """
    if fields is None:
        if cycle.started_on is None:
            return
    elif not ANNOTATED_CYCLE_FIELDS & set(fields):
        return
    measure_ids = set(earlier_measure_ids)
    if cycle.pk is not None:
        measure_ids.update(cycle.measures.values_list("pk", flat=True))
    if not measure_ids:
        return
    series_changed(
        organization_id=cycle.organization_id,
        measure_ids=sorted(measure_ids),
        team_ids=[cycle.team_id],
    )


def collaborative_changed(collaborative: Collaborative, *, fields: Any = None) -> None:
    """Something every chart of the collaborative draws changed (a learning session, its
    rule set or dates): its kept snapshots are stale now and refreshed on commit.

    ``fields``: the names of the collaborative's changed settings (only
    ``COLLABORATIVE_CHART_INPUTS`` matter); None when a learning session changed.
    """
    if fields is not None and not COLLABORATIVE_CHART_INPUTS & set(fields):
        return
    measure_ids = sorted(
        set(
            ChartSnapshot.objects.filter(collaborative_id=collaborative.pk).values_list(
                "measure_id", flat=True
            )
        )
    )
    if not measure_ids:
        return
    series_changed(organization_id=collaborative.organization_id, measure_ids=measure_ids)


def refresh(
    *,
    measure_ids: list[int] | None = None,
    team_ids: list[int] | None = None,
    verify: bool = False,
) -> dict[str, int]:
    """Recompute the named series (stale, missing or changed) and their aggregates, in the
    active organization scope (the Celery task's body). With neither ids: the measures
    with a stale snapshot, or with ``verify`` every series of every current collaborative
    (whatever a lost refresh or a write outside the services left behind). Returns counts
    for the log."""
    from collaboratives.models import Collaborative
    from teams.models import Team, TeamStatus

    measures = Measure.objects.select_related("collaborative")
    if measure_ids is not None:
        measures = measures.filter(pk__in=measure_ids)
    elif team_ids is not None:
        collaborative_ids = Team.objects.filter(pk__in=team_ids).values("collaborative_id")
        measures = measures.filter(collaborative_id__in=collaborative_ids)
    elif verify:
        measures = measures.filter(
            archived_at__isnull=True, collaborative__archived_at__isnull=True
        )
    else:
        measures = measures.filter(chart_snapshots__is_current=False).distinct()
    by_collaborative: dict[int, list[Measure]] = defaultdict(list)
    for measure in measures:
        by_collaborative[measure.collaborative_id].append(measure)
    counts = {"series": 0, "aggregates": 0}
    for collaborative_id, collaborative_measures in by_collaborative.items():
        collaborative = Collaborative.objects.get(pk=collaborative_id)
        teams = Team.objects.filter(collaborative=collaborative).exclude(
            status=TeamStatus.APPLICANT
        )
        if team_ids is not None:
            teams = teams.filter(pk__in=team_ids)
        ids = list(teams.values_list("pk", flat=True))
        with transaction.atomic():
            snapshots = compute_snapshots(collaborative, ids, collaborative_measures)
        counts["series"] += len(snapshots)
        for measure in collaborative_measures:
            if measure.team_id is None:
                compute_aggregate(collaborative, measure)
                counts["aggregates"] += 1
    return counts
