"""Hand-checked rules of docs/statistics.md for measures.spc.

Each test uses a tiny series whose centre line, limits or runs were worked
out by hand (the arithmetic is written next to the expected numbers).
"""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from measures.spc import (
    CAUTION,
    SPC_VERSION,
    analyze,
    longest_run_max,
    n_crossings_min,
    subgroup_constants,
)
from measures.spc_ihi import RUNS_TABLE, exact_runs_limits, runs_limits

D2 = 1.128


def _points(result, key):
    return [p[key] for p in result.as_dict()["points"]]


def _phase(result, number=1):
    return result.as_dict()["phases"][number - 1]


def _ihi(result, number=1):
    return _phase(result, number)["ihi"]


# ---------------------------------------------------------------------------
# Centre lines and limits, one chart type at a time (section 2)


def test_version_is_a_string():
    assert SPC_VERSION == "1"


def test_run_chart_centre_line_is_the_median_of_an_odd_count():
    result = analyze("run", [3, 1, 2])

    assert _points(result, "cl") == [2.0, 2.0, 2.0]
    assert _points(result, "lcl") == [None, None, None]
    assert _points(result, "ucl") == [None, None, None]


def test_run_chart_centre_line_is_the_mean_of_the_two_middle_values_of_an_even_count():
    assert _points(analyze("run", [4, 1, 3, 2]), "cl") == [2.5] * 4


def test_run_chart_with_denominators_plots_the_ratio():
    result = analyze("run", [1, 3, 2], [4, 4, 8], multiply=100)

    assert _points(result, "value") == [25.0, 75.0, 25.0]
    assert _points(result, "denominator") == [4.0, 4.0, 8.0]
    assert _points(result, "cl") == [25.0] * 3


def test_a_value_equal_to_the_median_of_small_denominator_ratios_is_on_the_centre_line():
    # values 1/3, 1/3, 1, 0: median (1/3 + 1/3) / 2 == 1/3 exactly, so two points are on it.
    result = analyze("run", [1, 2, 3, 0], [3, 6, 3, 3])

    assert _phase(result)["n_useful"] == 2


def test_i_chart_limits_are_the_mean_plus_minus_three_average_moving_ranges_over_d2():
    # mean 2.5; moving ranges 2, 1, 2 -> average 5/3; sigma = (5/3) / 1.128
    result = analyze("i", [1, 3, 2, 4])
    sigma = (5 / 3) / D2

    assert _points(result, "cl") == pytest.approx([2.5] * 4, rel=1e-12)
    assert _points(result, "lcl") == pytest.approx([2.5 - 3 * sigma] * 4, rel=1e-12)
    assert _points(result, "ucl") == pytest.approx([2.5 + 3 * sigma] * 4, rel=1e-12)


def test_i_chart_lower_limit_is_not_truncated_at_zero():
    assert _points(analyze("i", [1, 3, 2, 4]), "lcl")[0] < 0


def test_mr_chart_plots_moving_ranges_with_centre_line_their_mean_and_ucl_3267_times_it():
    result = analyze("mr", [1, 3, 2, 4])

    assert _points(result, "value") == [None, 2.0, 1.0, 2.0]
    assert _points(result, "cl") == pytest.approx([5 / 3] * 4, rel=1e-12)
    assert _points(result, "lcl") == [None, 0.0, 0.0, 0.0]
    assert _points(result, "ucl")[1:] == pytest.approx([3.267 * 5 / 3] * 3, rel=1e-12)


def test_mr_chart_has_no_runs_analysis():
    phase = _phase(analyze("mr", list(range(20))))

    assert phase["n_useful"] is None
    assert phase["longest_run"] is None
    assert phase["runs_signal"] is False


def test_p_chart_centre_line_is_the_weighted_mean_and_limits_use_each_denominator():
    # p-bar = (1 + 2 + 3) / (10 + 10 + 20) = 0.15 (the mean of the p_i would be 0.1333)
    result = analyze("p", [1, 2, 3], [10, 10, 20])
    sd10 = math.sqrt(0.15 * 0.85 / 10)
    sd20 = math.sqrt(0.15 * 0.85 / 20)

    assert _points(result, "cl") == pytest.approx([0.15] * 3, rel=1e-12)
    assert _points(result, "ucl") == pytest.approx(
        [0.15 + 3 * sd10, 0.15 + 3 * sd10, 0.15 + 3 * sd20], rel=1e-12
    )
    assert _points(result, "lcl") == [0.0, 0.0, 0.0]  # 0.15 - 3 * sd < 0, truncated


def test_p_chart_upper_limit_is_truncated_at_one_and_100_percent_on_it_is_no_signal():
    # p-bar = 30/40 = 0.75; 0.75 + 3 * sqrt(0.75 * 0.25 / 10) = 1.16 -> 1
    result = analyze("p", [0, 10, 10, 10], [10, 10, 10, 10])

    assert _points(result, "ucl") == [1.0] * 4
    assert _points(result, "lcl")[0] == pytest.approx(0.75 - 3 * math.sqrt(0.01875), rel=1e-12)
    assert _points(result, "sigma_signal") == [True, False, False, False]


