"""Analysing series and keeping the results: ``ChartSnapshot``.

``compute_snapshots`` analyses any number of series in a fixed number of queries,
saving the analysis, figure and icons with a fingerprint of everything they were
computed from; a snapshot whose fingerprint still matches is not recomputed.
``analysis_for`` reads a kept snapshot and computes one only when there is none.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bsc.exceptions import DomainError
from measures.charting.contexts import _chart_context, _charts_module, _load_context
from measures.charting.series import _Data
from measures.models import ChartSnapshot, Measure

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from measures.charting.contexts import _Context
    from measures.charting.series import Series
    from teams.models import Team

logger = logging.getLogger("measures.charting")


SIGNAL_RANK = {"concerning": 3, "improving": 2, "common_cause": 1, "no_data": 0}
# Bumped when what this module feeds the statistics or the figure changes.
CHARTING_VERSION = "1"


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
