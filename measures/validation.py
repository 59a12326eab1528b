"""Checks on one measure's value, shared by the report form, the API and the import.

Pure functions, no queries: they take the measure and the entered numbers and
answer with plain-language messages. ``check_value`` gives errors that block a
save; ``unusual_value_warning`` gives a warning the team may ignore.
"""

from __future__ import annotations

from decimal import Decimal
from statistics import median
from typing import TYPE_CHECKING

from measures.models.measures import RATIO_SHAPES, MeasureShape

if TYPE_CHECKING:
    from measures.models import Measure

# Scaling of the median absolute deviation to match a standard deviation for
# normal data, and how many of those a value may be away before it is unusual.
MAD_SCALE = Decimal("1.4826")
UNUSUAL_DISTANCE = 3
MIN_HISTORY = 6


def _is_whole(number: Decimal) -> bool:
    return number == number.to_integral_value()


def check_value(
    measure: Measure,
    numerator: Decimal | None,
    denominator: Decimal | None,
    value: Decimal | None,
    not_available: bool,
    reason: str,
) -> list[tuple[str, str]]:
    """Every problem with these numbers for ``measure``, as ``(field, message)`` pairs.

    Fields are ``numerator``, ``denominator``, ``value`` and ``reason``. An empty
    list means the value may be saved. Nothing entered at all is not an error
    here: whether a required measure was left empty is decided on submission.
    """
    errors: list[tuple[str, str]] = []
    if not_available:
        if not (reason or "").strip():
            errors.append(("reason", "Say why this value is not available."))
        for name, number in (
            ("numerator", numerator),
            ("denominator", denominator),
            ("value", value),
        ):
            if number is not None:
                errors.append((name, "Leave this empty when the value is not available."))
        return errors

    for name, number in (("numerator", numerator), ("denominator", denominator), ("value", value)):
        if number is not None and number < 0:
            errors.append((name, "Enter a number of zero or more."))
    if errors:
        return errors

    if measure.shape in RATIO_SHAPES:
        if value is not None:
            errors.append(
                ("value", "Enter the numerator and denominator; the value is worked out.")
            )
        if numerator is None and denominator is None:
            return errors
        if numerator is None:
            errors.append(("numerator", "Enter the numerator as well as the denominator."))
        if denominator is None:
            errors.append(("denominator", "Enter the denominator as well as the numerator."))
        if measure.shape == MeasureShape.PERCENTAGE:
            # A percentage counts cases: both parts are whole numbers.
            if numerator is not None and not _is_whole(numerator):
                errors.append(("numerator", "Enter a whole number."))
            if denominator is not None and not _is_whole(denominator):
                errors.append(("denominator", "Enter a whole number."))
        if denominator is not None and denominator == 0:
            errors.append(
                (
                    "denominator",
                    "The denominator must be more than zero; if there was nothing to "
                    "count this month, mark the value as not available and say why.",
                )
            )
        if (
            numerator is not None
            and denominator is not None
            and measure.shape == MeasureShape.PERCENTAGE
            and numerator > denominator
        ):
            errors.append(("numerator", "The numerator cannot be more than the denominator."))
        return errors

    for name, number in (("numerator", numerator), ("denominator", denominator)):
        if number is not None:
            errors.append((name, "This measure takes one value, not a numerator and denominator."))
    if value is None and (numerator is not None or denominator is not None):
        errors.append(("value", f"Enter the {measure.get_shape_display().lower()}."))
    if value is not None and measure.shape == MeasureShape.COUNT and not _is_whole(value):
        errors.append(("value", "A count is a whole number."))
    return errors


def rate_or_value(
    measure: Measure,
    numerator: Decimal | None,
    denominator: Decimal | None,
    value: Decimal | None,
) -> Decimal | None:
    """The number a chart plots: a percentage, a rate per N, or the value itself."""
    if measure.shape in RATIO_SHAPES:
        if numerator is None or not denominator:
            return None
        if measure.shape == MeasureShape.PERCENTAGE:
            return numerator / denominator * 100
        return numerator / denominator * (measure.rate_per or 1)
    return value


def unusual_value_warning(
    measure: Measure, new_rate_or_value: Decimal | None, history: list[Decimal]
) -> str | None:
    """A warning when a value lies far outside the team's own history, else None.

    With at least six earlier points, a value more than three scaled median
    absolute deviations from their median is unusual. Not a block: the team
    checks the number and keeps it if it is right.
    """
    points = [Decimal(point) for point in history if point is not None]
    if new_rate_or_value is None or len(points) < MIN_HISTORY:
        return None
    middle = median(points)
    spread = median([abs(point - middle) for point in points]) * MAD_SCALE
    new = Decimal(new_rate_or_value)
    if spread == 0:
        if new == middle:
            return None
        # Every earlier point is (nearly) the same: anything else is unusual only if
        # clearly outside the values seen so far.
        if min(points) <= new <= max(points):
            return None
    elif abs(new - middle) <= UNUSUAL_DISTANCE * spread:
        return None
    unit = f" {measure.unit}" if measure.unit else ""
    return (
        f"{_plain(new)}{unit} is far from this team's usual values for {measure.name} "
        f"(typically around {_plain(middle)}{unit}). Please check the number; "
        "if it is right, save it anyway."
    )


def _plain(number: Decimal) -> str:
    rounded = Decimal(number).quantize(Decimal("0.01"))
    text = format(rounded, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