def test_p_chart_lower_limit_is_truncated_at_zero_and_0_percent_on_it_is_no_signal():
    # p-bar = 2/40 = 0.05; 0.05 - 3 * sqrt(0.05 * 0.95 / 10) < 0 -> 0
    result = analyze("p", [0, 1, 0, 1], [10, 10, 10, 10])

    assert _points(result, "lcl") == [0.0] * 4
    assert _points(result, "sigma_signal") == [False] * 4


def test_laney_p_chart_with_equal_denominators_is_an_i_chart_on_the_proportions():
    # p = 0.1, 0.2, 0.3, 0.25; p-bar 0.2125; z moving ranges = |dp| / sd, so
    # sigma_z * sd = average |dp| / 1.128 = (0.25 / 3) / 1.128
    result = analyze("pp", [10, 20, 30, 25], [100, 100, 100, 100])
    half_width = 3 * (0.25 / 3) / D2

    assert _points(result, "cl") == pytest.approx([0.2125] * 4, rel=1e-12)
    assert _points(result, "ucl") == pytest.approx([0.2125 + half_width] * 4, rel=1e-12)
    assert _points(result, "lcl") == [0.0] * 4  # 0.2125 - 0.2216 < 0


def test_laney_u_chart_with_equal_denominators_is_an_i_chart_on_the_rates():
    result = analyze("up", [10, 20, 30, 25], [100, 100, 100, 100])
    half_width = 3 * (0.25 / 3) / D2

    assert _points(result, "ucl") == pytest.approx([0.2125 + half_width] * 4, rel=1e-12)
    assert _points(result, "lcl") == [0.0] * 4


def test_laney_p_chart_limits_scale_each_subgroup_sd_by_sigma_z():
    y, n = [12, 30, 18, 40, 22], [100, 200, 150, 250, 120]
    p_bar = sum(y) / sum(n)
    sd = [math.sqrt(p_bar * (1 - p_bar) / k) for k in n]
    z = [(a / b - p_bar) / s for a, b, s in zip(y, n, sd, strict=True)]
    ranges = [abs(b - a) for a, b in pairwise(z)]
    sigma_z = sum(ranges) / len(ranges) / D2  # no range reaches 3.267 x the average

    result = analyze("pp", y, n)

    assert _points(result, "ucl") == pytest.approx(
        [min(1, p_bar + 3 * sigma_z * s) for s in sd], rel=1e-12
    )


def test_c_chart_limits_are_the_mean_plus_minus_three_root_mean():
    # mean 5; 5 + 3 * sqrt(5) = 11.708; 5 - 6.708 < 0 -> 0
    result = analyze("c", [4, 9, 2])

    assert _points(result, "cl") == pytest.approx([5.0] * 3)
    assert _points(result, "ucl") == pytest.approx([5 + 3 * math.sqrt(5)] * 3, rel=1e-12)
    assert _points(result, "lcl") == [0.0] * 3


def test_u_chart_uses_the_weighted_rate_and_is_not_truncated_above():
    # u-bar = 5 / 30; sd_i = sqrt(u-bar / n_i)
    result = analyze("u", [2, 3], [10, 20])
    u_bar = 5 / 30

    assert _points(result, "cl") == pytest.approx([u_bar] * 2, rel=1e-12)
    assert _points(result, "ucl") == pytest.approx(
        [u_bar + 3 * math.sqrt(u_bar / 10), u_bar + 3 * math.sqrt(u_bar / 20)], rel=1e-12
    )
    assert _points(result, "lcl") == [0.0, 0.0]


def test_u_chart_upper_limit_may_exceed_one():
    result = analyze("u", [30, 40, 35], [10, 10, 10])

    assert _points(result, "ucl")[0] > 1


def test_g_chart_plots_the_median_but_takes_limits_from_the_mean():
    # mean 4, median 2.5; sigma = sqrt(4 * 5) = sqrt(20)
    result = analyze("g", [1, 2, 3, 10])

    assert _points(result, "cl") == [2.5] * 4
    assert _points(result, "ucl") == pytest.approx([4 + 3 * math.sqrt(20)] * 4, rel=1e-12)
    assert _points(result, "lcl") == [0.0] * 4


def test_g_chart_runs_analysis_uses_the_median():
    # against the median 2.5: below, below, above, above -> one crossing
    phase = _phase(analyze("g", [1, 2, 3, 10]))

    assert (phase["n_useful"], phase["n_crossings"], phase["longest_run"]) == (4, 1, 2)


