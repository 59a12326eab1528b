"""Plotly figures and their accessible alternatives for one analysed series.

Pure functions of an analysis dictionary (``measures.spc.analyze(...).as_dict()``,
statistics.md section 9) and a :class:`ChartContext` (what the analysis does not
know: months, measure, direction of good, goal, learning sessions, PDSA cycles).
No database access, so the Celery snapshot refresh, the pages and the API all
draw the same chart.

Signals follow the NHS "Making Data Count" convention, which is colour-blind
safe: blue for special cause improvement, orange for special cause concern,
grey for common cause. Improvement or concern comes from the measure's
direction of good and the side of the signal; the marker shape (a triangle
pointing up or down) repeats the side, so colour is never the only cue.

Which rules are shown: run charts show the IHI rules (shift, trend, too few or
too many runs) when the rule set is "ihi", the Anhøj rules (longest run,
crossings) otherwise; control charts always show the 3-sigma rule and the
Anhøj rules.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

IMPROVEMENT = "improvement"
CONCERN = "concern"
NEUTRAL = "neutral"

# NHS "Making Data Count" colours, each with a darker outline so markers keep a
# 3:1 contrast against white.
COLOURS = {
    IMPROVEMENT: "#289de0",
    CONCERN: "#fab428",
    NEUTRAL: "#a6a6a6",
}
OUTLINES = {IMPROVEMENT: "#005eb8", CONCERN: "#8a5a00", NEUTRAL: "#6b6b6b"}
VALUE_COLOUR = "#495057"
CENTRE_COLOUR = "#212529"
LIMIT_COLOUR = "#6c757d"
GOAL_COLOUR = "#6f42c1"
SESSION_FILL = "rgba(40, 157, 224, 0.10)"
PHASE_LINE = "#6c757d"

VARIATION_LABELS = {
    "improving": "Special cause: improving",
    "concerning": "Special cause: concerning",
    "common_cause": "Common cause: no signal",
    "no_data": "No data yet",
}
ASSURANCE_LABELS = {
    "will_meet": "Will reliably meet the goal",
    "will_miss": "Will reliably miss the goal",
    "may_meet": "May or may not meet the goal",
}

CAUTION_TEXT = "fewer than 10 useful observations"
MEDIAN_CHARTS = {"run", "g"}
# Charts of spread: a higher value is more variation, which is never the good side.
SPREAD_CHARTS = {"mr", "s"}


@dataclass
class ChartContext:
    """What the chart needs besides the analysis."""

    title: str
    measure_name: str
    unit: str = ""
    direction: str = "up"
    goal: float | None = None
    rule_set: str = "anhoj"
    months: list[dt.date] = field(default_factory=list)
    phase_labels: list[str] = field(default_factory=list)
    sessions: list[tuple[dt.date, dt.date, str]] = field(default_factory=list)
    annotations: list[dict] = field(default_factory=list)
    excluded_reasons: dict[dt.date, str] = field(default_factory=dict)
    compact: bool = False


@dataclass(frozen=True)
class Explanation:
    """One sentence below the chart: a signal, a caution, or the absence of a signal."""

    kind: str
    tone: str
    text: str
    months: list = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["months"] = [_iso(m) for m in self.months]
        return data


@dataclass
class _Signal:
    """A signal found in the analysis, before it is put into words."""

    kind: str
    tone: str
    phase: int
    indices: list[int]
    text: str


# --- Small helpers -------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value if len(value) > 7 else f"{value}-01")
        except ValueError:
            return None
    return None


def _months(analysis: dict, ctx: ChartContext) -> list:
    """The month of every point: the context's months, else dates parsed from x."""
    points = analysis.get("points") or []
    if len(ctx.months) == len(points):
        return [_as_date(m) for m in ctx.months]
    return [_as_date(p.get("x")) for p in points]


def month_label(month: Any, *, short: bool = False) -> str:
    """'March 2026' ('Mar 2026' when short); a point without a date by its position."""
    if isinstance(month, dt.date):
        return month.strftime("%b %Y" if short else "%B %Y")
    return f"point {month}"


def _label_at(months: list, index: int, points: list) -> str:
    month = months[index]
    return month_label(month if month is not None else points[index].get("x", index + 1))


