"""The Plotly figure of an analysed series, as a JSON-ready dict.

Values, centre line per phase, limits, goal, signals drawn in the colour and shape
of their tone, learning sessions as shaded bands, phase breaks with their labels
and PDSA cycles as annotations, hover text explaining each signal.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from measures.charts.context import CONCERN, IMPROVEMENT
from measures.charts.explanations import _signal_text_by_point
from measures.charts.formatting import (
    DECISIONS,
    _as_date,
    _centre_name,
    _good_side,
    _has_value,
    _label_at,
    _months,
    _phase_numbers,
    format_number,
    format_value,
    month_label,
)
from measures.charts.palette import (
    CENTRE_COLOUR,
    COLOURS,
    GOAL_COLOUR,
    LIMIT_COLOUR,
    OUTLINES,
    PHASE_LINE,
    SESSION_FILL,
    VALUE_COLOUR,
)

if TYPE_CHECKING:
    from measures.charts.context import ChartContext, _Signal


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
    latest_cycle = None
    if dated:
        _sessions(ctx, months, shapes, annotations)
        _phases(analysis, ctx, months, shapes, annotations)
        if not compact:
            latest_cycle = _pdsa(ctx, months, data, annotations)

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
        # ... and on to a cycle started after the last month with a value (values lag).
        end = months[-1] + dt.timedelta(days=15)
        if latest_cycle is not None and latest_cycle + dt.timedelta(days=5) > end:
            end = latest_cycle + dt.timedelta(days=5)
        layout["xaxis"]["range"] = [
            (months[0] - dt.timedelta(days=15)).isoformat(),
            end.isoformat(),
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


def _pdsa(ctx: ChartContext, months: list, data: list, annotations: list) -> dt.date | None:
    """Draw the cycles from half a month before the first month to the end of the month
    after the last one (this month's tests, before its value is in); return the latest."""
    first = months[0] - dt.timedelta(days=15)
    last = (months[-1].replace(day=1) + dt.timedelta(days=62)).replace(day=1) - dt.timedelta(days=1)
    cycles = []
    for cycle in ctx.annotations:
        when = _as_date(cycle.get("date"))
        if when is None or when < first or when > last:
            continue
        cycles.append((when, cycle))
    if not cycles:
        return None
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
    return cycles[-1][0]