def test_t_chart_is_an_i_chart_on_the_transformed_values_back_transformed():
    times = [2.0, 5.0, 3.0, 9.0, 4.0]
    w = [t ** (1 / 3.6) for t in times]
    mean = sum(w) / len(w)
    ranges = [abs(b - a) for a, b in pairwise(w)]
    sigma = sum(ranges) / len(ranges) / D2
    result = analyze("t", times)

    assert _points(result, "value") == times
    assert _points(result, "cl") == pytest.approx([mean**3.6] * 5, rel=1e-12)
    assert _points(result, "ucl") == pytest.approx([(mean + 3 * sigma) ** 3.6] * 5, rel=1e-12)
    lower = mean - 3 * sigma
    expected_lcl = lower**3.6 if lower > 0 else 0.0
    assert _points(result, "lcl") == pytest.approx([expected_lcl] * 5, rel=1e-12)


def test_t_chart_lower_limit_is_zero_when_the_transformed_limit_is_not_positive():
    result = analyze("t", [1, 200, 2, 150, 1])

    assert _points(result, "lcl") == [0.0] * 5


@pytest.mark.parametrize("bad", [0, -3])
def test_t_chart_rejects_a_value_that_is_not_positive_naming_its_position(bad):
    with pytest.raises(ValueError, match=r"position 2.*greater than 0"):
        analyze("t", [4, bad, 6])


# ---------------------------------------------------------------------------
# Xbar and S (2.9)


@pytest.mark.parametrize(
    ("m", "c4", "a3", "b3", "b4"),
    [
        (2, 0.7979, 2.659, 0.0, 3.267),
        (5, 0.9400, 1.427, 0.0, 2.089),
        (6, 0.9515, 1.287, 0.030, 1.970),
        (10, 0.9727, 0.975, 0.284, 1.716),
        (25, 0.9896, 0.606, 0.565, 1.435),
    ],
)
def test_subgroup_constants_match_the_published_tables(m, c4, a3, b3, b4):
    assert subgroup_constants(m) == pytest.approx((c4, a3, b3, b4), abs=6e-4)


def test_xbar_and_s_pool_sigma_over_unequal_subgroup_sizes():
    # subgroup 1: 1, 3 -> mean 2, s = sqrt(2); subgroup 2: 2, 4, 6 -> mean 4, s = 2
    # pooled s-bar = sqrt((1 * 2 + 2 * 4) / 3) = sqrt(10/3); xbar CL = (2*2 + 3*4) / 5 = 3.2
    y, x = [1, 3, 2, 4, 6], ["a", "a", "b", "b", "b"]
    s_bar = math.sqrt(10 / 3)
    _, a3_2, _, b4_2 = subgroup_constants(2)
    _, a3_3, b3_3, b4_3 = subgroup_constants(3)

    xbar = analyze("xbar", y, x=x)
    s = analyze("s", y, x=x)

    assert _points(xbar, "x") == ["a", "b"]
    assert _points(xbar, "subgroup_size") == [2, 3]
    assert _points(xbar, "value") == [2.0, 4.0]
    assert _points(xbar, "cl") == pytest.approx([3.2, 3.2], rel=1e-12)
    assert _points(xbar, "ucl") == pytest.approx(
        [3.2 + a3_2 * s_bar, 3.2 + a3_3 * s_bar], rel=1e-12
    )
    assert _points(s, "value") == pytest.approx([math.sqrt(2), 2.0], rel=1e-12)
    assert _points(s, "cl") == pytest.approx([s_bar, s_bar], rel=1e-12)
    assert _points(s, "ucl") == pytest.approx([b4_2 * s_bar, b4_3 * s_bar], rel=1e-12)
    assert _points(s, "lcl") == pytest.approx([0.0, b3_3 * s_bar], abs=1e-12)


def test_s_chart_averages_the_standard_deviations_when_all_sizes_are_equal():
    # s = sqrt(2) and sqrt(8): s-bar = 1.5 * sqrt(2) (pooling would give sqrt(5))
    result = analyze("s", [1, 3, 2, 6], x=[1, 1, 2, 2])

    assert _points(result, "cl") == pytest.approx([1.5 * math.sqrt(2)] * 2, rel=1e-12)


def test_xbar_subgroup_of_one_observation_has_no_limits_and_no_signal():
    result = analyze("xbar", [1, 3, 50, 2, 4], x=[1, 1, 2, 3, 3])

    assert _points(result, "subgroup_size") == [2, 1, 2]
    assert _points(result, "lcl")[1] is None
    assert _points(result, "sigma_signal")[1] is False


# ---------------------------------------------------------------------------
# Sigma rule (section 3)


def test_values_exactly_on_the_limits_are_not_signals():
    # c chart, mean 16: limits 16 -/+ 3 * 4 = 4 and 28 exactly
    result = analyze("c", [4, 28, 16, 16])

    assert _points(result, "lcl") == [4.0] * 4
    assert _points(result, "ucl") == [28.0] * 4
    assert _points(result, "sigma_signal") == [False] * 4


