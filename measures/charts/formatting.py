"""Small helpers shared by the figure, the explanations and the text alternatives:
months and their labels, numbers with units, the centre line's name, the good side
of a measure, phases and spans of months in words.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from measures.charts.context import CONCERN, IMPROVEMENT

if TYPE_CHECKING:
    from measures.charts.context import ChartContext


MEDIAN_CHARTS = {"run", "g"}
# Charts of spread: a higher value is more variation, which is never the good side.
SPREAD_CHARTS = {"mr", "s"}


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


DECISIONS = {"adopt": "Adopted", "adapt": "Adapted", "abandon": "Abandoned"}
