"""Run charts, Shewhart control charts and their signal rules.

Pure computation (standard library and NumPy, no Django), implementing
``docs/statistics.md`` exactly: centre lines and 3-sigma limits for the run,
I, MR, p, p', u, u', c, g, t, xbar and s charts (section 2), the Shewhart
3-sigma rule (3), the Anhøj runs rules as in qicharts2 0.8.1 (4) and, on run
charts, the IHI run-chart rules of Perla, Provost & Murray 2011 (5, in
``measures.spc_ihi``).

    from measures.spc import analyze
    analyze("p", numerators, denominators, multiply=100).as_dict()

Every calculation is done on unscaled values; ``multiply`` only scales what is
returned (value, centre line, limits, IHI median), so signals never depend on
it. ``analyze_many`` gives the same results for many series at once (same
options for all), with the per-point work vectorised with NumPy
(``measures.spc_batch``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from measures.spc_ihi import ihi_analysis

SPC_VERSION = "1"

CHARTS = ("run", "i", "mr", "p", "pp", "u", "up", "c", "g", "t", "xbar", "s")
RATIO_CHARTS = frozenset({"p", "pp", "u", "up"})
#: Charts whose values are counts or sizes and can never be negative.
NON_NEGATIVE_CHARTS = frozenset({"p", "pp", "u", "up", "c", "g"})
#: Charts analysed by subgroups of individual observations (section 1.1).
SUBGROUP_CHARTS = frozenset({"xbar", "s"})

CAUTION = "fewer than 10 useful observations"
CAUTION_BELOW = 10

D2 = 1.128  # d2 for subgroups of 2 (moving ranges)
MR_SCREEN = 3.267  # D4 for n = 2: moving-range screening limit and MR-chart UCL
T_POWER = 3.6  # T chart transformation exponent
NAN = float("nan")


# ---------------------------------------------------------------------------
# Result


@dataclass
class Result:
    """The analysis of one series; ``as_dict()`` is statistics.md section 9."""

    chart: str
    phases: list[dict[str, Any]] = field(default_factory=list)
    #: Per-point columns, the arguments of ``build_points`` (built on demand:
    #: the point dictionaries are most of the cost of an analysis).
    columns: tuple = field(default=(), repr=False)

    @property
    def points(self) -> list[dict[str, Any]]:
        """The point dictionaries of section 9 (a new list on every call)."""
        return build_points(*self.columns) if self.columns else []

    def as_dict(self) -> dict[str, Any]:
        phases = []
        for phase in self.phases:
            copy = dict(phase)
            ihi = copy.get("ihi")
            if ihi is not None:
                copy["ihi"] = _copy_ihi(ihi)
            phases.append(copy)
        return {
            "chart": self.chart,
            "points": self.points,
            "phases": phases,
        }

    @property
    def runs_signal(self) -> bool:
        """True when any phase has an Anhøj runs signal."""
        return any(phase["runs_signal"] for phase in self.phases)

    @property
    def sigma_signals(self) -> int:
        """Number of points outside their 3-sigma limits."""
        return sum(phase["sigma_signals"] for phase in self.phases)


def _copy_ihi(ihi: dict[str, Any]) -> dict[str, Any]:
    copy = dict(ihi)
    copy["runs_limits"] = list(ihi["runs_limits"]) if ihi["runs_limits"] else None
    copy["shifts"] = [{"side": s["side"], "x": list(s["x"])} for s in ihi["shifts"]]
    copy["trends"] = [{"direction": t["direction"], "x": list(t["x"])} for t in ihi["trends"]]
    base = ihi.get("baseline_only_runs")
    if base is not None:
        base = dict(base)
        base["runs_limits"] = list(base["runs_limits"]) if base["runs_limits"] else None
        copy["baseline_only_runs"] = base
    return copy


# ---------------------------------------------------------------------------
# Small numeric helpers


def _finite(value: float) -> bool:
    return value - value == 0  # NaN - NaN and inf - inf are NaN


def _out(value: float) -> float | None:
    """A JSON-ready float, None for missing or non-finite numbers."""
    return float(value) if value - value == 0 else None


def _at_least_0(value: float) -> float:
    """max(0, value), keeping NaN (Python's max(0.0, nan) would give 0.0)."""
    return 0.0 if value < 0 else value


def _at_most_1(value: float) -> float:
    return 1.0 if value > 1 else value


def _mean(values: Sequence[float]) -> float:
    present = [v for v in values if v == v]
    if not present:
        return NAN
    return math.fsum(present) / len(present)


def _median(values: Sequence[float]) -> float:
    present = sorted(v for v in values if v == v)
    count = len(present)
    if not count:
        return NAN
    half = count // 2
    if count % 2:
        return present[half]
    return (present[half - 1] + present[half]) / 2


def _mr_sigma(sequence: Sequence[float], screen: bool) -> float:
    """sigma = average moving range / d2 over a sequence (statistics.md 2.2).

    A missing value (NaN) stays in the sequence, so both moving ranges that
    touch it are undefined and left out. With ``screen``, moving ranges of
    3.267 x the average or more are discarded and the average recomputed.
    """
    ranges = [abs(b - a) for a, b in pairwise(sequence) if a == a and b == b]
    if not ranges:
        return NAN
    average = math.fsum(ranges) / len(ranges)
    if screen and average > 0:
        kept = [r for r in ranges if r < MR_SCREEN * average]
        average = math.fsum(kept) / len(kept) if kept else NAN
    return average / D2


def _c4(m: int) -> float:
    return math.sqrt(2 / (m - 1)) * math.exp(math.lgamma(m / 2) - math.lgamma((m - 1) / 2))


@lru_cache(maxsize=512)
def subgroup_constants(m: int) -> tuple[float, float, float, float]:
    """(c4, A3, B3, B4) for subgroups of size m >= 2, exact (statistics.md 2.9)."""
    c4 = _c4(m)
    c5 = math.sqrt(1 - c4 * c4)
    return c4, 3 / (c4 * math.sqrt(m)), max(0.0, 1 - 3 * c5 / c4), 1 + 3 * c5 / c4


# ---------------------------------------------------------------------------
# Anhøj rules (statistics.md section 4)


def longest_run_max(n_useful: int) -> int:
    """Anhøj limit for the longest run: round(log2(n)) + 3."""
    return round(math.log2(n_useful)) + 3


@lru_cache(maxsize=1024)
def n_crossings_min(n_useful: int) -> int:
    """Lower 5% quantile of Binomial(n - 1, 0.5), computed exactly."""
    trials = n_useful - 1
    total = 1 << trials
    cumulative = 0
    for c in range(trials + 1):
        cumulative += math.comb(trials, c)
        if cumulative * 20 >= total:  # P(C <= c) >= 0.05
            return c
    return trials


def anhoej(values: Sequence[float], centre: float) -> dict[str, Any]:
    """Anhøj runs analysis of values (in time order) against a centre line.

    Missing values and values exactly on the centre line are dropped.
    """
    previous = 0
    useful = longest = current = runs = 0
    if centre == centre:
        for value in values:
            if value != value or value == centre:
                continue
            side = 1 if value > centre else -1
            useful += 1
            if side == previous:
                current += 1
            else:
                runs += 1
                current = 1
                previous = side
            if current > longest:
                longest = current
    if not useful:
        return {
            "n_useful": 0,
            "longest_run": None,
            "longest_run_max": None,
            "n_crossings": None,
            "n_crossings_min": None,
            "runs_signal": False,
        }
    run_max = longest_run_max(useful)
    crossings = runs - 1
    crossings_min = n_crossings_min(useful)
    return {
        "n_useful": useful,
        "longest_run": longest,
        "longest_run_max": run_max,
        "n_crossings": crossings,
        "n_crossings_min": crossings_min,
        "runs_signal": longest > run_max or crossings < crossings_min,
    }


NO_RUNS = {
    "n_useful": None,
    "longest_run": None,
    "longest_run_max": None,
    "n_crossings": None,
    "n_crossings_min": None,
    "runs_signal": False,
}


# ---------------------------------------------------------------------------
# Input preparation (statistics.md section 1)


@dataclass
class _Series:
    labels: list[Any]
    values: list[float]  # unscaled plotted value, NaN = missing
    numerators: list[float]  # y (ratio charts), NaN = missing
    denominators: list[float]  # n, NaN = missing or no denominator
    denominator_out: list[float | None]
    sizes: list[int]  # subgroup_size
    sds: list[float]  # xbar: subgroup standard deviation


def _number(value: Any, what: str, position: int) -> float:
    if value is None:
        return NAN
    if isinstance(value, bool):
        raise ValueError(f"{what} at position {position} is not a number: {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} at position {position} is not a number: {value!r}") from None
    if number != number:
        return NAN  # NaN is a missing value
    if number in (math.inf, -math.inf):
        raise ValueError(f"{what} at position {position} is not a finite number")
    return number


def _numbers(raw: Sequence[Any], what: str) -> list[float]:
    """Floats (NaN = missing) from a column; the common int/float case inline."""
    out = []
    append = out.append
    for position, value in enumerate(raw, start=1):
        kind = type(value)
        if kind is float and value - value == 0:
            append(value)
        elif kind is int:
            append(float(value))
        else:
            append(_number(value, what, position))
    return out


def _prepare(chart: str, y: Sequence[Any], n: Sequence[Any] | None, x: Sequence[Any] | None):
    if x is not None and len(x) != len(y):
        raise ValueError(f"x and y have different lengths ({len(x)} and {len(y)})")
    if n is not None and len(n) != len(y):
        raise ValueError(f"y and n have different lengths ({len(y)} and {len(n)})")
    if chart in RATIO_CHARTS and n is None:
        raise ValueError(f"denominators (n) are needed for a {chart} chart")
    if chart in SUBGROUP_CHARTS:
        if n is not None:
            raise ValueError(
                f"denominators (n) are not used by the {chart} chart: "
                "give its individual observations as y"
            )
        return _prepare_subgroups(chart, y, x)

    labels = list(x) if x is not None else list(range(1, len(y) + 1))
    count = len(y)
    values = [NAN] * count
    numerators = [NAN] * count
    denominators = [NAN] * count
    denominator_out: list[float | None] = [None] * count
    sizes = [0] * count
    y_numbers = _numbers(y, "numerator" if n is not None else "value")
    n_numbers = _numbers(n, "denominator") if n is not None else None
    for index in range(count):
        position = index + 1
        value = y_numbers[index]
        if n_numbers is not None:
            den = n_numbers[index]
            if den < 0:
                raise ValueError(f"denominator at position {position} is negative ({den:g})")
            if value != value or den != den:
                continue  # either missing: both are missing (statistics.md 1.2)
            denominator_out[index] = den
            if value < 0:
                raise ValueError(f"numerator at position {position} is negative ({value:g})")
            if den == 0:
                if value > 0:
                    raise ValueError(
                        f"numerator at position {position} is {value:g} but the denominator is 0"
                    )
                continue  # 0/0: treated as missing (statistics.md 1.2)
            if chart in ("p", "pp") and value > den:
                raise ValueError(
                    f"numerator at position {position} ({value:g}) is greater than "
                    f"its denominator ({den:g})"
                )
            numerators[index] = value
            denominators[index] = den
            values[index] = value / den
        else:
            if value != value:
                continue
            if chart == "t" and value <= 0:
                raise ValueError(
                    f"value at position {position} is {value:g}; "
                    "a T chart needs times greater than 0"
                )
            if chart in NON_NEGATIVE_CHARTS and value < 0:
                raise ValueError(f"value at position {position} is negative ({value:g})")
            values[index] = value
        sizes[index] = 1
    series = _Series(labels, values, numerators, denominators, denominator_out, sizes, [])
    if x is not None and has_repeated_labels(labels):
        series = _combine(chart, series, with_denominators=n is not None)
    return series


def has_repeated_labels(labels: Sequence[Any]) -> bool:
    return any(a == b for a, b in pairwise(labels))


def _combine(chart: str, series: _Series, *, with_denominators: bool) -> _Series:
    """Combine consecutive subgroups with equal labels into one (statistics.md 1.1).

    With denominators: sum of numerators / sum of denominators; c chart: the
    sum of the counts; otherwise the mean of the values. Missing rows add
    nothing; subgroup_size is the number of rows with a value.
    """
    groups: list[list[int]] = []
    for index, label in enumerate(series.labels):
        if groups and series.labels[groups[-1][0]] == label:
            groups[-1].append(index)
        else:
            groups.append([index])
    old = series
    combined = _Series([], [], [], [], [], [], [])
    for group in groups:
        present = [i for i in group if old.values[i] == old.values[i]]
        combined.labels.append(old.labels[group[0]])
        combined.sizes.append(len(present))
        numerator = denominator = value = NAN
        den_out = None
        if with_denominators:
            given = [old.denominator_out[i] for i in group if old.denominator_out[i] is not None]
            den_out = math.fsum(given) if given else None
            if present:
                numerator = math.fsum(old.numerators[i] for i in present)
                denominator = math.fsum(old.denominators[i] for i in present)
                value = numerator / denominator
        elif present:
            total = math.fsum(old.values[i] for i in present)
            value = total if chart == "c" else total / len(present)
        combined.values.append(value)
        combined.numerators.append(numerator)
        combined.denominators.append(denominator)
        combined.denominator_out.append(den_out)
    return combined


def _prepare_subgroups(chart: str, y: Sequence[Any], x: Sequence[Any] | None) -> _Series:
    """Consecutive equal labels form one subgroup (statistics.md 1.1)."""
    labels: list[Any] = []
    groups: list[list[float]] = []
    for index, raw in enumerate(y):
        label = x[index] if x is not None else index + 1
        value = _number(raw, "value", index + 1)
        if not labels or labels[-1] != label:
            labels.append(label)
            groups.append([])
        if value == value:
            groups[-1].append(value)
    means, sds, sizes = [], [], []
    for group in groups:
        m = len(group)
        sizes.append(m)
        if not m:
            means.append(NAN)
            sds.append(NAN)
            continue
        mean = math.fsum(group) / m
        means.append(mean)
        if m > 1:
            sds.append(math.sqrt(math.fsum((v - mean) ** 2 for v in group) / (m - 1)))
        else:
            sds.append(NAN)
    values = means if chart == "xbar" else sds
    count = len(labels)
    return _Series(labels, values, [NAN] * count, [NAN] * count, [None] * count, sizes, sds)


def _positions(values: Sequence[Any], what: str, count: int, upper: int) -> list[int]:
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                if isinstance(value, bool) or int(value) != value:
                    raise ValueError
                value = int(value)
            except (TypeError, ValueError):
                raise ValueError(f"{what} {value!r} is not a subgroup position") from None
        if not 1 <= value <= upper:
            raise ValueError(f"{what} {value} is outside 1..{upper}")
        out.append(value)
    return out


# ---------------------------------------------------------------------------
# Centre lines and limits (statistics.md section 2)


def _limits(
    chart: str,
    series: _Series,
    members: list[int],
    estimation: list[int],
    screen: bool,
) -> tuple[float, dict[int, tuple[float, float]]]:
    """Centre line (also the runs reference line) and per-point (lcl, ucl) of a phase.

    ``members`` are the subgroup indices of the phase in time order and
    ``estimation`` the estimation set B (1.7). Limits are only given for
    points with a value; everything is unscaled.
    """
    values = series.values
    present = [i for i in members if values[i] == values[i]]
    limits: dict[int, tuple[float, float]] = {}

    if chart == "run":
        centre = _median([values[i] for i in estimation])
        return centre, limits

    if chart in ("i", "t"):
        if chart == "t":
            seq = [values[i] ** (1 / T_POWER) for i in estimation]
        else:
            seq = [values[i] for i in estimation]
        centre = _mean(seq)
        sigma = _mr_sigma(seq, screen)
        lower, upper = centre - 3 * sigma, centre + 3 * sigma
        if chart == "t":
            centre_t = centre**T_POWER if centre == centre else NAN
            lower = lower**T_POWER if lower > 0 else (0.0 if lower == lower else NAN)
            upper = upper**T_POWER if upper == upper else NAN
            centre = centre_t
        for i in present:
            limits[i] = (lower, upper)
        return centre, limits

    if chart == "mr":
        centre = _mean([values[i] for i in estimation])
        for i in present:
            limits[i] = (0.0, MR_SCREEN * centre)
        return centre, limits

    if chart in RATIO_CHARTS:
        num = [series.numerators[i] for i in estimation if values[i] == values[i]]
        den = [series.denominators[i] for i in estimation if values[i] == values[i]]
        total = math.fsum(den)
        centre = math.fsum(num) / total if total > 0 else NAN
        proportion = chart in ("p", "pp")
        spread = centre * (1 - centre) if proportion else centre

        def sd(i: int) -> float:
            return math.sqrt(spread / series.denominators[i]) if spread >= 0 else NAN

        factor = 1.0
        if chart in ("pp", "up"):
            z = []
            for i in estimation:
                s = sd(i) if values[i] == values[i] else NAN
                z.append((values[i] - centre) / s if s > 0 else NAN)
            factor = _mr_sigma(z, screen)
        for i in present:
            s = 3 * factor * sd(i)
            lower = _at_least_0(centre - s)
            upper = centre + s
            if proportion:
                upper = _at_most_1(upper)
            limits[i] = (lower, upper)
        return centre, limits

    if chart == "c":
        centre = _mean([values[i] for i in estimation])
        s = 3 * math.sqrt(centre) if centre >= 0 else NAN
        for i in present:
            limits[i] = (_at_least_0(centre - s), centre + s)
        return centre, limits

    if chart == "g":
        mean = _mean([values[i] for i in estimation])
        centre = _median([values[i] for i in estimation])
        s = 3 * math.sqrt(mean * (mean + 1)) if mean >= 0 else NAN
        for i in present:
            limits[i] = (_at_least_0(mean - s), mean + s)
        return centre, limits

    # xbar and s (2.9)
    sizes, sds = series.sizes, series.sds
    used = [i for i in estimation if sizes[i] > 0]
    varied = [i for i in used if sizes[i] > 1]
    if varied and len({sizes[i] for i in used}) == 1:
        sbar = math.fsum(sds[i] for i in varied) / len(varied)
    elif varied:
        dof = sum(sizes[i] - 1 for i in varied)
        sbar = math.sqrt(math.fsum((sizes[i] - 1) * sds[i] ** 2 for i in varied) / dof)
    else:
        sbar = NAN
    if chart == "xbar":
        weight = sum(sizes[i] for i in used)
        centre = math.fsum(sizes[i] * values[i] for i in used) / weight if weight else NAN
        for i in present:
            if sizes[i] > 1:
                spread = subgroup_constants(sizes[i])[1] * sbar
                limits[i] = (centre - spread, centre + spread)
        return centre, limits
    centre = sbar
    for i in present:
        if sizes[i] > 1:
            _, _, b3, b4 = subgroup_constants(sizes[i])
            limits[i] = (b3 * sbar, b4 * sbar)
    return centre, limits


# ---------------------------------------------------------------------------
# The analysis


def check_chart(chart: str) -> None:
    if chart not in CHARTS:
        raise ValueError(f"unknown chart {chart!r}; expected one of {', '.join(CHARTS)}")


def check_multiply(multiply: Any) -> float:
    try:
        factor = float(multiply)
    except (TypeError, ValueError):
        factor = NAN
    if isinstance(multiply, bool) or not (_finite(factor) and factor > 0):
        raise ValueError(f"multiply must be a number greater than 0 (got {multiply!r})")
    return factor


def structure(
    count: int, phase_breaks: Sequence[int], freeze: int | None, exclude: Sequence[int]
) -> tuple[list[int], int | None, set[int]]:
    """Validated phase breaks (sorted), freeze and 0-based excluded indices."""
    breaks = sorted(set(_positions(phase_breaks, "phase break after subgroup", count, count - 1)))
    excluded = {k - 1 for k in _positions(exclude, "excluded subgroup", count, count)}
    if freeze is not None:
        (freeze,) = _positions([freeze], "freeze after subgroup", count, count)
        if breaks:
            freeze = None  # qicharts2: a freeze is ignored when phases are given (1.5)
    return breaks, freeze, excluded


def analyze(
    chart: str,
    y: Sequence[Any],
    n: Sequence[Any] | None = None,
    *,
    x: Sequence[Any] | None = None,
    phase_breaks: Sequence[int] = (),
    freeze: int | None = None,
    exclude: Sequence[int] = (),
    multiply: float = 1,
    screen_moving_ranges: bool = True,
) -> Result:
    """Analyse one series as statistics.md describes (interface: section 9).

    Raises ValueError, naming the problem and the position, for an unknown
    chart, inputs of different lengths, a numerator above zero over a zero
    denominator, a non-positive value on a T chart, and similar bad input.
    """
    check_chart(chart)
    multiply = check_multiply(multiply)
    series = _prepare(chart, y, n, x)
    count = len(series.values)
    breaks, freeze, excluded = structure(count, phase_breaks, freeze, exclude)

    values = series.values
    if chart == "mr":
        values = _moving_ranges(values, breaks)
        series.values = values
        series.sizes = [1 if v == v else 0 for v in values]

    bounds = [0, *breaks, count]
    point_phase = [0] * count
    baseline = [True] * count
    if freeze is not None:
        for i in range(freeze, count):
            baseline[i] = False

    cl_out = [NAN] * count
    lcl_out = [NAN] * count
    ucl_out = [NAN] * count
    sigma_signal = [False] * count
    ihi_shift = [False] * count
    ihi_trend = [False] * count
    phases: list[dict[str, Any]] = []

    for number, (start, stop) in enumerate(pairwise(bounds), start=1):
        members = list(range(start, stop))
        for i in members:
            point_phase[i] = number
        estimation = [i for i in members if baseline[i] and i not in excluded]
        centre, limits = _limits(chart, series, members, estimation, screen_moving_ranges)
        signals = 0
        for i in members:
            cl_out[i] = centre
            bounds_i = limits.get(i)
            if bounds_i is None:
                continue
            lower, upper = bounds_i
            lcl_out[i] = lower
            ucl_out[i] = upper
            value = values[i]
            if lower - lower == 0 and upper - upper == 0 and (value > upper or value < lower):
                sigma_signal[i] = True
                signals += 1
        tested = [i for i in members if i not in excluded]
        # No runs analysis on an MR chart: its points are not independent (2.3).
        no_runs = chart == "mr"
        runs = dict(NO_RUNS) if no_runs else anhoej([values[i] for i in tested], centre)
        ihi = None
        if chart == "run":
            ihi = ihi_analysis(
                [values[i] for i in tested],
                [series.labels[i] for i in tested],
                centre,
                baseline=[baseline[i] for i in tested] if freeze is not None else None,
            )
            flagged_shift = {label_index for s in ihi.pop("_shift_index") for label_index in s}
            flagged_trend = {label_index for t in ihi.pop("_trend_index") for label_index in t}
            for k in flagged_shift:
                ihi_shift[tested[k]] = True
            for k in flagged_trend:
                ihi_trend[tested[k]] = True
            ihi["median"] = _out(centre * multiply)
        useful = runs["n_useful"]
        phases.append(
            {
                "phase": number,
                "n_obs": len(members),
                **runs,
                "sigma_signals": signals,
                "ihi": ihi,
                "caution": CAUTION if useful is not None and useful < CAUTION_BELOW else None,
            }
        )

    columns = (
        series.labels,
        scaled(values, multiply),
        series.denominator_out,
        series.sizes,
        point_phase,
        baseline,
        [i in excluded for i in range(count)],
        scaled(cl_out, multiply),
        scaled(lcl_out, multiply),
        scaled(ucl_out, multiply),
        sigma_signal,
        ihi_shift,
        ihi_trend,
    )
    return Result(chart=chart, phases=phases, columns=columns)


def scaled(column: Sequence[float], multiply: float) -> list[float | None]:
    """Scale unscaled floats for output; NaN and infinities become None."""
    return [p if p - p == 0 else None for p in [v * multiply for v in column]]


def build_points(
    labels: Sequence[Any],
    values: Sequence[float | None],
    denominators: Sequence[float | None],
    sizes: Sequence[int],
    phase: Sequence[int],
    baseline: Sequence[bool],
    excluded: Sequence[bool],
    cl: Sequence[float | None],
    lcl: Sequence[float | None],
    ucl: Sequence[float | None],
    sigma_signal: Sequence[bool],
    ihi_shift: Sequence[bool],
    ihi_trend: Sequence[bool],
) -> list[dict[str, Any]]:
    """The JSON-ready point dictionaries of section 9 from output-ready columns
    (values, centre line and limits already scaled, None where undefined)."""
    return [
        {
            "x": x,
            "value": value,
            "denominator": den,
            "subgroup_size": size,
            "phase": ph,
            "baseline": base,
            "excluded": excl,
            "cl": centre,
            "lcl": lower,
            "ucl": upper,
            "sigma_signal": sig,
            "ihi_shift": shift,
            "ihi_trend": trend,
        }
        for x, value, den, size, ph, base, excl, centre, lower, upper, sig, shift, trend in zip(
            labels,
            values,
            denominators,
            sizes,
            phase,
            baseline,
            excluded,
            cl,
            lcl,
            ucl,
            sigma_signal,
            ihi_shift,
            ihi_trend,
            strict=True,
        )
    ]


def analyze_many(
    chart: str,
    ys: Sequence[Sequence[Any]],
    ns: Sequence[Sequence[Any] | None] | None = None,
    **options: Any,
) -> list[Result]:
    """``analyze`` over many series with the same options, vectorised with NumPy.

    Gives exactly ``[analyze(chart, y, n, **options) for y, n in zip(ys, ns)]``
    (see ``measures.spc_batch``); a ValueError names the series first.
    """
    from measures.spc_batch import analyze_many as batch

    return batch(chart, ys, ns, **options)


def _moving_ranges(values: list[float], breaks: list[int]) -> list[float]:
    """MR chart values: |y_j - y_(j-1)| within each phase (statistics.md 2.3)."""
    starts = {0, *breaks}
    out = [NAN] * len(values)
    for j in range(1, len(values)):
        if j in starts:
            continue
        a, b = values[j - 1], values[j]
        if a == a and b == b:
            out[j] = abs(b - a)
    return out
