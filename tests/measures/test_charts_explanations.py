"""Signals in plain language: below the chart, in the text summary, table and CSV."""

from __future__ import annotations

import datetime as dt

from measures.charts import csv_rows, explain_signals, table_rows, text_summary
from tests.measures.charts_support import (
    NOISE,
    add_shift,
    add_trend,
    context,
    control_chart,
    ihi,
    months,
    phase,
    point,
    run_chart,
)


def kinds(explanations):
    return [e.kind for e in explanations]


def shifted_down():
    """Twelve noisy months, then eight months below the median (an IHI shift)."""
    return add_shift(run_chart(NOISE[:12] + [40] * 8), range(13, 21), "below")


def test_an_ihi_shift_is_explained_in_words_with_its_start_month():
    (explanation,) = explain_signals(shifted_down(), context(20, direction="down"))
    assert explanation.text == (
        "8 months in a row below the median since January 2026: a shift. "
        "Under the IHI rules that means non-random change."
    )
    assert explanation.months == months(20)[12:]


def test_a_shift_on_the_good_side_is_an_improvement():
    (explanation,) = explain_signals(shifted_down(), context(20, direction="down"))
    assert explanation.tone == "improvement"


def test_a_shift_on_the_bad_side_is_a_concern():
    (explanation,) = explain_signals(shifted_down(), context(20, direction="up"))
    assert explanation.tone == "concern"


def test_a_shift_that_ended_before_the_latest_month_gives_its_span():
    analysis = add_shift(run_chart([40] * 8 + NOISE[8:]), range(1, 9), "below")
    (explanation,) = explain_signals(analysis, context(20))
    assert "from January 2025 to August 2025" in explanation.text


def test_an_ihi_trend_up_on_a_higher_is_better_measure_is_an_improvement():
    analysis = add_trend(run_chart(NOISE), range(3, 9), "up")
    (explanation,) = explain_signals(analysis, context(20, direction="up"))
    assert explanation.kind == "trend"
    assert explanation.tone == "improvement"
    assert explanation.text.startswith("6 months in a row going up from March 2025 to")


def test_too_few_runs_under_the_ihi_rules_is_explained():
    analysis = run_chart(NOISE)
    analysis["phases"][0]["ihi"].update(n_runs=4, too_few_runs=True)
    (explanation,) = explain_signals(analysis, context(20))
    assert explanation.text.startswith(
        "Too few runs around the median (4, fewer than the 6 expected for 20 useful months)"
    )


def test_too_many_runs_under_the_ihi_rules_is_explained():
    analysis = run_chart(NOISE)
    analysis["phases"][0]["ihi"].update(n_runs=18, too_many_runs=True)
    (explanation,) = explain_signals(analysis, context(20))
    assert "Too many runs around the median (18, more than the 16 expected" in explanation.text


def test_an_ihi_signal_is_not_shown_when_the_chart_uses_the_anhoj_rules():
    explanations = explain_signals(shifted_down(), context(20, rule_set="anhoj"))
    assert kinds(explanations) == ["common_cause"]


def test_too_few_crossings_of_the_mean_is_explained_under_the_anhoj_rules():
    analysis = control_chart(NOISE, phases=[phase(n_crossings=3, n_crossings_min=6)])
    (explanation,) = explain_signals(analysis, context(20))
    assert explanation.text.startswith(
        "Too few crossings of the mean (3, fewer than the 6 expected for 20 useful months): "
        "Anhøj rules signal non-random variation."
    )


# Seven months below the mean, then seven above: a step up too short for a long run.
STEP_UP = [44, 45, 43, 46, 44, 45, 43, 56, 55, 57, 54, 56, 55, 57]


def test_too_few_crossings_ending_on_the_good_side_is_an_improvement_since_the_latest_run():
    analysis = control_chart(STEP_UP, phases=[phase(n_useful=14, n_crossings=1, n_crossings_min=4)])
    (explanation,) = explain_signals(analysis, context(14, direction="up"))
    assert explanation.kind == "few_crossings"
    assert explanation.tone == "improvement"
    assert explanation.text.endswith("The latest 7 months are above the mean (since August 2025).")