def test_values_beyond_the_limits_are_signals():
    # c chart, mean 16 again, but with 3 and 29 just outside
    result = analyze("c", [3, 29, 16, 16])

    assert _points(result, "ucl")[0] == pytest.approx(16 + 3 * 4)
    assert _points(result, "sigma_signal") == [True, True, False, False]
    assert _phase(result)["sigma_signals"] == 2


# ---------------------------------------------------------------------------
# Missing values and zero denominators (1.2)


def test_missing_values_and_zero_denominators_have_no_value_limits_or_signal():
    # positions: ok, 0/0, numerator missing, denominator missing, ok
    result = analyze("p", [1, 0, None, 2, 3], [10, 0, 10, None, 10])

    assert _points(result, "value") == [0.1, None, None, None, 0.3]
    assert _points(result, "subgroup_size") == [1, 0, 0, 0, 1]
    assert _points(result, "lcl")[1:4] == [None, None, None]
    assert _points(result, "ucl")[1:4] == [None, None, None]
    assert _points(result, "cl") == pytest.approx([0.2] * 5)  # (1 + 3) / (10 + 10)
    phase = _phase(result)
    assert (phase["n_obs"], phase["n_useful"]) == (5, 2)


def test_missing_values_are_skipped_by_the_runs_analysis():
    # median 5: the missing value neither breaks nor continues the run of 1s
    result = analyze("run", [1, 1, None, 1, 9, 9, 9, 5])

    assert _phase(result)["longest_run"] == 3
    assert _phase(result)["n_crossings"] == 1


def test_a_zero_numerator_over_a_zero_denominator_is_treated_as_missing():
    assert _points(analyze("u", [0, 2], [0, 10]), "value") == [None, 0.2]


def test_a_positive_numerator_over_a_zero_denominator_is_rejected_naming_its_position():
    with pytest.raises(ValueError, match=r"position 3.*denominator is 0"):
        analyze("p", [1, 2, 3], [10, 10, 0])


def test_inputs_of_different_lengths_are_rejected():
    with pytest.raises(ValueError, match="different lengths"):
        analyze("p", [1, 2, 3], [10, 10])


def test_labels_of_a_different_length_are_rejected():
    with pytest.raises(ValueError, match="different lengths"):
        analyze("i", [1, 2, 3], x=[1, 2])


def test_an_unknown_chart_is_rejected():
    with pytest.raises(ValueError, match="unknown chart 'bar'"):
        analyze("bar", [1, 2, 3])


def test_a_proportion_above_one_is_rejected_naming_its_position():
    with pytest.raises(ValueError, match="position 2"):
        analyze("p", [1, 12], [10, 10])


def test_a_text_value_is_rejected_naming_its_position():
    with pytest.raises(ValueError, match="position 2"):
        analyze("i", [1, "many", 3])


# ---------------------------------------------------------------------------
# Moving ranges: gaps and exclusions (1.2, 1.6, 1.7)


def test_moving_ranges_are_not_bridged_across_a_missing_value():
    # ranges |5-1| = 4, (undefined), (undefined), |4-2| = 2 -> average 3
    result = analyze("i", [1, 5, None, 2, 4])

    assert _points(result, "ucl")[0] == pytest.approx(3 + 3 * 3 / D2, rel=1e-12)


def test_moving_ranges_are_bridged_across_an_excluded_point():
    # sequence without the excluded 100: 1, 5, 2, 4 -> ranges 4, 3, 2 -> average 3; mean 3
    result = analyze("i", [1, 5, 100, 2, 4], exclude=[3])

    assert _points(result, "cl") == pytest.approx([3.0] * 5)
    assert _points(result, "ucl")[0] == pytest.approx(3 + 3 * 3 / D2, rel=1e-12)


def test_excluded_points_are_still_tested_against_the_limits_but_not_runs():
    result = analyze("i", [1, 5, 100, 2, 4], exclude=[3])

    assert _points(result, "excluded") == [False, False, True, False, False]
    assert _points(result, "sigma_signal") == [False, False, True, False, False]
    assert _phase(result)["n_useful"] == 4


def test_moving_range_screening_drops_ranges_of_3267_times_the_average_or_more():
    # ranges: eight of 1 and one of 30 -> average 38/9 = 4.22; 30 >= 3.267 * 4.22 is
    # dropped -> average 1
    y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 30]
    mean = 34 / 10

    screened = analyze("i", y)
    unscreened = analyze("i", y, screen_moving_ranges=False)

    assert _points(screened, "ucl")[0] == pytest.approx(mean + 3 * 1 / D2, rel=1e-12)
    assert _points(unscreened, "ucl")[0] == pytest.approx(mean + 3 * (38 / 9) / D2, rel=1e-12)


def test_constant_series_has_zero_width_limits_and_no_signal():
    result = analyze("i", [5, 5, 5, 5])

    assert _points(result, "lcl") == [5.0] * 4
    assert _points(result, "ucl") == [5.0] * 4
    assert _points(result, "sigma_signal") == [False] * 4


# ---------------------------------------------------------------------------
# Phases (1.4) and frozen baseline (1.5)


