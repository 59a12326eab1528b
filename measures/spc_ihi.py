"""IHI run-chart rules (Perla, Provost & Murray 2011), statistics.md section 5.

Shift (6 or more useful observations on one side of the median), trend (5 or
more points going up or down, equal neighbours counted once), too few or too
many runs (table 5.1 for 10-40 useful observations, the exact
Swed-Eisenhart distribution above 40). The astronomical point is a judgement
and is not computed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

SHIFT_MIN = 6
TREND_MIN = 5
RUNS_RULE_MIN = 10

#: Perla et al. 2011, Table 1: useful observations -> (lower, upper) runs.
RUNS_TABLE: dict[int, tuple[int, int]] = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (5, 12),
    16: (5, 13), 17: (5, 13), 18: (6, 14), 19: (6, 15), 20: (6, 16), 21: (7, 16),
    22: (7, 17), 23: (7, 17), 24: (8, 18), 25: (8, 18), 26: (9, 19), 27: (9, 20),
    28: (10, 20), 29: (10, 21), 30: (11, 22), 31: (11, 22), 32: (11, 23), 33: (11, 24),
    34: (12, 24), 35: (12, 25), 36: (13, 25), 37: (13, 26), 38: (14, 26), 39: (14, 27),
    40: (15, 27),
}  # fmt: skip


@lru_cache(maxsize=256)
def exact_runs_limits(n_useful: int) -> tuple[int, int]:
    """(lower, upper) runs limits from the Swed-Eisenhart distribution.

    n_a = n // 2 points above and the rest below (split as evenly as
    possible); lower = the largest L with P(R < L) <= 0.025, upper = the
    smallest U with P(R > U) <= 0.025. Exact integer arithmetic.
    """
    n_a = n_useful // 2
    n_b = n_useful - n_a
    if n_a < 1:
        return (1, 1)
    total = math.comb(n_useful, n_a)
    # counts[r] = number of arrangements with r runs (numerator of P(R = r)).
    counts = [0] * (n_useful + 2)
    for r in range(2, n_useful + 1):
        k, odd = divmod(r, 2)
        if odd:
            ways = _comb(n_a - 1, k) * _comb(n_b - 1, k - 1) + _comb(n_a - 1, k - 1) * _comb(
                n_b - 1, k
            )
        else:
            ways = 2 * _comb(n_a - 1, k - 1) * _comb(n_b - 1, k - 1)
        counts[r] = ways
    # P(R < L) <= 0.025  <=>  40 * sum(counts[< L]) <= total
    lower = 1
    below = 0
    for candidate in range(2, n_useful + 2):
        below += counts[candidate - 1]
        if 40 * below <= total:
            lower = candidate
        else:
            break
    upper = n_useful
    above = 0
    for candidate in range(n_useful, 0, -1):
        above += counts[candidate + 1] if candidate + 1 < len(counts) else 0
        if 40 * above <= total:
            upper = candidate
        else:
            break
    return (lower, upper)


def _comb(n: int, k: int) -> int:
    return math.comb(n, k) if 0 <= k <= n else 0


def runs_limits(n_useful: int) -> tuple[int, int] | None:
    """Table 5.1 for 10-40 useful observations, exact above 40, None below 10."""
    if n_useful < RUNS_RULE_MIN:
        return None
    return RUNS_TABLE.get(n_useful) or exact_runs_limits(n_useful)


def runs_result(sides: Sequence[int]) -> dict[str, Any]:
    """Number of runs and the too-few/too-many verdict for a side sequence."""
    useful = len(sides)
    n_runs = sum(1 for k, side in enumerate(sides) if k == 0 or side != sides[k - 1])
    limits = runs_limits(useful)
    return {
        "n_useful": useful,
        "n_runs": n_runs,
        "runs_limits": list(limits) if limits else None,
        "too_few_runs": n_runs < limits[0] if limits else None,
        "too_many_runs": n_runs > limits[1] if limits else None,
    }


def _shifts(values: Sequence[float], median: float) -> list[tuple[str, list[int]]]:
    """Blocks of >= 6 useful observations on one side; on-median points skipped."""
    found: list[tuple[str, list[int]]] = []
    block: list[int] = []
    side = 0
    for index, value in enumerate(values):
        if value != value or value == median:
            continue
        current = 1 if value > median else -1
        if current != side:
            if len(block) >= SHIFT_MIN:
                found.append(("above" if side > 0 else "below", block))
            block = []
            side = current
        block.append(index)
    if len(block) >= SHIFT_MIN:
        found.append(("above" if side > 0 else "below", block))
    return found


def _trends(values: Sequence[float]) -> list[tuple[str, list[int]]]:
    """Runs of >= 5 points going up or down, equal neighbours counted once."""
    groups: list[list[int]] = []  # indices of consecutive equal values
    for index, value in enumerate(values):
        if value != value:
            continue
        if groups and values[groups[-1][0]] == value:
            groups[-1].append(index)
        else:
            groups.append([index])
    found: list[tuple[str, list[int]]] = []
    start = 0  # first group of the current monotone stretch
    direction = 0
    for g in range(1, len(groups) + 1):
        step = 0
        if g < len(groups):
            step = 1 if values[groups[g][0]] > values[groups[g - 1][0]] else -1
        if step != direction:
            if direction and g - start >= TREND_MIN:
                members = [i for group in groups[start:g] for i in group]
                found.append(("up" if direction > 0 else "down", members))
            start = g - 1
            direction = step
    return found


def ihi_analysis(
    values: Sequence[float],
    labels: Sequence[Any],
    median: float,
    *,
    baseline: Sequence[bool] | None = None,
) -> dict[str, Any]:
    """IHI rules over one phase.

    ``values`` are the phase's non-excluded points in time order (NaN =
    missing), unscaled; ``median`` the phase (or frozen baseline) median.
    ``baseline`` marks the baseline points when the chart is frozen: the runs
    rule is then also reported over those points only. The caller sets the
    scaled ``median`` and pops ``_shift_index``/``_trend_index`` (positions
    in ``values`` of the flagged points).
    """
    shifts = _shifts(values, median) if median == median else []
    trends = _trends(values)
    sides = [1 if v > median else -1 for v in values if v == v and v != median]
    result: dict[str, Any] = {"median": None, **runs_result(sides)}
    result["shifts"] = [{"side": side, "x": [labels[i] for i in idx]} for side, idx in shifts]
    result["trends"] = [{"direction": d, "x": [labels[i] for i in idx]} for d, idx in trends]
    result["baseline_only_runs"] = None
    if baseline is not None:
        base_sides = [
            1 if v > median else -1
            for v, is_base in zip(values, baseline, strict=True)
            if is_base and v == v and v != median
        ]
        result["baseline_only_runs"] = runs_result(base_sides)
    result["_shift_index"] = [idx for _, idx in shifts]
    result["_trend_index"] = [idx for _, idx in trends]
    return result
