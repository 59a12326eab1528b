"""What a chart is drawn from besides the analysis, and what it says.

``ChartContext``: months, measure, direction of good, goal, rule set, phase labels,
learning sessions, PDSA cycles, reasons for excluded months. ``Explanation``: one
sentence below the chart. The tones of a signal: improvement, concern, neutral.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

IMPROVEMENT = "improvement"
CONCERN = "concern"
NEUTRAL = "neutral"


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


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