def test_each_phase_has_its_own_centre_line_and_limits():
    # phase 1: 1, 3, 1, 3 (mean 2), phase 2: 11, 13, 11, 13 (mean 12); ranges 2 in both
    result = analyze("i", [1, 3, 1, 3, 11, 13, 11, 13], phase_breaks=[4])
    width = 3 * 2 / D2

    assert _points(result, "phase") == [1, 1, 1, 1, 2, 2, 2, 2]
    assert _points(result, "cl") == pytest.approx([2.0] * 4 + [12.0] * 4)
    assert _points(result, "ucl") == pytest.approx([2 + width] * 4 + [12 + width] * 4)
    assert [p["phase"] for p in result.as_dict()["phases"]] == [1, 2]


def test_no_run_continues_across_a_phase_boundary():
    # one chart: median 9, eight below then eight above. Split after 8: within each
    # phase four below then four above.
    y = [1, 2, 3, 4, 5, 6, 7, 8, 17, 16, 15, 14, 13, 12, 11, 10]

    whole = _phase(analyze("run", y))
    split = analyze("run", y, phase_breaks=[8]).as_dict()["phases"]

    assert whole["longest_run"] == 8
    assert [p["longest_run"] for p in split] == [4, 4]
    assert [p["n_crossings"] for p in split] == [1, 1]


def test_no_ihi_trend_continues_across_a_phase_boundary():
    y = [9, 1, 9, 1, 9, 3, 4, 5, 6, 7, 1, 9, 1]

    assert _ihi(analyze("run", y))["trends"] == [{"direction": "up", "x": [6, 7, 8, 9, 10]}]
    split = analyze("run", y, phase_breaks=[7]).as_dict()["phases"]
    assert [p["ihi"]["trends"] for p in split] == [[], []]


def test_a_freeze_is_ignored_when_phases_are_given():
    result = analyze("i", [1, 3, 1, 3, 11, 13, 11, 13], phase_breaks=[4], freeze=2)

    assert _points(result, "baseline") == [True] * 8
    assert _points(result, "cl")[0] == pytest.approx(2.0)


def test_frozen_baseline_extends_the_baseline_centre_line_and_limits():
    # baseline 1, 3, 1, 3: mean 2, ranges 2 -> limits 2 -/+ 5.32; later 10s all above
    result = analyze("i", [1, 3, 1, 3, 10, 10, 10, 10], freeze=4)

    assert _points(result, "baseline") == [True] * 4 + [False] * 4
    assert _points(result, "cl") == pytest.approx([2.0] * 8)
    assert _points(result, "ucl") == pytest.approx([2 + 3 * 2 / D2] * 8)
    assert _points(result, "sigma_signal") == [False] * 4 + [True] * 4


def test_frozen_baseline_runs_analysis_covers_all_points_as_one_phase():
    # against 2: below, above, below, then five above -> longest 5, 3 crossings
    result = analyze("i", [1, 3, 1, 3, 10, 10, 10, 10], freeze=4)
    phases = result.as_dict()["phases"]

    assert len(phases) == 1
    assert (phases[0]["n_useful"], phases[0]["longest_run"], phases[0]["n_crossings"]) == (
        8,
        5,
        3,
    )


def test_frozen_p_chart_limits_use_each_later_subgroups_own_denominator():
    # baseline p-bar = 6/40 = 0.15
    result = analyze("p", [1, 2, 1, 2, 5], [10, 10, 10, 10, 40], freeze=4)

    assert _points(result, "cl")[4] == pytest.approx(0.15)
    assert _points(result, "ucl")[4] == pytest.approx(0.15 + 3 * math.sqrt(0.15 * 0.85 / 40))


def test_frozen_run_chart_reports_ihi_runs_for_the_baseline_only_too():
    # baseline 1, 3 x5 (median 2, 10 runs); then six 5s continue the last run above.
    result = analyze("run", [1, 3] * 5 + [5] * 6, freeze=10)
    ihi = _ihi(result)

    assert ihi["median"] == 2.0
    assert (ihi["n_useful"], ihi["n_runs"], ihi["runs_limits"]) == (16, 10, [5, 13])
    assert (ihi["too_few_runs"], ihi["too_many_runs"]) == (False, False)
    assert ihi["baseline_only_runs"] == {
        "n_useful": 10,
        "n_runs": 10,
        "runs_limits": [3, 9],
        "too_few_runs": False,
        "too_many_runs": True,
    }
    assert ihi["shifts"] == [{"side": "above", "x": list(range(10, 17))}]


def test_unfrozen_run_chart_has_no_baseline_only_runs():
    assert _ihi(analyze("run", [1, 2, 3]))["baseline_only_runs"] is None


# ---------------------------------------------------------------------------
# Scaling (1.3)


