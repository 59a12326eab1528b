"""Template filters of the progress assessment pages: ``{{ score|score }}`` prints 4 or 3.5,
``{{ words|level:score }}`` the collaborative's label of that level."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from teams.selectors.assessments import score_text

register = template.Library()


@register.filter(name="score")
def score_filter(value: Decimal | None) -> str:
    return score_text(value) if value is not None else ""


@register.filter
def level(words: dict[Decimal, str] | None, value: Decimal | None) -> str:
    if not words or value is None:
        return ""
    return words.get(value, "")


@register.filter
def signed_score(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = score_text(abs(value))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"-{text}"
    return "0"


@register.filter
def bar_percent(count: int, largest: Any) -> int:
    """A bar's width in percent of the largest count (for the distribution)."""
    try:
        return round(100 * int(count) / int(largest)) if int(largest) else 0
    except (TypeError, ValueError):
        return 0
