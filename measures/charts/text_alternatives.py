"""The alternatives to the figure: a text summary for screen readers
(``text_summary``), the data table (``table_rows``) and the CSV download (``csv_rows``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from measures.charts.context import CONCERN, IMPROVEMENT
from measures.charts.explanations import _signal_text_by_point, explain_signals
from measures.charts.formatting import (
    DECISIONS,
    _as_date,
    _centre_name,
    _has_value,
    _label_at,
    _last_value_index,
    _months,
    _phase_numbers,
    format_number,
    format_value,
    month_label,
)
from measures.charts.icons import ASSURANCE_LABELS, assurance_icon

if TYPE_CHECKING:
    from measures.charts.context import ChartContext, _Signal


def _chart_kind(analysis: dict) -> str:
    return "Run chart" if analysis.get("chart") == "run" else "Control chart"


def text_summary(analysis: dict, ctx: ChartContext) -> str:
    """A paragraph for screen readers: measure, latest value, centre line, signals in words."""
    points = analysis.get("points") or []
    months = _months(analysis, ctx)
    kind = _chart_kind(analysis)
    last = _last_value_index(points)
    if last is None:
        return f"{kind} of {ctx.measure_name}: no values yet."
    with_values = [i for i, p in enumerate(points) if _has_value(p)]
    first = with_values[0]
    parts = [
        f"{kind} of {ctx.measure_name}, {len(with_values)} "
        f"{'month' if len(with_values) == 1 else 'months'} with values from "
        f"{_label_at(months, first, points)} to {_label_at(months, last, points)}."
    ]
    latest = points[last]
    sentence = (
        f"Latest value {format_value(latest['value'], ctx.unit)} "
        f"({_label_at(months, last, points)})"
    )
    if latest.get("cl") is not None:
        sentence += f"; {_centre_name(analysis)} {format_value(latest['cl'], ctx.unit)}"
    if latest.get("lcl") is not None or latest.get("ucl") is not None:
        sentence += (
            f"; limits {format_value(latest.get('lcl'), ctx.unit) or 'none'} to "
            f"{format_value(latest.get('ucl'), ctx.unit) or 'none'}"
        )
    parts.append(sentence + ".")
    phases = _phase_numbers(points)
    if len(phases) > 1:
        parts.append(f"The chart has {len(phases)} phases, each analysed on its own.")
    better = "Lower" if ctx.direction == "down" else "Higher"
    if ctx.goal is not None:
        parts.append(f"Goal {format_value(float(ctx.goal), ctx.unit)}; {better.lower()} is better.")
    else:
        parts.append(f"{better} is better.")
    for explanation in explain_signals(analysis, ctx):
        tone = {IMPROVEMENT: "Improvement: ", CONCERN: "Concern: "}.get(explanation.tone, "")
        parts.append(tone + explanation.text)
    assurance = assurance_icon(analysis, ctx.goal, ctx.direction)
    if assurance:
        parts.append(ASSURANCE_LABELS[assurance] + ".")
    return " ".join(parts)


def _note(point: dict, index: int, months: list, ctx: ChartContext, phase_starts: dict) -> str:
    notes = []
    if index in phase_starts:
        notes.append(phase_starts[index])
    if point.get("excluded"):
        reason = ctx.excluded_reasons.get(months[index]) if months[index] else None
        notes.append(f"Excluded: {reason}" if reason else "Excluded from the analysis")
    if not _has_value(point):
        notes.append("No value")
    month = months[index]
    if month is not None:
        # What the figure shows as bands and annotations, for those who cannot see it.
        for start, end, name in ctx.sessions:
            start, end = _as_date(start), _as_date(end) or _as_date(start)
            if start and (start.year, start.month) <= (month.year, month.month) <= (
                end.year,
                end.month,
            ):
                notes.append(name)
        for cycle in ctx.annotations:
            when = _as_date(cycle.get("date"))
            if when and (when.year, when.month) == (month.year, month.month):
                decision = DECISIONS.get(cycle.get("decision") or "", "")
                notes.append(
                    f"PDSA cycle: {cycle.get('title') or ''}"
                    + (f" ({decision.lower()})" if decision else "")
                )
    return "; ".join(notes)


def _phase_starts(analysis: dict, ctx: ChartContext) -> dict[int, str]:
    """Index of the first point of each phase -> its note ('Phase 2: label')."""
    points = analysis.get("points") or []
    phases = _phase_numbers(points)
    starts: dict[int, str] = {}
    for position, number in enumerate(phases):
        label = ctx.phase_labels[position] if position < len(ctx.phase_labels) else ""
        if len(phases) < 2 and not label:
            continue
        index = next(i for i, p in enumerate(points) if p.get("phase") == number)
        text = f"Phase {position + 1}" if len(phases) > 1 else "Phase"
        starts[index] = f"{text}: {label}" if label else f"{text} starts"
    return starts


def table_rows(analysis: dict, ctx: ChartContext) -> list[dict]:
    """One row per month for the data-table alternative, formatted for display.

    Numbers come without the unit: the table's column headings carry it.
    """
    points = analysis.get("points") or []
    months = _months(analysis, ctx)
    by_point = _signal_text_by_point(analysis, ctx)
    starts = _phase_starts(analysis, ctx)
    rows = []
    for index, point in enumerate(points):
        signals = by_point.get(index, [])
        rows.append(
            {
                "month": months[index],
                "month_label": month_label(months[index], short=True)
                if months[index]
                else str(point.get("x")),
                "value": format_number(point.get("value")),
                "centre": format_number(point.get("cl")),
                "lower": format_number(point.get("lcl")),
                "upper": format_number(point.get("ucl")),
                "signal": "; ".join(_signal_label(s) for s in signals),
                "tone": _row_tone(signals),
                "note": _note(point, index, months, ctx, starts),
            }
        )
    return rows


_SIGNAL_LABELS = {
    "sigma_above": "Above the upper limit",
    "sigma_below": "Below the lower limit",
    "shift": "Shift (IHI)",
    "trend": "Trend (IHI)",
    "long_run": "Long run (Anhøj)",
}


def _signal_label(signal: _Signal) -> str:
    label = _SIGNAL_LABELS.get(signal.kind, signal.kind)
    if signal.tone == IMPROVEMENT:
        return f"{label}: improvement"
    if signal.tone == CONCERN:
        return f"{label}: concern"
    return label


def _row_tone(signals: list[_Signal]) -> str:
    tones = {s.tone for s in signals}
    if CONCERN in tones:
        return CONCERN
    if IMPROVEMENT in tones:
        return IMPROVEMENT
    return ""


def _csv_text(value: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def _csv_number(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    return value


CSV_HEADER = [
    "month",
    "value",
    "denominator",
    "centre_line",
    "lower_limit",
    "upper_limit",
    "goal",
    "phase",
    "baseline",
    "excluded",
    "signal",
    "note",
]


def csv_rows(analysis: dict, ctx: ChartContext) -> list[list]:
    """A header and one row per month for the CSV download (numbers unrounded)."""
    points = analysis.get("points") or []
    months = _months(analysis, ctx)
    by_point = _signal_text_by_point(analysis, ctx)
    starts = _phase_starts(analysis, ctx)
    goal = "" if ctx.goal is None else _csv_number(float(ctx.goal))
    rows: list[list] = [list(CSV_HEADER)]
    for index, point in enumerate(points):
        month = months[index]
        rows.append(
            [
                month.strftime("%Y-%m") if month else _csv_text(str(point.get("x"))),
                _csv_number(point.get("value")),
                _csv_number(point.get("denominator")),
                _csv_number(point.get("cl")),
                _csv_number(point.get("lcl")),
                _csv_number(point.get("ucl")),
                goal,
                point.get("phase"),
                "yes" if point.get("baseline") else "no",
                "yes" if point.get("excluded") else "no",
                _csv_text("; ".join(_signal_label(s) for s in by_point.get(index, []))),
                _csv_text(_note(point, index, months, ctx, starts)),
            ]
        )
    return rows
