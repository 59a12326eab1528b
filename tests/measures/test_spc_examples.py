"""measures.spc reproduces every worked example of the reference data.

tests/measures/data/spc_examples.json (a copy of the shared reference) holds
inputs and qicharts2 0.8.1 results (moving-range screening on, and for i, pp,
up and t charts also off), plus IHI run-chart results for the run charts.
Floats are compared with a relative tolerance of 1e-9.

One deliberate difference from qicharts2, required by statistics.md 1.2: a
missing subgroup has no control limits (qicharts2 draws the phase limits
through it). Those points are checked to have none.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from measures.spc import analyze

REFERENCE_PATH = Path(__file__).resolve().parent / "data" / "spc_examples.json"

REL = 1e-9
SUMMARY_FIELDS = (
    "n_obs",
    "n_useful",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "runs_signal",
)


def _load() -> list[dict[str, Any]]:
    return json.loads(REFERENCE_PATH.read_text())["series"]


SERIES = _load()
VARIANTS = [
    pytest.param(series, variant, id=f"{series['id']}-{variant}")
    for series in SERIES
    for variant in ("qicharts2", "qicharts2_screenedmr_false")
    if variant in series
]
RUN_SERIES = [pytest.param(s, id=s["id"]) for s in SERIES if "ihi" in s]


def _analyse(series: dict[str, Any], screen: bool = True) -> dict[str, Any]:
    inputs = series["inputs"]
    chart = series["chart"]
    return analyze(
        chart,
        inputs["y"],
        inputs["n"],
        x=inputs["x"] if chart in ("xbar", "s") else None,
        phase_breaks=[inputs["part"]] if inputs["part"] else (),
        freeze=inputs["freeze"],
        multiply=inputs["multiply"],
        screen_moving_ranges=screen,
    ).as_dict()


def _same(ours: float | None, theirs: float | None) -> bool:
    if theirs is None or ours is None:
        return ours is None and theirs is None
    return math.isclose(ours, theirs, rel_tol=REL, abs_tol=1e-12)


def _mismatches(ours: dict, theirs: dict, pairs: tuple[tuple[str, str], ...]) -> list:
    return [
        (mine, ours[mine], ref, theirs[ref])
        for mine, ref in pairs
        if not _same_value(ours[mine], theirs[ref])
    ]


def _same_value(ours: Any, theirs: Any) -> bool:
    if isinstance(theirs, bool) or isinstance(ours, bool):
        return ours is theirs
    if isinstance(theirs, float) or isinstance(ours, float):
        return _same(ours, theirs)
    return ours == theirs


def test_the_reference_data_has_all_22_series():
    assert len(SERIES) == 22


@pytest.mark.parametrize(("series", "variant"), VARIANTS)
def test_points_match_qicharts2(series, variant):
    reference = series[variant]
    result = _analyse(series, screen=reference["options"]["qic.screenedmr"])

    assert len(result["points"]) == len(reference["points"])
    problems = []
    for ours, theirs in zip(result["points"], reference["points"], strict=True):
        pairs: tuple[tuple[str, str], ...] = (
            ("x", "x"),
            ("value", "y"),
            ("cl", "cl"),
            ("sigma_signal", "sigma_signal"),
            ("phase", "part"),
            ("baseline", "baseline"),
            ("subgroup_size", "subgroup_size"),
        )
        if theirs["y"] is not None:
            pairs += (("lcl", "lcl"), ("ucl", "ucl"), ("denominator", "n"))
        else:
            # statistics.md 1.2: a missing subgroup has no limits.
            if ours["lcl"] is not None or ours["ucl"] is not None:
                problems.append((theirs["x"], "limits on a missing point"))
        problems += [(theirs["x"], *m) for m in _mismatches(ours, theirs, pairs)]
    assert problems == []


@pytest.mark.parametrize(("series", "variant"), VARIANTS)
def test_phase_summaries_match_qicharts2(series, variant):
    reference = series[variant]
    result = _analyse(series, screen=reference["options"]["qic.screenedmr"])

    assert len(result["phases"]) == len(reference["summary"])
    for ours, theirs in zip(result["phases"], reference["summary"], strict=True):
        assert ours["phase"] == theirs["part"]
        pairs = (*((f, f) for f in SUMMARY_FIELDS), ("sigma_signals", "sigma_signal_count"))
        assert _mismatches(ours, theirs, pairs) == []


@pytest.mark.parametrize(("series", "variant"), VARIANTS)
def test_every_point_carries_its_phase_runs_signal(series, variant):
    reference = series[variant]
    result = _analyse(series, screen=reference["options"]["qic.screenedmr"])
    by_phase = {p["phase"]: p["runs_signal"] for p in result["phases"]}

    assert [by_phase[p["phase"]] for p in result["points"]] == [
        p["runs_signal"] for p in reference["points"]
    ]


@pytest.mark.parametrize(("series", "variant"), VARIANTS)
def test_caution_is_given_exactly_below_10_useful_observations(series, variant):
    reference = series[variant]
    result = _analyse(series, screen=reference["options"]["qic.screenedmr"])

    for phase in result["phases"]:
        expected = "fewer than 10 useful observations" if phase["n_useful"] < 10 else None
        assert phase["caution"] == expected


@pytest.mark.parametrize("series", RUN_SERIES)
def test_ihi_results_match_the_reference(series):
    result = _analyse(series)

    assert len(result["phases"]) == len(series["ihi"]["segments"])
    for phase, segment in zip(result["phases"], series["ihi"]["segments"], strict=True):
        ihi = phase["ihi"]
        pairs = (
            ("median", "median"),
            ("n_useful", "n_useful"),
            ("n_runs", "n_runs"),
            ("runs_limits", "table_limits"),
            ("too_few_runs", "too_few_runs"),
            ("too_many_runs", "too_many_runs"),
        )
        assert _mismatches(ihi, segment, pairs) == []
        assert ihi["shifts"] == [{"side": s["side"], "x": s["x"]} for s in segment["shifts"]]
        assert ihi["trends"] == [
            {"direction": t["direction"], "x": t["x"]} for t in segment["trends"]
        ]


@pytest.mark.parametrize("series", RUN_SERIES)
def test_ihi_baseline_only_runs_match_the_reference(series):
    result = _analyse(series)

    for phase, segment in zip(result["phases"], series["ihi"]["segments"], strict=True):
        expected = segment.get("baseline_only_runs")
        ours = phase["ihi"]["baseline_only_runs"]
        if expected is None:
            assert ours is None
            continue
        assert ours == {
            "n_useful": expected["n_useful"],
            "n_runs": expected["n_runs"],
            "runs_limits": expected["table_limits"],
            "too_few_runs": expected["too_few_runs"],
            "too_many_runs": expected["too_many_runs"],
        }


@pytest.mark.parametrize("series", RUN_SERIES)
def test_ihi_flags_exactly_the_points_of_shifts_and_trends(series):
    result = _analyse(series)
    segments = series["ihi"]["segments"]
    shift_x = {x for seg in segments for s in seg["shifts"] for x in s["x"]}
    trend_x = {x for seg in segments for t in seg["trends"] for x in t["x"]}

    assert {p["x"] for p in result["points"] if p["ihi_shift"]} == shift_x
    assert {p["x"] for p in result["points"] if p["ihi_trend"]} == trend_x


@pytest.mark.parametrize("series", RUN_SERIES)
def test_ihi_exact_limits_match_the_reference_swed_eisenhart_values(series):
    from measures.spc_ihi import exact_runs_limits

    for segment in series["ihi"]["segments"]:
        for part in (segment, segment.get("baseline_only_runs")):
            if part and part["exact_limits"]:
                assert list(exact_runs_limits(part["n_useful"])) == part["exact_limits"]


@pytest.mark.parametrize(("series", "variant"), VARIANTS)
def test_result_is_json_ready(series, variant):
    reference = series[variant]
    result = _analyse(series, screen=reference["options"]["qic.screenedmr"])

    assert json.loads(json.dumps(result, allow_nan=False)) == result
