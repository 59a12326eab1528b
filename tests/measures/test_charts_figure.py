"""The Plotly figure drawn from an analysis: lines, signals, bands, labels, config."""

from __future__ import annotations

import datetime as dt
import json

import plotly.graph_objects as go
from django.contrib.staticfiles import finders

from measures.charts import COLOURS, build_figure, figure_for_thumbnail
from tests.measures.charts_support import (
    NOISE,
    add_shift,
    context,
    control_chart,
    months,
    phase,
    point,
    run_chart,
)


def trace(figure, name):
    return next(t for t in figure["data"] if t.get("name") == name)


def names(figure):
    return [t.get("name") for t in figure["data"]]


def values_trace(figure):
    return next(t for t in figure["data"] if t.get("mode") == "lines+markers")


def two_phase_run_chart():
    points = [point(i + 1, v, cl=50.0, phase=1) for i, v in enumerate(NOISE[:10])]
    points += [point(i + 11, v, cl=60.0, phase=2) for i, v in enumerate(NOISE[10:])]
    return {"chart": "run", "points": points, "phases": [phase(1), phase(2)]}


def test_the_figure_is_a_valid_json_ready_plotly_figure():
    figure = build_figure(run_chart(NOISE), context(20, goal=55))
    go.Figure({"data": figure["data"], "layout": figure["layout"]})
    assert json.loads(json.dumps(figure)) == figure


def test_months_are_the_x_axis_as_dates_labelled_month_and_year():
    figure = build_figure(run_chart(NOISE), context(20))
    assert values_trace(figure)["x"][0] == "2025-01-01"
    assert figure["layout"]["xaxis"]["type"] == "date"
    assert figure["layout"]["xaxis"]["tickformat"] == "%b %Y"


def test_a_missing_month_leaves_a_gap_in_the_line():
    values = list(NOISE)
    values[4] = None
    trace_ = values_trace(build_figure(run_chart(values), context(20)))
    assert trace_["y"][4] is None
    assert trace_["connectgaps"] is False


def test_an_excluded_month_is_drawn_hollow_with_its_reason_on_hover():
    analysis = run_chart(NOISE)
    analysis["points"][2]["excluded"] = True
    ctx = context(20, excluded_reasons={months(20)[2]: "Data system outage"})
    values = values_trace(build_figure(analysis, ctx))
    assert values["marker"]["symbol"][2] == "circle-open"
    assert values["marker"]["symbol"][3] == "circle"
    assert "Data system outage" in values["hovertext"][2]


def test_a_run_chart_labels_its_centre_line_median():
    figure = build_figure(run_chart(NOISE), context(20))
    assert trace(figure, "Median")["y"][0] == 50.0


def test_a_control_chart_labels_its_centre_line_mean_and_draws_limits():
    figure = build_figure(control_chart(NOISE), context(20))
    assert "Mean" in names(figure)
    assert trace(figure, "Limits")["y"][0] == 60.0
    assert trace(figure, "Lower limit")["y"][0] == 40.0


def test_a_run_chart_has_no_limit_lines():
    figure = build_figure(run_chart(NOISE), context(20))
    assert "Limits" not in names(figure)


def test_limits_that_change_with_the_denominator_are_drawn_as_steps():
    analysis = control_chart(NOISE, chart="p")
    for index, point_ in enumerate(analysis["points"]):
        point_["ucl"] = 60.0 + index % 3
    assert trace(build_figure(analysis, context(20)), "Limits")["line"]["shape"] == "hvh"


def test_the_centre_line_breaks_between_phases():
    centre = trace(build_figure(two_phase_run_chart(), context(20)), "Median")
    assert centre["y"][:10] == [50.0] * 10
    assert centre["y"][10] is None
    assert centre["y"][11:] == [60.0] * 10