def test_too_few_crossings_ending_on_the_bad_side_is_a_concern():
    analysis = control_chart(STEP_UP, phases=[phase(n_useful=14, n_crossings=1, n_crossings_min=4)])
    (explanation,) = explain_signals(analysis, context(14, direction="down"))
    assert explanation.tone == "concern"


def test_too_few_ihi_runs_are_toned_by_the_side_of_the_latest_run():
    analysis = run_chart(STEP_UP)
    analysis["phases"][0]["ihi"].update(n_useful=14, n_runs=2, runs_limits=[4, 12])
    analysis["phases"][0]["ihi"]["too_few_runs"] = True
    (explanation,) = explain_signals(analysis, context(14, direction="up"))
    assert explanation.kind == "too_few_runs"
    assert explanation.tone == "improvement"


def test_an_anhoj_long_run_is_located_and_toned_by_its_side():
    values = [*NOISE[:12], 58, 57, 59, 56, 58, 60, 57, 59]
    analysis = run_chart(values, phases=[phase(longest_run=8, longest_run_max=7)])
    (explanation,) = explain_signals(analysis, context(20, rule_set="anhoj"))
    assert explanation.kind == "long_run"
    assert explanation.tone == "improvement"
    assert explanation.text.startswith("8 months in a row above the median since January 2026")
    assert "more than the 7 that random variation gives for 20 useful months" in explanation.text


def test_one_month_above_the_upper_limit_is_special_cause():
    values = list(NOISE)
    values[17] = 70
    (explanation,) = explain_signals(control_chart(values), context(20))
    assert explanation.text == (
        "One month above the upper limit (June 2026): special cause, more than random variation."
    )


def test_several_months_below_the_lower_limit_are_listed_together():
    values = list(NOISE)
    values[2] = values[5] = 30
    (explanation,) = explain_signals(control_chart(values), context(20))
    assert explanation.text.startswith("2 months below the lower limit (March 2025 and June 2025)")


def test_control_charts_show_sigma_signals_whatever_the_rule_set():
    values = list(NOISE)
    values[17] = 70
    explanations = explain_signals(control_chart(values), context(20, rule_set="ihi"))
    assert kinds(explanations) == ["sigma_above"]


def test_no_signal_says_the_variation_is_random():
    (explanation,) = explain_signals(control_chart(NOISE), context(20))
    assert explanation.kind == "common_cause"
    assert explanation.text == (
        "No signal: the variation is what random month-to-month change looks like."
    )


def test_a_series_without_values_says_so():
    (explanation,) = explain_signals(run_chart([None] * 5), context(5))
    assert explanation.kind == "no_data"


def test_fewer_than_ten_useful_observations_is_a_neutral_caution():
    analysis = run_chart(NOISE[:8])
    analysis["phases"][0].update(n_useful=8, caution="fewer than 10 useful observations")
    explanations = explain_signals(analysis, context(8))
    caution = explanations[-1]
    assert caution.kind == "caution"
    assert caution.tone == "neutral"
    assert caution.text.startswith("Fewer than 10 useful observations (8)")


def test_signals_in_a_later_phase_name_the_phase_and_its_label():
    points = [point(i + 1, v, cl=50.0, lcl=40.0, ucl=60.0) for i, v in enumerate(NOISE[:10])]
    points += [
        point(i + 11, v, cl=50.0, lcl=40.0, ucl=60.0, phase=2) for i, v in enumerate(NOISE[10:])
    ]
    points[15].update(value=70, sigma_signal=True)
    analysis = {"chart": "i", "points": points, "phases": [phase(1), phase(2)]}
    ctx = context(20, phase_labels=["", "New intake process"])
    (explanation,) = explain_signals(analysis, ctx)
    assert explanation.text.startswith("Phase 2 (New intake process): One month above")


