"""Many series at once: ``measures.spc.analyze`` vectorised with NumPy.

``analyze_many(chart, ys, ns)`` gives exactly the results of calling
``analyze`` on each series (same options for all), bit for bit: every number
that feeds a comparison (centre line, moving-range average, sigma, limits) is
computed with the same floating-point operations in the same order, and sums
use ``math.fsum`` per series as ``analyze`` does. What NumPy takes over is the
per-point work: ratios, limits, the 3-sigma rule and the Anhøj run counting.

Series of equal length are analysed together. xbar, s and MR charts (which
are rarely analysed in bulk) go through ``analyze`` one by one.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from measures import spc
from measures.spc_ihi import ihi_analysis

VECTOR_CHARTS = frozenset({"run", "i", "t", "p", "pp", "u", "up", "c", "g"})
_PLAIN_TYPES = frozenset({int, float, type(None), np.float64, np.float32, np.int64, np.int32})


class _Unvectorisable(Exception):
    """Input the vector path does not take (unusual types): use analyze()."""


def analyze_many(
    chart: str,
    ys: Sequence[Sequence[Any]],
    ns: Sequence[Sequence[Any] | None] | None = None,
    *,
    x: Sequence[Any] | None = None,
    phase_breaks: Sequence[int] = (),
    freeze: int | None = None,
    exclude: Sequence[int] = (),
    multiply: float = 1,
    screen_moving_ranges: bool = True,
) -> list[spc.Result]:
    """``[analyze(chart, y, n, **options) for y, n in zip(ys, ns)]``, faster.

    A ValueError names the series (1-based) and then the problem as
    ``analyze`` words it.
    """
    spc.check_chart(chart)
    factor = spc.check_multiply(multiply)
    ys = list(ys)
    if ns is not None:
        ns = list(ns)
        if len(ns) != len(ys):
            raise ValueError(f"ys and ns have different lengths ({len(ys)} and {len(ns)})")
    options = {
        "x": x,
        "phase_breaks": phase_breaks,
        "freeze": freeze,
        "exclude": exclude,
        "multiply": factor,
        "screen_moving_ranges": screen_moving_ranges,
    }

    def one(k: int) -> spc.Result:
        try:
            return spc.analyze(chart, ys[k], ns[k] if ns is not None else None, **options)
        except ValueError as error:
            raise ValueError(f"series {k + 1}: {error}") from None

    if chart not in VECTOR_CHARTS:
        return [one(k) for k in range(len(ys))]

    by_length: dict[int, list[int]] = {}
    for k, row in enumerate(ys):
        by_length.setdefault(len(row), []).append(k)
    results: list[spc.Result | None] = [None] * len(ys)
    for length, rows in by_length.items():
        row_ns = None if ns is None else [ns[k] for k in rows]
        if row_ns is not None and all(n is None for n in row_ns):
            row_ns = None
        try:
            group = _analyse_group(chart, [ys[k] for k in rows], row_ns, length, options)
        except (_Unvectorisable, ValueError):
            group = [one(k) for k in rows]  # raises the ValueError with its position
        for k, result in zip(rows, group, strict=True):
            results[k] = result
    return results  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# Row-wise helpers (rows = series, columns = subgroups; NaN = missing)


def _plain_array(rows: Sequence[Sequence[Any]], length: int) -> np.ndarray:
    for row in rows:
        if len(row) != length:
            raise _Unvectorisable
        for value in row:
            if type(value) not in _PLAIN_TYPES:
                raise _Unvectorisable
    array = np.array(rows, dtype=float).reshape(len(rows), length)
    if np.isinf(array).any():
        raise ValueError("infinite value")
    return array


def _row_sums(matrix: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Exactly rounded sums of the valid entries of each row (math.fsum)."""
    cleaned = np.where(valid, matrix, 0.0).tolist()
    return np.array([math.fsum(row) for row in cleaned], dtype=float).reshape(len(cleaned))


