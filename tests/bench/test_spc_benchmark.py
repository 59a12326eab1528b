"""How long measures.spc takes for a collaborative-sized workload.

10,000 series of 36 monthly points (three years), for the run, I and p
charts, through ``analyze`` one series at a time and through
``analyze_many`` (the NumPy batch path), each including ``as_dict()`` (the
JSON-ready result that is stored and drawn). Random but realistic data:
percentages from denominators of 20-150 (so ties with the centre line
happen), a few missing months.

Run with ``make bench BENCH_ARGS="-k spc"``; results are printed and written
to ``test-results/bench-spc.json``. Times are CPU seconds of the test process
(``time.process_time``), so other work on the machine does not inflate them.
Timings are reported, never asserted: they depend on the machine. What is
asserted does not: the result sizes, and that both paths give the same results.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from measures.spc import analyze, analyze_many

pytestmark = [pytest.mark.bench]

SERIES = 10_000
POINTS = 36
ROUNDS = 3
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "bench-spc.json"


def _workload(chart: str, seed: int = 2024) -> tuple[list[list], list[list] | None]:
    rng = random.Random(seed)
    ys: list[list] = []
    ns: list[list] = []
    for _ in range(SERIES):
        level = rng.uniform(0.3, 0.9)
        if chart == "p" or chart == "run":
            n = [rng.randint(20, 150) for _ in range(POINTS)]
            y = [min(k, max(0, round(rng.gauss(level * k, 0.08 * k)))) for k in n]
        else:
            n = [None] * POINTS
            y = [round(rng.gauss(100 * level, 8), 1) for _ in range(POINTS)]
        for month in rng.sample(range(POINTS), rng.choice([0, 0, 1, 2])):
            y[month] = None
        ys.append(y)
        ns.append(n)
    return ys, (ns if chart in ("p", "run") else None)


def _seconds(call: Callable[[], list]) -> tuple[list[float], list]:
    rounds, result = [], []
    for _ in range(ROUNDS):
        result = []  # let the previous round's results go before timing the next
        start = time.process_time()
        result = call()
        rounds.append(time.process_time() - start)
    return rounds, result


@pytest.mark.parametrize("chart", ["run", "i", "p"])
def test_spc_analysis_of_10000_series(chart):
    ys, ns = _workload(chart)

    def one_by_one() -> list:
        return [
            analyze(chart, y, ns[k] if ns else None, multiply=100).as_dict()
            for k, y in enumerate(ys)
        ]

    def batch() -> list:
        return [r.as_dict() for r in analyze_many(chart, ys, ns, multiply=100)]

    single_s, single = _seconds(one_by_one)
    batch_s, batched = _seconds(batch)

    assert len(single) == SERIES
    assert all(len(r["points"]) == POINTS for r in single)
    assert batched == single

    result = {
        "chart": chart,
        "series": SERIES,
        "points_per_series": POINTS,
        "rounds": ROUNDS,
        "analyze_median_s": round(statistics.median(single_s), 3),
        "analyze_many_median_s": round(statistics.median(batch_s), 3),
        "analyze_per_series_us": round(statistics.median(single_s) / SERIES * 1e6, 1),
        "analyze_many_per_series_us": round(statistics.median(batch_s) / SERIES * 1e6, 1),
        "signals": sum(p["runs_signal"] for r in single for p in r["phases"]),
    }
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    previous[chart] = result
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(previous, indent=2) + "\n")
    print()
    print(f"SPC {chart} chart, {SERIES} series x {POINTS} points, CPU s, median of {ROUNDS}:")
    print(
        f"  analyze() one by one   {result['analyze_median_s']:>7} s "
        f"({result['analyze_per_series_us']} µs per series)"
    )
    print(
        f"  analyze_many()         {result['analyze_many_median_s']:>7} s "
        f"({result['analyze_many_per_series_us']} µs per series)"
    )
    print(f"  (both including as_dict(); {result['signals']} phases with a runs signal)")