def test_multiply_scales_values_and_lines_but_leaves_every_signal_unchanged():
    y = [18, 13, 9, 20, 18, 17, 16, 17, 20, 11, 15, 14, 9, 7, 10, 19, 17, 15, 15, 10]
    n = [18, 14, 9, 20, 18, 19, 16, 17, 20, 14, 15, 14, 9, 9, 11, 19, 18, 15, 15, 10]

    plain = analyze("p", y, n).as_dict()
    scaled = analyze("p", y, n, multiply=100).as_dict()

    assert scaled["phases"] == plain["phases"]
    for a, b in zip(plain["points"], scaled["points"], strict=True):
        assert b["sigma_signal"] is a["sigma_signal"]
        for key in ("value", "cl", "lcl", "ucl"):
            assert b[key] == pytest.approx(100 * a[key], rel=1e-12)


def test_multiply_scales_the_ihi_median():
    assert _ihi(analyze("run", [1, 2, 3], [10, 10, 10], multiply=100))["median"] == 20.0


def test_multiply_must_be_positive():
    with pytest.raises(ValueError, match="multiply"):
        analyze("p", [1], [2], multiply=0)


# ---------------------------------------------------------------------------
# Anhøj rules (section 4)


ANHOEJ_TABLE = {
    10: (6, 2), 12: (7, 3), 14: (7, 4), 16: (7, 4), 18: (7, 5), 20: (7, 6), 22: (7, 7),
    24: (8, 8), 26: (8, 8), 28: (8, 9), 30: (8, 10), 32: (8, 11), 34: (8, 12), 36: (8, 13),
    38: (8, 14), 40: (8, 14),
}  # fmt: skip


@pytest.mark.parametrize(("n", "limits"), sorted(ANHOEJ_TABLE.items()))
def test_anhoej_limits_match_the_table_for_10_to_40_useful_points(n, limits):
    assert (longest_run_max(n), n_crossings_min(n)) == limits


def test_anhoej_limits_for_a_single_useful_point():
    assert (longest_run_max(1), n_crossings_min(1)) == (3, 0)


def test_anhoej_counts_longest_run_and_crossings_without_points_on_the_centre_line():
    # median 5: - - (5) + + - + + +  -> runs: --, ++, -, +++ -> longest 3, 3 crossings
    phase = _phase(analyze("run", [1, 2, 5, 8, 9, 3, 7, 8, 9]))

    assert (phase["n_useful"], phase["longest_run"], phase["n_crossings"]) == (8, 3, 3)


def test_anhoej_signals_a_run_longer_than_its_limit():
    # 12 useful points, limit 7: eight below then four above
    phase = _phase(analyze("i", [1] * 8 + [9] * 4))

    assert phase["longest_run"] == 8
    assert phase["longest_run_max"] == 7
    assert phase["runs_signal"] is True


def test_anhoej_signals_too_few_crossings():
    # 20 points, 5 crossings; the minimum for 20 is 6; longest run 4 is within 7
    y = [1, 1, 1, 1, 9, 9, 9, 1, 1, 1, 9, 9, 9, 1, 1, 1, 9, 9, 9, 9]
    phase = _phase(analyze("run", y))

    assert (phase["longest_run"], phase["n_crossings"], phase["n_crossings_min"]) == (4, 5, 6)
    assert phase["runs_signal"] is True


def test_anhoej_has_no_signal_for_too_many_crossings():
    phase = _phase(analyze("run", [1, 9] * 10))

    assert phase["n_crossings"] == 19
    assert phase["runs_signal"] is False


def test_no_useful_points_give_undefined_runs_numbers_and_no_signal():
    phase = _phase(analyze("run", [5, 5, 5]))

    assert phase["n_useful"] == 0
    assert [phase[k] for k in ("longest_run", "longest_run_max")] == [None, None]
    assert [phase[k] for k in ("n_crossings", "n_crossings_min")] == [None, None]
    assert phase["runs_signal"] is False


def test_all_missing_values_give_no_centre_line_and_no_signal():
    result = analyze("p", [None, None], [None, 10])

    assert _points(result, "cl") == [None, None]
    assert _phase(result)["n_useful"] == 0
    assert _phase(result)["runs_signal"] is False


def test_caution_is_given_below_10_useful_observations():
    assert _phase(analyze("run", list(range(9))))["caution"] == CAUTION
    assert CAUTION == "fewer than 10 useful observations"


def test_no_caution_from_10_useful_observations():
    # 11 values, one on the median: 10 useful
    assert _phase(analyze("run", list(range(11))))["caution"] is None


# ---------------------------------------------------------------------------
# IHI run-chart rules (section 5)


def test_ihi_shift_needs_six_points_on_one_side():
    # median 5 from the frozen baseline 1, 9, 5, 9, 1
    five = analyze("run", [1, 9, 5, 9, 1, 6, 7, 8, 9, 6, 1], freeze=5)
    six = analyze("run", [1, 9, 5, 9, 1, 6, 7, 8, 9, 6, 7, 1], freeze=5)

    assert _ihi(five)["shifts"] == []
    assert _ihi(six)["shifts"] == [{"side": "above", "x": [6, 7, 8, 9, 10, 11]}]


