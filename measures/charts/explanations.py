"""Finding the signals of an analysis and putting them into plain words.

``explain_signals``: one ``Explanation`` per signal (shift, trend, runs, points
outside the limits, the Anhøj rules), per caution and for the absence of a signal,
under the rule set the chart shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from measures.charts.context import NEUTRAL, Explanation, _Signal
from measures.charts.formatting import (
    _as_date,
    _centre_name,
    _count_months,
    _has_value,
    _last_value_index,
    _list_months,
    _months,
    _phase_prefix,
    _span,
    _tone_for_side,
)

if TYPE_CHECKING:
    from measures.charts.context import ChartContext


CAUTION_TEXT = "fewer than 10 useful observations"


def _uses_ihi(analysis: dict, rule_set: str | None) -> bool:
    return analysis.get("chart") == "run" and rule_set in ("ihi", None)


def _uses_anhoj(analysis: dict, rule_set: str | None) -> bool:
    if analysis.get("chart") == "mr":
        return False
    return analysis.get("chart") != "run" or rule_set != "ihi"


def _long_runs(points: list, phase: int, longer_than: int) -> list[tuple[str, list[int]]]:
    """Blocks of more than ``longer_than`` useful points on one side of the centre line."""
    blocks: list[tuple[str, list[int]]] = []
    side = None
    current: list[int] = []
    for index, point in enumerate(points):
        if point.get("phase") != phase or point.get("excluded") or not _has_value(point):
            continue
        centre = point.get("cl")
        if centre is None or point["value"] == centre:
            continue
        here = "above" if point["value"] > centre else "below"
        if here == side:
            current.append(index)
        else:
            if current:
                blocks.append((side, current))
            side, current = here, [index]
    if current:
        blocks.append((side, current))
    return [(s, block) for s, block in blocks if len(block) > longer_than]


def _latest_run(points: list, phase: int) -> tuple[str, list[int]] | None:
    """The phase's last block of useful points on one side of the centre line."""
    blocks = _long_runs(points, phase, 0)
    return blocks[-1] if blocks else None


def _clustered(
    analysis: dict,
    direction: str,
    points: list,
    months: list,
    phase: int,
    last: int | None,
    centre: str,
) -> tuple[str, list[int], str]:
    """Tone, points and words for a phase-wide "too few crossings/runs" signal.

    Too few crossings means the values stay on one side for long stretches; where the
    process is now (the side of the latest run) says whether that is for the better.
    """
    run = _latest_run(points, phase)
    if run is None:
        return NEUTRAL, [], ""
    side, hits = run
    words = (
        f" The latest {_count_months(len(hits)).lower()} are {side} the {centre} "
        f"({_span(months, points, hits, last)})."
        if len(hits) > 1
        else f" The latest month is {side} the {centre}."
    )
    return _tone_for_side(analysis, direction, side), hits, words