def format_number(value: float | None) -> str:
    """A value for people: no float noise, fewer decimals as numbers grow."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    magnitude = abs(value)
    decimals = 0 if magnitude >= 1000 else 1 if magnitude >= 10 else 2 if magnitude >= 1 else 3
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: float | None, unit: str) -> str:
    text = format_number(value)
    if not text or not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _centre_name(analysis: dict) -> str:
    return "median" if analysis.get("chart") in MEDIAN_CHARTS else "mean"


def _good_side(analysis: dict, direction: str) -> str:
    """'above' or 'below': the side of the centre line that is good news."""
    if analysis.get("chart") in SPREAD_CHARTS:
        return "below"
    return "below" if direction == "down" else "above"


def _tone_for_side(analysis: dict, direction: str, side: str) -> str:
    return IMPROVEMENT if side == _good_side(analysis, direction) else CONCERN


def _has_value(point: dict) -> bool:
    value = point.get("value")
    return value is not None and not (isinstance(value, float) and not math.isfinite(value))


def _phase_numbers(points: list) -> list[int]:
    seen: list[int] = []
    for point in points:
        if point.get("phase") not in seen:
            seen.append(point.get("phase"))
    return seen


def _phase_prefix(analysis: dict, ctx: ChartContext, phase: int) -> str:
    phases = _phase_numbers(analysis.get("points") or [])
    if len(phases) < 2:
        return ""
    position = phases.index(phase) if phase in phases else 0
    label = ctx.phase_labels[position] if position < len(ctx.phase_labels) else ""
    return f"Phase {position + 1} ({label}): " if label else f"Phase {position + 1}: "


def _span(months: list, points: list, indices: list[int], last_index: int | None) -> str:
    """'since March 2026' when the signal reaches the latest value, else 'from A to B'."""
    first, last = min(indices), max(indices)
    if last_index is not None and last == last_index:
        return f"since {_label_at(months, first, points)}"
    if first == last:
        return f"in {_label_at(months, first, points)}"
    return f"from {_label_at(months, first, points)} to {_label_at(months, last, points)}"


def _list_months(months: list, points: list, indices: list[int]) -> str:
    labels = [_label_at(months, i, points) for i in sorted(indices)]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _count_months(count: int) -> str:
    return "One month" if count == 1 else f"{count} months"


def _last_value_index(points: list) -> int | None:
    for index in range(len(points) - 1, -1, -1):
        if _has_value(points[index]):
            return index
    return None


# --- Finding the signals ---------------------------------------------------------


def _uses_ihi(analysis: dict, rule_set: str | None) -> bool:
    return analysis.get("chart") == "run" and rule_set in ("ihi", None)


def _uses_anhoj(analysis: dict, rule_set: str | None) -> bool:
    if analysis.get("chart") == "mr":
        return False
    return analysis.get("chart") != "run" or rule_set != "ihi"


def _long_runs(points: list, phase: int, longer_than: int) -> list[tuple[str, list[int]]]:
    """Blocks of more than ``longer_than`` useful points on one side of the centre line."""
    blocks: list[tuple[str, list[int]]] = []
    side = None
    current: list[int] = []
    for index, point in enumerate(points):
        if point.get("phase") != phase or point.get("excluded") or not _has_value(point):
            continue
        centre = point.get("cl")
        if centre is None or point["value"] == centre:
            continue
        here = "above" if point["value"] > centre else "below"
        if here == side:
            current.append(index)
        else:
            if current:
                blocks.append((side, current))
            side, current = here, [index]
    if current:
        blocks.append((side, current))
    return [(s, block) for s, block in blocks if len(block) > longer_than]


def _signals(
    analysis: dict, ctx: ChartContext | None, direction: str, rule_set: str | None
) -> list[_Signal]:
    points = analysis.get("points") or []
    months = _months(analysis, ctx) if ctx else [_as_date(p.get("x")) for p in points]
    index_of = {p.get("x"): i for i, p in enumerate(points)}
    last = _last_value_index(points)
    centre = _centre_name(analysis)
    signals: list[_Signal] = []

    def indices_of(xs: list) -> list[int]:
        return sorted(index_of[x] for x in xs if x in index_of)

    for phase in analysis.get("phases") or []:
        number = phase.get("phase")
        prefix = _phase_prefix(analysis, ctx, number) if ctx else ""

        # 3-sigma rule: every chart with limits.
        for side, limit_key, limit_name in (
            ("above", "ucl", "upper"),
            ("below", "lcl", "lower"),
        ):
            hits = [
                i
                for i, p in enumerate(points)
                if p.get("phase") == number
                and p.get("sigma_signal")
                and p.get(limit_key) is not None
                and _has_value(p)
                and (
                    (p["value"] > p[limit_key]) if side == "above" else (p["value"] < p[limit_key])
                )
            ]
            if hits:
                signals.append(
                    _Signal(
                        "sigma_" + side,
                        _tone_for_side(analysis, direction, side),
                        number,
                        hits,
                        f"{prefix}{_count_months(len(hits))} {side} the {limit_name} limit "
                        f"({_list_months(months, points, hits)}): special cause, "
                        "more than random variation.",
                    )
                )

        ihi = phase.get("ihi")
        if _uses_ihi(analysis, rule_set) and ihi:
            useful = ihi.get("n_useful")
            for shift in ihi.get("shifts") or []:
                hits = indices_of(shift.get("x") or [])
                if not hits:
                    continue
                side = shift.get("side", "above")
                signals.append(
                    _Signal(
                        "shift",
                        _tone_for_side(analysis, direction, side),
                        number,
                        hits,
                        f"{prefix}{len(hits)} months in a row {side} the median "
                        f"{_span(months, points, hits, last)}: a shift. "
                        "Under the IHI rules that means non-random change.",
                    )
                )
            for trend in ihi.get("trends") or []:
                hits = indices_of(trend.get("x") or [])
                if not hits:
                    continue
                going = trend.get("direction", "up")
                side = "above" if going == "up" else "below"
                signals.append(
                    _Signal(
                        "trend",
                        _tone_for_side(analysis, direction, side),
                        number,
                        hits,
                        f"{prefix}{len(hits)} months in a row going {going} "
                        f"{_span(months, points, hits, last)}: a trend. "
                        "Under the IHI rules that means non-random change.",
                    )
                )
            limits = ihi.get("runs_limits")
            if limits and ihi.get("too_few_runs"):
                signals.append(
                    _Signal(
                        "too_few_runs",
                        NEUTRAL,
                        number,
                        [],
                        f"{prefix}Too few runs around the median ({ihi.get('n_runs')}, "
                        f"fewer than the {limits[0]} expected for {useful} useful months): "
                        "under the IHI rules that means non-random change.",
                    )
                )
            if limits and ihi.get("too_many_runs"):
                signals.append(
                    _Signal(
                        "too_many_runs",
                        NEUTRAL,
                        number,
                        [],
                        f"{prefix}Too many runs around the median ({ihi.get('n_runs')}, "
                        f"more than the {limits[1]} expected for {useful} useful months): "
                        "the values alternate more than chance would. Under the IHI rules "
                        "that means non-random variation; check how the data are collected.",
                    )
                )
            baseline = ihi.get("baseline_only_runs")
            if baseline and baseline.get("runs_limits"):
                lower, upper = baseline["runs_limits"]
                verdict = (
                    f"too few runs ({baseline.get('n_runs')}, fewer than {lower})"
                    if baseline.get("too_few_runs")
                    else f"too many runs ({baseline.get('n_runs')}, more than {upper})"
                    if baseline.get("too_many_runs")
                    else ""
                )
                if verdict:
                    signals.append(
                        _Signal(
                            "baseline_runs",
                            NEUTRAL,
                            number,
                            [],
                            f"{prefix}In the baseline months alone: {verdict} for "
                            f"{baseline.get('n_useful')} useful months, so the baseline "
                            "itself was not stable under the IHI rules.",
                        )
                    )

        if _uses_anhoj(analysis, rule_set):
            useful = phase.get("n_useful")
            run_max = phase.get("longest_run_max")
            longest = phase.get("longest_run")
            if longest is not None and run_max is not None and longest > run_max:
                blocks = _long_runs(points, number, run_max)
                for side, hits in blocks:
                    signals.append(
                        _Signal(
                            "long_run",
                            _tone_for_side(analysis, direction, side),
                            number,
                            hits,
                            f"{prefix}{len(hits)} months in a row {side} the {centre} "
                            f"{_span(months, points, hits, last)}, more than the {run_max} "
                            f"that random variation gives for {useful} useful months: "
                            "under the Anhøj rules that is a shift, non-random change.",
                        )
                    )
                if not blocks:
                    signals.append(
                        _Signal(
                            "long_run",
                            NEUTRAL,
                            number,
                            [],
                            f"{prefix}{longest} months in a row on one side of the {centre}, "
                            f"more than the {run_max} that random variation gives for "
                            f"{useful} useful months: under the Anhøj rules that is a shift, "
                            "non-random change.",
                        )
                    )
            crossings = phase.get("n_crossings")
            crossings_min = phase.get("n_crossings_min")
            if crossings is not None and crossings_min is not None and crossings < crossings_min:
                signals.append(
                    _Signal(
                        "few_crossings",
                        NEUTRAL,
                        number,
                        [],
                        f"{prefix}Too few crossings of the {centre} ({crossings}, fewer than "
                        f"the {crossings_min} expected for {useful} useful months): "
                        "Anhøj rules signal non-random variation.",
                    )
                )
    return signals


def _cautions(analysis: dict, ctx: ChartContext) -> list[Explanation]:
    points = analysis.get("points") or []
    months = _months(analysis, ctx)
    result = []
    for phase in analysis.get("phases") or []:
        if "caution" in phase:
            caution = phase.get("caution")
        else:
            useful = phase.get("n_useful")
            caution = CAUTION_TEXT if useful is not None and useful < 10 else None
        if not caution:
            continue
        number = phase.get("phase")
        useful = phase.get("n_useful")
        counted = f" ({useful})" if useful is not None else ""
        in_phase = [months[i] for i, p in enumerate(points) if p.get("phase") == number]
        result.append(
            Explanation(
                "caution",
                NEUTRAL,
                f"{_phase_prefix(analysis, ctx, number)}{caution[:1].upper()}{caution[1:]}"
                f"{counted}: the rules can miss a real change or flag a random one, "
                "so read the chart with care.",
                [m for m in in_phase if m is not None],
            )
        )
    return result


# --- Public API -------------------------------------------------------------------


def explain_signals(analysis: dict, ctx: ChartContext) -> list[Explanation]:
    """Every signal of the chart in plain language, then the cautions; or why there is none."""
    points = analysis.get("points") or []
    if analysis.get("error"):
        return [
            Explanation(
                "error",
                NEUTRAL,
                f"The values could not be analysed: {analysis['error']}",
                [],
            )
        ]
    if not any(_has_value(p) for p in points):
        return [
            Explanation(
                "no_data",
                NEUTRAL,
                "No values yet: the chart appears once months are reported.",
                [],
            )
        ]
    months = _months(analysis, ctx)
    explanations = [
        Explanation(
            s.kind,
            s.tone,
            s.text,
            [months[i] for i in s.indices if months[i] is not None],
        )
        for s in _signals(analysis, ctx, ctx.direction, ctx.rule_set)
    ]
    if not explanations:
        explanations.append(
            Explanation(
                "common_cause",
                NEUTRAL,
                "No signal: the variation is what random month-to-month change looks like.",
                [],
            )
        )
    return explanations + _cautions(analysis, ctx)


def variation_icon(analysis: dict, direction: str, *, rule_set: str | None = None) -> str:
    """'improving', 'concerning', 'common_cause' or 'no_data' for the latest phase.

    A special cause in the latest phase decides it: sigma signals, a shift or a long
    run on one side, an IHI trend. When both sides signal, the one reaching the more
    recent month wins. ``rule_set`` ("ihi" or "anhoj") limits a run chart to the rules
    it shows; None looks at both.
    """
    points = analysis.get("points") or []
    last = _last_value_index(points)
    if last is None:
        return "no_data"
    latest_phase = points[last].get("phase")
    best: tuple[int, str] | None = None
    for signal in _signals(analysis, None, direction, rule_set):
        if signal.phase != latest_phase or signal.tone == NEUTRAL or not signal.indices:
            continue
        reach = max(signal.indices)
        if best is None or reach > best[0]:
            best = (reach, signal.tone)
    if best is None:
        return "common_cause"
    return "improving" if best[1] == IMPROVEMENT else "concerning"


def assurance_icon(analysis: dict, goal: float | None, direction: str) -> str | None:
    """Whether the process will meet the goal, from the latest point's limits (control charts)."""
    if goal is None or analysis.get("chart") == "run":
        return None
    goal = float(goal)
    for point in reversed(analysis.get("points") or []):
        lower, upper = point.get("lcl"), point.get("ucl")
        if lower is None or upper is None:
            continue
        if direction == "down":
            if upper < goal:
                return "will_meet"
            if lower > goal:
                return "will_miss"
        else:
            if lower > goal:
                return "will_meet"
            if upper < goal:
                return "will_miss"
        return "may_meet"
    return None