def test_baseline_only_runs_are_reported_for_a_frozen_run_chart():
    analysis = run_chart(NOISE)
    analysis["phases"][0]["ihi"] = ihi(
        baseline_only_runs={
            "n_useful": 12,
            "n_runs": 2,
            "runs_limits": [3, 11],
            "too_few_runs": True,
            "too_many_runs": False,
        }
    )
    (explanation,) = explain_signals(analysis, context(20))
    assert explanation.kind == "baseline_runs"
    assert "In the baseline months alone: too few runs (2, fewer than 3)" in explanation.text


def test_the_text_summary_gives_latest_value_centre_and_the_signal_in_words():
    summary = text_summary(shifted_down(), context(20, direction="down", goal=45))
    assert "Run chart of Children screened" in summary
    assert "Latest value 40% (August 2026); median 50%" in summary
    assert "Goal 45%; lower is better." in summary
    assert "Improvement: 8 months in a row below the median" in summary


def test_the_text_summary_of_a_control_chart_gives_its_limits():
    summary = text_summary(control_chart(NOISE), context(20))
    assert "mean 50%; limits 40% to 60%" in summary


def test_table_rows_give_each_month_its_values_and_signal():
    rows = table_rows(shifted_down(), context(20, direction="down"))
    assert rows[13] == {
        "month": months(20)[13],
        "month_label": "Feb 2026",
        "value": "40",
        "centre": "50",
        "lower": "",
        "upper": "",
        "signal": "Shift (IHI): improvement",
        "tone": "improvement",
        "note": "",
    }


def test_table_rows_note_an_excluded_month_with_its_reason():
    analysis = run_chart(NOISE)
    analysis["points"][4]["excluded"] = True
    ctx = context(20, excluded_reasons={months(20)[4]: "Wrong denominator"})
    assert table_rows(analysis, ctx)[4]["note"] == "Excluded: Wrong denominator"


def test_table_rows_name_the_learning_sessions_and_pdsa_cycles_of_each_month():
    ctx = context(
        20,
        sessions=[(dt.date(2025, 6, 10), dt.date(2025, 6, 11), "Learning session 1")],
        annotations=[
            {
                "date": dt.date(2025, 6, 20),
                "title": "Reminder calls",
                "decision": "adapt",
                "url": "",
            }
        ],
    )
    assert table_rows(run_chart(NOISE), ctx)[5]["note"] == (
        "Learning session 1; PDSA cycle: Reminder calls (adapted)"
    )


def test_csv_rows_start_with_a_header_and_keep_full_precision():
    analysis = control_chart(NOISE)
    analysis["points"][0]["value"] = 48.123456789
    rows = csv_rows(analysis, context(20, goal=55))
    assert rows[0][:7] == [
        "month",
        "value",
        "denominator",
        "centre_line",
        "lower_limit",
        "upper_limit",
        "goal",
    ]
    assert rows[1][:7] == ["2025-01", 48.123456789, "", 50.0, 40.0, 60.0, 55.0]
    assert len(rows) == 21


def test_csv_rows_do_not_let_a_reason_run_as_a_spreadsheet_formula():
    analysis = run_chart(NOISE)
    analysis["points"][4]["excluded"] = True
    ctx = context(20, excluded_reasons={months(20)[4]: "=HYPERLINK(1)"})
    assert csv_rows(analysis, ctx)[5][-1] == "Excluded: =HYPERLINK(1)"
    ctx = context(20, phase_labels=["=cmd"])
    assert csv_rows(run_chart(NOISE), ctx)[1][-1] == "Phase: =cmd"


def test_an_analysis_the_statistics_refused_explains_why():
    analysis = {"chart": "p", "points": [], "phases": [], "error": "Month 3: 4 out of 0."}
    (explanation,) = explain_signals(analysis, context(0))
    assert explanation.kind == "error"
    assert explanation.text == "The values could not be analysed: Month 3: 4 out of 0."
