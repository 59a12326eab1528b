"""Variation and assurance icons: from the analysis, and as rendered for people."""

from __future__ import annotations

from django.template.loader import render_to_string

from measures.charts import assurance_icon, variation_icon
from tests.measures.charts_support import (
    NOISE,
    add_shift,
    add_trend,
    control_chart,
    phase,
    point,
    run_chart,
)


def with_point(values, index, value):
    values = list(values)
    values[index] = value
    return values


def test_no_values_is_no_data():
    assert variation_icon(run_chart([None] * 6), "up") == "no_data"


def test_random_variation_is_common_cause():
    assert variation_icon(control_chart(NOISE), "up") == "common_cause"


def test_a_point_above_the_upper_limit_of_a_higher_is_better_measure_is_improving():
    assert variation_icon(control_chart(with_point(NOISE, 18, 70)), "up") == "improving"


def test_a_point_above_the_upper_limit_of_a_lower_is_better_measure_is_concerning():
    assert variation_icon(control_chart(with_point(NOISE, 18, 70)), "down") == "concerning"


def test_a_shift_below_the_median_of_a_lower_is_better_measure_is_improving():
    analysis = add_shift(run_chart(NOISE[:12] + [40] * 8), range(13, 21), "below")
    assert variation_icon(analysis, "down") == "improving"


def test_an_ihi_trend_down_on_a_higher_is_better_measure_is_concerning():
    analysis = add_trend(run_chart(NOISE), range(14, 20), "down")
    assert variation_icon(analysis, "up") == "concerning"


def test_the_anhoj_rule_set_ignores_an_ihi_shift():
    analysis = add_shift(run_chart(NOISE[:12] + [40] * 8), range(13, 21), "below")
    assert variation_icon(analysis, "down", rule_set="anhoj") == "common_cause"


def test_when_both_sides_signal_the_more_recent_one_decides():
    values = with_point(with_point(NOISE, 3, 70), 17, 30)
    assert variation_icon(control_chart(values), "up") == "concerning"


def test_a_signal_in_an_earlier_phase_does_not_count():
    points = [point(i + 1, v, cl=50.0, lcl=40.0, ucl=60.0) for i, v in enumerate(NOISE[:10])]
    points += [
        point(i + 11, v, cl=50.0, lcl=40.0, ucl=60.0, phase=2) for i, v in enumerate(NOISE[10:])
    ]
    points[3].update(value=70, sigma_signal=True)
    analysis = {"chart": "i", "points": points, "phases": [phase(1), phase(2)]}
    assert variation_icon(analysis, "up") == "common_cause"


def test_a_lower_limit_above_the_goal_will_meet_a_higher_is_better_goal():
    assert assurance_icon(control_chart(NOISE), 35, "up") == "will_meet"


def test_an_upper_limit_below_the_goal_will_miss_a_higher_is_better_goal():
    assert assurance_icon(control_chart(NOISE), 65, "up") == "will_miss"


def test_a_goal_between_the_limits_may_be_met():
    assert assurance_icon(control_chart(NOISE), 55, "up") == "may_meet"


def test_an_upper_limit_below_the_goal_will_meet_a_lower_is_better_goal():
    assert assurance_icon(control_chart(NOISE), 65, "down") == "will_meet"


def test_a_lower_limit_above_the_goal_will_miss_a_lower_is_better_goal():
    assert assurance_icon(control_chart(NOISE), 35, "down") == "will_miss"


def test_assurance_uses_the_latest_points_limits():
    analysis = control_chart(NOISE)
    analysis["points"][-1].update(lcl=56.0, ucl=70.0)
    assert assurance_icon(analysis, 55, "up") == "will_meet"


def test_no_assurance_without_a_goal():
    assert assurance_icon(control_chart(NOISE), None, "up") is None


def test_no_assurance_for_a_run_chart():
    assert assurance_icon(run_chart(NOISE), 55, "up") is None


def test_the_icons_render_with_their_text_alternatives():
    html = render_to_string(
        "measures/charts/_icons.html",
        {"variation": "improving", "assurance": "will_miss", "direction": "up"},
    )
    assert 'aria-label="Special cause: improving"' in html
    assert 'aria-label="Will reliably miss the goal"' in html
    assert 'fill="#289de0"' in html
    assert 'fill="#fab428"' in html


def test_the_icon_labels_are_printed_on_request():
    html = render_to_string(
        "measures/charts/_icons.html", {"variation": "common_cause", "show_labels": True}
    )
    assert "<span>Common cause</span>" in html


def test_no_assurance_icon_is_rendered_without_an_assurance():
    html = render_to_string("measures/charts/_icons.html", {"variation": "common_cause"})
    assert "goal" not in html


def test_too_few_crossings_ending_above_the_mean_makes_a_higher_is_better_series_improving():
    values = [44, 45, 43, 46, 44, 45, 43, 56, 55, 57, 54, 56, 55, 57]
    analysis = control_chart(values, phases=[phase(n_useful=14, n_crossings=1, n_crossings_min=4)])
    assert variation_icon(analysis, "up") == "improving"