def _signals(
    analysis: dict, ctx: ChartContext | None, direction: str, rule_set: str | None
) -> list[_Signal]:
    points = analysis.get("points") or []
    months = _months(analysis, ctx) if ctx else [_as_date(p.get("x")) for p in points]
    index_of = {p.get("x"): i for i, p in enumerate(points)}
    last = _last_value_index(points)
    centre = _centre_name(analysis)
    signals: list[_Signal] = []

    def indices_of(xs: list) -> list[int]:
        return sorted(index_of[x] for x in xs if x in index_of)

    for phase in analysis.get("phases") or []:
        number = phase.get("phase")
        prefix = _phase_prefix(analysis, ctx, number) if ctx else ""

        # 3-sigma rule: every chart with limits.
        for side, limit_key, limit_name in (
            ("above", "ucl", "upper"),
            ("below", "lcl", "lower"),
        ):
            hits = [
                i
                for i, p in enumerate(points)
                if p.get("phase") == number
                and p.get("sigma_signal")
                and p.get(limit_key) is not None
                and _has_value(p)
                and (
                    (p["value"] > p[limit_key]) if side == "above" else (p["value"] < p[limit_key])
                )
            ]
            if hits:
                signals.append(
                    _Signal(
                        "sigma_" + side,
                        _tone_for_side(analysis, direction, side),
                        number,
                        hits,
                        f"{prefix}{_count_months(len(hits))} {side} the {limit_name} limit "
                        f"({_list_months(months, points, hits)}): special cause, "
                        "more than random variation.",
                    )
                )

        ihi = phase.get("ihi")
        if _uses_ihi(analysis, rule_set) and ihi:
            useful = ihi.get("n_useful")
            for shift in ihi.get("shifts") or []:
                hits = indices_of(shift.get("x") or [])
                if not hits:
                    continue
                side = shift.get("side", "above")
                signals.append(
                    _Signal(
                        "shift",
                        _tone_for_side(analysis, direction, side),
                        number,
                        hits,
                        f"{prefix}{len(hits)} months in a row {side} the median "
                        f"{_span(months, points, hits, last)}: a shift. "
                        "Under the IHI rules that means non-random change.",
                    )
                )
            for trend in ihi.get("trends") or []:
                hits = indices_of(trend.get("x") or [])
                if not hits:
                    continue
                going = trend.get("direction", "up")
                side = "above" if going == "up" else "below"
                signals.append(
                    _Signal(
                        "trend",
                        _tone_for_side(analysis, direction, side),
                        number,
                        hits,
                        f"{prefix}{len(hits)} months in a row going {going} "
                        f"{_span(months, points, hits, last)}: a trend. "
                        "Under the IHI rules that means non-random change.",
                    )
                )
            limits = ihi.get("runs_limits")
            if limits and ihi.get("too_few_runs"):
                tone, hits, latest = _clustered(
                    analysis, direction, points, months, number, last, centre
                )
                signals.append(
                    _Signal(
                        "too_few_runs",
                        tone,
                        number,
                        hits,
                        f"{prefix}Too few runs around the median ({ihi.get('n_runs')}, "
                        f"fewer than the {limits[0]} expected for {useful} useful months): "
                        f"under the IHI rules that means non-random change.{latest}",
                    )
                )
            if limits and ihi.get("too_many_runs"):
                signals.append(
                    _Signal(
                        "too_many_runs",
                        NEUTRAL,
                        number,
                        [],
                        f"{prefix}Too many runs around the median ({ihi.get('n_runs')}, "
                        f"more than the {limits[1]} expected for {useful} useful months): "
                        "the values alternate more than chance would. Under the IHI rules "
                        "that means non-random variation; check how the data are collected.",
                    )
                )
            baseline = ihi.get("baseline_only_runs")
            if baseline and baseline.get("runs_limits"):
                lower, upper = baseline["runs_limits"]
                verdict = (
                    f"too few runs ({baseline.get('n_runs')}, fewer than {lower})"
                    if baseline.get("too_few_runs")
                    else f"too many runs ({baseline.get('n_runs')}, more than {upper})"
                    if baseline.get("too_many_runs")
                    else ""
                )
                if verdict:
                    signals.append(
                        _Signal(
                            "baseline_runs",
                            NEUTRAL,
                            number,
                            [],
                            f"{prefix}In the baseline months alone: {verdict} for "
                            f"{baseline.get('n_useful')} useful months, so the baseline "
                            "itself was not stable under the IHI rules.",
                        )
                    )

        if _uses_anhoj(analysis, rule_set):
            useful = phase.get("n_useful")
            run_max = phase.get("longest_run_max")
            longest = phase.get("longest_run")
            if longest is not None and run_max is not None and longest > run_max:
                blocks = _long_runs(points, number, run_max)
                for side, hits in blocks:
                    signals.append(
                        _Signal(
                            "long_run",
                            _tone_for_side(analysis, direction, side),
                            number,
                            hits,
                            f"{prefix}{len(hits)} months in a row {side} the {centre} "
                            f"{_span(months, points, hits, last)}, more than the {run_max} "
                            f"that random variation gives for {useful} useful months: "
                            "under the Anhøj rules that is a shift, non-random change.",
                        )
                    )
                if not blocks:
                    signals.append(
                        _Signal(
                            "long_run",
                            NEUTRAL,
                            number,
                            [],
                            f"{prefix}{longest} months in a row on one side of the {centre}, "
                            f"more than the {run_max} that random variation gives for "
                            f"{useful} useful months: under the Anhøj rules that is a shift, "
                            "non-random change.",
                        )
                    )
            crossings = phase.get("n_crossings")
            crossings_min = phase.get("n_crossings_min")
            if crossings is not None and crossings_min is not None and crossings < crossings_min:
                tone, hits, latest = _clustered(
                    analysis, direction, points, months, number, last, centre
                )
                signals.append(
                    _Signal(
                        "few_crossings",
                        tone,
                        number,
                        hits,
                        f"{prefix}Too few crossings of the {centre} ({crossings}, fewer than "
                        f"the {crossings_min} expected for {useful} useful months): "
                        f"Anhøj rules signal non-random variation.{latest}",
                    )
                )
    return signals


def _cautions(analysis: dict, ctx: ChartContext) -> list[Explanation]:
    points = analysis.get("points") or []
    months = _months(analysis, ctx)
    result = []
    for phase in analysis.get("phases") or []:
        if "caution" in phase:
            caution = phase.get("caution")
        else:
            useful = phase.get("n_useful")
            caution = CAUTION_TEXT if useful is not None and useful < 10 else None
        if not caution:
            continue
        number = phase.get("phase")
        useful = phase.get("n_useful")
        counted = f" ({useful})" if useful is not None else ""
        in_phase = [months[i] for i, p in enumerate(points) if p.get("phase") == number]
        result.append(
            Explanation(
                "caution",
                NEUTRAL,
                f"{_phase_prefix(analysis, ctx, number)}{caution[:1].upper()}{caution[1:]}"
                f"{counted}: the rules can miss a real change or flag a random one, "
                "so read the chart with care.",
                [m for m in in_phase if m is not None],
            )
        )
    return result


def explain_signals(analysis: dict, ctx: ChartContext) -> list[Explanation]:
    """Every signal of the chart in plain language, then the cautions; or why there is none."""
    points = analysis.get("points") or []
    if analysis.get("error"):
        return [
            Explanation(
                "error",
                NEUTRAL,
                f"The values could not be analysed: {analysis['error']}",
                [],
            )
        ]
    if not any(_has_value(p) for p in points):
        return [
            Explanation(
                "no_data",
                NEUTRAL,
                "No values yet: the chart appears once months are reported.",
                [],
            )
        ]
    months = _months(analysis, ctx)
    explanations = [
        Explanation(
            s.kind,
            s.tone,
            s.text,
            [months[i] for i in s.indices if months[i] is not None],
        )
        for s in _signals(analysis, ctx, ctx.direction, ctx.rule_set)
    ]
    if not explanations:
        explanations.append(
            Explanation(
                "common_cause",
                NEUTRAL,
                "No signal: the variation is what random month-to-month change looks like.",
                [],
            )
        )
    return explanations + _cautions(analysis, ctx)


def _signal_text_by_point(analysis: dict, ctx: ChartContext) -> dict[int, list[_Signal]]:
    by_point: dict[int, list[_Signal]] = {}
    for signal in _signals(analysis, ctx, ctx.direction, ctx.rule_set):
        for index in signal.indices:
            by_point.setdefault(index, []).append(signal)
    return by_point
