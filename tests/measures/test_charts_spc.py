"""Charts drawn from real ``measures.spc.analyze`` results of the qicharts2 examples."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go

from measures.charts import (
    build_figure,
    csv_rows,
    explain_signals,
    table_rows,
    text_summary,
    variation_icon,
)
from measures.spc import analyze
from tests.measures.charts_support import context

EXAMPLES = Path(__file__).resolve().parent / "data" / "spc_examples.json"


def example(series_id: str) -> dict:
    series = json.loads(EXAMPLES.read_text())["series"]
    inputs = next(s for s in series if s["id"] == series_id)["inputs"]
    chart = next(s for s in series if s["id"] == series_id)["chart"]
    return analyze(
        chart,
        inputs["y"],
        inputs["n"],
        phase_breaks=(inputs["part"],) if inputs["part"] else (),
        freeze=inputs["freeze"],
        multiply=inputs["multiply"],
    ).as_dict()


def test_a_step_up_on_a_higher_is_better_run_chart_is_improving_under_ihi_rules():
    assert variation_icon(example("RUN10"), "up", rule_set="ihi") == "improving"


def test_a_step_up_explains_the_shift_since_the_step_month():
    explanations = explain_signals(example("RUN10"), context(24, rule_set="ihi"))
    texts = [e.text for e in explanations]
    assert (
        "12 months in a row above the median since January 2026: a shift. "
        "Under the IHI rules that means non-random change." in texts
    )
    assert any(e.kind == "too_few_runs" for e in explanations)


def test_a_step_up_under_the_anhoj_rules_is_a_long_run_and_too_few_crossings():
    explanations = explain_signals(example("RUN10"), context(24, rule_set="anhoj"))
    assert {e.kind for e in explanations} == {"long_run", "few_crossings"}


def test_an_i_chart_point_above_the_upper_limit_is_explained_with_its_month():
    explanations = explain_signals(example("I02"), context(24))
    assert explanations[0].text.startswith("One month above the upper limit (April 2026)")


def test_a_short_run_chart_carries_the_caution():
    explanations = explain_signals(example("RUN01"), context(8))
    assert explanations[-1].kind == "caution"


def test_missing_months_of_a_c_chart_leave_gaps_and_table_rows_say_no_value():
    analysis = example("C03")
    missing = [i for i, p in enumerate(analysis["points"]) if p["value"] is None]
    figure = build_figure(analysis, context(24))
    values = next(t for t in figure["data"] if t["mode"] == "lines+markers")
    assert missing and all(values["y"][i] is None for i in missing)
    rows = table_rows(analysis, context(24))
    assert all(rows[i]["note"] == "No value" for i in missing)


def test_a_two_phase_p_chart_draws_each_phase_its_own_centre_line():
    analysis = example("P05")
    ctx = context(30, phase_labels=["Before", "Redesign"])
    figure = build_figure(analysis, ctx)
    go.Figure({"data": figure["data"], "layout": figure["layout"]})
    centre = next(t for t in figure["data"] if t["name"] == "Mean")
    assert centre["y"][12] is None
    assert centre["y"][0] != centre["y"][13]


def test_a_frozen_baseline_i_chart_extends_its_baseline_dashed():
    figure = build_figure(example("I05"), context(24, direction="down"))
    extended = next(t for t in figure["data"] if t["name"] == "Mean of the baseline, extended")
    assert extended["line"]["dash"] == "dash"


def test_every_example_draws_a_valid_figure_summary_and_csv():
    series = json.loads(EXAMPLES.read_text())["series"]
    for entry in series:
        analysis = example(entry["id"])
        ctx = context(len(analysis["points"]))
        figure = build_figure(analysis, ctx)
        go.Figure({"data": figure["data"], "layout": figure["layout"]})
        assert text_summary(analysis, ctx)
        assert len(csv_rows(analysis, ctx)) == len(analysis["points"]) + 1