def _row_means(matrix: np.ndarray) -> np.ndarray:
    valid = ~np.isnan(matrix)
    counts = valid.sum(axis=1)
    sums = _row_sums(matrix, valid)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _row_medians(matrix: np.ndarray) -> np.ndarray:
    """spc._median for each row: the middle value, or (a + b) / 2 of the two middle."""
    if matrix.shape[1] == 0:
        return np.full(matrix.shape[0], np.nan)
    ordered = np.sort(matrix, axis=1)  # NaN sort last
    counts = (~np.isnan(matrix)).sum(axis=1)
    low_index = np.maximum((counts - 1) // 2, 0)[:, None]
    high_index = np.minimum(counts // 2, matrix.shape[1] - 1)[:, None]
    low = np.take_along_axis(ordered, low_index, axis=1)[:, 0]
    high = np.take_along_axis(ordered, high_index, axis=1)[:, 0]
    median = np.where(counts % 2 == 1, low, (low + high) / 2)
    return np.where(counts > 0, median, np.nan)


def _row_mr_sigmas(matrix: np.ndarray, screen: bool) -> np.ndarray:
    """spc._mr_sigma for each row."""
    rows = matrix.shape[0]
    if matrix.shape[1] < 2:
        return np.full(rows, np.nan)
    ranges = np.abs(np.diff(matrix, axis=1))
    valid = ~np.isnan(ranges)
    counts = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        average = np.where(counts > 0, _row_sums(ranges, valid) / np.maximum(counts, 1), np.nan)
        if screen:
            again = average > 0
            if again.any():
                kept = valid & (ranges < (spc.MR_SCREEN * average)[:, None])
                kept_counts = kept.sum(axis=1)
                screened = np.where(
                    kept_counts > 0,
                    _row_sums(ranges, kept) / np.maximum(kept_counts, 1),
                    np.nan,
                )
                average = np.where(again, screened, average)
        return average / spc.D2


def _scaled(array: np.ndarray, multiply: float) -> list[list[float | None]]:
    """spc.scaled for each row: Python floats times multiply, None if not finite."""
    with np.errstate(invalid="ignore", over="ignore"):
        product = array * multiply
    return np.where(np.isfinite(product), product, None).tolist()


def _at_least_0(array: np.ndarray) -> np.ndarray:
    return np.where(array < 0, 0.0, array)


# ---------------------------------------------------------------------------
# The vector path


def _analyse_group(
    chart: str,
    ys: list[Sequence[Any]],
    ns: list[Sequence[Any] | None] | None,
    length: int,
    options: dict[str, Any],
) -> list[spc.Result]:
    x = options["x"]
    if x is not None and len(x) != length:
        raise ValueError("x has a different length")
    if x is not None and spc.has_repeated_labels(x):
        raise _Unvectorisable  # rows to combine (statistics.md 1.1): analyze() does it
    breaks, freeze, excluded = spc.structure(
        length, options["phase_breaks"], options["freeze"], options["exclude"]
    )
    rows = len(ys)
    with np.errstate(invalid="ignore", divide="ignore"):
        values, numerators, denominators, den_out = _values(chart, ys, ns, length)
    labels = list(x) if x is not None else list(range(1, length + 1))

    bounds = [0, *breaks, length]
    point_phase = [0] * length
    baseline = [freeze is None or i < freeze for i in range(length)]
    excluded_flags = [i in excluded for i in range(length)]
    cl = np.full((rows, length), np.nan)
    lcl = np.full((rows, length), np.nan)
    ucl = np.full((rows, length), np.nan)
    present = ~np.isnan(values)
    phase_columns: list[tuple[int, list[int], np.ndarray, dict[str, np.ndarray]]] = []

    for number, (start, stop) in enumerate(pairwise(bounds), start=1):
        members = list(range(start, stop))
        for i in members:
            point_phase[i] = number
        estimation = [i for i in members if baseline[i] and i not in excluded]
        tested = [i for i in members if i not in excluded]
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            centre, lower, upper = _phase_limits(
                chart,
                values,
                numerators,
                denominators,
                members,
                estimation,
                options["screen_moving_ranges"],
            )
        cl[:, start:stop] = centre[:, None]
        if lower is not None:
            mask = present[:, start:stop]
            lcl[:, start:stop] = np.where(mask, lower, np.nan)
            ucl[:, start:stop] = np.where(mask, upper, np.nan)
        runs = _anhoej_rows(values[:, tested], centre)
        phase_columns.append((number, tested, centre, runs))

    with np.errstate(invalid="ignore"):
        signal = np.isfinite(lcl) & np.isfinite(ucl) & ((values > ucl) | (values < lcl))
    return _results(
        chart,
        labels,
        values,
        den_out,
        present,
        point_phase,
        baseline,
        excluded_flags,
        freeze,
        cl,
        lcl,
        ucl,
        signal,
        phase_columns,
        options["multiply"],
    )


def _values(
    chart: str,
    ys: list[Sequence[Any]],
    ns: list[Sequence[Any] | None] | None,
    length: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[float | None]]]:
    """Plotted values, numerators and denominators; the checks of spc._prepare."""
    y = _plain_array(ys, length)
    rows = len(ys)
    if ns is None:
        if chart in spc.RATIO_CHARTS:
            raise ValueError("denominators needed")
        if chart == "t" and (y <= 0).any():
            raise ValueError("non-positive time")
        if chart in spc.NON_NEGATIVE_CHARTS and (y < 0).any():
            raise ValueError("negative value")
        nothing = np.full((rows, length), np.nan)
        return y, nothing, nothing, [[None] * length for _ in range(rows)]
    if any(n is None for n in ns):
        raise _Unvectorisable
    n = _plain_array(ns, length)
    if (n < 0).any():
        raise ValueError("negative denominator")
    both = ~np.isnan(y) & ~np.isnan(n)
    if (both & (y < 0)).any() or (both & (n == 0) & (y > 0)).any():
        raise ValueError("bad numerator")
    if chart in ("p", "pp") and (both & (y > n)).any():
        raise ValueError("proportion above 1")
    usable = both & (n != 0)
    values = np.where(usable, y / np.where(usable, n, 1.0), np.nan)
    numerators = np.where(usable, y, np.nan)
    denominators = np.where(usable, n, np.nan)
    den_out = np.where(both, n, None).tolist()  # either missing: both missing (1.2)
    return values, numerators, denominators, den_out


def _phase_limits(
    chart: str,
    values: np.ndarray,
    numerators: np.ndarray,
    denominators: np.ndarray,
    members: list[int],
    estimation: list[int],
    screen: bool,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Centre line (rows,) and lower/upper limits (rows, members) of a phase."""
    base = values[:, estimation]
    width = len(members)
    rows = values.shape[0]

    if chart == "run":
        return _row_medians(base), None, None

    if chart in ("i", "t"):
        if chart == "t":
            power = 1 / spc.T_POWER
            base = np.array([[v**power for v in row] for row in base.tolist()], dtype=float)
            base = base.reshape(rows, len(estimation))
        centre = _row_means(base)
        sigma = _row_mr_sigmas(base, screen)
        lower = centre - 3 * sigma
        upper = centre + 3 * sigma
        if chart == "t":
            back = [
                (
                    c**spc.T_POWER if c == c else math.nan,
                    lo**spc.T_POWER if lo > 0 else (0.0 if lo == lo else math.nan),
                    up**spc.T_POWER if up == up else math.nan,
                )
                for c, lo, up in zip(centre.tolist(), lower.tolist(), upper.tolist(), strict=True)
            ]
            array = np.array(back, dtype=float).reshape(rows, 3)
            centre, lower, upper = array[:, 0], array[:, 1], array[:, 2]
        shape = (rows, width)
        return (
            centre,
            np.broadcast_to(lower[:, None], shape),
            np.broadcast_to(upper[:, None], shape),
        )

    if chart in spc.RATIO_CHARTS:
        num = numerators[:, estimation]
        den = denominators[:, estimation]
        valid = ~np.isnan(base)
        total = _row_sums(den, valid)
        centre = np.where(total > 0, _row_sums(num, valid) / np.where(total > 0, total, 1), np.nan)
        proportion = chart in ("p", "pp")
        spread = centre * (1 - centre) if proportion else centre
        spread_col = spread[:, None]
        sd = np.where(spread_col >= 0, np.sqrt(spread_col / denominators[:, members]), np.nan)
        factor = np.ones(rows)
        if chart in ("pp", "up"):
            sd_base = np.where(valid & (spread_col >= 0), np.sqrt(spread_col / den), np.nan)
            z = np.where(sd_base > 0, (base - centre[:, None]) / sd_base, np.nan)
            factor = _row_mr_sigmas(z, screen)
        s = (3 * factor)[:, None] * sd
        lower = _at_least_0(centre[:, None] - s)
        upper = centre[:, None] + s
        if proportion:
            upper = np.where(upper > 1, 1.0, upper)
        return centre, lower, upper

    if chart == "c":
        centre = _row_means(base)
        s = np.where(centre >= 0, 3 * np.sqrt(centre), np.nan)
        shape = (rows, width)
        return (
            centre,
            np.broadcast_to(_at_least_0(centre - s)[:, None], shape),
            np.broadcast_to((centre + s)[:, None], shape),
        )

    # g chart: limits from the mean, centre line (and runs) the median
    mean = _row_means(base)
    s = np.where(mean >= 0, 3 * np.sqrt(mean * (mean + 1)), np.nan)
    shape = (rows, width)
    return (
        _row_medians(base),
        np.broadcast_to(_at_least_0(mean - s)[:, None], shape),
        np.broadcast_to((mean + s)[:, None], shape),
    )


def _anhoej_rows(tested: np.ndarray, centre: np.ndarray) -> dict[str, np.ndarray]:
    """spc.anhoej for each row: n_useful, longest run and number of runs."""
    rows, width = tested.shape
    with np.errstate(invalid="ignore"):
        side = np.sign(tested - centre[:, None])
    side = np.where(np.isnan(side), 0.0, side)
    useful = side != 0
    n_useful = useful.sum(axis=1)
    if width == 0:
        zeros = np.zeros(rows, dtype=int)
        return {"n_useful": zeros, "longest": zeros, "runs": zeros}
    positions = np.where(useful, np.arange(width), -1)
    last_useful = np.maximum.accumulate(positions, axis=1)
    previous = np.concatenate([np.full((rows, 1), -1), last_useful[:, :-1]], axis=1)
    previous_side = np.where(
        previous >= 0, np.take_along_axis(side, np.maximum(previous, 0), axis=1), 0.0
    )
    new_run = useful & (previous_side != side)
    runs = new_run.sum(axis=1)
    run_id = np.cumsum(new_run, axis=1)
    keys = (np.arange(rows)[:, None] * (width + 1) + run_id)[useful]
    lengths = np.bincount(keys, minlength=rows * (width + 1)).reshape(rows, width + 1)
    return {"n_useful": n_useful, "longest": lengths.max(axis=1), "runs": runs}


def _results(
    chart: str,
    labels: list[Any],
    values: np.ndarray,
    den_out: list[list[float | None]],
    present: np.ndarray,
    point_phase: list[int],
    baseline: list[bool],
    excluded: list[bool],
    freeze: int | None,
    cl: np.ndarray,
    lcl: np.ndarray,
    ucl: np.ndarray,
    signal: np.ndarray,
    phase_columns: list[tuple[int, list[int], np.ndarray, dict[str, np.ndarray]]],
    multiply: float,
) -> list[spc.Result]:
    rows, length = values.shape
    values_l = values.tolist()  # unscaled, for the IHI rules
    values_out, cl_l, lcl_l, ucl_l = (_scaled(a, multiply) for a in (values, cl, lcl, ucl))
    signal_l = signal.tolist()
    sizes_l = present.astype(int).tolist()
    phase_lists = []
    for number, tested, centre, runs in phase_columns:
        members = [i for i, p in enumerate(point_phase) if p == number]
        signals = signal[:, members].sum(axis=1).tolist()
        phase_lists.append(
            (
                number,
                tested,
                len(members),
                centre.tolist(),
                runs["n_useful"].tolist(),
                runs["longest"].tolist(),
                runs["runs"].tolist(),
                signals,
            )
        )
    max_run: dict[int, tuple[int, int]] = {}
    results = []
    for r in range(rows):
        ihi_shift = [False] * length
        ihi_trend = [False] * length
        phases = []
        for number, tested, n_obs, centres, useful_l, longest_l, runs_l, signals in phase_lists:
            useful = useful_l[r]
            if useful:
                if useful not in max_run:
                    max_run[useful] = (spc.longest_run_max(useful), spc.n_crossings_min(useful))
                run_max, crossings_min = max_run[useful]
                crossings = runs_l[r] - 1
                runs = {
                    "n_useful": useful,
                    "longest_run": longest_l[r],
                    "longest_run_max": run_max,
                    "n_crossings": crossings,
                    "n_crossings_min": crossings_min,
                    "runs_signal": longest_l[r] > run_max or crossings < crossings_min,
                }
            else:
                runs = {**spc.NO_RUNS, "n_useful": 0}
            ihi = None
            if chart == "run":
                row_values = values_l[r]
                ihi = ihi_analysis(
                    [row_values[i] for i in tested],
                    [labels[i] for i in tested],
                    centres[r],
                    baseline=[baseline[i] for i in tested] if freeze is not None else None,
                )
                for index in ihi.pop("_shift_index"):
                    for k in index:
                        ihi_shift[tested[k]] = True
                for index in ihi.pop("_trend_index"):
                    for k in index:
                        ihi_trend[tested[k]] = True
                ihi["median"] = spc._out(centres[r] * multiply)
            phases.append(
                {
                    "phase": number,
                    "n_obs": n_obs,
                    **runs,
                    "sigma_signals": signals[r],
                    "ihi": ihi,
                    "caution": spc.CAUTION if useful < spc.CAUTION_BELOW else None,
                }
            )
        columns = (
            labels,
            values_out[r],
            den_out[r],
            sizes_l[r],
            point_phase,
            baseline,
            excluded,
            cl_l[r],
            lcl_l[r],
            ucl_l[r],
            signal_l[r],
            ihi_shift,
            ihi_trend,
        )
        results.append(spc.Result(chart=chart, phases=phases, columns=columns))
    return results
