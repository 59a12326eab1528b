"""The value checks shared by report forms, the API and the import (measures/validation.py)."""

from __future__ import annotations

from decimal import Decimal as D

from measures.models import Measure
from measures.validation import check_value, rate_or_value, unusual_value_warning


def measure(shape: str, **kwargs) -> Measure:
    return Measure(
        name="Falls", code="falls", shape=shape, rate_per=kwargs.pop("per", None), **kwargs
    )


def fields(errors):
    return [field for field, _message in errors]


def test_a_good_percentage_passes():
    assert check_value(measure("percentage"), D(3), D(10), None, False, "") == []


def test_nothing_entered_is_not_an_error():
    assert check_value(measure("percentage"), None, None, None, False, "") == []


def test_it_rejects_a_numerator_above_the_denominator():
    assert fields(check_value(measure("percentage"), D(11), D(10), None, False, "")) == [
        "numerator"
    ]


def test_a_rate_numerator_may_exceed_its_denominator():
    assert check_value(measure("rate", per=100), D(150), D(100), None, False, "") == []


def test_it_rejects_negative_numbers():
    assert fields(check_value(measure("count"), None, None, D(-1), False, "")) == ["value"]
    assert fields(check_value(measure("percentage"), D(-1), D(4), None, False, "")) == ["numerator"]


def test_a_count_must_be_whole():
    assert fields(check_value(measure("count"), None, None, D("2.5"), False, "")) == ["value"]


def test_percentage_parts_must_be_whole():
    assert fields(check_value(measure("percentage"), D("1.5"), D("4.5"), None, False, "")) == [
        "numerator",
        "denominator",
    ]


def test_the_denominator_must_be_above_zero():
    assert fields(check_value(measure("percentage"), D(0), D(0), None, False, "")) == [
        "denominator"
    ]


def test_a_rate_needs_both_numerator_and_denominator():
    assert fields(check_value(measure("rate", per=1000), D(3), None, None, False, "")) == [
        "denominator"
    ]
    assert fields(check_value(measure("rate", per=1000), None, D(300), None, False, "")) == [
        "numerator"
    ]


def test_a_mean_needs_a_value_not_parts():
    assert fields(check_value(measure("mean"), D(3), D(4), None, False, "")) == [
        "numerator",
        "denominator",
        "value",
    ]
    assert check_value(measure("median"), None, None, D("4.5"), False, "") == []


def test_not_available_needs_a_reason():
    assert fields(check_value(measure("count"), None, None, None, True, " ")) == ["reason"]
    assert check_value(measure("count"), None, None, None, True, "Nurse on leave") == []


def test_not_available_with_numbers_is_refused():
    assert fields(check_value(measure("count"), None, None, D(4), True, "Away")) == ["value"]


def test_rate_or_value_works_out_percentages_and_rates():
    assert rate_or_value(measure("percentage"), D(1), D(4), None) == D(25)
    assert rate_or_value(measure("rate", per=1000), D(2), D(500), None) == D(4)
    assert rate_or_value(measure("mean"), None, None, D(7)) == D(7)


def test_no_warning_with_short_history():
    assert unusual_value_warning(measure("count"), D(500), [D(10)] * 5) is None


def test_a_value_far_outside_history_is_flagged():
    history = [D(10), D(12), D(11), D(9), D(10), D(13)]
    warning = unusual_value_warning(measure("count"), D(60), history)
    assert warning is not None and "60" in warning


def test_a_value_within_history_is_not_flagged():
    history = [D(10), D(12), D(11), D(9), D(10), D(13)]
    assert unusual_value_warning(measure("count"), D(14), history) is None


def test_a_change_from_a_flat_history_is_flagged():
    assert unusual_value_warning(measure("count"), D(5), [D(0)] * 6) is not None
    assert unusual_value_warning(measure("count"), D(0), [D(0)] * 6) is None
