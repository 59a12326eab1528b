"""The variation and assurance icons (NHS "Making Data Count").

``variation_icon``: common cause, special cause improving or concerning, no data.
``assurance_icon``: whether the process will reliably meet or miss its goal.
"""

from __future__ import annotations

from measures.charts.context import IMPROVEMENT, NEUTRAL
from measures.charts.explanations import _signals
from measures.charts.formatting import _last_value_index

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