def _signal_text_by_point(analysis: dict, ctx: ChartContext) -> dict[int, list[_Signal]]:
    by_point: dict[int, list[_Signal]] = {}
    for signal in _signals(analysis, ctx, ctx.direction, ctx.rule_set):
        for index in signal.indices:
            by_point.setdefault(index, []).append(signal)
    return by_point


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


# --- The figure --------------------------------------------------------------------


def _x(months: list, points: list) -> list:
    return [m.isoformat() if m is not None else points[i].get("x") for i, m in enumerate(months)]


def _tick_step(count: int, compact: bool) -> str:
    if compact:
        return "M12" if count > 36 else "M6" if count > 12 else "M3"
    return "M1" if count <= 13 else "M2" if count <= 24 else "M3" if count <= 48 else "M6"


def _segments(points: list, xs: list, key: str, *, dashed_after_baseline: bool) -> tuple:
    """x/y lists of a per-point line, broken between phases, split at the baseline's end.

    Returns (solid_x, solid_y, extended_x, extended_y): the second pair is the part after
    a frozen baseline, drawn dashed.
    """
    solid_x: list = []
    solid_y: list = []
    ext_x: list = []
    ext_y: list = []
    previous_phase = None
    previous_part = None
    frozen = dashed_after_baseline and any(not p.get("baseline", True) for p in points)
    for index, point in enumerate(points):
        extended = frozen and not point.get("baseline", True)
        part_x, part_y = (ext_x, ext_y) if extended else (solid_x, solid_y)
        if previous_phase is not None and point.get("phase") != previous_phase and part_x:
            part_x.append(None)
            part_y.append(None)
        if extended and previous_part == "solid" and solid_x:
            # Join the dashed extension to the end of the baseline.
            ext_x.append(solid_x[-1])
            ext_y.append(solid_y[-1])
        part_x.append(xs[index])
        part_y.append(point.get(key))
        previous_phase = point.get("phase")
        previous_part = "ext" if extended else "solid"
    return solid_x, solid_y, ext_x, ext_y