def test_ihi_shift_skips_points_on_the_median_without_breaking_or_counting_them():
    # median 5; after the baseline: 6, 7, (5), 8, 9, 6, 7 -> six above, the 5 skipped
    result = analyze("run", [1, 9, 5, 9, 1, 6, 7, 5, 8, 9, 6, 7, 1], freeze=5)

    assert _ihi(result)["shifts"] == [{"side": "above", "x": [6, 7, 9, 10, 11, 12]}]
    flags = _points(result, "ihi_shift")
    assert [i + 1 for i, f in enumerate(flags) if f] == [6, 7, 9, 10, 11, 12]


def test_ihi_trend_needs_five_points_going_one_way():
    assert _ihi(analyze("run", [9, 1, 2, 3, 4, 0]))["trends"] == []
    assert _ihi(analyze("run", [9, 1, 2, 3, 4, 5, 0]))["trends"] == [
        {"direction": "up", "x": [2, 3, 4, 5, 6]}
    ]
    assert _ihi(analyze("run", [0, 5, 4, 3, 2, 1, 9]))["trends"] == [
        {"direction": "down", "x": [2, 3, 4, 5, 6]}
    ]


def test_ihi_trend_counts_equal_values_once_but_flags_them_all():
    assert _ihi(analyze("run", [1, 2, 2, 3, 4]))["trends"] == []
    result = analyze("run", [1, 2, 2, 3, 4, 5])
    assert _ihi(result)["trends"] == [{"direction": "up", "x": [1, 2, 3, 4, 5, 6]}]
    assert _points(result, "ihi_trend") == [True] * 6


def test_ihi_trend_does_not_skip_points_on_the_median():
    # median 3 is the middle point of the trend
    result = analyze("run", [1, 2, 3, 4, 5])

    assert _ihi(result)["trends"] == [{"direction": "up", "x": [1, 2, 3, 4, 5]}]


def test_ihi_trend_skips_missing_values():
    result = analyze("run", [1, 2, None, 3, 4, 5])

    assert _ihi(result)["trends"] == [{"direction": "up", "x": [1, 2, 4, 5, 6]}]
    assert _points(result, "ihi_trend") == [True, True, False, True, True, True]


def test_ihi_trends_share_their_turning_point():
    result = analyze("run", [1, 2, 3, 4, 5, 4, 3, 2, 1])

    assert _ihi(result)["trends"] == [
        {"direction": "up", "x": [1, 2, 3, 4, 5]},
        {"direction": "down", "x": [5, 6, 7, 8, 9]},
    ]


def test_ihi_too_many_runs():
    ihi = _ihi(analyze("run", [1, 9] * 10))  # 20 runs, upper limit for 20 is 16

    assert (ihi["n_runs"], ihi["runs_limits"]) == (20, [6, 16])
    assert (ihi["too_few_runs"], ihi["too_many_runs"]) == (False, True)


def test_ihi_too_few_runs():
    ihi = _ihi(analyze("run", [1] * 10 + [9] * 10))  # 2 runs, lower limit for 20 is 6

    assert (ihi["n_runs"], ihi["too_few_runs"], ihi["too_many_runs"]) == (2, True, False)


def test_ihi_runs_rule_is_not_applied_below_10_useful_observations():
    ihi = _ihi(analyze("run", [1, 9] * 4 + [5]))  # 9 points, 8 useful

    assert (ihi["n_useful"], ihi["n_runs"]) == (8, 8)
    assert (ihi["runs_limits"], ihi["too_few_runs"], ihi["too_many_runs"]) == (None, None, None)


def test_ihi_runs_table_is_the_published_table_for_10_to_40():
    assert {n: runs_limits(n) for n in range(10, 41)} == RUNS_TABLE
    assert RUNS_TABLE[10] == (3, 9)
    assert RUNS_TABLE[40] == (15, 27)
    assert runs_limits(9) is None


def test_exact_swed_eisenhart_limits_differ_from_the_table_in_the_documented_rows():
    differing = [n for n in range(10, 41) if exact_runs_limits(n) != RUNS_TABLE[n]]

    assert differing == [11, 12, 17, 20, 22, 23, 25, 27, 30, 32, 33, 35, 37, 39]
    for n in differing:  # the table is the wider one
        assert RUNS_TABLE[n][0] <= exact_runs_limits(n)[0]
        assert RUNS_TABLE[n][1] >= exact_runs_limits(n)[1]


def test_exact_swed_eisenhart_limits_for_ten_points():
    # 5 above, 5 below: P(R <= 2) = 2/252, P(R <= 3) = 10/252 = 0.0397 -> lower 3;
    # symmetric at the top -> upper 9
    assert exact_runs_limits(10) == (3, 9)