def test_a_frozen_baseline_centre_line_is_extended_dashed_after_the_baseline():
    analysis = run_chart(NOISE)
    for point_ in analysis["points"][12:]:
        point_["baseline"] = False
    figure = build_figure(analysis, context(20))
    extended = trace(figure, "Median of the baseline, extended")
    assert extended["line"]["dash"] == "dash"
    assert extended["x"][0] == "2025-12-01"  # joined to the baseline's last month
    assert len(trace(figure, "Median")["x"]) == 12


def test_the_goal_line_is_drawn_when_the_measure_has_a_goal():
    figure = build_figure(run_chart(NOISE), context(20, goal=55))
    assert trace(figure, "Goal")["y"] == [55.0, 55.0]


def test_no_goal_line_without_a_goal():
    assert "Goal" not in names(build_figure(run_chart(NOISE), context(20)))


def test_a_shift_below_the_median_on_a_lower_is_better_measure_is_drawn_as_improvement():
    analysis = add_shift(run_chart(NOISE[:12] + [40] * 8), range(13, 21), "below")
    figure = build_figure(analysis, context(20, direction="down"))
    improvement = trace(figure, "Special cause: improvement")
    assert improvement["marker"]["color"] == COLOURS["improvement"]
    assert improvement["marker"]["symbol"] == "triangle-down"
    assert improvement["x"] == [m.isoformat() for m in months(20)[12:]]
    assert "Special cause: concern" not in names(figure)


def test_a_shift_below_the_median_on_a_higher_is_better_measure_is_drawn_as_concern():
    analysis = add_shift(run_chart(NOISE[:12] + [40] * 8), range(13, 21), "below")
    figure = build_figure(analysis, context(20, direction="up"))
    concern = trace(figure, "Special cause: concern")
    assert concern["marker"]["color"] == COLOURS["concern"]
    assert concern["marker"]["symbol"] == "triangle-down"


def test_a_point_above_the_upper_limit_on_a_higher_is_better_measure_is_improvement():
    values = list(NOISE)
    values[15] = 70
    figure = build_figure(control_chart(values), context(20, direction="up"))
    improvement = trace(figure, "Special cause: improvement")
    assert improvement["x"] == ["2026-04-01"]
    assert improvement["marker"]["symbol"] == "triangle-up"


def test_a_signal_point_explains_itself_on_hover():
    values = list(NOISE)
    values[15] = 70
    figure = build_figure(control_chart(values), context(20))
    hover = trace(figure, "Special cause: improvement")["hovertext"][0]
    assert "above the upper limit" in hover


def test_common_cause_variation_draws_no_signal_markers():
    figure = build_figure(control_chart(NOISE), context(20))
    assert not [n for n in names(figure) if n.startswith("Special cause")]


def test_anhoj_rules_on_a_run_chart_ignore_an_ihi_shift():
    analysis = add_shift(run_chart(NOISE[:14] + [40] * 6), range(15, 21), "below")
    figure = build_figure(analysis, context(20, rule_set="anhoj"))
    assert not [n for n in names(figure) if n.startswith("Special cause")]


def test_phase_labels_are_written_at_the_start_of_each_phase_with_a_dotted_line():
    ctx = context(20, phase_labels=["Before", "New intake process"])
    layout = build_figure(two_phase_run_chart(), ctx)["layout"]
    labels = [a for a in layout["annotations"] if a.get("name") == "phase"]
    assert [a["text"] for a in labels] == ["<i>Before</i>", "<i>New intake process</i>"]
    lines = [s for s in layout["shapes"] if s.get("name") == "phase"]
    assert len(lines) == 1
    assert lines[0]["line"]["dash"] == "dot"
    assert lines[0]["x0"] == "2025-10-17"


def test_learning_sessions_are_shaded_bands_with_their_name():
    session = (dt.date(2025, 6, 10), dt.date(2025, 6, 11), "Learning session 1")
    layout = build_figure(run_chart(NOISE), context(20, sessions=[session]))["layout"]
    band = next(s for s in layout["shapes"] if s["type"] == "rect")
    assert band["x0"] < "2025-06-10" and band["x1"] > "2025-06-11"
    assert band["yref"] == "paper"
    assert any(a["text"] == "Learning session 1" for a in layout["annotations"])


