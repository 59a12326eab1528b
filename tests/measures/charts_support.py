"""Analysis dictionaries in the exact shape of ``measures.spc.analyze(...).as_dict()``.

Built by hand so the chart tests say precisely which signal they draw, and do
not depend on the statistics module's arithmetic.
"""

from __future__ import annotations

import datetime as dt

from measures.charts import ChartContext


def months(count: int, start: dt.date = dt.date(2025, 1, 1)) -> list[dt.date]:
    result = []
    year, month = start.year, start.month
    for _ in range(count):
        result.append(dt.date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return result


def point(x, value, *, cl=None, lcl=None, ucl=None, phase=1, **extra) -> dict:
    data = {
        "x": x,
        "value": value,
        "denominator": None,
        "subgroup_size": 1,
        "phase": phase,
        "baseline": True,
        "excluded": False,
        "cl": cl,
        "lcl": lcl,
        "ucl": ucl,
        "sigma_signal": False,
        "ihi_shift": False,
        "ihi_trend": False,
    }
    data.update(extra)
    return data


def phase(number=1, **extra) -> dict:
    data = {
        "phase": number,
        "n_obs": 20,
        "n_useful": 20,
        "longest_run": 3,
        "longest_run_max": 7,
        "n_crossings": 10,
        "n_crossings_min": 6,
        "runs_signal": False,
        "sigma_signals": 0,
        "ihi": None,
        "caution": None,
    }
    data.update(extra)
    return data


def ihi(**extra) -> dict:
    data = {
        "median": 50.0,
        "n_useful": 20,
        "n_runs": 10,
        "runs_limits": [6, 16],
        "too_few_runs": False,
        "too_many_runs": False,
        "shifts": [],
        "trends": [],
        "baseline_only_runs": None,
    }
    data.update(extra)
    return data


def run_chart(values, *, median=50.0, phases=None) -> dict:
    """A one-phase run chart of ``values`` around ``median``, no signal unless added."""
    points = [point(i + 1, v, cl=median) for i, v in enumerate(values)]
    return {
        "chart": "run",
        "points": points,
        "phases": phases or [phase(ihi=ihi(median=median))],
    }


def control_chart(values, *, chart="i", cl=50.0, lcl=40.0, ucl=60.0, phases=None) -> dict:
    """A one-phase control chart with constant limits; sigma signals marked from them."""
    points = []
    for i, v in enumerate(values):
        signal = v is not None and (v > ucl or v < lcl)
        points.append(point(i + 1, v, cl=cl, lcl=lcl, ucl=ucl, sigma_signal=signal))
    return {"chart": chart, "points": points, "phases": phases or [phase()]}


def add_shift(analysis: dict, positions, side: str) -> dict:
    """Mark an IHI shift over 1-based ``positions``."""
    for position in positions:
        analysis["points"][position - 1]["ihi_shift"] = True
    analysis["phases"][0]["ihi"]["shifts"].append({"side": side, "x": list(positions)})
    return analysis


def add_trend(analysis: dict, positions, direction: str) -> dict:
    for position in positions:
        analysis["points"][position - 1]["ihi_trend"] = True
    analysis["phases"][0]["ihi"]["trends"].append({"direction": direction, "x": list(positions)})
    return analysis


def context(count: int, **extra) -> ChartContext:
    data = {
        "title": "Children screened, Birch Clinic",
        "measure_name": "Children screened",
        "unit": "%",
        "direction": "up",
        "goal": None,
        "rule_set": "ihi",
        "months": months(count),
        "phase_labels": [""],
        "sessions": [],
        "annotations": [],
        "excluded_reasons": {},
        "compact": False,
    }
    data.update(extra)
    return ChartContext(**data)


# Twenty values around a median of 50 that cross it often and have no long run.
NOISE = [48, 53, 47, 52, 49, 55, 46, 51, 54, 45, 52, 47, 53, 49, 51, 46, 55, 48, 52, 47]