def test_ihi_runs_limits_above_40_use_the_exact_distribution():
    assert runs_limits(41) == exact_runs_limits(41)
    assert runs_limits(60) == exact_runs_limits(60)
    ihi = _ihi(analyze("run", [1, 9] * 25))  # 50 useful points, 50 runs
    assert ihi["runs_limits"] == list(exact_runs_limits(50))
    assert ihi["too_many_runs"] is True


def test_ihi_rules_are_only_reported_for_run_charts():
    assert _phase(analyze("i", [1, 2, 3]))["ihi"] is None
    assert _points(analyze("i", [1, 2, 3, 4, 5, 6]), "ihi_trend") == [False] * 6


# ---------------------------------------------------------------------------
# Output shape (section 9)


def test_points_echo_any_labels():
    import datetime

    months = [datetime.date(2025, m, 1) for m in (1, 2, 3)]

    assert _points(analyze("run", [1, 2, 3], x=months), "x") == months


def test_as_dict_has_exactly_the_documented_keys():
    result = analyze("run", [1, 2, 3, 4], freeze=2).as_dict()

    assert set(result) == {"chart", "points", "phases"}
    assert set(result["points"][0]) == {
        "x", "value", "denominator", "subgroup_size", "phase", "baseline", "excluded",
        "cl", "lcl", "ucl", "sigma_signal", "ihi_shift", "ihi_trend",
    }  # fmt: skip
    assert set(result["phases"][0]) == {
        "phase", "n_obs", "n_useful", "longest_run", "longest_run_max", "n_crossings",
        "n_crossings_min", "runs_signal", "sigma_signals", "ihi", "caution",
    }  # fmt: skip
    assert set(result["phases"][0]["ihi"]) == {
        "median", "n_useful", "n_runs", "runs_limits", "too_few_runs", "too_many_runs",
        "shifts", "trends", "baseline_only_runs",
    }  # fmt: skip


def test_as_dict_returns_a_copy():
    result = analyze("run", [1, 2, 3])
    result.as_dict()["points"][0]["value"] = 99

    assert result.as_dict()["points"][0]["value"] == 1.0


@pytest.mark.parametrize("position", [0, 4])
def test_positions_outside_the_series_are_rejected(position):
    with pytest.raises(ValueError, match="outside"):
        analyze("i", [1, 2, 3], exclude=[position])


def test_an_infinite_value_is_rejected_naming_its_position():
    with pytest.raises(ValueError, match="position 2 is not a finite number"):
        analyze("i", [1, float("inf"), 3])


def test_a_nan_value_is_a_missing_value():
    assert _points(analyze("i", [1, float("nan"), 3]), "value") == [1.0, None, 3.0]


def test_with_every_point_excluded_there_is_no_centre_line_and_no_limits():
    result = analyze("c", [1, 2, 3], exclude=[1, 2, 3])

    assert _points(result, "cl") == [None] * 3
    assert _points(result, "lcl") == [None] * 3
    assert _points(result, "ucl") == [None] * 3
    assert _phase(result)["n_useful"] == 0


# ---------------------------------------------------------------------------
# Several rows for one month (1.1)


def test_a_missing_numerator_or_denominator_makes_both_missing_but_0_over_0_keeps_its_0():
    result = analyze("p", [None, 3, 0, 2], [10, None, 0, 10])

    assert _points(result, "denominator") == [None, None, 0.0, 10.0]
    assert _points(result, "value") == [None, None, None, 0.2]


def test_consecutive_rows_with_the_same_label_are_averaged_on_an_i_chart():
    result = analyze("i", [2, 4, None, 7, 1], x=["jan", "jan", "feb", "feb", "mar"])

    assert _points(result, "x") == ["jan", "feb", "mar"]
    assert _points(result, "value") == [3.0, 7.0, 1.0]
    assert _points(result, "subgroup_size") == [2, 1, 1]


def test_consecutive_rows_with_the_same_label_are_summed_on_a_c_chart():
    result = analyze("c", [2, 4, 7, 1], x=["jan", "jan", "feb", "mar"])

    assert _points(result, "value") == [6.0, 7.0, 1.0]


def test_consecutive_ratio_rows_with_the_same_label_pool_numerators_and_denominators():
    # jan: (1 + 9) / (10 + 30) = 0.25, not the mean of 0.1 and 0.3
    result = analyze("p", [1, 9, 5, None], [10, 30, 20, 5], x=[1, 1, 2, 2])

    assert _points(result, "value") == [0.25, 0.25]
    assert _points(result, "denominator") == [40.0, 20.0]
    assert _points(result, "subgroup_size") == [2, 1]


def test_rows_with_the_same_label_are_only_combined_when_consecutive():
    result = analyze("run", [1, 2, 3], x=["a", "b", "a"])

    assert _points(result, "x") == ["a", "b", "a"]


def test_a_ratio_chart_without_denominators_is_rejected():
    with pytest.raises(ValueError, match=r"^denominators \(n\) are needed for a p chart"):
        analyze("p", [1, 2, 3])