def test_a_learning_session_outside_the_chart_is_left_out():
    session = (dt.date(2030, 6, 10), dt.date(2030, 6, 11), "Later")
    layout = build_figure(run_chart(NOISE), context(20, sessions=[session]))["layout"]
    assert not [s for s in layout["shapes"] if s["type"] == "rect"]


def test_pdsa_cycles_are_annotated_at_the_bottom_with_date_title_and_decision():
    cycle = {
        "date": dt.date(2025, 8, 12),
        "title": "Reminder calls",
        "decision": "adopt",
        "url": "/cycles/7/",
    }
    figure = build_figure(run_chart(NOISE), context(20, annotations=[cycle]))
    marker = trace(figure, "PDSA cycle")
    assert marker["x"] == ["2025-08-12"]
    assert "12 Aug 2025" in marker["hovertext"][0]
    assert "Decision: Adopted" in marker["hovertext"][0]
    label = next(a for a in figure["layout"]["annotations"] if a.get("name") == "pdsa")
    assert label["text"] == '<a href="/cycles/7/">Reminder calls (adopted)</a>'


def test_a_cycle_started_in_the_month_after_the_last_value_is_drawn_and_widens_the_axis():
    # 20 months from January 2025: the last value is August 2026.
    cycle = {"date": dt.date(2026, 9, 20), "title": "Evening slots", "decision": "", "url": ""}
    figure = build_figure(run_chart(NOISE), context(20, annotations=[cycle]))
    assert trace(figure, "PDSA cycle")["x"] == ["2026-09-20"]
    assert figure["layout"]["xaxis"]["range"][1] == "2026-09-25"


def test_a_cycle_two_months_after_the_last_value_is_left_out():
    cycle = {"date": dt.date(2026, 10, 2), "title": "Later test", "decision": "", "url": ""}
    figure = build_figure(run_chart(NOISE), context(20, annotations=[cycle]))
    assert "PDSA cycle" not in names(figure)
    assert figure["layout"]["xaxis"]["range"][1] == "2026-08-16"


def test_user_text_in_the_figure_is_escaped():
    cycle = {"date": dt.date(2025, 8, 12), "title": "<b>x</b>", "decision": "", "url": ""}
    figure = build_figure(run_chart(NOISE), context(20, annotations=[cycle]))
    label = next(a for a in figure["layout"]["annotations"] if a.get("name") == "pdsa")
    assert label["text"] == "&lt;b&gt;x&lt;/b&gt;"


def test_the_png_download_is_named_after_the_chart():
    figure = build_figure(run_chart(NOISE), context(20, title="Children screened, Birch"))
    assert figure["config"]["toImageButtonOptions"] == {
        "format": "png",
        "filename": "children-screened-birch",
        "scale": 2,
    }


def test_a_thumbnail_has_no_legend_toolbar_title_or_labels():
    ctx = context(
        20,
        phase_labels=["Before"],
        sessions=[(dt.date(2025, 6, 10), dt.date(2025, 6, 11), "LS 1")],
    )
    figure = figure_for_thumbnail(run_chart(NOISE), ctx)
    assert figure["layout"]["showlegend"] is False
    assert "title" not in figure["layout"]
    assert figure["config"]["displayModeBar"] is False
    assert figure["layout"]["annotations"] == []
    assert figure["layout"]["margin"]["t"] == 10


def test_plotly_js_is_served_offline_by_the_static_finder():
    found = finders.find("plotly/plotly.min.js")
    assert found and found.endswith("plotly.min.js")
    with open(found, encoding="utf-8") as handle:
        assert "Plotly" in handle.read(4000)


def test_a_series_without_values_says_so_in_the_figure():
    layout = build_figure(run_chart([None] * 4), context(4))["layout"]
    assert [a["text"] for a in layout["annotations"]] == ["No values yet"]