def _hover_for_point(
    analysis: dict,
    ctx: ChartContext,
    index: int,
    months: list,
    signals: list[_Signal],
) -> str:
    point = analysis["points"][index]
    label = html.escape(_label_at(months, index, analysis["points"]))
    lines = [f"<b>{label}</b>"]
    if _has_value(point):
        lines.append(html.escape(format_value(point["value"], ctx.unit)))
    else:
        lines.append("No value")
    if point.get("denominator") is not None:
        lines.append(f"Out of {html.escape(format_number(point['denominator']))}")
    if point.get("cl") is not None:
        lines.append(
            f"{_centre_name(analysis).capitalize()} "
            f"{html.escape(format_value(point['cl'], ctx.unit))}"
        )
    if point.get("lcl") is not None or point.get("ucl") is not None:
        lines.append(
            "Limits "
            + html.escape(format_value(point.get("lcl"), ctx.unit) or "none")
            + " to "
            + html.escape(format_value(point.get("ucl"), ctx.unit) or "none")
        )
    if point.get("excluded"):
        reason = ctx.excluded_reasons.get(months[index]) if months[index] else None
        lines.append("Excluded from the analysis" + (f": {html.escape(reason)}" if reason else ""))
    for signal in signals:
        lines.append(_wrap(html.escape(signal.text)))
    return "<br>".join(lines)


def _wrap(text: str, width: int = 60) -> str:
    """Hover boxes do not wrap by themselves."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return "<br>".join(lines)


def _symbol(tone: str, analysis: dict, direction: str) -> str:
    """A triangle pointing to the side the signal is on, so shape repeats colour."""
    good = _good_side(analysis, direction)
    bad = "below" if good == "above" else "above"
    side = good if tone == IMPROVEMENT else bad
    return "triangle-up" if side == "above" else "triangle-down"


def build_figure(analysis: dict, ctx: ChartContext) -> dict:
    """The Plotly figure as a JSON-ready dict: {"data", "layout", "config"}."""
    points = analysis.get("points") or []
    months = _months(analysis, ctx)
    dated = bool(points) and all(m is not None for m in months)
    xs = _x(months, points)
    compact = ctx.compact
    centre = _centre_name(analysis).capitalize()
    by_point = _signal_text_by_point(analysis, ctx)
    data: list[dict] = []

    # Limits, then centre line, drawn under the values.
    has_limits = any(p.get("ucl") is not None or p.get("lcl") is not None for p in points)
    varying = len(
        {(p.get("phase"), p.get("ucl")) for p in points if p.get("ucl") is not None}
    ) > len(_phase_numbers(points))
    line_shape = "hvh" if varying else "linear"
    if has_limits:
        for key, name in (("ucl", "Upper limit"), ("lcl", "Lower limit")):
            sx, sy, ex, ey = _segments(points, xs, key, dashed_after_baseline=True)
            if not any(v is not None for v in sy + ey):
                continue
            common = {
                "type": "scatter",
                "mode": "lines",
                "hoverinfo": "skip",
                "legendgroup": "limits",
                "showlegend": False,
            }
            data.append(
                {
                    **common,
                    "name": name,
                    "x": sx,
                    "y": sy,
                    "line": {"color": LIMIT_COLOUR, "width": 1.5, "shape": line_shape},
                    "showlegend": key == "ucl" and not compact,
                    "legendgroup": "limits",
                }
            )
            if ex:
                data.append(
                    {
                        **common,
                        "name": f"{name} (baseline extended)",
                        "x": ex,
                        "y": ey,
                        "line": {
                            "color": LIMIT_COLOUR,
                            "width": 1.5,
                            "dash": "dash",
                            "shape": line_shape,
                        },
                    }
                )
        if data:
            data[0]["name"] = "Limits"

    sx, sy, ex, ey = _segments(points, xs, "cl", dashed_after_baseline=True)
    if any(v is not None for v in sy + ey):
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": centre,
                "x": sx,
                "y": sy,
                "line": {"color": CENTRE_COLOUR, "width": 2},
                "hoverinfo": "skip",
                "showlegend": not compact,
            }
        )
        if ex:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"{centre} of the baseline, extended",
                    "x": ex,
                    "y": ey,
                    "line": {"color": CENTRE_COLOUR, "width": 2, "dash": "dash"},
                    "hoverinfo": "skip",
                    "showlegend": not compact,
                }
            )

    if ctx.goal is not None and points:
        goal = float(ctx.goal)
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Goal",
                "x": [xs[0], xs[-1]],
                "y": [goal, goal],
                "line": {"color": GOAL_COLOUR, "width": 1.5, "dash": "dot"},
                "hovertemplate": f"Goal {html.escape(format_value(goal, ctx.unit))}<extra></extra>",
                "showlegend": not compact,
            }
        )

    # The values: a gap at every missing month, excluded months hollow.
    hover = [
        _hover_for_point(analysis, ctx, i, months, by_point.get(i, [])) for i in range(len(points))
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": ctx.measure_name or "Value",
            "x": xs,
            "y": [p.get("value") if _has_value(p) else None for p in points],
            "connectgaps": False,
            "line": {"color": VALUE_COLOUR, "width": 1.5},
            "marker": {
                "color": VALUE_COLOUR,
                "size": 5 if compact else 7,
                "symbol": ["circle-open" if p.get("excluded") else "circle" for p in points],
                "line": {"color": VALUE_COLOUR, "width": 1.5},
            },
            "hovertext": hover,
            "hoverinfo": "text",
            "showlegend": False,
        }
    )
    excluded = [i for i, p in enumerate(points) if p.get("excluded") and _has_value(p)]
    if excluded and not compact:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Excluded from the analysis",
                "x": [xs[i] for i in excluded],
                "y": [points[i]["value"] for i in excluded],
                "marker": {
                    "color": VALUE_COLOUR,
                    "symbol": "circle-open",
                    "size": 9,
                    "line": {"color": VALUE_COLOUR, "width": 2},
                },
                "hovertext": [hover[i] for i in excluded],
                "hoverinfo": "text",
            }
        )

    # Special-cause points: blue for improvement, orange for concern, triangles.
    for tone, name in (
        (IMPROVEMENT, "Special cause: improvement"),
        (CONCERN, "Special cause: concern"),
    ):
        marked = sorted(
            i
            for i, signals in by_point.items()
            if any(s.tone == tone for s in signals) and _has_value(points[i])
        )
        if not marked:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [xs[i] for i in marked],
                "y": [points[i]["value"] for i in marked],
                "marker": {
                    "color": COLOURS[tone],
                    "symbol": _symbol(tone, analysis, ctx.direction),
                    "size": 8 if compact else 12,
                    "line": {"color": OUTLINES[tone], "width": 1.5},
                },
                "hovertext": [hover[i] for i in marked],
                "hoverinfo": "text",
                "showlegend": not compact,
                "meta": {"tone": tone},
            }
        )

    shapes: list[dict] = []
    annotations: list[dict] = []
    if dated:
        _sessions(ctx, months, shapes, annotations)
        _phases(analysis, ctx, months, shapes, annotations)
        if not compact:
            _pdsa(ctx, months, data, annotations)

    layout: dict[str, Any] = {
        "template": "none",
        "autosize": True,
        "height": 170 if compact else 440,
        "margin": {"l": 40, "r": 10, "t": 10, "b": 28}
        if compact
        else {"l": 60, "r": 20, "t": 60 if ctx.title else 30, "b": 40},
        "font": {
            "family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "size": 10 if compact else 13,
            "color": "#212529",
        },
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "showlegend": not compact,
        "xaxis": {
            "type": "date" if dated else "linear",
            "showgrid": False,
            "linecolor": "#adb5bd",
            "ticks": "outside",
            "fixedrange": compact,
            "automargin": True,
        },
        "yaxis": {
            "title": {"text": "" if compact else html.escape(ctx.unit)},
            "gridcolor": "#e9ecef",
            "zeroline": False,
            "fixedrange": compact,
            "automargin": True,
        },
        "shapes": shapes,
        "annotations": annotations,
    }
    if dated:
        layout["xaxis"].update(
            {
                "tickformat": "%b %Y",
                "hoverformat": "%B %Y",
                "dtick": _tick_step(len(points), compact),
                "tick0": xs[0],
            }
        )
        # Half a month either side so the first and last markers are not cut.
        layout["xaxis"]["range"] = [
            (months[0] - dt.timedelta(days=15)).isoformat(),
            (months[-1] + dt.timedelta(days=15)).isoformat(),
        ]
    if not compact:
        if ctx.title:
            layout["title"] = {"text": html.escape(ctx.title), "x": 0, "xanchor": "left"}
        layout["legend"] = {"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"}
        layout["margin"]["b"] = 90
    if not any(_has_value(p) for p in points):
        annotations.append(
            {
                "x": 0.5,
                "xref": "paper",
                "y": 0.5,
                "yref": "paper",
                "text": "No values yet",
                "showarrow": False,
                "font": {"size": 12 if compact else 16, "color": "#6c757d"},
                "name": "no_data",
            }
        )
        layout["xaxis"]["visible"] = False
        layout["yaxis"]["visible"] = False
    if any(t.get("yaxis") == "y2" for t in data):
        layout["yaxis2"] = {
            "overlaying": "y",
            "range": [0, 1],
            "visible": False,
            "fixedrange": True,
        }
    return {"data": data, "layout": layout, "config": _config(ctx)}


def figure_for_thumbnail(analysis: dict, ctx: ChartContext) -> dict:
    """The small chart of a dashboard or small multiple: no legend, no toolbar, no labels."""
    return build_figure(analysis, replace(ctx, compact=True))


def _config(ctx: ChartContext) -> dict:
    if ctx.compact:
        return {"displayModeBar": False, "responsive": True, "displaylogo": False}
    filename = "".join(c if c.isalnum() else "-" for c in (ctx.title or ctx.measure_name).lower())
    filename = "-".join(part for part in filename.split("-") if part)[:80] or "chart"
    return {
        "responsive": True,
        "displaylogo": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def _sessions(ctx: ChartContext, months: list, shapes: list, annotations: list) -> None:
    first, last = months[0] - dt.timedelta(days=15), months[-1] + dt.timedelta(days=15)
    for start, end, name in ctx.sessions:
        start, end = _as_date(start), _as_date(end) or _as_date(start)
        if start is None or end < first or start > last:
            continue
        if (end - start).days < 8:
            # A two-day meeting would be a hairline on a monthly axis.
            middle = start + (end - start) / 2
            start, end = middle - dt.timedelta(days=4), middle + dt.timedelta(days=4)
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": start.isoformat(),
                "x1": end.isoformat(),
                "y0": 0,
                "y1": 1,
                "fillcolor": SESSION_FILL,
                "line": {"width": 0},
                "layer": "below",
                "name": name,
            }
        )
        if not ctx.compact:
            annotations.append(
                {
                    "x": (start + (end - start) / 2).isoformat(),
                    "xref": "x",
                    "y": 1,
                    "yref": "paper",
                    "yanchor": "bottom",
                    "text": html.escape(name),
                    "showarrow": False,
                    "font": {"size": 11, "color": "#0b5394"},
                    "name": "session",
                }
            )


def _phases(
    analysis: dict, ctx: ChartContext, months: list, shapes: list, annotations: list
) -> None:
    points = analysis.get("points") or []
    phases = _phase_numbers(points)
    for position, number in enumerate(phases):
        index = next(i for i, p in enumerate(points) if p.get("phase") == number)
        label = ctx.phase_labels[position] if position < len(ctx.phase_labels) else ""
        start = months[index]
        if position > 0:
            boundary = (start - dt.timedelta(days=15)).isoformat()
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": boundary,
                    "x1": boundary,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": PHASE_LINE, "width": 1, "dash": "dot"},
                    "name": "phase",
                }
            )
        if label and not ctx.compact:
            annotations.append(
                {
                    "x": (start - dt.timedelta(days=12)).isoformat(),
                    "xref": "x",
                    "xanchor": "left",
                    "y": 0.99,
                    "yref": "paper",
                    "yanchor": "top",
                    "text": f"<i>{html.escape(label)}</i>",
                    "showarrow": False,
                    "font": {"size": 11, "color": "#495057"},
                    "bgcolor": "rgba(255,255,255,0.8)",
                    "name": "phase",
                }
            )


DECISIONS = {"adopt": "Adopted", "adapt": "Adapted", "abandon": "Abandoned"}


def _pdsa(ctx: ChartContext, months: list, data: list, annotations: list) -> None:
    first, last = months[0] - dt.timedelta(days=15), months[-1] + dt.timedelta(days=15)
    cycles = []
    for cycle in ctx.annotations:
        when = _as_date(cycle.get("date"))
        if when is None or when < first or when > last:
            continue
        cycles.append((when, cycle))
    if not cycles:
        return
    cycles.sort(key=lambda item: item[0])
    hover = []
    for when, cycle in cycles:
        decision = DECISIONS.get(cycle.get("decision") or "", "")
        hover.append(
            f"<b>PDSA cycle, {when.day} {html.escape(month_label(when, short=True))}</b><br>"
            + _wrap(html.escape(cycle.get("title") or ""))
            + (f"<br>Decision: {decision}" if decision else "")
        )
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "PDSA cycle",
            "x": [when.isoformat() for when, _ in cycles],
            "y": [0.03] * len(cycles),
            "yaxis": "y2",
            "marker": {
                "symbol": "diamond",
                "size": 9,
                "color": "#20c997",
                "line": {"color": "#0f5132", "width": 1},
            },
            "hovertext": hover,
            "hoverinfo": "text",
        }
    )
    for when, cycle in cycles:
        title = cycle.get("title") or ""
        short = title if len(title) <= 24 else title[:23].rstrip() + "…"
        decision = DECISIONS.get(cycle.get("decision") or "", "")
        text = html.escape(short) + (f" ({decision.lower()})" if decision else "")
        url = cycle.get("url")
        if url:
            text = f'<a href="{html.escape(url, quote=True)}">{text}</a>'
        annotations.append(
            {
                "x": when.isoformat(),
                "xref": "x",
                "y": 0.07,
                "yref": "paper",
                "yanchor": "bottom",
                "textangle": -90,
                "text": text,
                "showarrow": False,
                "font": {"size": 10, "color": "#0f5132"},
                "name": "pdsa",
            }
        )


def chart_block(
    analysis: dict,
    ctx: ChartContext,
    *,
    chart_id: str,
    csv_url: str | None = None,
    figure: dict | None = None,
) -> dict:
    """The ``chart`` dict ``templates/measures/charts/_chart.html`` renders.

    Pass ``figure`` when a snapshot already holds it, so it is not built again.
    """
    return {
        "id": str(chart_id),
        "title": ctx.title,
        "figure": figure if figure is not None else build_figure(analysis, ctx),
        "explanations": explain_signals(analysis, ctx),
        "summary_text": text_summary(analysis, ctx),
        "table_rows": table_rows(analysis, ctx),
        "csv_url": csv_url,
        "compact": ctx.compact,
        "unit": ctx.unit,
        "centre_name": _centre_name(analysis).capitalize(),
        "has_limits": any(
            p.get("ucl") is not None or p.get("lcl") is not None
            for p in analysis.get("points") or []
        ),
    }
